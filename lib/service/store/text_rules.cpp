#include "text_rules.h"

#include "error.h"

namespace prl::service {

bool is_valid_utf8(const std::string& s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    std::size_t i = 0, n = s.size();
    while (i < n) {
        unsigned c = p[i];
        std::size_t len;
        unsigned cp;
        if (c < 0x80) { ++i; continue; }
        if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
        else return false;
        if (i + len > n) return false;
        for (std::size_t k = 1; k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        // Reject overlong forms, surrogates and values past U+10FFFF.
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
    }
    return true;
}

bool is_xml_safe_text(const std::string& s, std::size_t max_bytes) {
    if (s.size() > max_bytes) return false;
    for (unsigned char c : s)
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
    return is_valid_utf8(s);
}

bool is_valid_entry_name(const std::string& name) {
    if (name.empty() || name.size() > 200 || name.front() == '.') return false;
    for (unsigned char c : name)
        if (c < 0x20 || c == 0x7F || c == '/') return false;
    return is_valid_utf8(name);
}

void check_entry_name(const std::string& name) {
    if (name.empty()) throw Error(Errc::invalid_argument, "empty name");  // product: PRL_ERR_VM_NAME_IS_EMPTY
    if (!is_valid_entry_name(name))
        throw Error(Errc::invalid_argument,
                    "invalid name (must be UTF-8, at most 200 bytes, no '/', control characters or leading '.')");
}

}  // namespace prl::service
