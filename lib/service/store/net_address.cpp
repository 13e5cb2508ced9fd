#include "net_address.h"

#include <random>

#include <arpa/inet.h>

#include <cctype>
#include <cstring>

namespace prl::service {

std::optional<std::string> normalize_ip(const std::string& text) {
    if (text.empty() || text.size() > 64 || text.find('\0') != std::string::npos) return std::nullopt;
    char out[INET6_ADDRSTRLEN];
    unsigned char bytes[16];
    if (inet_pton(AF_INET, text.c_str(), bytes) == 1 && inet_ntop(AF_INET, bytes, out, sizeof out))
        return std::string(out);
    if (inet_pton(AF_INET6, text.c_str(), bytes) == 1 && inet_ntop(AF_INET6, bytes, out, sizeof out))
        return std::string(out);
    return std::nullopt;
}

std::optional<std::uint32_t> parse_ipv4(const std::string& text) {
    in_addr a{};
    if (text.size() > 15 || inet_pton(AF_INET, text.c_str(), &a) != 1) return std::nullopt;
    return ntohl(a.s_addr);
}

bool is_ipv6(const std::string& text) {
    unsigned char bytes[16];
    return text.size() <= 64 && inet_pton(AF_INET6, text.c_str(), bytes) == 1;
}

std::string ipv4_text(std::uint32_t address) {
    in_addr a{};
    a.s_addr = htonl(address);
    char out[INET_ADDRSTRLEN];
    return inet_ntop(AF_INET, &a, out, sizeof out) ? std::string(out) : std::string();
}

bool split_ip_mask(const std::string& text, std::string& ip, std::string& mask) {
    const auto slash = text.find('/');
    ip = text.substr(0, slash);
    mask = slash == std::string::npos ? std::string() : text.substr(slash + 1);
    const bool v6 = is_ipv6(ip);
    if (!v6 && !parse_ipv4(ip)) return false;
    if (slash == std::string::npos) return true;
    if (mask.empty()) return false;
    bool digits = mask.size() <= 3;
    for (char c : mask) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (digits) return std::stoi(mask) <= (v6 ? 128 : 32);
    if (v6) return false;
    auto m = parse_ipv4(mask);
    if (!m) return false;
    const std::uint32_t inv = ~*m;
    return (inv & (inv + 1)) == 0;  // 1...10...0
}

std::string mac_digits(const std::string& mac) {
    std::string out;
    for (char c : mac)
        if (std::isxdigit(static_cast<unsigned char>(c))) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string random_mac() {
    static const char* digits = "0123456789ABCDEF";
    std::random_device rd;
    std::string mac = "001C42";
    for (int i = 0; i < 6; ++i) mac += digits[rd() & 0xF];
    return mac;
}

}  // namespace prl::service
