// The client's end of one prlshimd connection (docs/protocol.md): it logs in,
// then carries calls. Several threads may call at once.
//
// Packets are read by one thread at a time, the one holding the read role:
// while calls are in flight, one of their callers (the answer then wakes
// the thread waiting for it, not a reader that must wake it in turn: one
// hand-over less per call); while none is, the reader thread, for events.
// Whoever reads hands each answer and progress to the call whose id it
// echoes, and calls the event listener, in the order they came.
#pragma once
#include "channel.h"
#include "packet.h"
#include "record.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace prl::remote {

struct CallOptions {
    // When set, the call asks for progress (progress="on") and gets each percent.
    std::function<void(unsigned percent)> on_percent;
    // When it becomes true, the daemon is asked to cancel the call.
    const std::atomic<bool>* cancel = nullptr;
    // log="on": the daemon records each progress step of the call's task in
    // its history (docs/daemon.md). Set for every call when the client's
    // environment has PRLSHIM_LOG_PROGRESS=1.
    bool log = log_progress_asked();

    static bool log_progress_asked();
};

class Connection {
public:
    // Sends `login` (a "login" record) first, and waits for its answer: a
    // refused login throws its error (auth_failed, access_denied, ...).
    // No answer within `timeout`: service::Error(connection_lost).
    static std::shared_ptr<Connection> start(std::unique_ptr<Channel> channel, const Record& login,
                                             std::chrono::milliseconds timeout = std::chrono::seconds(30));
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // The answer's "result" record; an "error" answer is thrown as the
    // service::Error or backup::Error the daemon's service threw. A broken
    // connection throws service::Error(connection_lost).
    Record call(const Record& request, const CallOptions& options = {});

    // Events: publish() sends one (the product's event XML) to the daemon,
    // which passes it to every other session; each event another session
    // published reaches `on_event`, in order, on the thread reading (the
    // reader thread or a calling one: a listener must not call()). When the
    // connection breaks (not when it is closed here), `on_closed` gets why,
    // on the reader thread.
    void publish(const std::string& event_xml);
    void set_listeners(std::function<void(const std::string& event_xml)> on_event,
                       std::function<void(const std::string& why)> on_closed);

    const std::string& session() const { return session_; }
    const std::string& user() const { return user_; }
    bool alive() const;

private:
    struct Pending {
        std::optional<Record> answer;
        std::function<void(unsigned)> on_percent;
        // Its own, so an answer wakes only the thread waiting for it.
        std::condition_variable answered;
    };

    explicit Connection(std::unique_ptr<Channel> channel);
    void read_loop(std::shared_ptr<const std::atomic<bool>> alive);
    // A caller holding the read role: reads until the answer to `id`, or
    // until `cancel` (if given) is set. A broken channel goes to the reader
    // thread.
    void read_for(const std::string& id, const std::atomic<bool>* cancel);
    // Hands one packet on; returns the id of the call it answered, if any.
    std::string deliver(const Packet& packet, const std::atomic<bool>* alive);
    void release_read_role(std::unique_lock<std::mutex>& held, const std::string& leaving);
    // The reader thread: waits until no call is in flight and something
    // comes, then takes the read role; false once the connection is destroyed.
    bool take_read_role_when_idle(const std::atomic<bool>& alive);
    // Wakes the reader thread out of its wait on the socket (mutex_ held).
    void kick_reader();
    // Drops a call's entry (mutex_ held).
    void forget(std::map<std::string, Pending>::iterator it);
    void fail_all(const std::string& why);
    std::string next_id();

    FramedChannel channel_;
    std::string session_, user_;
    mutable std::mutex mutex_;
    std::map<std::string, Pending> pending_;
    std::optional<std::string> broken_;  // why the connection ended
    bool reading_ = false;                // a thread holds the read role
    bool reader_polling_ = false;         // the reader thread waits on the socket
    platform::UniqueFd wake_fd_;          // an eventfd: a caller's kick out of that wait
    std::condition_variable role_free_;   // wakes the reader thread out of its wait for no call in flight
    std::chrono::steady_clock::time_point last_call_ended_;  // when pending_ last became empty
    std::optional<std::string> reader_failed_;  // why a calling reader stopped
    std::uint64_t next_id_ = 1;
    std::function<void(const std::string&)> on_event_, on_closed_;
    // False once destroyed: a listener may drop the last reference from the
    // reader thread itself, which must then touch nothing more.
    std::shared_ptr<std::atomic<bool>> alive_ = std::make_shared<std::atomic<bool>>(true);
    std::thread reader_;
};

}  // namespace prl::remote
