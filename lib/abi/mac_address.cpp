#include "mac_address.h"

#include "service/store/net_address.h"

#include <cctype>
#include <random>

namespace prl::abi {

std::string generate_mac() { return service::random_mac(); }

std::optional<std::string> parse_mac(const std::string& text) {
    std::string hex;
    if (text.size() == 12) {
        hex = text;
    } else if (text.size() == 17) {
        const char sep = text[2];
        if (sep != ':' && sep != '-') return std::nullopt;
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (i % 3 == 2) {
                if (text[i] != sep) return std::nullopt;
            } else {
                hex += text[i];
            }
        }
    } else {
        return std::nullopt;
    }
    for (char& c : hex) {
        if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return hex;
}

std::string canonical_mac(const std::string& stored) {
    auto mac = parse_mac(stored);
    if (!mac) return stored;
    std::string out;
    for (std::size_t i = 0; i < 12; i += 2) {
        if (i) out += ':';
        out += mac->substr(i, 2);
    }
    return out;
}

}  // namespace prl::abi
