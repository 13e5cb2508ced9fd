#include "tasks.h"

#include "backup/ids.h"

namespace prl {

TaskRegistry& TaskRegistry::instance() {
    static TaskRegistry* registry = new TaskRegistry;
    return *registry;
}

void TaskRegistry::add(const JobPtr& job, PRL_RUNNING_TASK_TYPE_ENUM type, std::string parameters) {
    const std::string uuid = backup::new_uuid();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        tasks_[uuid] = Task{job, std::make_shared<RunningTask>(uuid, type, std::move(parameters))};
    }
    job->on_finish([this, uuid](const JobPtr&) {
        std::lock_guard<std::mutex> lock(mutex_);
        tasks_.erase(uuid);
    });
}

std::vector<ObjectPtr> TaskRegistry::running() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<ObjectPtr> out;
    for (const auto& [uuid, task] : tasks_)
        if (!task.job->is_finished()) out.push_back(task.info);
    return out;
}

JobPtr TaskRegistry::find(const std::string& task_uuid) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = tasks_.find(task_uuid);
    return it == tasks_.end() ? nullptr : it->second.job;
}

}  // namespace prl
