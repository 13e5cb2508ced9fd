// The daemon's long operations as tasks (the Xen API model, issue 13): they
// belong to the user who started them, not to the session, and run to their
// end when that session goes. Kept in memory for now; a restart forgets
// them (the SQLite history is still to come, docs/daemon.md).
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace prl::daemon {

struct TaskInfo {
    std::string uuid;   // "{...}"
    std::string op;     // the call: "create_backup", "restore_backup", ...
    std::string owner;  // the user who started it
    enum class Status { running, success, failure } status = Status::running;
    unsigned percent = 0;
    std::int64_t created = 0, finished = 0;  // seconds since the epoch
    std::string error;  // "domain/code: message" on failure
};

class TaskTable {
public:
    std::string start(const std::string& op, const std::string& owner);
    void progress(const std::string& uuid, unsigned percent);
    void finish(const std::string& uuid, bool success, const std::string& error = {});
    std::vector<TaskInfo> running(const std::string& owner) const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, TaskInfo> tasks_;
};

}  // namespace prl::daemon
