// PrlVm_*: a VM's life cycle, power, configuration edits and events.
#include "boundary.h"
#include "vm_job.h"

#include "core/access_rights.h"
#include "core/server.h"
#include "core/info_objects.h"
#include "core/lists.h"
#include "core/vm.h"
#include "core/vm_ops.h"

using namespace prl;
using namespace prl::abi;
using prl::service::PowerCommand;

namespace {

PRL_HANDLE power(PRL_HANDLE hVm, PRL_JOB_OPERATION_CODE code, PowerCommand command) {
    return vm_job(hVm, code, [command](const VmPtr& vm, Job& job) { return vm_ops::power(vm, command, job); },
                  RTT_RUNNING_TASK_UNKNOWN);
}

}  // namespace

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

PRL_HANDLE PrlVm_Reg(PRL_HANDLE hVm, PRL_CONST_STR sVmParentPath, PRL_BOOL) {
    const std::string parent = sVmParentPath ? sVmParentPath : "";
    return vm_job(hVm, PJOC_VM_REG, [parent](const VmPtr& vm, Job&) { return vm_ops::create(vm, parent); },
                  RTT_RUNNING_TASK_CREATE_VM);
}

PRL_HANDLE PrlVm_RegEx(PRL_HANDLE hVm, PRL_CONST_STR sVmParentPath, PRL_UINT32) {
    return PrlVm_Reg(hVm, sVmParentPath, PRL_FALSE);
}

PRL_HANDLE PrlVm_Unreg(PRL_HANDLE hVm) {
    return vm_job(hVm, PJOC_VM_UNREG, [](const VmPtr& vm, Job&) { return vm_ops::unregister(vm); },
                  RTT_RUNNING_TASK_UNREG_VM);
}

PRL_HANDLE PrlVm_Delete(PRL_HANDLE hVm, PRL_HANDLE hDevicesList) {
    return async(PJOC_VM_DELETE, [&] {
        // The list of device images to delete is optional; the whole bundle goes anyway.
        if (hDevicesList != PRL_INVALID_HANDLE) handle_cast<StringsList>(hDevicesList);
        return vm_job(hVm, PJOC_VM_DELETE, [](const VmPtr& vm, Job&) { return vm_ops::remove(vm); },
                      RTT_RUNNING_TASK_DELETE_VM);
    });
}

PRL_HANDLE PrlVm_RefreshConfig(PRL_HANDLE hVm) {
    return vm_job(hVm, PJOC_VM_REFRESH_CONFIG, [](const VmPtr& vm, Job&) { return vm_ops::refresh(vm); });
}

PRL_HANDLE PrlVm_RefreshConfigEx(PRL_HANDLE hVm, PRL_UINT32) { return PrlVm_RefreshConfig(hVm); }

PRL_HANDLE PrlVm_BeginEdit(PRL_HANDLE hVm) {
    // Editing is local until Commit, which checks that nobody stored a newer
    // configuration since this one was read; so there is nothing to do here.
    return vm_job(hVm, PJOC_VM_BEGIN_EDIT, [](const VmPtr& vm, Job&) -> ResultPtr {
        vm->server()->service();
        return nullptr;
    });
}

PRL_HANDLE PrlVm_Commit(PRL_HANDLE hVm) {
    return vm_job(hVm, PJOC_VM_COMMIT, [](const VmPtr& vm, Job&) { return vm_ops::commit(vm); });
}

PRL_HANDLE PrlVm_CommitEx(PRL_HANDLE hVm, PRL_UINT32) { return PrlVm_Commit(hVm); }

PRL_HANDLE PrlVm_UpdateSecurity(PRL_HANDLE hVm, PRL_HANDLE hAccessRights) {
    return async(PJOC_VM_UPDATE_SECURITY, [&] {
        VmPtr vm = handle_cast<Vm>(hVm).share();
        const long long sharing = handle_cast<AccessRights>(hAccessRights)->facts().access_for_others;
        // A hand-edited config.pvs may have given the rights object any number.
        require(sharing >= PAO_VM_NOT_SHARED && sharing <= PAO_VM_SHARED_ON_FULL_ACCESS, PRL_ERR_INVALID_ARG,
                "access for others must be one of PAO_VM_NOT_SHARED .. PAO_VM_SHARED_ON_FULL_ACCESS");
        return give_job(vm->server()->start_job(
            PJOC_VM_UPDATE_SECURITY, [vm, sharing](Job&) { return vm_ops::update_security(vm, sharing); }));
    });
}

PRL_HANDLE PrlVm_Start(PRL_HANDLE hVm) { return power(hVm, PJOC_VM_START, PowerCommand::start); }
PRL_HANDLE PrlVm_StartEx(PRL_HANDLE hVm, PRL_UINT32, PRL_UINT32) {
    return power(hVm, PJOC_VM_START_EX, PowerCommand::start);
}
PRL_HANDLE PrlVm_Stop(PRL_HANDLE hVm, PRL_BOOL) { return power(hVm, PJOC_VM_STOP, PowerCommand::stop); }
PRL_HANDLE PrlVm_StopEx(PRL_HANDLE hVm, PRL_UINT32, PRL_UINT32) {
    return power(hVm, PJOC_VM_STOP, PowerCommand::stop);
}
PRL_HANDLE PrlVm_Pause(PRL_HANDLE hVm, PRL_BOOL) { return power(hVm, PJOC_VM_PAUSE, PowerCommand::pause); }
PRL_HANDLE PrlVm_Resume(PRL_HANDLE hVm) { return power(hVm, PJOC_VM_RESUME, PowerCommand::resume); }
PRL_HANDLE PrlVm_Suspend(PRL_HANDLE hVm) { return power(hVm, PJOC_VM_SUSPEND, PowerCommand::suspend); }
PRL_HANDLE PrlVm_Reset(PRL_HANDLE hVm) { return power(hVm, PJOC_VM_RESET, PowerCommand::reset); }
PRL_HANDLE PrlVm_Restart(PRL_HANDLE hVm) { return power(hVm, PJOC_VM_RESTART, PowerCommand::restart); }
PRL_HANDLE PrlVm_DropSuspendedState(PRL_HANDLE hVm) {
    return power(hVm, PJOC_VM_DROP_SUSPENDED_STATE, PowerCommand::drop_suspended_state);
}

PRL_HANDLE PrlVm_GetState(PRL_HANDLE hVm) {
    return vm_job(hVm, PJOC_VM_GET_STATE, [](const VmPtr& vm, Job&) { return vm_ops::state(vm); });
}

// ---- PrlVmInfo_* ----

PRL_RESULT PrlVmInfo_GetState(PRL_HANDLE handle, VIRTUAL_MACHINE_STATE_PTR pVmState) {
    return sync([&] {
        auto info = handle_cast<VmInfo>(handle);
        *out_ptr(pVmState) = static_cast<VIRTUAL_MACHINE_STATE>(info->state);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmInfo_IsInvalid(PRL_HANDLE handle, PRL_BOOL_PTR pbIsInvalid) {
    return sync([&] {
        handle_cast<VmInfo>(handle);
        *out_ptr(pbIsInvalid) = PRL_FALSE;  // a listed VM's configuration was readable
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmInfo_IsVmWaitingForAnswer(PRL_HANDLE handle, PRL_BOOL_PTR pbIsVmWaitingForAnswer) {
    return sync([&] {
        handle_cast<VmInfo>(handle);
        *out_ptr(pbIsVmWaitingForAnswer) = PRL_FALSE;  // no guest runs, so no question is pending
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
