// PrlVm_*: a VM's life cycle, power, configuration edits and events.
#include "boundary.h"

#include "core/server.h"
#include "core/vm.h"

using namespace prl;
using namespace prl::abi;

extern "C" {

PRL_RESULT PrlVm_GetConfig(PRL_HANDLE hVm, PRL_HANDLE_PTR phVmCfg) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVm);
        // PHT_VM_CONFIGURATION is PHT_VIRTUAL_MACHINE: the configuration is the VM handle.
        give(vm.share(), out_ptr(phVmCfg));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVm_RegEventHandler(PRL_HANDLE hObj, PRL_EVENT_HANDLER_PTR handler, PRL_VOID_PTR userData) {
    return sync([&] { return handle_cast<Vm>(hObj)->handlers()->add(handler, userData); });
}

PRL_RESULT PrlVm_UnregEventHandler(PRL_HANDLE hObj, PRL_EVENT_HANDLER_PTR handler, PRL_VOID_PTR userData) {
    return sync([&] { return handle_cast<Vm>(hObj)->handlers()->remove(handler, userData); });
}

}  // extern "C"
