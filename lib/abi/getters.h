// One-line getters for read-only objects: `text` for a string field through
// the buffer rule, `value` for a scalar. Both check the handle's type and the
// out-pointer first, so each entry point is a single call.
#pragma once

#include "boundary.h"
#include "copy_out.h"

namespace prl::abi {

template <class T, class F>
PRL_RESULT text(PRL_HANDLE h, PRL_STR buf, PRL_UINT32_PTR len, F field) noexcept {
    return sync([&] {
        auto object = handle_cast<T>(h);
        out_ptr(len);
        return copy_out(field(*object), buf, len);
    });
}

template <class T, class Out, class F>
PRL_RESULT value(PRL_HANDLE h, Out* out, F field) noexcept {
    return sync([&] {
        auto object = handle_cast<T>(h);
        *out_ptr(out) = field(*object);
        return PRL_ERR_SUCCESS;
    });
}

inline PRL_BOOL prl_bool(bool v) noexcept { return v ? PRL_TRUE : PRL_FALSE; }

}  // namespace prl::abi
