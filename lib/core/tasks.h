// TaskRegistry: the server-side tasks of this process (every job started
// through a server). A task belongs to the user, not to the session: after a
// logoff and a new login, PrlLoginResponse_GetRunningTask* lists those still
// running and PrlSrv_AttachToLostTask follows one. In the embedded service,
// tasks live in the process that started them (docs/tasks.md).
#pragma once

#include "info_objects.h"
#include "job.h"

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace prl {

class TaskRegistry {
public:
    static TaskRegistry& instance();

    // Registers a running job as a task and removes it when the job finishes.
    void add(const JobPtr& job, PRL_RUNNING_TASK_TYPE_ENUM type, std::string parameters);
    std::vector<ObjectPtr> running() const;  // RunningTask objects
    JobPtr find(const std::string& task_uuid) const;

private:
    struct Task {
        JobPtr job;
        std::shared_ptr<RunningTask> info;
    };
    mutable std::mutex mutex_;
    std::map<std::string, Task> tasks_;
};

}  // namespace prl
