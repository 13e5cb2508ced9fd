// PrlVm_*Snapshot*: snapshots of a VM's disks and configuration
// (docs/snapshots.md). The work is in core/snapshot_ops and service/snapshots.
#include "boundary.h"
#include "vm_job.h"

#include "core/snapshot_ops.h"

using namespace prl;
using namespace prl::abi;

extern "C" {

PRL_HANDLE PrlVm_CreateSnapshotEx(PRL_HANDLE hVm, PRL_CONST_STR sName, PRL_CONST_STR sDescription, PRL_UINT32) {
    // PCSF_DISK_ONLY and PCSF_BACKUP change nothing here: no guest memory is ever kept.
    return async(PJOC_VM_CREATE_SNAPSHOT, [&] {
        std::string name = string_arg(sName), description = string_arg(sDescription);
        return vm_job(hVm, PJOC_VM_CREATE_SNAPSHOT, [name, description](const VmPtr& vm, Job&) {
            return snapshot_ops::create(vm, name, description);
        });
    });
}

PRL_HANDLE PrlVm_CreateSnapshot(PRL_HANDLE hVm, PRL_CONST_STR sName, PRL_CONST_STR sDescription) {
    return PrlVm_CreateSnapshotEx(hVm, sName, sDescription, 0);
}

PRL_HANDLE PrlVm_GetSnapshotsTreeEx(PRL_HANDLE hVm, PRL_UINT32) {
    // PGST_* only choose screenshot sizes; no screenshots exist without a guest.
    return vm_job(hVm, PJOC_VM_GET_SNAPSHOTS_TREE, [](const VmPtr& vm, Job&) { return snapshot_ops::tree(vm); });
}

PRL_HANDLE PrlVm_GetSnapshotsTree(PRL_HANDLE hVm) { return PrlVm_GetSnapshotsTreeEx(hVm, 0); }

PRL_HANDLE PrlVm_SwitchToSnapshotEx(PRL_HANDLE hVm, PRL_CONST_STR sSnapshotUuid, PRL_UINT32 nFlags) {
    return async(PJOC_VM_SWITCH_TO_SNAPSHOT, [&] {
        std::string id = string_arg(sSnapshotUuid);
        const bool skip_resume = (nFlags & PSSF_SKIP_RESUME) != 0;
        return vm_job(hVm, PJOC_VM_SWITCH_TO_SNAPSHOT, [id, skip_resume](const VmPtr& vm, Job& job) {
            return snapshot_ops::switch_to(vm, id, skip_resume, job);
        });
    });
}

PRL_HANDLE PrlVm_SwitchToSnapshot(PRL_HANDLE hVm, PRL_CONST_STR sSnapshotUuid) {
    return PrlVm_SwitchToSnapshotEx(hVm, sSnapshotUuid, 0);
}

PRL_HANDLE PrlVm_DeleteSnapshot(PRL_HANDLE hVm, PRL_CONST_STR sSnapshotUuid, PRL_BOOL bChild) {
    return async(PJOC_VM_DELETE_SNAPSHOT, [&] {
        std::string id = string_arg(sSnapshotUuid);
        const bool with_children = bChild != PRL_FALSE;
        return vm_job(hVm, PJOC_VM_DELETE_SNAPSHOT, [id, with_children](const VmPtr& vm, Job&) {
            return snapshot_ops::remove(vm, id, with_children);
        });
    });
}

PRL_HANDLE PrlVm_UpdateSnapshotData(PRL_HANDLE hVm, PRL_CONST_STR sSnapshotUuid, PRL_CONST_STR sNewName,
                                    PRL_CONST_STR sNewDescription) {
    return async(PJOC_VM_UPDATE_SNAPSHOT_DATA, [&] {
        std::string id = string_arg(sSnapshotUuid), name = string_arg(sNewName), description = string_arg(sNewDescription);
        return vm_job(hVm, PJOC_VM_UPDATE_SNAPSHOT_DATA, [id, name, description](const VmPtr& vm, Job&) {
            return snapshot_ops::update(vm, id, name, description);
        });
    });
}

}  // extern "C"
