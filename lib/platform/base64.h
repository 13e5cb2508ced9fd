// Base64 (standard alphabet, padded, no line breaks), through OpenSSL: event
// <Data>, prlshimd's packets and users file.
#pragma once
#include <string>
#include <string_view>

namespace prl::platform {

std::string base64_encode(std::string_view bytes);
// Skips whitespace; false on anything else that is not base64 ('=' only at
// the very end). `out` is cleared first.
bool base64_decode(std::string_view text, std::string& out);

}  // namespace prl::platform
