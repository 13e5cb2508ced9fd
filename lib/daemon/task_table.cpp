#include "task_table.h"

#include "backup/ids.h"

#include <ctime>

namespace prl::daemon {
namespace {

// Finished tasks kept for a while, so a client that comes back can still learn
// how they ended; past this many the oldest go.
constexpr std::size_t kMaxFinished = 1024;

}  // namespace

std::string TaskTable::start(const std::string& op, const std::string& owner) {
    TaskInfo t;
    t.uuid = backup::new_uuid();
    t.op = op;
    t.owner = owner;
    t.created = static_cast<std::int64_t>(std::time(nullptr));
    std::lock_guard lock(mutex_);
    tasks_[t.uuid] = t;
    return t.uuid;
}

void TaskTable::progress(const std::string& uuid, unsigned percent) {
    std::lock_guard lock(mutex_);
    if (auto it = tasks_.find(uuid); it != tasks_.end()) it->second.percent = percent;
}

void TaskTable::finish(const std::string& uuid, bool success, const std::string& error) {
    std::lock_guard lock(mutex_);
    auto it = tasks_.find(uuid);
    if (it == tasks_.end()) return;
    it->second.status = success ? TaskInfo::Status::success : TaskInfo::Status::failure;
    it->second.finished = static_cast<std::int64_t>(std::time(nullptr));
    it->second.error = error;
    std::size_t finished = 0;
    for (const auto& [id, t] : tasks_) finished += t.status != TaskInfo::Status::running;
    for (auto i = tasks_.begin(); finished > kMaxFinished && i != tasks_.end();) {
        if (i->second.status != TaskInfo::Status::running && i->first != uuid) {
            i = tasks_.erase(i);
            --finished;
        } else {
            ++i;
        }
    }
}

std::vector<TaskInfo> TaskTable::running(const std::string& owner) const {
    std::vector<TaskInfo> out;
    std::lock_guard lock(mutex_);
    for (const auto& [id, t] : tasks_)
        if (t.owner == owner && t.status == TaskInfo::Status::running) out.push_back(t);
    return out;
}

}  // namespace prl::daemon
