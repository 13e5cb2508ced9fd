// PrlVm_BeginBackup and PrlVmBackup_*: the external, changed-block backup
// (docs/external-backup.md). The job of PrlVm_BeginBackup gives a PHT_BACKUP
// as its result's first parameter; its disks are read with PrlDisk_*.
#include "boundary.h"
#include "copy_out.h"
#include "vm_job.h"

#include "core/disk_objects.h"
#include "core/server.h"
#include "core/vm.h"
#include "core/vm_ops.h"

#include <PrlCommandsFlags.h>

#include <cerrno>

#include <fcntl.h>

using namespace prl;
using namespace prl::abi;

namespace {

// Commit or rollback, as a job of the VM's server (PJOC_VM_END_BACKUP).
PRL_HANDLE end_backup(PRL_HANDLE hBackup, bool commit) {
    return async(PJOC_VM_END_BACKUP, [&] {
        auto backup = handle_cast<VmBackup>(hBackup).share();
        return give_job(backup->vm->server()->start_job(PJOC_VM_END_BACKUP, [backup, commit](Job&) -> ResultPtr {
            // The product answers PRL_ERR_FILE_NOT_FOUND for a backup activity that has ended.
            require(!backup->backup->finished(), PRL_ERR_FILE_NOT_FOUND, "the external backup has ended");
            if (commit)
                backup->backup->commit();
            else
                backup->backup->rollback();
            return nullptr;
        }));
    });
}

}  // namespace

extern "C" {

PRL_HANDLE PrlVm_BeginBackup(PRL_HANDLE hVm, PRL_UINT32 nFlags) {
    const bool keep_hashes = (nFlags & PBMBF_CREATE_MAP) != 0;
    return vm_job(hVm, PJOC_SRV_BEGIN_VM_BACKUP, [keep_hashes](const VmPtr& vm, Job&) {
        const std::string uuid = vm_ops::registered_uuid(*vm);
        auto backup = vm->server()->service()->begin_external_backup(uuid, keep_hashes);
        return std::make_shared<Result>(std::vector<Result::Param>{std::make_shared<VmBackup>(backup, vm)});
    });
}

PRL_HANDLE PrlVmBackup_Commit(PRL_HANDLE hBackup) { return end_backup(hBackup, true); }

PRL_HANDLE PrlVmBackup_Rollback(PRL_HANDLE hBackup) { return end_backup(hBackup, false); }

PRL_RESULT PrlVmBackup_GetDisksCount(PRL_HANDLE hBackup, PRL_UINT32_PTR pnDisksCount) {
    return sync([&] {
        auto backup = handle_cast<VmBackup>(hBackup);
        *out_ptr(pnDisksCount) = static_cast<PRL_UINT32>(backup->backup->disk_count());
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmBackup_GetUuid(PRL_HANDLE hBackup, PRL_STR sUuid, PRL_UINT32_PTR pnUuidBufLength) {
    return sync([&] { return copy_out(handle_cast<VmBackup>(hBackup)->backup->uuid(), sUuid, pnUuidBufLength); });
}

PRL_RESULT PrlVmBackup_GetDisk(PRL_HANDLE hBackup, PRL_UINT32 nDiskIndex, PRL_HANDLE_PTR phDisk) {
    return sync([&] {
        auto backup = handle_cast<VmBackup>(hBackup);
        out_ptr(phDisk);
        const auto& b = backup->backup;
        require(nDiskIndex < b->disk_count(), PRL_ERR_INVALID_ARG, "no disk with that index");
        // The view lives only while the backup runs (the product's snapshot likewise).
        require(!b->finished(), PRL_ERR_INVALID_HANDLE, "the external backup has ended");
        const auto& disk = b->disk(nDiskIndex);
        platform::UniqueFd fd(::open(disk.view.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
        if (!fd) fail(PRL_ERR_DISK_FILE_OPEN_ERROR, "cannot open the backup view of " + disk.image.string());
        auto object = std::make_shared<VirtualDisk>(std::move(fd), disk.size, false, disk.image.string());
        object->backup = b;
        object->backup_index = nDiskIndex;
        give(object, phDisk);
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
