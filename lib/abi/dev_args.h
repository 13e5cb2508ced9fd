// Argument rules shared by the hand-written device functions (vm_dev_*.cpp).
#pragma once

#include "boundary.h"

#include "service/store/vm_config.h"
#include "service/store/xml_tree.h"

#include <optional>
#include <string>
#include <vector>

namespace prl::abi {

// Text of one line (no control characters, tab, CR or LF; UTF-8; 4 KiB).
std::string line_arg(PRL_CONST_STR s);
// Free text (UTF-8 without control characters but tab and newline; 64 KiB).
std::string text_arg_checked(PRL_CONST_STR s);

// The items of a PHT_STRINGS_LIST handle; PRL_INVALID_HANDLE reads as an
// empty list. Each item must be a storable line.
std::vector<std::string> strings_arg(PRL_HANDLE list);
// A new PHT_STRINGS_LIST given to the client.
void give_strings(std::vector<std::string> items, PRL_HANDLE_PTR out);

// Number in a leaf of `tree` (fallback when missing or not a number).
long long int_at(const service::XmlTree& tree, const std::string& path, long long fallback);
bool bool_at(const service::XmlTree& tree, const std::string& path, bool fallback);
// The texts of the direct children named `name`.
std::vector<std::string> texts_of(const service::XmlTree& tree, const std::string& name);
// Replaces the direct children named `name` by one per value.
void set_texts(service::XmlTree& tree, const std::string& name, const std::vector<std::string>& values);

// IPv4 / IPv6 address text checks (inet_pton), and "ADDR[/MASK]" with MASK a
// prefix length or a dotted IPv4 mask; normalised to ADDR/MASK as the product
// stores it (an IPv4 mask in dotted form, an IPv6 one as a prefix).
bool is_ipv4(const std::string& s);
bool is_ipv6(const std::string& s);
std::optional<std::string> normalize_ip_mask(const std::string& s);

}  // namespace prl::abi
