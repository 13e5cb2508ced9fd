// UUIDs as the product writes them: lower-case, in braces, "{xxxxxxxx-...}".
#pragma once
#include <optional>
#include <string>

namespace prl::service {

std::string new_braced_uuid();

// Accepts "{uuid}" or a bare uuid, any case; returns the braced lower-case
// form, or nothing if `text` is not a UUID.
std::optional<std::string> normalize_uuid(const std::string& text);

}  // namespace prl::service
