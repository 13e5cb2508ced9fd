#include "copy_out.h"

#include <cstring>
#include <limits>

namespace prl::abi {
namespace {

PRL_RESULT copy(const char* data, std::size_t size, std::size_t needed, void* buf, PRL_UINT32_PTR len) noexcept {
    if (!len) return PRL_ERR_INVALID_ARG;
    if (needed > std::numeric_limits<PRL_UINT32>::max()) return PRL_ERR_BUFFER_OVERRUN;
    const auto need32 = static_cast<PRL_UINT32>(needed);
    if (!buf || *len == 0) {  // a size query (the original takes *len == 0 as one too)
        *len = need32;
        return PRL_ERR_SUCCESS;
    }
    if (*len < need32) {
        // As the original, the buffer gets what fits; unlike it (strncpy),
        // a string is cut one byte short and always NUL-terminated.
        const bool text = needed > size;
        const std::size_t fits = text ? *len - 1 : *len;
        if (fits) std::memcpy(buf, data, fits);
        if (text) static_cast<char*>(buf)[fits] = '\0';
        *len = need32;
        return PRL_ERR_BUFFER_OVERRUN;
    }
    if (size) std::memcpy(buf, data, size);
    if (needed > size) static_cast<char*>(buf)[size] = '\0';
    *len = need32;
    return PRL_ERR_SUCCESS;
}

}  // namespace

PRL_RESULT copy_out(std::string_view text, PRL_STR buf, PRL_UINT32_PTR len) noexcept {
    return copy(text.data(), text.size(), text.size() + 1, buf, len);
}

PRL_RESULT copy_out_bytes(std::string_view bytes, PRL_VOID_PTR buf, PRL_UINT32_PTR len) noexcept {
    return copy(bytes.data(), bytes.size(), bytes.size(), buf, len);
}

}  // namespace prl::abi
