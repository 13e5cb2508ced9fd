#include "connection.h"

#include "deadline.h"
#include "error_record.h"
#include "packet.h"
#include "spin_wait.h"

#include "platform/thread_reaper.h"
#include "store/error.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string_view>

namespace prl::remote {

bool CallOptions::log_progress_asked() {
    const char* v = std::getenv("PRLSHIM_LOG_PROGRESS");
    return v && std::string(v) == "1";
}
namespace {

using service::Errc;
using service::Error;

// How often a waiting call looks at its cancel flag.
constexpr auto kCancelPoll = std::chrono::milliseconds(100);
// How long after the last call the reader thread goes back to the socket,
// and how often it looks whether calls are still in flight.
constexpr auto kLinger = std::chrono::milliseconds(1);
constexpr auto kBusyLook = std::chrono::milliseconds(5);

void send_packet(FramedChannel& channel, const Packet& p) { channel.send(FrameKind::control, packet_xml(p)); }

Packet receive_packet(FramedChannel& channel) {
    auto frame = channel.receive();
    if (!frame) throw Error(Errc::connection_lost, "prlshimd closed the connection");
    if (frame->kind != FrameKind::control) throw Error(Errc::corrupt, "prlshimd sent data where a packet was due");
    return parse_packet(frame->payload);
}

Record answer_of(const Packet& p) {
    Record r = Record::parse(p.data);
    if (r.element() == "error") throw_error_record(r);
    if (r.element() != "result") throw Error(Errc::corrupt, "prlshimd answered with <" + r.element() + ">");
    return r;
}

}  // namespace

std::shared_ptr<Connection> Connection::start(std::unique_ptr<Channel> channel, const Record& login,
                                              std::chrono::milliseconds timeout) {
    std::shared_ptr<Connection> c(new Connection(std::move(channel)));
    Packet answer_packet;
    {
        ChannelDeadline deadline(c->channel_, timeout);
        send_packet(c->channel_, Packet{"login", protocol_version, false, false, "login", {}, login.xml()});
        answer_packet = receive_packet(c->channel_);
    }
    const Record answer = answer_of(answer_packet);
    c->session_ = answer.get("session");
    c->user_ = answer.get("user");
    c->reader_ = std::thread([raw = c.get(), alive = c->alive_] { raw->read_loop(alive); });
    return c;
}

Connection::Connection(std::unique_ptr<Channel> channel)
    : channel_(std::move(channel)), wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (!wake_fd_) service::throw_errno("eventfd", errno);
}

Connection::~Connection() {
    {
        std::lock_guard lock(mutex_);
        on_event_ = nullptr;
        on_closed_ = nullptr;  // closed on purpose: nobody is told
    }
    channel_.shut_down();
    {
        std::lock_guard lock(mutex_);
        *alive_ = false;
    }
    role_free_.notify_all();
    // The last owner may be a listener running on the reader itself.
    if (reader_.get_id() == std::this_thread::get_id())
        platform::reap_later(std::move(reader_));
    else if (reader_.joinable())
        reader_.join();
}

bool Connection::alive() const {
    std::lock_guard lock(mutex_);
    return !broken_;
}

void Connection::publish(const std::string& event_xml) {
    std::string id;
    {
        std::lock_guard lock(mutex_);
        if (broken_) return;
        id = "e" + std::to_string(next_id_++);
    }
    // The document goes inside the packet's <data>: without its declaration.
    std::string_view body = event_xml;
    if (body.rfind("<?xml", 0) == 0) {
        const auto end = body.find("?>");
        body.remove_prefix(end == std::string_view::npos ? body.size() : end + 2);
        while (!body.empty() && (body.front() == '\n' || body.front() == ' ')) body.remove_prefix(1);
    }
    try {
        send_packet(channel_, Packet{id, protocol_version, false, false, "publish", {}, std::string(body)});
    } catch (const std::exception&) {
        // The reader sees the broken connection and tells the listeners.
    }
}

void Connection::set_listeners(std::function<void(const std::string&)> on_event,
                               std::function<void(const std::string&)> on_closed) {
    std::lock_guard lock(mutex_);
    on_event_ = std::move(on_event);
    on_closed_ = std::move(on_closed);
}

std::string Connection::next_id() { return "c" + std::to_string(next_id_++); }

Record Connection::call(const Record& request, const CallOptions& options) {
    std::string id;
    {
        std::lock_guard lock(mutex_);
        if (broken_) throw Error(Errc::connection_lost, *broken_);
        id = next_id();
        pending_[id].on_percent = options.on_percent;
    }
    Packet p{id, protocol_version, static_cast<bool>(options.on_percent), options.log, "service", {}, request.xml()};
    try {
        send_packet(channel_, p);
    } catch (...) {
        std::lock_guard lock(mutex_);
        forget(pending_.find(id));
        throw;
    }
    bool cancel_sent = false;
    std::unique_lock lock(mutex_);
    for (;;) {
        auto it = pending_.find(id);
        if (it->second.answer) {
            Record answer = std::move(*it->second.answer);
            forget(it);
            lock.unlock();
            if (answer.element() == "error") throw_error_record(answer);
            return answer;
        }
        if (broken_) {
            forget(it);
            throw Error(Errc::connection_lost, *broken_);
        }
        if (!cancel_sent && options.cancel && options.cancel->load()) {
            cancel_sent = true;
            lock.unlock();
            try {
                send_packet(channel_, Packet{id, protocol_version, false, false, "cancel", {}, {}});
            } catch (const Error&) {
                // The reader sees the broken connection and ends the wait.
            }
            lock.lock();
            continue;
        }
        // Nobody reading: this thread reads until its answer comes, and is
        // woken by it directly rather than by the reader thread, which it
        // sends away from the socket.
        if (!reading_ && !reader_failed_) {
            reading_ = true;
            if (reader_polling_) kick_reader();
            lock.unlock();
            read_for(id, cancel_sent ? nullptr : options.cancel);
            lock.lock();
            release_read_role(lock, id);
            continue;
        }
        it->second.answered.wait_for(lock, kCancelPoll);
    }
}

void Connection::kick_reader() {
    reader_polling_ = false;
    const std::uint64_t one = 1;
    // Non-blocking: a counter already non-zero wakes the reader just the same.
    [[maybe_unused]] const ssize_t n = ::write(wake_fd_.get(), &one, sizeof one);
}

void Connection::forget(std::map<std::string, Pending>::iterator it) {
    pending_.erase(it);
    if (pending_.empty()) last_call_ended_ = std::chrono::steady_clock::now();
}

void Connection::release_read_role(std::unique_lock<std::mutex>&, const std::string& leaving) {
    reading_ = false;
    // Another caller still waiting may take it over.
    for (auto& [id, pending] : pending_)
        if (id != leaving && !pending.answer) {
            pending.answered.notify_one();
            break;
        }
}

void Connection::read_for(const std::string& id, const std::atomic<bool>* cancel) {
    try {
        for (;;) {
            // Back to the caller once it has a cancel to send. Progress may
            // keep coming: the flag is looked at between packets, and at
            // least every kCancelPoll.
            if (cancel && cancel->load()) return;
            // A quick call's answer comes while this thread polls (spin_wait.h).
            if (!spin_until_readable(channel_) && cancel &&
                !channel_.wait_readable(static_cast<int>(kCancelPoll.count())))
                continue;
            if (deliver(receive_packet(channel_), nullptr) == id) return;
        }
    } catch (const std::exception& e) {
        // The reader thread tells everyone (fail_all, with the listeners
        // called on it): the channel going down wakes it.
        {
            std::lock_guard lock(mutex_);
            if (!reader_failed_) reader_failed_ = e.what();
        }
        channel_.shut_down();
    }
}

std::string Connection::deliver(const Packet& p, const std::atomic<bool>* alive) {
    if (p.target == "progress") {
        const Progress progress = parse_progress_data(p.data);
        std::function<void(unsigned)> on_percent;
        {
            std::lock_guard lock(mutex_);
            auto it = pending_.find(p.id);
            if (it != pending_.end()) on_percent = it->second.on_percent;
        }
        if (on_percent && progress.percent) {
            try {
                on_percent(*progress.percent);
            } catch (...) {
                // A listener's failure is not the connection's.
            }
        }
        return {};
    }
    if (p.target == "event") {
        std::function<void(const std::string&)> on_event;
        {
            std::lock_guard lock(mutex_);
            on_event = on_event_;
        }
        if (on_event) {
            try {
                on_event(p.data);
            } catch (...) {
                // An event that cannot be read is dropped, not the connection.
            }
            on_event = nullptr;
            if (alive && !*alive) return {};
        }
        return {};
    }
    if (p.target == "closing")
        throw Error(Errc::connection_lost, "prlshimd closed the session: " + Record::parse(p.data).get("reason"));
    Record answer = Record::parse(p.data);
    if (answer.element() != "result" && answer.element() != "error")
        throw Error(Errc::corrupt, "prlshimd answered with <" + answer.element() + ">");
    std::lock_guard lock(mutex_);
    auto it = pending_.find(p.id);
    if (it == pending_.end()) return {};  // a call that gave up (its connection broke)
    it->second.answer = std::move(answer);
    it->second.answered.notify_one();
    return p.id;
}

void Connection::read_loop(std::shared_ptr<const std::atomic<bool>> alive) {
    try {
        for (;;) {
            if (!take_read_role_when_idle(*alive)) return;
            try {
                while (channel_.wait_readable(0)) {
                    deliver(receive_packet(channel_), alive.get());
                    if (!*alive) return;  // a listener dropped the connection
                }
            } catch (...) {
                std::unique_lock lock(mutex_);
                release_read_role(lock, {});
                throw;
            }
            std::unique_lock lock(mutex_);
            release_read_role(lock, {});
        }
    } catch (const std::exception& e) {
        if (*alive) fail_all(e.what());
    }
}

bool Connection::take_read_role_when_idle(const std::atomic<bool>& alive) {
    for (;;) {
        {
            // While calls are in flight, their callers read; and for a moment
            // after the last one, so that calls in a row need not each kick
            // this thread off the socket. Nobody signals the end of the
            // calls (that would cost each call a wake-up): this thread looks
            // now and then, so an event coming just after a call may wait up
            // to kBusyLook + kLinger.
            std::unique_lock lock(mutex_);
            while (!reader_failed_ && alive) {
                if (reading_ || !pending_.empty()) {
                    role_free_.wait_for(lock, kBusyLook);
                    continue;
                }
                const auto until = last_call_ended_ + kLinger;
                if (std::chrono::steady_clock::now() >= until) break;
                role_free_.wait_until(lock, until);
            }
            if (!alive) return false;
            if (reader_failed_) throw Error(Errc::connection_lost, *reader_failed_);
            // What the last caller read beyond its answer. Buffered frames
            // are the role holder's: mutex_ orders this look after its reads.
            if (channel_.frame_buffered()) {
                reading_ = true;
                return true;
            }
            reader_polling_ = true;
        }
        // Without the role, so a caller may read meanwhile: it kicks this
        // wait first (wake_fd_).
        const bool readable = channel_.wait_bytes(-1, wake_fd_.get());
        if (!alive) return false;
        std::lock_guard lock(mutex_);
        reader_polling_ = false;
        std::uint64_t kicks;
        while (::read(wake_fd_.get(), &kicks, sizeof kicks) > 0) {
        }
        if (readable && !reading_ && pending_.empty()) {
            reading_ = true;
            return true;
        }
        // Kicked, or a caller came meanwhile: it reads what came.
    }
}

void Connection::fail_all(const std::string& why) {
    std::function<void(const std::string&)> on_closed;
    std::string text = "the connection to prlshimd ended: " + why;
    {
        std::lock_guard lock(mutex_);
        broken_ = text;
        on_closed = std::move(on_closed_);
        on_closed_ = nullptr;
        for (auto& [id, pending] : pending_) pending.answered.notify_all();
    }
    if (on_closed) {
        try {
            on_closed(text);
        } catch (...) {
        }
    }
}

}  // namespace prl::remote
