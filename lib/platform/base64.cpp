#include "base64.h"

#include <openssl/evp.h>

#include <climits>
#include <new>

namespace prl::platform {

std::string base64_encode(std::string_view bytes) {
    if (bytes.empty()) return {};
    if (bytes.size() > (INT_MAX / 4) * 3 - 3) throw std::bad_alloc();
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

bool base64_decode(std::string_view text, std::string& out) {
    std::string clean;
    clean.reserve(text.size());
    for (char c : text)
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') clean.push_back(c);
    out.clear();
    if (clean.empty()) return true;
    if (clean.size() % 4 != 0 || clean.size() > INT_MAX) return false;
    std::string raw(clean.size() / 4 * 3 + 1, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(raw.data()),
                            reinterpret_cast<const unsigned char*>(clean.data()), static_cast<int>(clean.size()));
    if (n < 0) return false;
    std::size_t pad = 0;
    if (clean[clean.size() - 1] == '=') ++pad;
    if (clean[clean.size() - 2] == '=') ++pad;
    // '=' only at the very end.
    if (clean.find('=') < clean.size() - pad) return false;
    raw.resize(static_cast<std::size_t>(n) - pad);
    out = std::move(raw);
    return true;
}

}  // namespace prl::platform
