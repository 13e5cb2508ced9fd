// The daemon's long operations as tasks (the Xen API model, issue 13): they
// belong to the user who started them, not to the session, and run to their
// end when that session goes. Running tasks live here; every change is also
// written to the history (task_history.h), which outlives the daemon.
#pragma once
#include "task_history.h"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace prl::daemon {

class TaskTable {
public:
    // `history` null: kept in memory only (the unit tests).
    explicit TaskTable(TaskHistory* history = nullptr) : history_(history) {}

    // A new pending task; `cancel` is the flag its operation watches.
    std::string start(const std::string& name, const std::string& description, const std::string& owner,
                      std::shared_ptr<std::atomic<bool>> cancel);
    // A new percent; `log` also records it as a step (log="on").
    void progress(const std::string& uuid, unsigned percent, bool log);
    // How it ended: success with the answer's record (its result), or
    // failure with the error's "domain/code" and message; "backup/cancelled"
    // ends it cancelled.
    void succeed(const std::string& uuid, const std::string& answer_record);
    void fail(const std::string& uuid, const std::string& error_code, const std::string& message);

    std::vector<TaskRecord> running(const std::string& owner) const;
    // The owner's task, running or in the history; nullopt for another
    // user's, as for one that never was.
    std::optional<TaskRecord> find(const std::string& uuid, const std::string& owner) const;
    // Asks the owner's running task to stop; false if there is none.
    bool cancel(const std::string& uuid, const std::string& owner);

    // Follows the owner's task to its end: `on_percent` gets each new
    // percent; when `*stop` becomes true the task is cancelled. Returns the
    // ended task, or nullopt if the owner has no such task.
    std::optional<TaskRecord> follow(const std::string& uuid, const std::string& owner,
                                      const std::function<void(unsigned)>& on_percent,
                                      const std::atomic<bool>* stop);

private:
    struct Live {
        TaskRecord record;
        std::shared_ptr<std::atomic<bool>> cancel;
    };
    void end(const std::string& uuid, const std::function<void(TaskRecord&)>& how);
    void record_quietly(const std::function<void(TaskHistory&)>& write) const noexcept;

    TaskHistory* history_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::string, Live> tasks_;  // running, and recently ended ones
};

}  // namespace prl::daemon
