// PrlVm_Clone, PrlVm_CloneEx, PrlVm_CloneWithUuid, PrlVm_Move (docs/clones.md).
#include "vm_job.h"

#include "core/clone_ops.h"

using namespace prl;
using namespace prl::abi;

namespace {

PRL_HANDLE clone_job(PRL_HANDLE hVm, PRL_CONST_STR name, PRL_CONST_STR uuid, PRL_CONST_STR root, PRL_UINT32 flags) {
    return async(PJOC_VM_CLONE, [&] {
        clone_ops::CloneArgs args;
        args.name = string_arg(name);
        args.uuid = string_arg(uuid);
        args.parent = string_arg(root);
        args.flags = flags;
        return vm_job(
            hVm, PJOC_VM_CLONE, [args](const VmPtr& vm, Job&) { return clone_ops::clone(vm, args); },
            RTT_RUNNING_TASK_CLONE_VM);
    });
}

}  // namespace

extern "C" {

PRL_HANDLE PrlVm_Clone(PRL_HANDLE hVm, PRL_CONST_STR new_vm_name, PRL_CONST_STR new_vm_root_path,
                       PRL_BOOL bCreateTemplate) {
    return clone_job(hVm, new_vm_name, "", new_vm_root_path, bCreateTemplate ? PCVF_CLONE_TO_TEMPLATE : 0);
}

PRL_HANDLE PrlVm_CloneEx(PRL_HANDLE hVm, PRL_CONST_STR new_vm_name, PRL_CONST_STR new_vm_root_path, PRL_UINT32 nFlags) {
    return clone_job(hVm, new_vm_name, "", new_vm_root_path, nFlags);
}

PRL_HANDLE PrlVm_CloneWithUuid(PRL_HANDLE hVm, PRL_CONST_STR new_vm_name, PRL_CONST_STR new_vm_uuid,
                               PRL_CONST_STR new_vm_root_path, PRL_UINT32 nFlags) {
    return clone_job(hVm, new_vm_name, new_vm_uuid, new_vm_root_path, nFlags);
}

PRL_HANDLE PrlVm_Move(PRL_HANDLE hVm, PRL_CONST_STR sNewHomePath, PRL_UINT32) {
    return async(PJOC_VM_MOVE, [&] {
        const std::string home = string_arg(sNewHomePath);
        return vm_job(hVm, PJOC_VM_MOVE, [home](const VmPtr& vm, Job&) { return clone_ops::move(vm, home); });
    });
}

}  // extern "C"
