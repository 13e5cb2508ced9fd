// The SDK's buffer rule, implemented once for every string and binary
// out-parameter:
//   len == NULL                  -> PRL_ERR_INVALID_ARG
//   buf == NULL or *len == 0     -> *len = size needed, PRL_ERR_SUCCESS
//   *len < size needed           -> *len = size needed, PRL_ERR_BUFFER_OVERRUN;
//                                   buf holds what fits (a string: its first
//                                   *len - 1 bytes and a NUL)
//   otherwise                    -> copied, *len = size written
// For strings the size counts the terminating NUL. This is the original's
// CopyStringValue/CopyByteArrayValue rule, except that a cut string is always
// terminated (the original's strncpy leaves it unterminated).
#pragma once

#include <PrlTypes.h>
#include <PrlErrors.h>

#include <string_view>

namespace prl::abi {

PRL_RESULT copy_out(std::string_view text, PRL_STR buf, PRL_UINT32_PTR len) noexcept;
PRL_RESULT copy_out_bytes(std::string_view bytes, PRL_VOID_PTR buf, PRL_UINT32_PTR len) noexcept;

}  // namespace prl::abi
