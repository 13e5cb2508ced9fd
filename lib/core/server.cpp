#include "server.h"
#include "vm_locks.h"

#include "error.h"
#include "event_xml.h"
#include "log.h"
#include "info_objects.h"
#include "result.h"
#include "daemon_tasks.h"
#include "tasks.h"
#include "vm.h"

#include <PrlCommandsFlags.h>

#include "remote/backup_node_client.h"
#include "remote/dial.h"
#include "remote/remote_service.h"
#include "service/store/state_root.h"

#include <atomic>
#include <chrono>
#include <cstdlib>

namespace prl {

namespace {
std::atomic<std::size_t> g_open_sessions{0};

}  // namespace

Server::~Server() {
    if (service_) {
        --g_open_sessions;
        VmLocks::instance().release_session(session_uuid_);
    }
}

std::size_t Server::open_sessions() noexcept { return g_open_sessions.load(); }

std::shared_ptr<service::Service> Server::service() const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!service_) fail(PRL_ERR_NOT_CONNECTED_TO_DISPATCHER, "the server handle is not logged in");
    return service_;
}

std::shared_ptr<remote::Connection> Server::daemon() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return daemon_;
}

bool Server::connected() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return service_ != nullptr;
}

std::string Server::session_uuid() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return session_uuid_;
}

ResultPtr Server::login_local(std::uint32_t flags) {
    if (auto daemon = remote::dial_local_daemon(service::StateRoot::resolve_path())) {
        const std::string session = daemon->session();
        return open_session(remote::remote_service(daemon, service::local_service), session, true, flags, daemon);
    }
    auto service = service::local_service();
    const std::string session = service->new_session();
    return open_session(std::move(service), session, true, flags);
}

ResultPtr Server::login_remote(const std::string& host, std::uint16_t port, const std::string& user,
                               const std::string& password, std::uint32_t timeout_ms, std::uint32_t flags) {
    const remote::TrustPolicy trust = remote::client_trust();
    const auto timeout = std::chrono::milliseconds(timeout_ms ? timeout_ms : 30000);
    auto daemon = remote::dial_tls(host, port, user, password, trust, timeout);
    const std::string session = daemon->session();
    return open_session(remote::remote_service(daemon), session, false, flags, daemon);
}

bool Server::connection_local() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return local_;
}

ResultPtr Server::open_session(std::shared_ptr<service::Service> service, std::string session, bool local,
                               std::uint32_t flags, std::shared_ptr<remote::Connection> daemon) {
    remote::install_backup_node_opener();
    if (daemon) {
        std::weak_ptr<Server> self = std::static_pointer_cast<Server>(shared_from_this());
        daemon->set_listeners(
            [self](const std::string& xml) {
                if (auto s = self.lock()) s->receive_published(xml);
            },
            [self](const std::string& why) {
                if (auto s = self.lock()) s->connection_closed(why);
            });
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!service_) ++g_open_sessions;
        service_ = service;
        daemon_ = daemon;
        session_uuid_ = session;
        local_ = local;
        if (flags & PACF_NON_INTERACTIVE_MODE) non_interactive_ = true;
    }
    // With a daemon, the user's tasks are the daemon's: they outlive the
    // sessions (and processes) that started them.
    std::vector<ObjectPtr> tasks = daemon ? daemon_running_tasks(*daemon) : TaskRegistry::instance().running();
    auto response = std::make_shared<LoginResponse>(session, service->host_facts(), std::move(tasks));
    return std::make_shared<Result>(std::vector<Result::Param>{response});
}

void Server::logoff() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!service_) fail(PRL_ERR_NOT_CONNECTED_TO_DISPATCHER, "the server handle is not logged in");
    service_.reset();
    daemon_.reset();
    --g_open_sessions;
    VmLocks::instance().release_session(session_uuid_);  // a session's VM locks end with it
    session_uuid_.clear();
}

bool Server::non_interactive() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return non_interactive_;
}

void Server::set_non_interactive(bool value) {
    std::lock_guard<std::mutex> lock(mutex_);
    non_interactive_ = value;
}

JobPtr Server::start_job(PRL_JOB_OPERATION_CODE op, Executor::Task task,
                         std::optional<PRL_RUNNING_TASK_TYPE_ENUM> task_type) {
    auto job = std::make_shared<Job>(op);
    if (task_type) TaskRegistry::instance().add(job, *task_type, "op_code=" + std::to_string(op));
    std::weak_ptr<HandlerRegistry> registry = handlers_;
    job->on_finish([registry](const JobPtr& finished) {
        if (auto r = registry.lock()) EventBus::instance().post(r, finished);
    });
    Executor::instance().submit(job, std::move(task));
    return job;
}

std::shared_ptr<Vm> Server::vm_object(const std::string& uuid) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& slot = vms_[uuid];
    if (auto existing = slot.lock()) return existing;
    auto vm = std::make_shared<Vm>(std::static_pointer_cast<Server>(shared_from_this()));
    slot = vm;
    return vm;
}

std::shared_ptr<Vm> Server::existing_vm(const std::string& uuid) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = vms_.find(uuid);
    return it == vms_.end() ? nullptr : it->second.lock();
}

void Server::adopt(const std::shared_ptr<Vm>& vm, const std::string& uuid) {
    std::lock_guard<std::mutex> lock(mutex_);
    vms_[uuid] = vm;
}

std::shared_ptr<Vm> Server::new_vm() {
    return std::make_shared<Vm>(std::static_pointer_cast<Server>(shared_from_this()));
}

std::shared_ptr<Event> Server::post(EventData data) {
    std::shared_ptr<Vm> vm = std::dynamic_pointer_cast<Vm>(data.vm);
    data.server = shared_from_this();
    auto event = std::make_shared<Event>(std::move(data));
    EventBus::instance().post(handlers_, event);
    if (vm) EventBus::instance().post(vm->handlers(), event);
    return event;
}

void Server::emit(EventData data) {
    auto event = post(std::move(data));
    std::shared_ptr<remote::Connection> daemon;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        daemon = daemon_;
    }
    if (!daemon) return;
    try {
        daemon->publish(xml::to_xml(*event));
    } catch (const std::exception& e) {
        log::error(std::string("an event could not be sent to prlshimd: ") + e.what());
    }
}

void Server::receive_published(const std::string& event_xml) {
    EventData data = xml::event_from_xml(event_xml);
    if (data.issuer_type == PIE_VIRTUAL_MACHINE && !data.issuer_id.empty()) data.vm = existing_vm(data.issuer_id);
    post(std::move(data));
}

// The daemon went away (or cut this session off): the product's event, once.
void Server::connection_closed(const std::string& why) {
    EventData data;
    data.type = PET_DSP_EVT_DISP_CONNECTION_CLOSED;
    data.issuer_type = PIE_DISPATCHER;
    data.error_code = PRL_ERR_SERVER_GOES_DOWN;
    data.error_text = why;
    post(std::move(data));
}

}  // namespace prl
