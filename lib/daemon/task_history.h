// prlshimd's task history: every long operation's record (the Xen API task
// model) and the progress steps of requests that asked for log="on", kept
// in SQLite at <state root>/tasks.db so they survive a restart
// (docs/daemon.md describes the schema, which `prlshim tasks` reads too).
// Depends on nothing but SQLite: the CLI links it without the service.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

struct sqlite3;

namespace prl::daemon {

enum class TaskStatus { pending, success, failure, cancelling, cancelled };
const char* status_name(TaskStatus status) noexcept;
std::optional<TaskStatus> parse_status(const std::string& name) noexcept;
inline bool is_running(TaskStatus s) noexcept { return s == TaskStatus::pending || s == TaskStatus::cancelling; }

struct TaskRecord {
    std::string uuid;         // "{...}"
    std::string name;         // the call: "create_backup", "restore_backup", ...
    std::string description;  // what it acts on: "vm {uuid}", or empty
    std::string owner;        // the user who started it
    TaskStatus status = TaskStatus::pending;
    unsigned progress = 0;                      // percent
    std::int64_t created = 0, finished = 0;     // milliseconds since the epoch; finished 0 while running
    std::string result_type, result;            // on success: "record" and the answer's record
    std::string error_code, error_text;         // on failure: "domain/code" and the message

    // While running: the finish time extrapolated from progress so far (0
    // before the first percent); once ended, the finish time.
    std::int64_t eta(std::int64_t now) const noexcept;
};

struct ProgressStep {
    std::int64_t at = 0;  // milliseconds since the epoch
    unsigned percent = 0;
    std::string message;
};

class TaskHistoryError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One database connection, used by one thread at a time (its own lock).
// Every write but progress is committed durably (synchronous=FULL) before
// it returns.
class TaskHistory {
public:
    // Opens the history, creating it (mode 0600) when `writable`; a missing
    // file opened read-only is an empty history. Throws TaskHistoryError.
    static std::unique_ptr<TaskHistory> open(const std::filesystem::path& file, bool writable);
    ~TaskHistory();
    TaskHistory(const TaskHistory&) = delete;
    TaskHistory& operator=(const TaskHistory&) = delete;

    // At the daemon's start: every task the last run left running is marked
    // failed with `error_code` and `why`; returns how many.
    std::size_t fail_unfinished(const std::string& error_code, const std::string& why, std::int64_t now);

    void insert(const TaskRecord& task);
    void set_progress(const std::string& uuid, unsigned percent);
    void set_status(const std::string& uuid, TaskStatus status);
    void finish(const TaskRecord& task);  // status, finished, result or error
    void log_step(const std::string& uuid, const ProgressStep& step);

    std::optional<TaskRecord> find(const std::string& uuid) const;
    // Newest first; an empty owner means everybody's.
    std::vector<TaskRecord> list(const std::string& owner, std::size_t limit) const;
    std::vector<ProgressStep> steps(const std::string& uuid) const;
    // Keeps the newest `keep` ended tasks (and their steps), drops the rest.
    void trim(std::size_t keep);

private:
    explicit TaskHistory(sqlite3* db) : db_(db) {}
    mutable std::mutex mutex_;
    sqlite3* db_;
};

std::int64_t now_ms() noexcept;

// Where prlshimd keeps the history of the state root `home`.
inline std::filesystem::path task_history_file(const std::filesystem::path& home) { return home / "tasks.db"; }

}  // namespace prl::daemon
