// The SDK's buffer rule, implemented once for every string and binary
// out-parameter:
//   len == NULL                  -> PRL_ERR_INVALID_ARG
//   buf == NULL                  -> *len = size needed, PRL_ERR_SUCCESS
//   *len < size needed           -> *len = size needed, PRL_ERR_BUFFER_OVERRUN,
//                                   buf left untouched
//   otherwise                    -> copied, *len = size written
// For strings the size counts the terminating NUL.
#pragma once

#include <PrlTypes.h>
#include <PrlErrors.h>

#include <string_view>

namespace prl::abi {

PRL_RESULT copy_out(std::string_view text, PRL_STR buf, PRL_UINT32_PTR len) noexcept;
PRL_RESULT copy_out_bytes(std::string_view bytes, PRL_VOID_PTR buf, PRL_UINT32_PTR len) noexcept;

}  // namespace prl::abi
