// PrlSrv_CreateVmBackup, GetBackupTree, RestoreVmBackup, RemoveVmBackup (and
// their Ex forms) and PrlBackupResult_GetBackupUuid.
#include "boundary.h"
#include "copy_out.h"

#include "core/backup_ops.h"
#include "core/info_objects.h"
#include "core/server.h"

#include <cstring>

using namespace prl;
using namespace prl::abi;

namespace {

std::string text(PRL_CONST_STR s) { return s ? std::string(s) : std::string(); }

std::string directory_of(const PRL_BACKUP_PARAM* extra) {
    return extra && extra->backup_directory ? std::string(extra->backup_directory) : std::string();
}

// Where the call's backups are: this host's repository (no target host, or
// this host without a port or a session: what prlctl sends for a storage on
// this host, which it logs in to locally), or the backup node the target
// names, with a session the client opened there (prlctl --storage logs in first).
service::BackupPlace place_of(PRL_CONST_STR host, PRL_UINT32 port, PRL_CONST_STR session,
                              const PRL_BACKUP_PARAM* extra) {
    service::BackupPlace place;
    place.directory = directory_of(extra);
    const std::string s = text(session);
    if (!host || !*host || (is_local_host(host) && (s.empty() || port == 0))) return place;
    require(!s.empty(), PRL_ERR_INVALID_ARG, "a backup on another host needs a session of that host's: log in to it first");
    require(s.size() <= 256 && std::strlen(host) <= 1024, PRL_ERR_INVALID_ARG, "target host or session too long");
    require(port <= 65535, PRL_ERR_INVALID_ARG, "target port out of range");
    place.node = service::BackupNode{host, static_cast<std::uint16_t>(port), s};
    return place;
}

PRL_HANDLE create(PRL_HANDLE hServer, PRL_CONST_STR sVmUuid, PRL_CONST_STR sTargetHost, PRL_UINT32 port,
                  PRL_CONST_STR session, PRL_CONST_STR description, PRL_UINT32 flags, const PRL_BACKUP_PARAM* extra) {
    return async(PJOC_SRV_CREATE_VM_BACKUP, [&] {
        auto server = handle_cast<Server>(hServer).share();
        require(sVmUuid != nullptr && *sVmUuid != '\0');
        const service::BackupPlace place = place_of(sTargetHost, port, session, extra);
        require(!((flags & PBT_INCREMENTAL) && (flags & PBT_DIFFERENTIAL)), PRL_ERR_INVALID_PARAM,
                "incremental and differential at once");
        service::BackupRequest request;
        request.vm_uuid = sVmUuid;
        request.kind = (flags & PBT_DIFFERENTIAL)  ? backup::Kind::differential
                       : (flags & PBT_INCREMENTAL) ? backup::Kind::incremental
                                                   : backup::Kind::full;
        request.compress = !(flags & PBT_UNCOMPRESSED);
        request.description = text(description);
        request.flags = flags;
        request.place = place;
        return give_job(server->start_job(PJOC_SRV_CREATE_VM_BACKUP, [server, request](Job& job) {
            return backup_ops::create(*server, request, job);
        }, RTT_RUNNING_TASK_UNKNOWN));
    });
}

PRL_HANDLE tree(PRL_HANDLE hServer, PRL_CONST_STR sUuid, PRL_CONST_STR sTargetHost, PRL_UINT32 port,
                PRL_CONST_STR session, PRL_UINT32 flags, const PRL_BACKUP_PARAM* extra) {
    return async(PJOC_SRV_GET_BACKUP_TREE, [&] {
        auto server = handle_cast<Server>(hServer).share();
        const service::BackupPlace place = place_of(sTargetHost, port, session, extra);
        const std::string uuid = text(sUuid);
        // As the product: a backup filter needs an id, and the two filters exclude each other.
        require(!((flags & (PBT_BACKUP_ID | PBT_CHAIN)) && uuid.empty()), PRL_ERR_INVALID_PARAM,
                "PBT_BACKUP_ID and PBT_CHAIN need a backup id");
        require(!((flags & PBT_BACKUP_ID) && (flags & PBT_CHAIN)), PRL_ERR_INVALID_PARAM,
                "PBT_BACKUP_ID and PBT_CHAIN exclude each other");
        return give_job(server->start_job(PJOC_SRV_GET_BACKUP_TREE, [server, uuid, flags, place](Job&) {
            return backup_ops::tree(*server, uuid, flags, place);
        }));
    });
}

PRL_HANDLE restore(PRL_HANDLE hServer, PRL_CONST_STR sVmUuid, PRL_CONST_STR sBackupUuid, PRL_CONST_STR sTargetHost,
                   PRL_UINT32 port, PRL_CONST_STR session, PRL_CONST_STR sTargetVmHomePath, PRL_CONST_STR sTargetVmName, PRL_UINT32 flags,
                   const PRL_BACKUP_PARAM* extra) {
    return async(PJOC_SRV_RESTORE_VM_BACKUP, [&] {
        auto server = handle_cast<Server>(hServer).share();
        service::RestoreRequest request;
        request.place = place_of(sTargetHost, port, session, extra);
        request.vm_uuid = text(sVmUuid);
        request.backup_id = text(sBackupUuid);
        require(!request.vm_uuid.empty() || !request.backup_id.empty(), PRL_ERR_INVALID_ARG,
                "restore needs a VM UUID or a backup id");
        request.target_home = text(sTargetVmHomePath);
        request.target_name = text(sTargetVmName);
        request.to_copy = flags & PBT_RESTORE_TO_COPY;
        return give_job(server->start_job(PJOC_SRV_RESTORE_VM_BACKUP, [server, request](Job& job) {
            return backup_ops::restore(*server, request, job);
        }, RTT_RUNNING_TASK_RESTORE_VM));
    });
}

PRL_HANDLE remove(PRL_HANDLE hServer, PRL_CONST_STR sVmUuid, PRL_CONST_STR sBackupUuid, PRL_CONST_STR sTargetHost,
                  PRL_UINT32 port, PRL_CONST_STR session, PRL_UINT32 flags, const PRL_BACKUP_PARAM* extra) {
    return async(PJOC_SRV_REMOVE_VM_BACKUP, [&] {
        auto server = handle_cast<Server>(hServer).share();
        const service::BackupPlace place = place_of(sTargetHost, port, session, extra);
        const std::string vm = text(sVmUuid), id = text(sBackupUuid);
        require(!vm.empty() || !id.empty(), PRL_ERR_INVALID_ARG, "remove needs a VM UUID or a backup id");
        const bool keep_chain = flags & PBT_KEEP_CHAIN, ignore = flags & PBT_IGNORE_NOT_EXISTS;
        return give_job(server->start_job(PJOC_SRV_REMOVE_VM_BACKUP, [=](Job&) {
            return backup_ops::remove(*server, place, vm, id, keep_chain, ignore);
        }, RTT_RUNNING_TASK_UNKNOWN));
    });
}

}  // namespace

extern "C" {

PRL_HANDLE PrlSrv_CreateVmBackup(PRL_HANDLE hSourceServer, PRL_CONST_STR sVmUuid, PRL_CONST_STR sTargetHost,
                                 PRL_UINT32 nTargetPort, PRL_CONST_STR sTargetSessionId, PRL_CONST_STR strDescription,
                                 PRL_UINT32 backup_flags, PRL_UINT32, PRL_BOOL) {
    return create(hSourceServer, sVmUuid, sTargetHost, nTargetPort, sTargetSessionId, strDescription, backup_flags,
                  nullptr);
}

PRL_HANDLE PrlSrv_CreateVmBackupEx(PRL_HANDLE hSourceServer, PRL_CONST_STR sVmUuid, PRL_CONST_STR sTargetHost,
                                   PRL_UINT32 nTargetPort, PRL_CONST_STR sTargetSessionId,
                                   PRL_CONST_STR strDescription, PRL_UINT32 backup_flags, PRL_UINT32, PRL_BOOL,
                                   const PRL_BACKUP_PARAM* pExtra) {
    return create(hSourceServer, sVmUuid, sTargetHost, nTargetPort, sTargetSessionId, strDescription, backup_flags,
                  pExtra);
}

PRL_HANDLE PrlSrv_GetBackupTree(PRL_HANDLE hSourceServer, PRL_CONST_STR sUuid, PRL_CONST_STR sTargetHost,
                                PRL_UINT32 nTargetPort, PRL_CONST_STR sTargetSessionId, PRL_UINT32 backup_flags,
                                PRL_UINT32, PRL_BOOL) {
    return tree(hSourceServer, sUuid, sTargetHost, nTargetPort, sTargetSessionId, backup_flags, nullptr);
}

PRL_HANDLE PrlSrv_GetBackupTreeEx(PRL_HANDLE hSourceServer, PRL_CONST_STR sUuid, PRL_CONST_STR sTargetHost,
                                  PRL_UINT32 nTargetPort, PRL_CONST_STR sTargetSessionId, PRL_UINT32 backup_flags,
                                  PRL_UINT32, PRL_BOOL, const PRL_BACKUP_PARAM* pExtra) {
    return tree(hSourceServer, sUuid, sTargetHost, nTargetPort, sTargetSessionId, backup_flags, pExtra);
}

PRL_HANDLE PrlSrv_RestoreVmBackup(PRL_HANDLE hSourceServer, PRL_CONST_STR sVmUuid, PRL_CONST_STR sBackupUuid,
                                  PRL_CONST_STR sTargetHost, PRL_UINT32 nTargetPort, PRL_CONST_STR sTargetSessionId,
                                  PRL_CONST_STR sTargetVmHomePath, PRL_CONST_STR sTargetVmName,
                                  PRL_UINT32 restore_flags, PRL_UINT32, PRL_BOOL) {
    return restore(hSourceServer, sVmUuid, sBackupUuid, sTargetHost, nTargetPort, sTargetSessionId, sTargetVmHomePath,
                   sTargetVmName, restore_flags, nullptr);
}

PRL_HANDLE PrlSrv_RestoreVmBackupEx(PRL_HANDLE hSourceServer, PRL_CONST_STR sVmUuid, PRL_CONST_STR sBackupUuid,
                                    PRL_CONST_STR sTargetHost, PRL_UINT32 nTargetPort, PRL_CONST_STR sTargetSessionId,
                                    PRL_CONST_STR sTargetVmHomePath, PRL_CONST_STR sTargetVmName,
                                    PRL_UINT32 restore_flags, PRL_UINT32, PRL_BOOL, const PRL_BACKUP_PARAM* pExtra) {
    return restore(hSourceServer, sVmUuid, sBackupUuid, sTargetHost, nTargetPort, sTargetSessionId, sTargetVmHomePath,
                   sTargetVmName, restore_flags, pExtra);
}

PRL_HANDLE PrlSrv_RemoveVmBackup(PRL_HANDLE hSourceServer, PRL_CONST_STR sVmUuid, PRL_CONST_STR sBackupUuid,
                                 PRL_CONST_STR sTargetHost, PRL_UINT32 nTargetPort, PRL_CONST_STR sTargetSessionId,
                                 PRL_UINT32 remove_flags, PRL_UINT32, PRL_BOOL) {
    return remove(hSourceServer, sVmUuid, sBackupUuid, sTargetHost, nTargetPort, sTargetSessionId, remove_flags, nullptr);
}

PRL_HANDLE PrlSrv_RemoveVmBackupEx(PRL_HANDLE hSourceServer, PRL_CONST_STR sVmUuid, PRL_CONST_STR sBackupUuid,
                                   PRL_CONST_STR sTargetHost, PRL_UINT32 nTargetPort, PRL_CONST_STR sTargetSessionId,
                                   PRL_UINT32 remove_flags, PRL_UINT32, PRL_BOOL, const PRL_BACKUP_PARAM* pExtra) {
    return remove(hSourceServer, sVmUuid, sBackupUuid, sTargetHost, nTargetPort, sTargetSessionId, remove_flags, pExtra);
}

PRL_RESULT PrlBackupResult_GetBackupUuid(PRL_HANDLE hBackupResult, PRL_STR sBackupUuid,
                                         PRL_UINT32_PTR pnBackupUuidBufLength) {
    return sync([&] {
        return copy_out(handle_cast<BackupResult>(hBackupResult)->backup_id, sBackupUuid, pnBackupUuidBufLength);
    });
}

}  // extern "C"
