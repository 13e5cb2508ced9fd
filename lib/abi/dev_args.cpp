// Argument rules shared by the hand-written device functions (dev_args.h).
#include "dev_args.h"

#include "core/lists.h"

#include <arpa/inet.h>

#include <cstdlib>
#include <cerrno>

namespace prl::abi {

std::string line_arg(PRL_CONST_STR s) {
    require(s != nullptr, PRL_ERR_INVALID_ARG, "null string");
    std::string value(s);
    require(service::is_storable_path(value), PRL_ERR_INVALID_ARG,
            "invalid text (one line of UTF-8 without control characters, at most 4096 bytes)");
    return value;
}

std::string text_arg_checked(PRL_CONST_STR s) {
    require(s != nullptr, PRL_ERR_INVALID_ARG, "null string");
    std::string value(s);
    require(service::is_storable_text(value), PRL_ERR_INVALID_ARG,
            "invalid text (UTF-8 without control characters, at most 64 KiB)");
    return value;
}

std::vector<std::string> strings_arg(PRL_HANDLE list) {
    if (list == PRL_INVALID_HANDLE) return {};
    auto items = handle_cast<StringsList>(list)->items();
    require(items.size() <= 4096, PRL_ERR_INVALID_ARG, "too many items");
    for (const auto& item : items)
        require(service::is_storable_path(item), PRL_ERR_INVALID_ARG, "list item is not one line of UTF-8 text");
    return items;
}

void give_strings(std::vector<std::string> items, PRL_HANDLE_PTR out) {
    give(std::make_shared<StringsList>(std::move(items)), out);
}

long long int_at(const service::XmlTree& tree, const std::string& path, long long fallback) {
    auto text = tree.text_at(path);
    if (!text || text->empty()) return fallback;
    errno = 0;
    char* end = nullptr;
    long long v = std::strtoll(text->c_str(), &end, 10);
    if (errno != 0 || *end != '\0') return fallback;
    return v;
}

bool bool_at(const service::XmlTree& tree, const std::string& path, bool fallback) {
    auto text = tree.text_at(path);
    if (!text) return fallback;
    if (*text == "1" || *text == "true") return true;
    if (*text == "0" || *text == "false") return false;
    return fallback;
}

std::vector<std::string> texts_of(const service::XmlTree& tree, const std::string& name) {
    std::vector<std::string> out;
    for (const auto* child : tree.all(name)) out.push_back(child->text);
    return out;
}

void set_texts(service::XmlTree& tree, const std::string& name, const std::vector<std::string>& values) {
    tree.remove_all(name);
    for (const auto& v : values) tree.add_child(name).text = v;
}

bool is_ipv4(const std::string& s) {
    unsigned char buf[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, s.c_str(), buf) == 1;
}

bool is_ipv6(const std::string& s) {
    unsigned char buf[sizeof(struct in6_addr)];
    return inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

namespace {

std::optional<int> prefix_of(const std::string& s, int max) {
    if (s.empty() || s.size() > 3) return std::nullopt;
    for (char c : s)
        if (c < '0' || c > '9') return std::nullopt;
    const int v = std::atoi(s.c_str());
    if (v > max) return std::nullopt;
    return v;
}

std::string dotted_mask(int prefix) {
    const unsigned long mask = prefix == 0 ? 0ul : (0xFFFFFFFFul << (32 - prefix)) & 0xFFFFFFFFul;
    return std::to_string((mask >> 24) & 0xFF) + "." + std::to_string((mask >> 16) & 0xFF) + "." +
           std::to_string((mask >> 8) & 0xFF) + "." + std::to_string(mask & 0xFF);
}

bool is_contiguous_mask(const std::string& s) {
    struct in_addr a {};
    if (inet_pton(AF_INET, s.c_str(), &a) != 1) return false;
    const unsigned long m = ntohl(a.s_addr);
    const unsigned long inverted = ~m & 0xFFFFFFFFul;
    return (inverted & (inverted + 1)) == 0;  // ones then zeros
}

}  // namespace

std::optional<std::string> normalize_ip_mask(const std::string& s) {
    const auto slash = s.find('/');
    const std::string addr = s.substr(0, slash);
    if (slash == std::string::npos) {
        if (is_ipv4(addr) || is_ipv6(addr)) return addr;
        return std::nullopt;
    }
    const std::string mask = s.substr(slash + 1);
    if (is_ipv4(addr)) {
        if (auto p = prefix_of(mask, 32)) return addr + "/" + dotted_mask(*p);
        if (is_contiguous_mask(mask)) return addr + "/" + mask;
        return std::nullopt;
    }
    if (is_ipv6(addr)) {
        if (auto p = prefix_of(mask, 128)) return addr + "/" + std::to_string(*p);
        return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace prl::abi
