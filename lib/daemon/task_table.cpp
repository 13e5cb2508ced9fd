#include "task_table.h"

#include "backup/ids.h"

#include <chrono>
#include <cstdio>

namespace prl::daemon {
namespace {

// Ended tasks kept in memory, for followers that were waiting on them; older
// ones are in the history.
constexpr std::size_t kMaxEnded = 256;

// How often a follower looks at its stop flag while the task is quiet.
constexpr auto kFollowPoll = std::chrono::milliseconds(100);

}  // namespace

void TaskTable::record_quietly(const std::function<void(TaskHistory&)>& write) const noexcept {
    if (!history_) return;
    try {
        write(*history_);
    } catch (const std::exception& e) {
        // The task itself goes on: a full disk must not fail a backup.
        std::fprintf(stderr, "prlshimd: %s\n", e.what());
    }
}

std::string TaskTable::start(const std::string& name, const std::string& description, const std::string& owner,
                             std::shared_ptr<std::atomic<bool>> cancel) {
    Live live;
    live.record.uuid = backup::new_uuid();
    live.record.name = name;
    live.record.description = description;
    live.record.owner = owner;
    live.record.created = now_ms();
    live.cancel = std::move(cancel);
    const TaskRecord record = live.record;
    {
        std::lock_guard lock(mutex_);
        tasks_[record.uuid] = std::move(live);
    }
    record_quietly([&](TaskHistory& h) { h.insert(record); });
    return record.uuid;
}

void TaskTable::progress(const std::string& uuid, unsigned percent, bool log) {
    {
        std::lock_guard lock(mutex_);
        auto it = tasks_.find(uuid);
        if (it == tasks_.end() || it->second.record.progress == percent) return;
        it->second.record.progress = percent;
    }
    changed_.notify_all();
    record_quietly([&](TaskHistory& h) {
        h.set_progress(uuid, percent);
        if (log) h.log_step(uuid, ProgressStep{now_ms(), percent, {}});
    });
}

void TaskTable::end(const std::string& uuid, const std::function<void(TaskRecord&)>& how) {
    TaskRecord record;
    {
        std::lock_guard lock(mutex_);
        auto it = tasks_.find(uuid);
        if (it == tasks_.end()) return;
        how(it->second.record);
        it->second.record.finished = now_ms();
        it->second.cancel.reset();
        record = it->second.record;
        std::size_t ended = 0;
        for (const auto& [id, t] : tasks_) ended += !is_running(t.record.status);
        for (auto i = tasks_.begin(); ended > kMaxEnded && i != tasks_.end();) {
            if (!is_running(i->second.record.status) && i->first != uuid) {
                i = tasks_.erase(i);
                --ended;
            } else {
                ++i;
            }
        }
    }
    changed_.notify_all();
    record_quietly([&](TaskHistory& h) { h.finish(record); });
}

void TaskTable::succeed(const std::string& uuid, const std::string& answer_record) {
    end(uuid, [&](TaskRecord& t) {
        t.status = TaskStatus::success;
        t.progress = 100;
        t.result_type = "record";
        t.result = answer_record;
    });
}

void TaskTable::fail(const std::string& uuid, const std::string& error_code, const std::string& message) {
    end(uuid, [&](TaskRecord& t) {
        t.status = error_code == "backup/cancelled" ? TaskStatus::cancelled : TaskStatus::failure;
        t.error_code = error_code;
        t.error_text = message;
    });
}

std::vector<TaskRecord> TaskTable::running(const std::string& owner) const {
    std::vector<TaskRecord> out;
    std::lock_guard lock(mutex_);
    for (const auto& [id, t] : tasks_)
        if (t.record.owner == owner && is_running(t.record.status)) out.push_back(t.record);
    return out;
}

std::optional<TaskRecord> TaskTable::find(const std::string& uuid, const std::string& owner) const {
    {
        std::lock_guard lock(mutex_);
        if (auto it = tasks_.find(uuid); it != tasks_.end())
            return it->second.record.owner == owner ? std::optional(it->second.record) : std::nullopt;
    }
    std::optional<TaskRecord> found;
    record_quietly([&](TaskHistory& h) { found = h.find(uuid); });
    if (found && found->owner != owner) return std::nullopt;
    return found;
}

bool TaskTable::cancel(const std::string& uuid, const std::string& owner) {
    {
        std::lock_guard lock(mutex_);
        auto it = tasks_.find(uuid);
        if (it == tasks_.end() || it->second.record.owner != owner || !is_running(it->second.record.status))
            return false;
        if (it->second.cancel) *it->second.cancel = true;
        it->second.record.status = TaskStatus::cancelling;
    }
    changed_.notify_all();
    record_quietly([&](TaskHistory& h) { h.set_status(uuid, TaskStatus::cancelling); });
    return true;
}

std::optional<TaskRecord> TaskTable::follow(const std::string& uuid, const std::string& owner,
                                            const std::function<void(unsigned)>& on_percent,
                                            const std::atomic<bool>* stop) {
    std::optional<unsigned> told;
    bool stopping = false;
    std::unique_lock lock(mutex_);
    for (;;) {
        auto it = tasks_.find(uuid);
        if (it == tasks_.end() || it->second.record.owner != owner) {
            lock.unlock();
            return find(uuid, owner);  // ended long ago (or never was): the history knows
        }
        const TaskRecord& t = it->second.record;
        if (on_percent && told != t.progress) {
            told = t.progress;
            lock.unlock();
            on_percent(*told);
            lock.lock();
            continue;
        }
        if (!is_running(t.status)) return t;  // its last percent told
        if (stop && *stop && !stopping) {
            stopping = true;
            lock.unlock();
            cancel(uuid, owner);
            lock.lock();
            continue;
        }
        changed_.wait_for(lock, kFollowPoll);
    }
}

}  // namespace prl::daemon
