// Functions that need a running guest (status `guest` in functions.tsv): no
// guest ever runs under prlshim, so each answers as the product answers for a
// VM whose guest cannot serve the call: PRL_ERR_DISP_VM_IS_NOT_STARTED while
// the VM is not running, PRL_ERR_GUEST_TOOLS_NOT_INSTALLED when it is (a
// simulated running VM has no guest tools). Arguments are checked first, as
// in any entry point: a handle that is not a VM (or one of its devices) gives
// PRL_ERR_INVALID_ARG.
#include "boundary.h"
#include "guest.h"

#include "core/server.h"
#include "core/vm.h"
#include "core/vm_device.h"
#include "core/vm_ops.h"

namespace prl::abi {

namespace {

// The VM a handle names: a VM, or one of its devices.
VmPtr vm_of(PRL_HANDLE h) {
    HandleTable::Pin pin = HandleTable::instance().pin(from_handle(h));
    if (pin && VmDevice::accepts(pin.get()->type())) return handle_cast<VmDevice>(h)->vm();
    return handle_cast<Vm>(h).share();
}

}  // namespace

PRL_RESULT guest_unavailable_code(PRL_HANDLE vm_handle) {
    const VmPtr vm = vm_of(vm_handle);
    const std::string uuid = vm_ops::registered_uuid(*vm);
    const auto state = vm->server()->service()->power_state(uuid);
    return state == service::VmState::running ? PRL_ERR_GUEST_TOOLS_NOT_INSTALLED : PRL_ERR_DISP_VM_IS_NOT_STARTED;
}

PRL_RESULT needs_guest_sync(PRL_HANDLE vm_handle) noexcept {
    return sync([&] { return guest_unavailable_code(vm_handle); });
}

PRL_HANDLE needs_guest_async(PRL_HANDLE vm_handle) noexcept {
    return async(PJOC_UNKNOWN, [&]() -> PRL_HANDLE {
        const PRL_RESULT code = guest_unavailable_code(vm_handle);
        fail(code, code == PRL_ERR_GUEST_TOOLS_NOT_INSTALLED ? "the guest tools are not running in this VM"
                                                            : "the VM is not running");
    });
}

PRL_RESULT needs_guest_sync_no_vm() noexcept {
    return sync([] { return PRL_ERR_GUEST_TOOLS_NOT_INSTALLED; });
}

}  // namespace prl::abi
