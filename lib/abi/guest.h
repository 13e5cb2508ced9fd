// Entry points of functions that need a running guest (lib/abi/guest.cpp).
#pragma once

#include <PrlTypes.h>

namespace prl::abi {

PRL_RESULT guest_unavailable_code(PRL_HANDLE vm_handle);
PRL_RESULT needs_guest_sync(PRL_HANDLE vm_handle) noexcept;
PRL_HANDLE needs_guest_async(PRL_HANDLE vm_handle) noexcept;
// For those whose first argument is not a VM (a guest session, say).
PRL_RESULT needs_guest_sync_no_vm() noexcept;

}  // namespace prl::abi
