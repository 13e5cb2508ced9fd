// The client's end of one prlshimd connection (docs/protocol.md): it logs in,
// then carries calls. Several threads may call at once; a reader thread
// hands each answer and progress packet to the call whose id it echoes.
#pragma once
#include "channel.h"
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
    // published reaches `on_event`, on the reader thread, in order. When the
    // connection breaks (not when it is closed here), `on_closed` gets why.
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

    explicit Connection(std::unique_ptr<Channel> channel) : channel_(std::move(channel)) {}
    void read_loop(std::shared_ptr<const std::atomic<bool>> alive);
    void fail_all(const std::string& why);
    std::string next_id();

    FramedChannel channel_;
    std::string session_, user_;
    mutable std::mutex mutex_;
    std::map<std::string, Pending> pending_;
    std::optional<std::string> broken_;  // why the connection ended
    std::uint64_t next_id_ = 1;
    std::function<void(const std::string&)> on_event_, on_closed_;
    // False once destroyed: a listener may drop the last reference from the
    // reader thread itself, which must then touch nothing more.
    std::shared_ptr<std::atomic<bool>> alive_ = std::make_shared<std::atomic<bool>>(true);
    std::thread reader_;
};

}  // namespace prl::remote
