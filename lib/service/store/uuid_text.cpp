#include "uuid_text.h"

#include <uuid/uuid.h>

namespace prl::service {

std::string new_braced_uuid() {
    uuid_t raw;
    uuid_generate(raw);
    char text[37];
    uuid_unparse_lower(raw, text);
    return std::string("{") + text + "}";
}

std::optional<std::string> normalize_uuid(const std::string& text) {
    std::string bare = text;
    if (bare.size() == 38 && bare.front() == '{' && bare.back() == '}') bare = bare.substr(1, 36);
    if (bare.size() != 36) return std::nullopt;
    uuid_t raw;
    if (uuid_parse(bare.c_str(), raw) != 0) return std::nullopt;
    char out[37];
    uuid_unparse_lower(raw, out);
    return std::string("{") + out + "}";
}

}  // namespace prl::service
