#include "backup_ops.h"

#include "error.h"
#include "info_objects.h"
#include "vm.h"

#include "backup/backup_tree.h"
#include "backup/error.h"

#include <PrlCommandsFlags.h>

namespace prl::backup_ops {

EventData vm_event(Server& server, PRL_EVENT_TYPE type, const std::string& vm_uuid) {
    EventData d;
    d.type = type;
    d.issuer_type = PIE_VIRTUAL_MACHINE;
    d.issuer_id = vm_uuid;
    d.vm = server.existing_vm(vm_uuid);
    d.params.push_back(EventParam::string("vm_uuid", vm_uuid));
    return d;
}

backup::Progress progress_of(Server& server, Job& job, PRL_EVENT_TYPE event_type, const std::string& vm_uuid) {
    backup::Progress p;
    p.cancel = &job.cancel_flag();
    p.on_percent = [&server, &job, event_type, vm_uuid](unsigned percent) {
        job.set_progress(percent);
        EventData d = vm_event(server, event_type, vm_uuid);
        d.params.push_back(EventParam::uint32("progress_changed", percent));
        server.emit(std::move(d));
    };
    return p;
}

namespace {

// Runs `body`, emitting PET_DSP_EVT_BACKUP_CANCELLED if it was cancelled.
template <class Body>
auto cancellable(Server& server, const std::string& vm_uuid, Body&& body) {
    try {
        return body();
    } catch (const backup::Error& e) {
        if (e.code() == backup::Errc::cancelled) server.emit(vm_event(server, PET_DSP_EVT_BACKUP_CANCELLED, vm_uuid));
        throw;
    }
}

}  // namespace

ResultPtr create(Server& server, const service::BackupRequest& request, Job& job) {
    auto svc = server.service();
    server.emit(vm_event(server, PET_DSP_EVT_BACKUP_STARTED, request.vm_uuid));
    const std::string id = cancellable(server, request.vm_uuid, [&] {
        return svc->create_backup(request, progress_of(server, job, PET_DSP_EVT_BACKUP_PROGRESS_CHANGED, request.vm_uuid));
    });
    server.emit(vm_event(server, PET_DSP_EVT_CREATE_BACKUP_FINISHED, request.vm_uuid));
    return std::make_shared<Result>(
        std::vector<Result::Param>{request.vm_uuid, std::make_shared<BackupResult>(id)});
}

ResultPtr tree(Server& server, const std::string& uuid, std::uint32_t flags, const service::BackupPlace& place) {
    std::vector<backup::VmEntry> vms = server.service()->list_backups(place);
    const bool by_backup = flags & (PBT_BACKUP_ID | PBT_CHAIN);
    // Neither PBT_VM nor PBT_CT shows VMs, as the product does; the type
    // filter applies with a backup id too.
    const bool want_vm = (flags & PBT_VM) || !(flags & PBT_CT);
    const bool want_ct = flags & PBT_CT;
    std::vector<backup::VmEntry> shown;
    for (auto& vm : vms) {
        const bool is_ct = vm.type == backup::VmType::ct;
        if ((is_ct && !want_ct) || (!is_ct && !want_vm)) continue;
        if (!by_backup && !uuid.empty() && vm.uuid != uuid) continue;
        shown.push_back(std::move(vm));
    }
    backup::TreeFilter filter;
    filter.kind = backup::TreeFilter::any;  // already filtered by type above
    if (by_backup) {
        filter.backup_id = uuid;
        filter.chain = flags & PBT_CHAIN;
    }
    return std::make_shared<Result>(std::vector<Result::Param>{backup::backup_tree_xml(shown, filter)});
}

ResultPtr restore(Server& server, const service::RestoreRequest& request, Job& job) {
    auto svc = server.service();
    const std::string vm = request.vm_uuid;
    server.emit(vm_event(server, PET_DSP_EVT_BACKUP_STARTED, vm));
    service::RestoreOutcome outcome;
    try {
        outcome = cancellable(server, vm, [&] {
            return svc->restore_backup(request, progress_of(server, job, PET_DSP_EVT_RESTORE_PROGRESS_CHANGED, vm));
        });
    } catch (const backup::Error& e) {
        if (e.code() == backup::Errc::no_space) fail(PRL_ERR_BACKUP_RESTORE_NOT_ENOUGH_FREE_DISK_SPACE, e.what());
        throw;
    }
    // A VM object this process holds shows the restored configuration.
    if (auto object = server.existing_vm(outcome.vm_uuid)) object->load(svc->config(outcome.vm_uuid));
    server.emit(vm_event(server, PET_DSP_EVT_RESTORE_BACKUP_FINISHED, outcome.vm_uuid));
    if (outcome.new_vm) server.emit(vm_event(server, PET_DSP_EVT_VM_ADDED, outcome.vm_uuid));
    return std::make_shared<Result>(std::vector<Result::Param>{outcome.vm_uuid});
}

ResultPtr remove(Server& server, const service::BackupPlace& place, const std::string& vm_uuid, const std::string& id,
                 bool keep_chain, bool ignore_missing) {
    try {
        server.service()->remove_backup(place, vm_uuid, id, keep_chain);
    } catch (const backup::Error& e) {
        if (!(ignore_missing && e.code() == backup::Errc::not_found)) throw;
    }
    server.emit(vm_event(server, PET_DSP_EVT_REMOVE_BACKUP_FINISHED, vm_uuid));
    return nullptr;
}

}  // namespace prl::backup_ops
