// MAC addresses as the product keeps them: 12 upper-case hex digits; new
// ones are random under the product's prefix 00:1C:42.
#pragma once

#include <optional>
#include <string>

namespace prl::abi {

std::string generate_mac();
// "001C42A1B2C3", "00:1c:42:a1:b2:c3" or "00-1C-42-A1-B2-C3" -> "001C42A1B2C3".
std::optional<std::string> parse_mac(const std::string& text);
// "001C42A1B2C3" -> "00:1C:42:A1:B2:C3" (other text is returned as it is).
std::string canonical_mac(const std::string& stored);

}  // namespace prl::abi
