// PrlSrv_Login*, Logoff and the session's facts: PrlLoginResponse_*,
// PrlSrvInfo_*, PrlRunningTask_*, questions and lost tasks.
#include "boundary.h"
#include "copy_out.h"

#include "core/info_objects.h"
#include "core/lists.h"
#include "core/server.h"
#include "core/daemon_tasks.h"
#include "core/tasks.h"

#include <cctype>
#include <cstring>

using namespace prl;
using namespace prl::abi;

namespace {

bool empty(PRL_CONST_STR s) { return s == nullptr || *s == '\0'; }

void check_session_uuid(PRL_CONST_STR previous) {
    if (empty(previous)) return;
    const std::size_t n = std::strlen(previous);
    require(n == 38 && previous[0] == '{' && previous[37] == '}', PRL_ERR_INVALID_ARG,
            "a previous session id must be a {UUID}");
}

std::string bounded_text(PRL_CONST_STR s, std::size_t max, const char* what) {
    std::string value = string_arg(s);
    if (value.empty() || value.size() > max)
        fail(PRL_ERR_INVALID_ARG, std::string("a ") + what + " of 1 to " + std::to_string(max) + " bytes");
    return value;
}

// A host or user name goes into messages and logs: no control characters.
std::string printable_text(PRL_CONST_STR s, std::size_t max, const char* what) {
    std::string value = bounded_text(s, max, what);
    for (unsigned char c : value)
        if (c < 0x20 || c == 0x7f) fail(PRL_ERR_INVALID_ARG, std::string("a ") + what + " with a control character");
    return value;
}

// A DNS name or an IPv4/IPv6 literal, checked before any lookup is made.
std::string host_name(PRL_CONST_STR s) {
    std::string value = bounded_text(s, 255, "host name");
    for (unsigned char c : value)
        if (!std::isalnum(c) && c != '.' && c != '-' && c != ':' && c != '_')
            fail(PRL_ERR_INVALID_ARG, "not a host name or address");
    return value;
}

// A login names a host: this host (with no port: PrlSrv_LoginLocal's
// service) or a prlshimd at host:port over TLS (docs/daemon.md).
PRL_HANDLE login(PRL_HANDLE hServer, PRL_CONST_STR host, PRL_CONST_STR user, PRL_CONST_STR password,
                 PRL_CONST_STR previous, PRL_UINT32 port, PRL_UINT32 timeout_ms, PRL_JOB_OPERATION_CODE op,
                 PRL_UINT32 flags) {
    return async(op, [&] {
        auto server = handle_cast<Server>(hServer);
        check_session_uuid(previous);
        require(port <= 65535, PRL_ERR_INVALID_ARG, "a port is at most 65535");
        auto self = server.share();
        if (is_local_host(host) && port == 0)
            return give_job(self->start_job(op, [self, flags](Job&) { return self->login_local(flags); }));
        const std::string h = host_name(host), u = printable_text(user, 256, "user name"),
                          p = bounded_text(password, 4096, "password");
        return give_job(self->start_job(op, [=](Job&) {
            return self->login_remote(h, static_cast<std::uint16_t>(port), u, p, timeout_ms, flags);
        }));
    });
}

}  // namespace

extern "C" {

PRL_HANDLE PrlSrv_LoginLocal(PRL_HANDLE hServer, PRL_CONST_STR sPrevSessionUuid, PRL_UINT32, PRL_SECURITY_LEVEL) {
    return login(hServer, nullptr, nullptr, nullptr, sPrevSessionUuid, 0, 0, PJOC_SRV_LOGIN_LOCAL, 0);
}

PRL_HANDLE PrlSrv_LoginLocalEx(PRL_HANDLE hServer, PRL_CONST_STR sPrevSessionUuid, PRL_UINT32, PRL_SECURITY_LEVEL,
                               PRL_UINT32 flags) {
    return login(hServer, nullptr, nullptr, nullptr, sPrevSessionUuid, 0, 0, PJOC_SRV_LOGIN_LOCAL, flags);
}

PRL_HANDLE PrlSrv_Login(PRL_HANDLE hServer, PRL_CONST_STR host, PRL_CONST_STR user, PRL_CONST_STR password,
                        PRL_CONST_STR sPrevSessionUuid, PRL_UINT32 port, PRL_UINT32 timeout, PRL_SECURITY_LEVEL) {
    return login(hServer, host, user, password, sPrevSessionUuid, port, timeout, PJOC_SRV_LOGIN, 0);
}

PRL_HANDLE PrlSrv_LoginEx(PRL_HANDLE hServer, PRL_CONST_STR host, PRL_CONST_STR user, PRL_CONST_STR password,
                          PRL_CONST_STR sPrevSessionUuid, PRL_UINT32 port, PRL_UINT32 timeout, PRL_SECURITY_LEVEL,
                          PRL_UINT32 flags) {
    return login(hServer, host, user, password, sPrevSessionUuid, port, timeout, PJOC_SRV_LOGIN, flags);
}

PRL_HANDLE PrlSrv_Logoff(PRL_HANDLE hServer) {
    return async(PJOC_SRV_LOGOFF, [&] {
        auto server = handle_cast<Server>(hServer);
        auto self = server.share();
        return give_job(self->start_job(PJOC_SRV_LOGOFF, [self](Job&) -> ResultPtr {
            self->logoff();
            return nullptr;
        }));
    });
}

PRL_RESULT PrlSrv_IsConnected(PRL_HANDLE hServer, PRL_BOOL_PTR pbConnected, PRL_BOOL_PTR pbIsConnectionLocal) {
    return sync([&] {
        auto server = handle_cast<Server>(hServer);
        const bool connected = server->connected();
        *out_ptr(pbConnected) = connected ? PRL_TRUE : PRL_FALSE;
        if (pbIsConnectionLocal)
            *pbIsConnectionLocal = connected && server->connection_local() ? PRL_TRUE : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

PRL_HANDLE PrlSrv_SetNonInteractiveSession(PRL_HANDLE hServer, PRL_BOOL bNonInteractive, PRL_UINT32) {
    return async(PJOC_UNKNOWN, [&] {
        auto server = handle_cast<Server>(hServer);
        auto self = server.share();
        const bool value = bNonInteractive != PRL_FALSE;
        return give_job(self->start_job(PJOC_UNKNOWN, [self, value](Job&) -> ResultPtr {
            self->service();
            self->set_non_interactive(value);
            return nullptr;
        }));
    });
}

PRL_RESULT PrlSrv_IsNonInteractiveSession(PRL_HANDLE hServer, PRL_BOOL_PTR pbNonInteractive) {
    return sync([&] {
        auto server = handle_cast<Server>(hServer);
        *out_ptr(pbNonInteractive) = server->non_interactive() ? PRL_TRUE : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrv_GetServerInfo(PRL_HANDLE hServer, PRL_HANDLE_PTR phServerInfo) {
    return sync([&] {
        auto server = handle_cast<Server>(hServer);
        out_ptr(phServerInfo);
        give(std::make_shared<ServerInfo>(server->service()->host_facts()), phServerInfo);
        return PRL_ERR_SUCCESS;
    });
}

PRL_HANDLE PrlSrv_GetSrvConfig(PRL_HANDLE hServer) {
    return async(PJOC_SRV_GET_SRV_CONFIG, [&] {
        auto server = handle_cast<Server>(hServer);
        auto self = server.share();
        return give_job(self->start_job(PJOC_SRV_GET_SRV_CONFIG, [self](Job&) {
            auto config = std::make_shared<ServerConfig>(self->service()->host_facts(), host::read_hardware());
            return std::make_shared<Result>(std::vector<Result::Param>{config});
        }));
    });
}

PRL_RESULT PrlSrv_GetQuestions(PRL_HANDLE hServer, PRL_HANDLE_PTR pQuestionsList) {
    return sync([&] {
        auto server = handle_cast<Server>(hServer);
        out_ptr(pQuestionsList);
        server->service();
        // No guest runs, so nothing ever waits for an answer: the list is empty.
        give(std::make_shared<HandlesList>(), pQuestionsList);
        return PRL_ERR_SUCCESS;
    });
}

PRL_HANDLE PrlSrv_SendAnswer(PRL_HANDLE hServer, PRL_HANDLE hAnswer) {
    return async(PJOC_SRV_SEND_ANSWER, [&] {
        auto server = handle_cast<Server>(hServer);
        handle_cast<Event>(hAnswer);
        auto self = server.share();
        return give_job(self->start_job(PJOC_SRV_SEND_ANSWER, [self](Job&) -> ResultPtr {
            self->service();
            return nullptr;  // delivered; no question is pending in the embedded service
        }));
    });
}

PRL_HANDLE PrlSrv_AttachToLostTask(PRL_HANDLE hServer, PRL_CONST_STR sTaskId) {
    return async(PJOC_SRV_ATTACH_TO_LOST_TASK, [&] {
        auto server = handle_cast<Server>(hServer);
        require(sTaskId != nullptr);
        server->service();
        // A task id is a UUID: a longer string names no task (and is not sent).
        require(std::strlen(sTaskId) <= 64, PRL_ERR_TASK_NOT_FOUND, "no task has that id");
        if (auto daemon = server->daemon()) {
            // The daemon's task: it may have been started by a process now gone.
            auto self = server.share();
            return give_job(self->start_job(PJOC_SRV_ATTACH_TO_LOST_TASK,
                                            [self, daemon, uuid = std::string(sTaskId)](Job& job) {
                                                return follow_daemon_task(*self, *daemon, uuid, job);
                                            }));
        }
        JobPtr task = TaskRegistry::instance().find(sTaskId);
        require(task != nullptr, PRL_ERR_TASK_NOT_FOUND, "no running task has that id");
        // A job of its own that ends as the task does, with its outcome.
        auto follower = std::make_shared<Job>(PJOC_SRV_ATTACH_TO_LOST_TASK);
        std::weak_ptr<Job> weak = follower;
        task->on_finish([weak](const JobPtr& done) {
            if (auto f = weak.lock()) f->finish(done->ret_code(), done->result(), done->error());
        });
        return give_job(follower);
    });
}

// ---- PrlLoginResponse_* ----

PRL_RESULT PrlLoginResponse_GetSessionUuid(PRL_HANDLE h, PRL_STR buf, PRL_UINT32_PTR len) {
    return sync([&] { return copy_out(handle_cast<LoginResponse>(h)->session_uuid, buf, len); });
}
PRL_RESULT PrlLoginResponse_GetServerUuid(PRL_HANDLE h, PRL_STR buf, PRL_UINT32_PTR len) {
    return sync([&] { return copy_out(handle_cast<LoginResponse>(h)->host.server_uuid, buf, len); });
}
PRL_RESULT PrlLoginResponse_GetHostOsVersion(PRL_HANDLE h, PRL_STR buf, PRL_UINT32_PTR len) {
    return sync([&] { return copy_out(handle_cast<LoginResponse>(h)->host.os_version, buf, len); });
}
PRL_RESULT PrlLoginResponse_GetProductVersion(PRL_HANDLE h, PRL_STR buf, PRL_UINT32_PTR len) {
    return sync([&] { return copy_out(handle_cast<LoginResponse>(h)->host.product_version, buf, len); });
}
PRL_RESULT PrlLoginResponse_GetRunningTaskCount(PRL_HANDLE h, PRL_UINT32_PTR pnCount) {
    return sync([&] {
        auto response = handle_cast<LoginResponse>(h);
        *out_ptr(pnCount) = static_cast<PRL_UINT32>(response->running_tasks.size());
        return PRL_ERR_SUCCESS;
    });
}
PRL_RESULT PrlLoginResponse_GetRunningTaskByIndex(PRL_HANDLE h, PRL_UINT32 nIndex, PRL_HANDLE_PTR phRunningTask) {
    return sync([&] {
        auto response = handle_cast<LoginResponse>(h);
        out_ptr(phRunningTask);
        require(nIndex < response->running_tasks.size(), PRL_ERR_INVALID_ARG, "task index out of range");
        give(response->running_tasks[nIndex], phRunningTask);
        return PRL_ERR_SUCCESS;
    });
}

// ---- PrlRunningTask_* ----

PRL_RESULT PrlRunningTask_GetTaskUuid(PRL_HANDLE h, PRL_STR buf, PRL_UINT32_PTR len) {
    return sync([&] { return copy_out(handle_cast<RunningTask>(h)->uuid(), buf, len); });
}
PRL_RESULT PrlRunningTask_GetTaskType(PRL_HANDLE h, PRL_RUNNING_TASK_TYPE_ENUM_PTR pnType) {
    return sync([&] {
        auto task = handle_cast<RunningTask>(h);
        *out_ptr(pnType) = task->task_type();
        return PRL_ERR_SUCCESS;
    });
}
PRL_RESULT PrlRunningTask_GetTaskParametersAsString(PRL_HANDLE h, PRL_STR buf, PRL_UINT32_PTR len) {
    return sync([&] { return copy_out(handle_cast<RunningTask>(h)->parameters(), buf, len); });
}

// ---- PrlSrvInfo_* ----

PRL_RESULT PrlSrvInfo_GetHostName(PRL_HANDLE h, PRL_STR buf, PRL_UINT32_PTR len) {
    return sync([&] { return copy_out(handle_cast<ServerInfo>(h)->host.host_name, buf, len); });
}
PRL_RESULT PrlSrvInfo_GetOsVersion(PRL_HANDLE h, PRL_STR buf, PRL_UINT32_PTR len) {
    return sync([&] { return copy_out(handle_cast<ServerInfo>(h)->host.os_version, buf, len); });
}
PRL_RESULT PrlSrvInfo_GetCmdPort(PRL_HANDLE h, PRL_UINT32_PTR pnPort) {
    return sync([&] {
        handle_cast<ServerInfo>(h);
        *out_ptr(pnPort) = 0;  // the embedded service listens on no port
        return PRL_ERR_SUCCESS;
    });
}
PRL_RESULT PrlSrvInfo_GetServerUuid(PRL_HANDLE h, PRL_STR buf, PRL_UINT32_PTR len) {
    return sync([&] { return copy_out(handle_cast<ServerInfo>(h)->host.server_uuid, buf, len); });
}
PRL_RESULT PrlSrvInfo_GetProductVersion(PRL_HANDLE h, PRL_STR buf, PRL_UINT32_PTR len) {
    return sync([&] { return copy_out(handle_cast<ServerInfo>(h)->host.product_version, buf, len); });
}
PRL_RESULT PrlSrvInfo_GetApplicationMode(PRL_HANDLE h, PRL_APPLICATION_MODE_PTR pnApplicationMode) {
    return sync([&] {
        handle_cast<ServerInfo>(h);
        *out_ptr(pnApplicationMode) = PAM_SERVER;
        return PRL_ERR_SUCCESS;
    });
}
PRL_RESULT PrlSrvInfo_GetStartTime(PRL_HANDLE h, PRL_UINT64_PTR pnStartTime) {
    return sync([&] {
        auto info = handle_cast<ServerInfo>(h);
        *out_ptr(pnStartTime) = info->host.start_time;
        return PRL_ERR_SUCCESS;
    });
}
PRL_RESULT PrlSrvInfo_GetStartTimeMonotonic(PRL_HANDLE h, PRL_UINT64_PTR pnStartTimeMonotonic) {
    return sync([&] {
        auto info = handle_cast<ServerInfo>(h);
        *out_ptr(pnStartTimeMonotonic) = info->host.start_time_monotonic;
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
