// The operations behind PrlSrv_CreateVmBackup, GetBackupTree, RestoreVmBackup
// and RemoveVmBackup, run as job tasks: they call the service, report
// progress to the job and emit the product's backup events, issued by the VM
// (issuer id = its UUID) to the server's and the VM's handlers.
#pragma once

#include "job.h"
#include "result.h"
#include "server.h"

#include "service/backups.h"

#include <string>

namespace prl::backup_ops {

// An event issued by the VM, with its vm_uuid parameter.
EventData vm_event(Server& server, PRL_EVENT_TYPE type, const std::string& vm_uuid);
// Job progress and one `event_type` event per percent.
backup::Progress progress_of(Server& server, Job& job, PRL_EVENT_TYPE event_type, const std::string& vm_uuid);

ResultPtr create(Server& server, const service::BackupRequest& request, Job& job);
// sUuid, flags as PrlSrv_GetBackupTree takes them (validated by the caller).
ResultPtr tree(Server& server, const std::string& uuid, std::uint32_t flags, const service::BackupPlace& place);
ResultPtr restore(Server& server, const service::RestoreRequest& request, Job& job);
ResultPtr remove(Server& server, const service::BackupPlace& place, const std::string& vm_uuid, const std::string& id,
                 bool keep_chain, bool ignore_missing);

}  // namespace prl::backup_ops
