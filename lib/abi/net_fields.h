// Small accessors for the hand-written network entry points (vnet.cpp,
// net_policy.cpp): one value of an XmlObject's element, read with the
// product's default when missing, written after the argument checks.
#pragma once

#include "boundary.h"
#include "copy_out.h"

#include "core/lists.h"
#include "core/net_objects.h"
#include "service/store/net_address.h"
#include "service/store/vm_config.h"

#include <cstdlib>
#include <string>
#include <vector>

namespace prl::abi::net {

template <class T>
std::string text(PRL_HANDLE h, const char* path, const char* fallback = "") {
    return handle_cast<T>(h)->with_tree([&](service::XmlTree& t) { return t.text_at(path).value_or(fallback); });
}

template <class T>
PRL_RESULT text_out(PRL_HANDLE h, const char* path, PRL_STR buf, PRL_UINT32_PTR len, const char* fallback = "") {
    auto obj = handle_cast<T>(h);
    out_ptr(len);
    return copy_out(obj->with_tree([&](service::XmlTree& t) { return t.text_at(path).value_or(fallback); }), buf, len);
}

enum class Rule { line, non_empty_line, ip };

template <class T>
void set_text(PRL_HANDLE h, const char* path, PRL_CONST_STR value, Rule rule) {
    auto obj = handle_cast<T>(h);
    require(value != nullptr, PRL_ERR_INVALID_ARG, "null string");
    std::string v(value);
    if (rule == Rule::ip) {
        auto ip = service::normalize_ip(v);
        require(ip.has_value(), PRL_ERR_INVALID_ARG, "not an IP address");
        v = *ip;
    } else {
        require(service::is_storable_path(v), PRL_ERR_INVALID_ARG, "not one line of UTF-8 text");
        require(rule != Rule::non_empty_line || !v.empty(), PRL_ERR_INVALID_ARG, "empty");
    }
    obj->with_tree([&](service::XmlTree& t) { t.set_text_at(path, v); });
}

template <class T>
long long number(PRL_HANDLE h, const char* path, long long fallback) {
    const std::string s = text<T>(h, path);
    if (s.empty()) return fallback;
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    return *end == '\0' ? v : fallback;
}

template <class T>
void set_number(PRL_HANDLE h, const char* path, long long value) {
    handle_cast<T>(h)->with_tree([&](service::XmlTree& t) { t.set_text_at(path, std::to_string(value)); });
}

// The elements of a handles list that are objects of type T (others are
// skipped, as the SDK skips them), as copies of their trees.
template <class T>
std::vector<service::XmlTree> trees_of(PRL_HANDLE list) {
    std::vector<service::XmlTree> out;
    auto l = handle_cast<HandlesList>(list);
    for (const auto& item : l->items())
        if (item && T::accepts(item->type())) out.push_back(static_cast<T&>(*item).copy());
    return out;
}

// A new handles list of T objects, one per element.
template <class T>
ObjectPtr list_of(const char* element, const std::vector<service::XmlTree>& trees) {
    auto l = std::make_shared<HandlesList>();
    for (const auto& t : trees) l->add(std::make_shared<T>(element, t));
    return l;
}

}  // namespace prl::abi::net
