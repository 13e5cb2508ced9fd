#include "task_history.h"

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace prl::daemon {
namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS tasks (
  uuid TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  owner TEXT NOT NULL,
  status TEXT NOT NULL,
  progress INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL,
  finished INTEGER NOT NULL DEFAULT 0,
  result_type TEXT NOT NULL DEFAULT '',
  result TEXT NOT NULL DEFAULT '',
  error_code TEXT NOT NULL DEFAULT '',
  error_text TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS tasks_by_created ON tasks(created);
CREATE TABLE IF NOT EXISTS progress_log (
  task TEXT NOT NULL REFERENCES tasks(uuid) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  percent INTEGER NOT NULL,
  message TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS progress_log_by_task ON progress_log(task, at);
)";

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
    throw TaskHistoryError("task history: " + what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

void exec(sqlite3* db, const char* sql) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(db, "setting up");
}

// A prepared statement, bound by position (1-based) and stepped.
class Statement {
public:
    Statement(sqlite3* db, const char* sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) fail(db, "preparing a query");
    }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int i, const std::string& text) {
        check(sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
        return *this;
    }
    Statement& bind(int i, std::int64_t value) {
        check(sqlite3_bind_int64(stmt_, i, value));
        return *this;
    }
    bool row() {  // true while a row is there to read
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc != SQLITE_DONE) fail(db_, "a query");
        return false;
    }
    void run() { row(); }
    std::string text(int column) const {
        const auto* p = sqlite3_column_text(stmt_, column);
        return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
                 : std::string();
    }
    std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }

private:
    void check(int rc) {
        if (rc != SQLITE_OK) fail(db_, "binding a value");
    }
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

constexpr const char* kColumns =
    "uuid, name, description, owner, status, progress, created, finished, result_type, result, error_code, error_text";

TaskRecord read_task(const Statement& s) {
    TaskRecord t;
    t.uuid = s.text(0);
    t.name = s.text(1);
    t.description = s.text(2);
    t.owner = s.text(3);
    t.status = parse_status(s.text(4)).value_or(TaskStatus::failure);
    t.progress = static_cast<unsigned>(s.integer(5));
    t.created = s.integer(6);
    t.finished = s.integer(7);
    t.result_type = s.text(8);
    t.result = s.text(9);
    t.error_code = s.text(10);
    t.error_text = s.text(11);
    return t;
}

// Progress is written often and matters little: its commits are not
// flushed to disk one by one (they survive the daemon's crash, not a power
// cut; the next durable commit flushes them too).
class Lighter {
public:
    explicit Lighter(sqlite3* db) : db_(db) { exec(db_, "PRAGMA synchronous=NORMAL"); }
    ~Lighter() { sqlite3_exec(db_, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr); }
    Lighter(const Lighter&) = delete;
    Lighter& operator=(const Lighter&) = delete;

private:
    sqlite3* db_;
};

// Creates the file with mode 0600 before SQLite opens it, so the history is
// never readable by others, not even for an instant.
void create_private(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::close(fd);
    } else if (errno != EEXIST) {
        throw TaskHistoryError("task history: creating " + file.string() + ": " + std::strerror(errno));
    }
}

}  // namespace

const char* status_name(TaskStatus status) noexcept {
    switch (status) {
        case TaskStatus::pending: return "pending";
        case TaskStatus::success: return "success";
        case TaskStatus::failure: return "failure";
        case TaskStatus::cancelling: return "cancelling";
        case TaskStatus::cancelled: return "cancelled";
    }
    return "failure";
}

std::optional<TaskStatus> parse_status(const std::string& name) noexcept {
    for (TaskStatus s : {TaskStatus::pending, TaskStatus::success, TaskStatus::failure, TaskStatus::cancelling,
                         TaskStatus::cancelled})
        if (name == status_name(s)) return s;
    return std::nullopt;
}

std::int64_t TaskRecord::eta(std::int64_t now) const noexcept {
    if (!is_running(status)) return finished;
    if (progress == 0 || now <= created) return 0;
    return created + (now - created) * 100 / progress;
}

std::int64_t now_ms() noexcept {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::unique_ptr<TaskHistory> TaskHistory::open(const std::filesystem::path& file, bool writable) {
    std::error_code ec;
    if (!writable && !std::filesystem::exists(file, ec)) {
        // Nothing ran yet: an empty history, in memory.
        sqlite3* db = nullptr;
        if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK)
            fail(db, "opening");
        std::unique_ptr<TaskHistory> h(new TaskHistory(db));
        exec(db, kSchema);
        return h;
    }
    if (writable) create_private(file);
    sqlite3* db = nullptr;
    const int flags = (writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY) | SQLITE_OPEN_NOFOLLOW |
                      SQLITE_OPEN_FULLMUTEX;
    const int rc = sqlite3_open_v2(file.c_str(), &db, flags, nullptr);
    std::unique_ptr<TaskHistory> h(new TaskHistory(db));  // closes db on a throw below
    if (rc != SQLITE_OK) fail(db, "opening " + file.string());
    sqlite3_busy_timeout(db, 5000);
    if (writable) {
        // WAL: readers (prlshim tasks) never block the daemon's writes.
        exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
        Statement version(db, "PRAGMA user_version");
        const std::int64_t found = version.row() ? version.integer(0) : 0;
        if (found > kSchemaVersion)
            throw TaskHistoryError("task history: " + file.string() + " is of a newer prlshimd (schema " +
                                   std::to_string(found) + ")");
        exec(db, "BEGIN IMMEDIATE");
        exec(db, kSchema);
        exec(db, ("PRAGMA user_version=" + std::to_string(kSchemaVersion)).c_str());
        exec(db, "COMMIT");
    }
    return h;
}

TaskHistory::~TaskHistory() { sqlite3_close_v2(db_); }

std::size_t TaskHistory::fail_unfinished(const std::string& error_code, const std::string& why, std::int64_t now) {
    std::lock_guard lock(mutex_);
    Statement s(db_, "UPDATE tasks SET status='failure', finished=?1, error_code=?2, error_text=?3 "
                     "WHERE status IN ('pending', 'cancelling')");
    s.bind(1, now).bind(2, error_code).bind(3, why).run();
    return static_cast<std::size_t>(sqlite3_changes(db_));
}

void TaskHistory::insert(const TaskRecord& t) {
    std::lock_guard lock(mutex_);
    Statement s(db_, "INSERT INTO tasks (uuid, name, description, owner, status, progress, created) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    s.bind(1, t.uuid).bind(2, t.name).bind(3, t.description).bind(4, t.owner).bind(5, status_name(t.status));
    s.bind(6, std::int64_t{t.progress}).bind(7, t.created).run();
}

void TaskHistory::set_progress(const std::string& uuid, unsigned percent) {
    std::lock_guard lock(mutex_);
    Lighter lighter(db_);
    Statement(db_, "UPDATE tasks SET progress=?2 WHERE uuid=?1").bind(1, uuid).bind(2, std::int64_t{percent}).run();
}

void TaskHistory::set_status(const std::string& uuid, TaskStatus status) {
    std::lock_guard lock(mutex_);
    Statement(db_, "UPDATE tasks SET status=?2 WHERE uuid=?1").bind(1, uuid).bind(2, status_name(status)).run();
}

void TaskHistory::finish(const TaskRecord& t) {
    std::lock_guard lock(mutex_);
    Statement s(db_, "UPDATE tasks SET status=?2, progress=?3, finished=?4, result_type=?5, result=?6, "
                     "error_code=?7, error_text=?8 WHERE uuid=?1");
    s.bind(1, t.uuid).bind(2, status_name(t.status)).bind(3, std::int64_t{t.progress}).bind(4, t.finished);
    s.bind(5, t.result_type).bind(6, t.result).bind(7, t.error_code).bind(8, t.error_text).run();
}

void TaskHistory::log_step(const std::string& uuid, const ProgressStep& step) {
    std::lock_guard lock(mutex_);
    Lighter lighter(db_);
    Statement s(db_, "INSERT INTO progress_log (task, at, percent, message) VALUES (?1, ?2, ?3, ?4)");
    s.bind(1, uuid).bind(2, step.at).bind(3, std::int64_t{step.percent}).bind(4, step.message).run();
}

std::optional<TaskRecord> TaskHistory::find(const std::string& uuid) const {
    std::lock_guard lock(mutex_);
    Statement s(db_, (std::string("SELECT ") + kColumns + " FROM tasks WHERE uuid=?1").c_str());
    s.bind(1, uuid);
    if (!s.row()) return std::nullopt;
    return read_task(s);
}

std::vector<TaskRecord> TaskHistory::list(const std::string& owner, std::size_t limit) const {
    std::lock_guard lock(mutex_);
    Statement s(db_, (std::string("SELECT ") + kColumns +
                      " FROM tasks WHERE ?1 = '' OR owner = ?1 ORDER BY created DESC, rowid DESC LIMIT ?2")
                         .c_str());
    s.bind(1, owner).bind(2, static_cast<std::int64_t>(limit));
    std::vector<TaskRecord> out;
    while (s.row()) out.push_back(read_task(s));
    return out;
}

std::vector<ProgressStep> TaskHistory::steps(const std::string& uuid) const {
    std::lock_guard lock(mutex_);
    Statement s(db_, "SELECT at, percent, message FROM progress_log WHERE task=?1 ORDER BY at, rowid");
    s.bind(1, uuid);
    std::vector<ProgressStep> out;
    while (s.row()) out.push_back(ProgressStep{s.integer(0), static_cast<unsigned>(s.integer(1)), s.text(2)});
    return out;
}

void TaskHistory::trim(std::size_t keep) {
    std::lock_guard lock(mutex_);
    Statement s(db_, "DELETE FROM tasks WHERE status NOT IN ('pending', 'cancelling') AND uuid NOT IN "
                     "(SELECT uuid FROM tasks WHERE status NOT IN ('pending', 'cancelling') "
                     "ORDER BY created DESC LIMIT ?1)");
    s.bind(1, static_cast<std::int64_t>(keep)).run();
}

}  // namespace prl::daemon
