#include "connection.h"

#include "deadline.h"
#include "error_record.h"
#include "packet.h"

#include "platform/thread_reaper.h"
#include "store/error.h"

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

Connection::~Connection() {
    {
        std::lock_guard lock(mutex_);
        on_event_ = nullptr;
        on_closed_ = nullptr;  // closed on purpose: nobody is told
    }
    channel_.shut_down();
    *alive_ = false;
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
        pending_.erase(id);
        throw;
    }
    bool cancel_sent = false;
    std::unique_lock lock(mutex_);
    for (;;) {
        auto it = pending_.find(id);
        if (it->second.answer) {
            Record answer = std::move(*it->second.answer);
            pending_.erase(it);
            lock.unlock();
            if (answer.element() == "error") throw_error_record(answer);
            return answer;
        }
        if (broken_) {
            pending_.erase(it);
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
        it->second.answered.wait_for(lock, kCancelPoll);
    }
}

void Connection::read_loop(std::shared_ptr<const std::atomic<bool>> alive) {
    try {
        for (;;) {
            const Packet p = receive_packet(channel_);
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
                    on_percent = nullptr;
                    if (!*alive) return;
                }
                continue;
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
                    if (!*alive) return;
                }
                continue;
            }
            if (p.target == "closing")
                throw Error(Errc::connection_lost, "prlshimd closed the session: " + Record::parse(p.data).get("reason"));
            Record answer = Record::parse(p.data);
            if (answer.element() != "result" && answer.element() != "error")
                throw Error(Errc::corrupt, "prlshimd answered with <" + answer.element() + ">");
            std::lock_guard lock(mutex_);
            auto it = pending_.find(p.id);
            if (it == pending_.end()) continue;  // a call that gave up (its connection broke)
            it->second.answer = std::move(answer);
            it->second.answered.notify_one();
        }
    } catch (const std::exception& e) {
        if (*alive) fail_all(e.what());
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
