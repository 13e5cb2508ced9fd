#include "option_values.h"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>

#include <arpa/inet.h>

namespace prlctl {

int on_off(const std::string& v) { return v == "on" || v == "yes" ? 1 : v == "off" || v == "no" ? 0 : -1; }

std::optional<PRL_UINT32> unsigned_value(const std::string& v) {
    errno = 0;
    char* tail = nullptr;
    const unsigned long n = std::strtoul(v.c_str(), &tail, 10);
    if (*tail || errno == ERANGE || n > UINT_MAX) return std::nullopt;  // "" reads as 0, as in the product
    return static_cast<PRL_UINT32>(n);
}

std::optional<PRL_UINT32> size_value(const std::string& v, bool in_mb) {
    errno = 0;
    char* tail = nullptr;
    unsigned long long n = std::strtoull(v.c_str(), &tail, 10);
    if (errno == ERANGE) return std::nullopt;
    if (*tail) {
        unsigned long long unit = 1;
        switch (*tail) {
            case 'T': case 't': unit *= 1024; [[fallthrough]];
            case 'G': case 'g': unit *= 1024; [[fallthrough]];
            case 'M': case 'm': unit *= 1024; [[fallthrough]];
            case 'K': case 'k': unit *= 1024; [[fallthrough]];
            case 'B': case 'b': break;
            default: return std::nullopt;
        }
        if (tail[1]) return std::nullopt;
        n = in_mb ? n * unit / 1024 / 1024 : n * unit;
    } else if (!in_mb) {
        n *= 1024 * 1024;
    }
    if (n > UINT_MAX) {
        std::fprintf(stderr, "Valid range is [0;%u]\n", in_mb ? UINT_MAX : UINT_MAX / 1024 / 1024);
        return std::nullopt;
    }
    return static_cast<PRL_UINT32>(n);
}

std::string canonical_ip(const std::string& ip) {
    unsigned char bytes[16];
    char canonical[INET6_ADDRSTRLEN];
    if (ip.find(':') == std::string::npos || inet_pton(AF_INET6, ip.c_str(), bytes) != 1 ||
        !inet_ntop(AF_INET6, bytes, canonical, sizeof canonical))
        return ip;
    return canonical;
}

std::vector<std::string> split_words(const std::string& text, const std::string& separators) {
    std::vector<std::string> out;
    std::string word;
    for (char c : text) {
        if (separators.find(c) == std::string::npos) {
            word += c;
        } else if (!word.empty()) {
            out.push_back(word);
            word.clear();
        }
    }
    if (!word.empty()) out.push_back(word);
    return out;
}

}  // namespace prlctl
