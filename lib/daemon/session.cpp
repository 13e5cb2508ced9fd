#include "session.h"

#include "authorized_service.h"
#include "dispatch.h"
#include "outbox.h"
#include "backup_node.h"
#include "pam_login.h"
#include "user_db.h"

#include "remote/deadline.h"
#include "remote/error_record.h"
#include "remote/packet.h"
#include "remote/backup_node_protocol.h"
#include "remote/spin_wait.h"

#include "store/xml_doc.h"

#include <libxml/tree.h>

#include "store/error.h"

#include <pwd.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <optional>
#include <cstdio>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace prl::daemon {
namespace {

using remote::Frame;
using remote::FramedChannel;
using remote::FrameKind;
using remote::Packet;
using remote::Record;
using service::Errc;
using service::Error;

std::string packet(const std::string& id, const char* target, const std::string& data) {
    return remote::packet_xml(Packet{id, remote::protocol_version, false, false, target, "prlshimd", data});
}

void send(FramedChannel& channel, const std::string& id, const char* target, const std::string& data) {
    channel.send(FrameKind::control, packet(id, target, data));
}

// Sends, ignoring a client that is gone: its calls still finish.
void send_quietly(FramedChannel& channel, const std::string& id, const char* target, const std::string& data) noexcept {
    try {
        send(channel, id, target, data);
    } catch (...) {
    }
}

std::string user_name(uid_t uid) {
    std::string buffer(16384, '\0');
    passwd pw{};
    passwd* found = nullptr;
    if (getpwuid_r(uid, &pw, buffer.data(), buffer.size(), &found) == 0 && found) return found->pw_name;
    return "uid " + std::to_string(uid);
}

// Who a login admits, and whether they see every VM.
struct Admitted {
    std::string user;
    bool admin = false;
};

// The login record checked: who it admits, or an exception.
Admitted authenticate(const Record& login, const Peer& peer, const SessionContext& context) {
    if (login.element() != "login") throw Error(Errc::access_denied, "log in first");
    if (peer.uid) {
        // The socket is the daemon user's: its owner and root may use it.
        if (*peer.uid != geteuid() && *peer.uid != 0)
            throw Error(Errc::access_denied, "the local socket serves only " + user_name(geteuid()) + " and root");
        return Admitted{user_name(*peer.uid), true};
    }
    // A session of this daemon's, named by a backup source its client sent here.
    if (auto session = login.find("session")) {
        auto found = context.sessions ? context.sessions->find(*session) : std::nullopt;
        if (!found) throw Error(Errc::auth_failed, "no such session on this server");
        return Admitted{found->user, found->admin};
    }
    const std::string user = login.get("user"), password = login.get("password");
    if (context.users_file.empty() && context.pam_service.empty())
        throw Error(Errc::auth_failed, "this prlshimd has no users (prlshimd --add-user, --pam)");
    // The users file first (read at every login, so users added or removed
    // apply at once); a name it does not hold is a system account's (--pam).
    bool verified = false, in_file = false;
    try {
        if (!context.users_file.empty()) {
            const UserDb users = UserDb::load(context.users_file);
            in_file = users.contains(user);
            verified = users.verify(user, password);
        }
    } catch (const std::exception& e) {
        // Told to the administrator, not to a client who may be guessing.
        std::fprintf(stderr, "prlshimd: the users file %s: %s\n", context.users_file.c_str(), e.what());
    }
    if (!verified && !in_file && !context.pam_service.empty())
        verified = pam_verify(context.pam_service, user, password, peer.address);
    if (!verified) throw Error(Errc::auth_failed, "wrong user name or password");
    // The --admin users see everything; the others what is theirs.
    return Admitted{user, context.admins.count(user) != 0};
}

// The calls of one connection in flight, each with its cancel flag.
class Calls {
public:
    bool start(const std::string& id, std::shared_ptr<std::atomic<bool>> cancel, std::size_t limit) {
        std::lock_guard lock(mutex_);
        if (running_.size() >= limit || running_.count(id)) return false;
        running_[id] = std::move(cancel);
        return true;
    }
    void finish(const std::string& id) {
        std::lock_guard lock(mutex_);
        running_.erase(id);
    }
    void cancel(const std::string& id) {
        std::lock_guard lock(mutex_);
        if (auto it = running_.find(id); it != running_.end()) *it->second = true;
    }

private:
    std::mutex mutex_;
    std::map<std::string, std::shared_ptr<std::atomic<bool>>> running_;
};

// How a call ended: its answer, and the error record if it failed.
struct CallOutcome {
    std::string answer;
    std::optional<Record> error;
};

// Runs one call, sending its progress when asked (and telling `on_percent`).
CallOutcome run_call(Outbox& outbox, service::Service& service, const Packet& request, const remote::Record& call,
                     const std::atomic<bool>* cancel, const std::function<void(unsigned)>& on_percent = nullptr) {
    backup::Progress progress;
    progress.cancel = cancel;
    if (request.progress || on_percent) {
        progress.on_percent = [&outbox, &request, &call, &on_percent](unsigned percent) {
            if (on_percent) on_percent(percent);
            if (!request.progress) return;
            remote::Progress step;
            step.op = "service." + call.op();
            step.percent = percent;
            outbox.send(packet(request.id, "progress", remote::progress_data(step)));
        };
    }
    CallOutcome outcome;
    try {
        outcome.answer = dispatch(service, call, progress).xml();
    } catch (...) {
        outcome.error = remote::current_error_record();
        outcome.answer = outcome.error->xml();
    }
    return outcome;
}

// What a session's long calls share with it, and keep when it ends.
struct SessionState {
    SessionState(std::unique_ptr<remote::Channel> raw, std::size_t max_events)
        : channel(std::move(raw)), outbox(channel, max_events) {}
    FramedChannel channel;
    Outbox outbox;  // after the channel it writes to
    Calls calls;
    std::string user;
    std::shared_ptr<service::Service> service;  // as this user may see and use it
};

// A long call: a task of the user's, run to its end even if the session
// goes. The task is marked ended before its answer leaves, so a client that
// has the answer never finds it still running.
void run_task(std::shared_ptr<SessionState> s, const SessionContext& context, Packet request, Record call,
              std::shared_ptr<std::atomic<bool>> cancel) {
    const std::string task = context.tasks->start(call.op(), task_subject(call), s->user, cancel);
    const CallOutcome outcome = run_call(s->outbox, *s->service, request, call, cancel.get(), [&](unsigned percent) {
        context.tasks->progress(task, percent, request.log);
    });
    if (outcome.error) {
        const Record& e = *outcome.error;
        context.tasks->fail(task, e.get("domain") + "/" + e.get("code"), e.get("message"));
    } else {
        context.tasks->succeed(task, outcome.answer);
    }
    s->outbox.send(packet(request.id, "reply", outcome.answer));
    s->calls.finish(request.id);
}

// A task as a record: what the login response and task_info carry.
Record task_record(const TaskRecord& t) {
    Record r("task");
    r.add("uuid", t.uuid).add("op", t.name).add("description", t.description).add("vm", task_vm(t.description));
    r.add("status", status_name(t.status));
    r.add_uint("percent", t.progress).add_int("created", t.created).add_int("finished", t.finished);
    r.add("error_code", t.error_code).add("error_text", t.error_text);
    return r;
}

// The user's tasks still running, for a login response.
std::string running_tasks_answer(const SessionContext& context, const std::string& user) {
    Record answer("result");
    for (const TaskRecord& t : context.tasks->running(user)) answer.add("task", task_record(t).xml());
    return answer.xml();
}

TaskRecord users_task(const SessionContext& context, const Record& call, const std::string& user) {
    const std::string uuid = call.get("uuid");
    auto task = context.tasks->find(uuid, user);
    if (!task) throw Error(Errc::task_not_found, "no task " + uuid + " of " + user + "'s, running or in the history");
    return *task;
}

// task_info: one of the user's tasks, running or ended.
std::string task_info_answer(const SessionContext& context, const Record& call, const std::string& user) {
    try {
        return Record("result").add("task", task_record(users_task(context, call, user)).xml()).xml();
    } catch (...) {
        return remote::current_error_record().xml();
    }
}

// attach_task: follows one of the user's tasks to its end (its progress when
// asked), then answers as the task's own caller was answered; a cancel of
// this call cancels the task (PrlJob_Cancel from any session of the owner).
void follow_task(std::shared_ptr<SessionState> s, const SessionContext& context, Packet request, Record call,
                 std::shared_ptr<std::atomic<bool>> stop) {
    std::string answer;
    try {
        const TaskRecord task = users_task(context, call, s->user);
        std::function<void(unsigned)> on_percent;
        if (request.progress) {
            on_percent = [&](unsigned percent) {
                remote::Progress step;
                step.op = "service." + task.name;
                step.percent = percent;
                s->outbox.send(packet(request.id, "progress", remote::progress_data(step)));
            };
        }
        const auto ended = context.tasks->follow(task.uuid, s->user, on_percent, stop.get());
        if (!ended) throw Error(Errc::task_not_found, "the task " + task.uuid + " is gone from the history");
        if (ended->status == TaskStatus::success) {
            answer = ended->result;
        } else {
            const auto slash = ended->error_code.find('/');
            Record error("error");
            error.add("domain", ended->error_code.substr(0, slash));
            error.add("code", slash == std::string::npos ? "" : ended->error_code.substr(slash + 1));
            answer = error.add("message", ended->error_text).xml();
        }
    } catch (...) {
        answer = remote::current_error_record().xml();
    }
    s->outbox.send(packet(request.id, "reply", answer));
    s->calls.finish(request.id);
}

// A client's event, checked before it goes to the others: the product's
// event document, small, well-formed, no DTD. Returns the VM it is about
// ("" for an event of the dispatcher), nullopt for anything else.
std::optional<std::string> event_vm(const std::string& text) {
    // Room for the envelope it is passed on in: a packet at the receivers'
    // 1 MiB limit would close every other session's connection.
    constexpr std::size_t max_event = (1u << 20) - (64u << 10);
    try {
        const service::xml::Doc doc = service::xml::parse(text, service::xml::Limits{max_event, 32}, "event");
        const xmlNode* root = xmlDocGetRootElement(doc.get());
        if (!service::xml::is(root, "ParallelsEvent")) return std::nullopt;
        const std::string type = service::xml::child_text(root, "EventIssuerType").value_or("");
        const std::string issuer = service::xml::child_text(root, "EventIssuerId").value_or("");
        // PIE_VIRTUAL_MACHINE is 0, and the type's default.
        return type.empty() || type == "0" ? issuer : std::string();
    } catch (const Error&) {
        return std::nullopt;
    }
}

std::string error_answer(const char* code, const std::string& message) {
    return Record("error").add("domain", "service").add("code", code).add("message", message).xml();
}

}  // namespace

void serve(std::unique_ptr<remote::Channel> raw, const Peer& peer, const SessionContext& context) {
    auto state = std::make_shared<SessionState>(std::move(raw), context.max_queued_events);
    FramedChannel& channel = state->channel;
    bool admin = false, backup_source = false;
    std::string session;
    try {
        std::optional<Frame> frame;
        {
            remote::ChannelDeadline deadline(channel, context.login_timeout);
            frame = channel.receive();
        }
        if (!frame || frame->kind != FrameKind::control) return;
        const Packet login = remote::parse_packet(frame->payload);
        try {
            if (login.target != "login") throw Error(Errc::access_denied, "log in first");
            const Record request = Record::parse(login.data);
            const Admitted who = authenticate(request, peer, context);
            backup_source = request.find("purpose") == std::optional<std::string>(remote::backup_node::kTarget);
            context.throttle->succeeded(peer.address);
            state->user = who.user;
            admin = who.admin;
            state->service = admin ? context.service
                                   : authorized_service(context.service, state->user, user_name(geteuid()));
            session = context.service->new_session();
            if (context.sessions) context.sessions->add(session, SessionLogin{state->user, admin});
            Record ok("result");
            ok.add("session", session).add("user", state->user).add_bool("admin", admin);
            send(channel, login.id, "reply", ok.xml());
        } catch (const Error& e) {
            if (e.code() == Errc::auth_failed) std::this_thread::sleep_for(context.throttle->failed(peer.address));
            send_quietly(channel, login.id, "reply", remote::current_error_record().xml());
            return;
        }
    } catch (const std::exception&) {
        return;  // a broken or hostile stream before login: just close it
    }
    // The session's token is good while its connection lasts.
    struct Forget {
        const SessionContext& context;
        const std::string& session;
        ~Forget() {
            if (context.sessions && !session.empty()) context.sessions->remove(session);
        }
    } forget{context, session};

    // A backup source's connection is given over to its one operation,
    // and never joins the session's events (docs/backup-node.md).
    if (backup_source) {
        try {
            remote::spin_until_readable(channel);
            auto frame = channel.receive();
            if (frame && frame->kind == FrameKind::control) {
                const Packet request = remote::parse_packet(frame->payload);
                if (request.target == remote::backup_node::kTarget)
                    serve_backup_node(channel, request, context.backup_repository, admin);
            }
        } catch (const std::exception&) {
            // A broken or hostile stream: just close it.
        }
        channel.shut_down();
        return;
    }

    Outbox& outbox = state->outbox;
    // A session that sees only some VMs gets only their events.
    EventHub::VmFilter may_see;
    if (state->service != context.service)
        may_see = [service = state->service](const std::string& vm) { return service->find(vm).has_value(); };
    context.hub->join(&outbox, may_see);
    try {
        bool unannounced = false;  // events published without waking their senders yet
        for (;;) {
            if (unannounced && !channel.frame_buffered()) {
                context.hub->wake_all();
                unannounced = false;
            }
            // A client making calls in a row sends the next one soon.
            remote::spin_until_readable(channel);
            auto frame = channel.receive();
            if (!frame) break;
            if (frame->kind != FrameKind::control) throw Error(Errc::corrupt, "unexpected data frame");
            Packet request = remote::parse_packet(frame->payload);
            if (request.target == "cancel") {
                state->calls.cancel(request.id);
            } else if (request.target == "publish") {
                // A session tells others only of what it may see itself.
                // With more of its packets already read, the senders are
                // woken once, before this reader next waits.
                if (const auto vm = event_vm(request.data); vm && (vm->empty() || !may_see || may_see(*vm))) {
                    context.hub->publish(&outbox, packet(request.id, "event", request.data), *vm, false);
                    unannounced = true;
                }
            } else if (request.target != "service") {
                outbox.send(packet(request.id, "reply", error_answer("unimplemented", "no module '" + request.target + "'")));
            } else {
                Record call;
                try {
                    call = Record::parse(request.data);
                } catch (const std::exception&) {
                    outbox.send(packet(request.id, "reply", remote::current_error_record().xml()));
                    continue;
                }
                if (call.op() == "running_tasks") {
                    outbox.send(packet(request.id, "reply", running_tasks_answer(context, state->user)));
                    continue;
                }
                if (call.op() == "task_info") {
                    outbox.send(packet(request.id, "reply", task_info_answer(context, call, state->user)));
                    continue;
                }
                // A quick call runs here, saving a thread's start; a long
                // one on its own thread, so this one still reads its cancel.
                const bool attach = call.op() == "attach_task";
                if (!attach && !runs_long(call.op())) {
                    const std::atomic<bool> never{false};
                    outbox.send(packet(request.id, "reply", run_call(outbox, *state->service, request, call, &never).answer));
                    continue;
                }
                auto cancel = std::make_shared<std::atomic<bool>>(false);
                if (!state->calls.start(request.id, cancel, context.max_calls_in_flight)) {
                    outbox.send(packet(request.id, "reply", error_answer("busy", "too many calls in flight, or a duplicate id")));
                    continue;
                }
                std::thread(attach ? follow_task : run_task, state, std::cref(context), std::move(request), std::move(call),
                            cancel)
                    .detach();
            }
        }
    } catch (const std::exception&) {
        // A broken stream ends the session.
    }
    // Events it published as it went (they wait for no further packet).
    context.hub->wake_all();
    // The user's tasks run on (each holds the session's state); their
    // answers have nowhere to go once the channel is down.
    context.hub->leave(&outbox);
    channel.shut_down();
}

}  // namespace prl::daemon
