// Reading and writing one table-driven property (props.h).
#include "props.h"

#include "owners.h"

#include "core/error.h"
#include "service/store/net_address.h"
#include "service/store/text_rules.h"
#include "service/store/vm_config.h"

#include <PrlErrors.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <optional>

namespace prl::props {
namespace {

std::optional<std::string> read_text(Owner owner, PRL_HANDLE h, const Spec& spec) {
    std::optional<std::string> out;
    with_tree(owner, h, false, [&](service::XmlTree& t) { out = t.text_at(spec.path); });
    return out;
}

void write_text(Owner owner, PRL_HANDLE h, const Spec& spec, const std::string& text) {
    with_tree(owner, h, true, [&](service::XmlTree& t) { t.set_text_at(spec.path, text); });
}

std::optional<long long> parse_int(const std::string& s) {
    if (s.empty()) return std::nullopt;
    errno = 0;
    char* end = nullptr;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno == ERANGE) {  // unsigned 64-bit values above INT64_MAX
        errno = 0;
        unsigned long long u = std::strtoull(s.c_str(), &end, 10);
        if (errno == ERANGE) return std::nullopt;
        v = static_cast<long long>(u);
    }
    if (*end != '\0') return std::nullopt;
    return v;
}

std::optional<bool> parse_bool(const std::string& s) {
    if (s == "true" || s == "1") return true;
    if (s == "false" || s == "0") return false;
    return std::nullopt;
}

bool accepted(const Spec& spec, long long v) {
    if (spec.allowed) {
        for (std::size_t i = 0; i < spec.allowed_count; ++i)
            if (spec.allowed[i] == v) return true;
        return false;
    }
    return v >= spec.lo && v <= spec.hi;
}

}  // namespace

bool get_bool(Owner owner, PRL_HANDLE h, const Spec& spec) {
    if (auto t = read_text(owner, h, spec))
        if (auto b = parse_bool(*t)) return *b;
    return parse_bool(spec.fallback).value_or(false);
}

long long get_int(Owner owner, PRL_HANDLE h, const Spec& spec) {
    if (auto t = read_text(owner, h, spec))
        if (auto v = parse_int(*t)) return *v;
    return parse_int(spec.fallback).value_or(0);
}

double get_real(Owner owner, PRL_HANDLE h, const Spec& spec) {
    auto parse = [](const std::string& s) -> std::optional<double> {
        if (s.empty()) return std::nullopt;
        char* end = nullptr;
        double v = std::strtod(s.c_str(), &end);
        if (*end != '\0' || !std::isfinite(v)) return std::nullopt;
        return v;
    };
    if (auto t = read_text(owner, h, spec))
        if (auto v = parse(*t)) return *v;
    return parse(spec.fallback).value_or(0.0);
}

std::string get_text(Owner owner, PRL_HANDLE h, const Spec& spec) {
    return read_text(owner, h, spec).value_or(spec.fallback);
}

void set_bool(Owner owner, PRL_HANDLE h, const Spec& spec, bool value) {
    const char* text = spec.kind == Kind::boolean01 ? (value ? "1" : "0") : (value ? "true" : "false");
    write_text(owner, h, spec, text);
}

void set_int(Owner owner, PRL_HANDLE h, const Spec& spec, long long value) {
    require(accepted(spec, value), PRL_ERR_INVALID_ARG, "value out of range");
    write_text(owner, h, spec, std::to_string(value));
}

void set_real(Owner owner, PRL_HANDLE h, const Spec& spec, double value) {
    require(std::isfinite(value) && value >= static_cast<double>(spec.lo) && value <= static_cast<double>(spec.hi),
            PRL_ERR_INVALID_ARG, "value out of range");
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", value);
    write_text(owner, h, spec, buf);
}

void set_text(Owner owner, PRL_HANDLE h, const Spec& spec, PRL_CONST_STR value) {
    if (value == nullptr && spec.rule == TextRule::line_or_null) value = "";
    require(value != nullptr, PRL_ERR_INVALID_ARG, "null string");
    std::string text(value);
    if (spec.rule == TextRule::ip) {
        auto ip = service::normalize_ip(text);
        require(ip.has_value(), PRL_ERR_INVALID_ARG, "not an IP address");
        write_text(owner, h, spec, *ip);
        return;
    }
    const bool ok = spec.rule == TextRule::line || spec.rule == TextRule::line_or_null ? service::is_storable_path(text)
                                                : service::is_storable_text(text);
    require(ok, PRL_ERR_INVALID_ARG, "text not storable (UTF-8 without control characters expected)");
    write_text(owner, h, spec, text);
}

}  // namespace prl::props
