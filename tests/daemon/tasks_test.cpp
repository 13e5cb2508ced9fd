// prlshimd's tasks with real clients of the C API: a backup outlives the
// client that started it and a later login attaches to it; PrlJob_Cancel of
// an attached job cancels the task; a daemon killed mid-backup tells its
// clients, and after a restart the task is failed in the history and the
// repository is whole; log="on" keeps every progress step (docs/daemon.md).
#include "capi.h"
#include "daemon_process.h"
#include "helpers.h"

#include "daemon/task_history.h"
#include "test_home.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

extern char** environ;

using capi::Handle;
using capi::run;
using daemon_test::DaemonProcess;
using namespace daemon_test;
using prl::daemon::TaskHistory;
using prl::daemon::TaskStatus;

namespace {

// Counts the backup events that reach a server's handlers.
struct BackupEvents {
    std::atomic<int> progress{0}, finished{0}, cancelled{0}, closed{0};
    static PRL_RESULT on_event(PRL_HANDLE h, PRL_VOID_PTR data) {
        auto* self = static_cast<BackupEvents*>(data);
        PRL_HANDLE_TYPE type;
        PRL_EVENT_TYPE event;
        if (PRL_SUCCEEDED(PrlHandle_GetType(h, &type)) && type == PHT_EVENT &&
            PRL_SUCCEEDED(PrlEvent_GetType(h, &event))) {
            if (event == PET_DSP_EVT_BACKUP_PROGRESS_CHANGED) ++self->progress;
            if (event == PET_DSP_EVT_CREATE_BACKUP_FINISHED) ++self->finished;
            if (event == PET_DSP_EVT_BACKUP_CANCELLED) ++self->cancelled;
            if (event == PET_DSP_EVT_DISP_CONNECTION_CLOSED) ++self->closed;
        }
        PrlHandle_Free(h);
        return PRL_ERR_SUCCESS;
    }
};

// A local login's response.
Handle login_response(PRL_HANDLE server) {
    Handle result = run(PrlSrv_LoginLocal(server, nullptr, 0, PSL_HIGH_SECURITY));
    Handle response;
    REQUIRE_PRL_OK(PrlResult_GetParam(result, response.out()));
    return response;
}

// The UUID of the one task a new login of `server` is told of, and its parameters.
std::string only_task(PRL_HANDLE server, std::string* parameters = nullptr) {
    Handle response = login_response(server);
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlLoginResponse_GetRunningTaskCount(response, &n));
    REQUIRE(n == 1);
    Handle task;
    REQUIRE_PRL_OK(PrlLoginResponse_GetRunningTaskByIndex(response, 0, task.out()));
    if (parameters)
        *parameters = capi::get_string(
            [&](PRL_STR b, PRL_UINT32_PTR l) { return PrlRunningTask_GetTaskParametersAsString(task, b, l); });
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlRunningTask_GetTaskUuid(task, b, l); });
}

PRL_UINT32 job_progress(PRL_HANDLE job) {
    PRL_UINT32 percent = 0;
    REQUIRE_PRL_OK(PrlJob_GetProgress(job, &percent));
    return percent;
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("a backup goes on when the client that started it is killed, and a later login attaches to it", "[daemon]") {
    prl::test::TestHome home;
    capi::Api api;
    DaemonProcess daemon(home.path());
    Handle server = local_login();
    Handle vm = make_vm(server, "outlives-its-client", 384);
    fill_disk(vm, 384);
    const std::string uuid = vm_uuid(vm);

    int out[2];
    REQUIRE(pipe(out) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    std::string program = BACKUP_CLIENT_PATH;
    char* argv[] = {program.data(), const_cast<char*>(uuid.c_str()), nullptr};
    pid_t client = -1;
    REQUIRE(posix_spawn(&client, BACKUP_CLIENT_PATH, &actions, nullptr, argv, environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    char started[8] = {};
    REQUIRE(read(out[0], started, 7) == 7);  // "started": the call is on its way
    close(out[0]);

    // The task is the daemon's: a new session lists it while it runs...
    REQUIRE(eventually([] { return running_tasks() == 1; }));
    // ...and it survives the death of the process that started it.
    kill(client, SIGKILL);
    int status = 0;
    waitpid(client, &status, 0);

    // A later login attaches to it and follows it to its end, as its own
    // job would have: its result is the VM and the new backup.
    Handle follower;
    REQUIRE_PRL_OK(PrlSrv_Create(follower.out()));
    std::string parameters;
    const std::string task = only_task(follower, &parameters);
    CHECK(parameters == "op=create_backup vm=" + uuid);
    BackupEvents events;
    REQUIRE_PRL_OK(PrlSrv_RegEventHandler(follower, &BackupEvents::on_event, &events));
    Handle attached(PrlSrv_AttachToLostTask(follower, task.c_str()));
    REQUIRE_PRL_OK(capi::wait_code(attached, 120000));
    Handle result;
    REQUIRE_PRL_OK(PrlJob_GetResult(attached, result.out()));
    CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlResult_GetParamByIndexAsString(result, 0, b, l); }) ==
          uuid);
    Handle backup;
    REQUIRE_PRL_OK(PrlResult_GetParamByIndex(result, 1, backup.out()));
    const std::string backup_id =
        capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlBackupResult_GetBackupUuid(backup, b, l); });
    CHECK(eventually([&] { return events.finished.load() == 1; }));  // handlers run on the event thread
    CHECK(job_progress(attached) == 100);
    CHECK(running_tasks() == 0);

    const std::string tree = backup_tree(server);
    CHECK(tree.find(uuid) != std::string::npos);
    CHECK(tree.find(backup_id) != std::string::npos);
    CHECK(tree.find("killed midway") != std::string::npos);

    // The history has it, with its owner and result.
    const auto ended = TaskHistory::open(prl::daemon::task_history_file(home.path()), false)->find(task);
    REQUIRE(ended);
    CHECK(ended->status == TaskStatus::success);
    CHECK(ended->name == "create_backup");
    CHECK(ended->description == "vm " + uuid);
    CHECK(ended->finished >= ended->created);
    // Attaching once it is over gives the same outcome at once.
    Handle again(PrlSrv_AttachToLostTask(follower, task.c_str()));
    REQUIRE_PRL_OK(capi::wait_code(again, 30000));
    REQUIRE_PRL_OK(PrlSrv_UnregEventHandler(follower, &BackupEvents::on_event, &events));
}

TEST_CASE("PrlJob_Cancel of a job attached to another session's task cancels the task", "[daemon]") {
    prl::test::TestHome home;
    capi::Api api;
    DaemonProcess daemon(home.path());
    Handle starter, follower;
    REQUIRE_PRL_OK(PrlSrv_Create(starter.out()));
    REQUIRE_PRL_OK(PrlSrv_Create(follower.out()));
    run(PrlSrv_LoginLocal(starter, nullptr, 0, PSL_HIGH_SECURITY));
    Handle vm = make_vm(starter, "cancelled-from-elsewhere", 512);
    fill_disk(vm, 512);

    Handle backup(PrlSrv_CreateVmBackup(starter, vm_uuid(vm).c_str(), "", 0, "", "", PBT_FULL, 0, PRL_TRUE));
    const std::string task = [&] {
        std::string t;
        REQUIRE(eventually([&] { return running_tasks() == 1; }));
        t = only_task(follower);
        return t;
    }();
    BackupEvents events;
    REQUIRE_PRL_OK(PrlSrv_RegEventHandler(follower, &BackupEvents::on_event, &events));
    Handle attached(PrlSrv_AttachToLostTask(follower, task.c_str()));
    // Its progress reaches the follower: the job's and the events.
    REQUIRE(eventually([&] { return job_progress(attached) > 0; }));
    CHECK(eventually([&] { return events.progress.load() > 0; }));
    Handle cancel(PrlJob_Cancel(attached));
    REQUIRE_PRL_OK(capi::wait_code(cancel, 30000));
    CHECK(capi::wait_code(attached, 60000) == PRL_ERR_OPERATION_WAS_CANCELED);
    CHECK(capi::wait_code(backup, 60000) == PRL_ERR_OPERATION_WAS_CANCELED);
    CHECK(eventually([&] { return events.cancelled.load() >= 1; }));

    const auto ended = TaskHistory::open(prl::daemon::task_history_file(home.path()), false)->find(task);
    REQUIRE(ended);
    CHECK(ended->status == TaskStatus::cancelled);
    CHECK(ended->error_code == "backup/cancelled");
    CHECK(count_of(backup_tree(starter), "<BackupItem>") == 0);  // nothing half-made is listed
    REQUIRE_PRL_OK(PrlSrv_UnregEventHandler(follower, &BackupEvents::on_event, &events));
}

TEST_CASE("a daemon killed mid-backup tells its clients, and after a restart the task is failed and the repository whole", "[daemon]") {
    prl::test::TestHome home;
    capi::Api api;
    auto daemon = std::make_unique<DaemonProcess>(home.path());
    Handle server = local_login();
    Handle vm = make_vm(server, "daemon-dies", 512);
    fill_disk(vm, 512);
    const std::string uuid = vm_uuid(vm);
    BackupEvents events;
    REQUIRE_PRL_OK(PrlSrv_RegEventHandler(server, &BackupEvents::on_event, &events));

    Handle backup(PrlSrv_CreateVmBackup(server, uuid.c_str(), "", 0, "", "", PBT_FULL, 0, PRL_TRUE));
    REQUIRE(eventually([&] { return job_progress(backup) > 0; }));  // data is on its way
    Handle other;
    REQUIRE_PRL_OK(PrlSrv_Create(other.out()));
    const std::string task = only_task(other);
    daemon->kill_hard();
    // The clients are told: the job ends with a connection error, not a hang,
    // and the server's handlers get PET_DSP_EVT_DISP_CONNECTION_CLOSED.
    CHECK(capi::wait_code(backup, 30000) == PRL_ERR_SERVER_GOES_DOWN);
    CHECK(eventually([&] { return events.closed.load() == 1; }));
    REQUIRE_PRL_OK(PrlSrv_UnregEventHandler(server, &BackupEvents::on_event, &events));

    daemon = std::make_unique<DaemonProcess>(home.path());
    const auto failed = TaskHistory::open(prl::daemon::task_history_file(home.path()), false)->find(task);
    REQUIRE(failed);
    CHECK(failed->status == TaskStatus::failure);
    CHECK(failed->error_code == "service/connection_lost");
    CHECK(failed->error_text == "prlshimd stopped before the task ended");
    // Attaching to it tells the same.
    Handle after;
    REQUIRE_PRL_OK(PrlSrv_Create(after.out()));
    login_response(after);
    Handle attached(PrlSrv_AttachToLostTask(after, task.c_str()));
    CHECK(capi::wait_code(attached, 30000) == PRL_ERR_SERVER_GOES_DOWN);

    // The repository: the cut-short backup is not listed, and the next one
    // of the same VM (its lock left by the dead daemon) works and is listed.
    CHECK(count_of(backup_tree(after), "<BackupItem>") == 0);
    Handle retry(PrlSrv_CreateVmBackup(after, uuid.c_str(), "", 0, "", "", PBT_FULL, 0, PRL_TRUE));
    REQUIRE_PRL_OK(capi::wait_code(retry, 120000));
    CHECK(count_of(backup_tree(after), "<BackupItem>") == 1);
}

TEST_CASE("PRLSHIM_LOG_PROGRESS=1 asks for log=\"on\", and the history keeps every progress step", "[daemon]") {
    prl::test::TestHome home;
    capi::Api api;
    DaemonProcess daemon(home.path());
    Handle server = local_login();
    Handle vm = make_vm(server, "logged", 32);
    fill_disk(vm, 32);
    const std::string uuid = vm_uuid(vm);
    // The backups' tasks, newest first (registering the VM was a task too).
    auto backups = [&] {
        std::vector<prl::daemon::TaskRecord> out;
        for (auto& t : TaskHistory::open(prl::daemon::task_history_file(home.path()), false)->list("", 10))
            if (t.name == "create_backup") out.push_back(t);
        return out;
    };
    auto steps_of = [&](const std::string& task) {
        return TaskHistory::open(prl::daemon::task_history_file(home.path()), false)->steps(task);
    };

    run(PrlSrv_CreateVmBackup(server, uuid.c_str(), "", 0, "", "unlogged", PBT_FULL, 0, PRL_TRUE));
    const auto first = backups();
    REQUIRE(first.size() == 1);
    CHECK(steps_of(first[0].uuid).empty());

    ::setenv("PRLSHIM_LOG_PROGRESS", "1", 1);
    run(PrlSrv_CreateVmBackup(server, uuid.c_str(), "", 0, "", "logged", PBT_FULL, 0, PRL_TRUE));
    ::unsetenv("PRLSHIM_LOG_PROGRESS");
    const auto tasks = backups();
    REQUIRE(tasks.size() == 2);
    const auto steps = steps_of(tasks[0].uuid);
    REQUIRE(steps.size() >= 2);
    for (std::size_t i = 1; i < steps.size(); ++i) {
        CHECK(steps[i].percent > steps[i - 1].percent);
        CHECK(steps[i].at >= steps[i - 1].at);
    }
    CHECK(steps.back().percent == 100);

#ifdef PRLSHIM_CLI_PATH
    // prlshim tasks --history and --steps show the same, from the database.
    const std::string listed = output_of(PRLSHIM_CLI_PATH " tasks --history -j");
    CHECK(listed.find("\"uuid\": \"" + tasks[0].uuid + "\"") != std::string::npos);
    CHECK(count_of(listed, "\"status\": \"success\"") == 3);  // two backups, the VM's registration
    CHECK(count_of(listed, "\"name\": \"create_backup\"") == 2);
    const std::string table = output_of(PRLSHIM_CLI_PATH " tasks --history");
    CHECK(table.find("create_backup") != std::string::npos);
    const std::string logged = output_of(std::string(PRLSHIM_CLI_PATH " tasks -j --steps '") + tasks[0].uuid + "'");
    CHECK(count_of(logged, "\"percent\":") == steps.size());
#endif
}

TEST_CASE("a task history that cannot be read stops prlshimd before it listens", "[daemon]") {
    prl::test::TestHome home;
    std::ofstream(prl::daemon::task_history_file(home.path()), std::ios::binary)
        << std::string(4096, '\x5a') << "not a database";
    CHECK_THROWS(DaemonProcess(home.path()));
    CHECK_FALSE(std::filesystem::exists(home.path() / "prlshimd.sock"));
}
