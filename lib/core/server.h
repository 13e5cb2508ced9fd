// Server (PHT_SERVER): the client's session with a service.
//
// It is an event source (PrlSrv_RegEventHandler): events about the service
// and finished jobs started through it are delivered to its handlers. VM
// objects are shared per UUID within a server, so every VM handle of one VM
// sees the same configuration and events.
#pragma once

#include "event.h"
#include "event_bus.h"
#include "executor.h"
#include "object.h"

#include "service/service.h"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace prl {
namespace remote {
class Connection;
}

class Vm;

class Server : public Object {
public:
    Server() : Object(PHT_SERVER), handlers_(std::make_shared<HandlerRegistry>()) {}
    ~Server() override;
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_SERVER; }
    std::shared_ptr<HandlerRegistry> handlers() const override { return handlers_; }

    // The service of a logged-in session; PRL_ERR_NOT_CONNECTED_TO_DISPATCHER otherwise.
    std::shared_ptr<service::Service> service() const;
    bool connected() const;
    std::string session_uuid() const;
    // Opens a session with the daemon serving the state root when one
    // answers on its socket, else with the embedded service; the result
    // holds the PHT_LOGIN_RESPONSE (session, server identity, tasks still running).
    std::shared_ptr<class Result> login_local(std::uint32_t flags);
    // Opens a session with the prlshimd at host:port over TLS (docs/daemon.md).
    std::shared_ptr<class Result> login_remote(const std::string& host, std::uint16_t port, const std::string& user,
                                               const std::string& password, std::uint32_t timeout_ms,
                                               std::uint32_t flags);
    // The session's prlshimd connection; null with the embedded service.
    std::shared_ptr<remote::Connection> daemon() const;
    // False for a session with a daemon over the network (PrlSrv_IsConnected).
    bool connection_local() const;
    void logoff();  // PRL_ERR_NOT_CONNECTED_TO_DISPATCHER when not logged in

    // Sessions logged in through this process (PrlUsrInfo_GetSessionCount).
    static std::size_t open_sessions() noexcept;

    bool non_interactive() const;
    void set_non_interactive(bool value);

    // Starts `task` as a job of this server: when it finishes, the job is
    // delivered to the server's handlers (as the SDK does with every job).
    // A long operation (`task_type` given) is also a running task of the
    // user's (PrlLoginResponse_GetRunningTask*, PrlSrv_AttachToLostTask).
    JobPtr start_job(PRL_JOB_OPERATION_CODE op, Executor::Task task,
                     std::optional<PRL_RUNNING_TASK_TYPE_ENUM> task_type = std::nullopt);

    // The VM object for a UUID, created on first use, shared afterwards.
    std::shared_ptr<Vm> vm_object(const std::string& uuid);
    // The VM object for a UUID if this server has one, else null.
    std::shared_ptr<Vm> existing_vm(const std::string& uuid) const;
    // A new, unregistered VM (PrlSrv_CreateVm).
    std::shared_ptr<Vm> new_vm();
    // Makes a newly registered VM the shared object for its UUID.
    void adopt(const std::shared_ptr<Vm>& vm, const std::string& uuid);

    // Delivers an event to the server's handlers and, for an event about a
    // VM, to that VM object's handlers too; in a session with a prlshimd,
    // also to every other session of the daemon (docs/daemon.md).
    void emit(EventData data);

private:
    std::shared_ptr<class Result> open_session(std::shared_ptr<service::Service> service, std::string session,
                                               bool local, std::uint32_t flags,
                                               std::shared_ptr<remote::Connection> daemon = nullptr);
    // Posts to this process's handlers only.
    std::shared_ptr<class Event> post(EventData data);
    // An event another session of the daemon published.
    void receive_published(const std::string& event_xml);
    void connection_closed(const std::string& why);

    const HandlerRegistryPtr handlers_;
    mutable std::mutex mutex_;
    std::shared_ptr<service::Service> service_;
    std::shared_ptr<remote::Connection> daemon_;  // set in a session with a prlshimd
    std::string session_uuid_;
    bool local_ = true;
    bool non_interactive_ = false;
    std::map<std::string, std::weak_ptr<Vm>> vms_;
};

using ServerPtr = std::shared_ptr<Server>;

}  // namespace prl
