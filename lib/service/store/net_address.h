// IP addresses as the network document writes them (the product's
// QHostAddress::toString): IPv4 dotted quads, IPv6 in the compressed
// lower-case form.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace prl::service {

// The address in its canonical text, or nothing when `text` is not one IPv4
// or IPv6 address.
std::optional<std::string> normalize_ip(const std::string& text);
// An IPv4 address as a number (host order), or nothing.
std::optional<std::uint32_t> parse_ipv4(const std::string& text);
bool is_ipv6(const std::string& text);
std::string ipv4_text(std::uint32_t address);

// "ip", "ip/prefix" or "ip/dotted-mask" (the product's ParseIpMask): true
// when it reads as one; `ip` and `mask` receive the parts (mask as given).
bool split_ip_mask(const std::string& text, std::string& ip, std::string& mask);

// MACs compare as their hex digits, whatever the separators and case.
std::string mac_digits(const std::string& mac);
// A new random MAC under the product's prefix 00:1C:42, as 12 upper-case hex
// digits (the form config.pvs keeps).
std::string random_mac();

}  // namespace prl::service
