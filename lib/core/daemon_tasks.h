// The tasks of a session with prlshimd as the SDK shows them: the login
// response's running tasks (PrlLoginResponse_GetRunningTask*), and
// PrlSrv_AttachToLostTask following one that another session, perhaps of a
// process now gone, started (docs/daemon.md, "Tasks").
#pragma once

#include "job.h"
#include "object.h"
#include "result.h"
#include "server.h"

#include <string>
#include <vector>

namespace prl {
namespace remote {
class Connection;
}

std::vector<ObjectPtr> daemon_running_tasks(remote::Connection& daemon);

// Follows the user's task `uuid` to its end as `job`: the job's progress and
// the events the task's own job emits (progress changed, finished), then its
// outcome: the result in the shape its own job had, or its error.
// PrlJob_Cancel of `job` cancels the task. An unknown task (or another
// user's) is PRL_ERR_TASK_NOT_FOUND.
ResultPtr follow_daemon_task(Server& server, remote::Connection& daemon, const std::string& uuid, Job& job);

}  // namespace prl
