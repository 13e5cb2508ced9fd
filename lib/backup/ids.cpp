#include "ids.h"

#include <uuid/uuid.h>

namespace prl::backup {

namespace {
constexpr size_t kUuidLen = 36;

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
}  // namespace

std::optional<std::string> canonical_uuid(std::string_view s) {
    if (s.size() == kUuidLen + 2) {
        if (s.front() != '{' || s.back() != '}') return std::nullopt;
        s = s.substr(1, kUuidLen);
    }
    if (s.size() != kUuidLen) return std::nullopt;
    std::string out = "{";
    for (size_t i = 0; i < kUuidLen; ++i) {
        const char c = s[i];
        const bool dash_pos = (i == 8 || i == 13 || i == 18 || i == 23);
        if (dash_pos ? c != '-' : !is_hex(c)) return std::nullopt;
        out.push_back((c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c);
    }
    out.push_back('}');
    return out;
}

std::string new_uuid() {
    uuid_t u;
    uuid_generate_random(u);
    char buf[kUuidLen + 1];
    uuid_unparse_lower(u, buf);
    return std::string("{") + buf + "}";
}

std::string uuid_dir_name(const std::string& canonical) { return canonical.substr(1, kUuidLen); }

std::string BackupId::str() const { return number == 1 ? chain : chain + "." + std::to_string(number); }

std::optional<BackupId> parse_backup_id(std::string_view s) {
    if (s.size() > kUuidLen + 2 + 11) return std::nullopt;
    const size_t dot = s.find('.');
    BackupId id;
    auto uuid = canonical_uuid(s.substr(0, dot));
    if (!uuid || uuid->size() != kUuidLen + 2 || s.front() != '{') return std::nullopt;
    id.chain = *uuid;
    if (dot == std::string_view::npos) return id;
    std::string_view num = s.substr(dot + 1);
    if (num.empty() || num.size() > 9 || num.front() == '0') return std::nullopt;
    uint32_t n = 0;
    for (char c : num) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + static_cast<uint32_t>(c - '0');
    }
    id.number = n;
    return id;
}

bool is_xml_safe_utf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        uint32_t cp;
        size_t len;
        if (c < 0x80) { cp = c; len = 1; }
        else if ((c & 0xE0) == 0xC0) { cp = c & 0x1F; len = 2; }
        else if ((c & 0xF0) == 0xE0) { cp = c & 0x0F; len = 3; }
        else if ((c & 0xF8) == 0xF0) { cp = c & 0x07; len = 4; }
        else return false;
        if (i + len > s.size()) return false;
        for (size_t k = 1; k < len; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        // Reject overlong forms, surrogates, out of range and XML-forbidden code points.
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        if (cp < 0x20 && cp != 0x9 && cp != 0xA && cp != 0xD) return false;
        if (cp == 0xFFFE || cp == 0xFFFF) return false;
        i += len;
    }
    return true;
}

}  // namespace prl::backup
