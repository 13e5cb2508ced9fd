#include "daemon_tasks.h"

#include "backup_ops.h"
#include "info_objects.h"

#include "backup/error.h"
#include "remote/connection.h"
#include "remote/service_codec.h"

namespace prl {
namespace {

using remote::Record;

PRL_RUNNING_TASK_TYPE_ENUM task_type_of(const std::string& op) {
    if (op == "restore_backup") return RTT_RUNNING_TASK_RESTORE_VM;
    if (op == "clone" || op == "linked_clone") return RTT_RUNNING_TASK_CLONE_VM;
    if (op == "create") return RTT_RUNNING_TASK_CREATE_VM;
    if (op == "remove") return RTT_RUNNING_TASK_DELETE_VM;
    return RTT_RUNNING_TASK_UNKNOWN;  // as the embedded service reports a backup
}

Record task_call(const char* op, const std::string& uuid) { return Record("call", op).add("uuid", uuid); }

}  // namespace

std::vector<ObjectPtr> daemon_running_tasks(remote::Connection& daemon) {
    std::vector<ObjectPtr> tasks;
    for (const auto& text : daemon.call(Record("call", "running_tasks")).all("task")) {
        const Record t = Record::parse(text);
        std::string parameters = "op=" + t.get("op");
        if (const std::string vm = t.find("vm").value_or(""); !vm.empty()) parameters += " vm=" + vm;
        tasks.push_back(std::make_shared<RunningTask>(t.get("uuid"), task_type_of(t.get("op")), parameters));
    }
    return tasks;
}

ResultPtr follow_daemon_task(Server& server, remote::Connection& daemon, const std::string& uuid, Job& job) {
    const Record task = Record::parse(daemon.call(task_call("task_info", uuid)).get("task"));
    const std::string op = task.get("op"), vm = task.find("vm").value_or("");
    const bool backup = op == "create_backup", restore = op == "restore_backup";

    remote::CallOptions options;
    options.cancel = &job.cancel_flag();
    if ((backup || restore) && !vm.empty()) {
        const auto event = backup ? PET_DSP_EVT_BACKUP_PROGRESS_CHANGED : PET_DSP_EVT_RESTORE_PROGRESS_CHANGED;
        options.on_percent = backup_ops::progress_of(server, job, event, vm).on_percent;
    } else {
        options.on_percent = [&job](unsigned percent) { job.set_progress(percent); };
    }
    Record answer;
    try {
        answer = daemon.call(task_call("attach_task", uuid), options);
    } catch (const backup::Error& e) {
        if (e.code() == backup::Errc::cancelled && !vm.empty())
            server.emit(backup_ops::vm_event(server, PET_DSP_EVT_BACKUP_CANCELLED, vm));
        throw;
    }
    job.set_progress(100);  // also when it had ended before the attach
    if (backup) {
        server.emit(backup_ops::vm_event(server, PET_DSP_EVT_CREATE_BACKUP_FINISHED, vm));
        return std::make_shared<Result>(std::vector<Result::Param>{vm, std::make_shared<BackupResult>(answer.get("id"))});
    }
    if (restore) {
        const auto outcome = remote::decode_restore_outcome(Record::parse(answer.get("outcome")));
        server.emit(backup_ops::vm_event(server, PET_DSP_EVT_RESTORE_BACKUP_FINISHED, outcome.vm_uuid));
        return std::make_shared<Result>(std::vector<Result::Param>{outcome.vm_uuid});
    }
    return nullptr;
}

}  // namespace prl
