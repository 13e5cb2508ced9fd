// lib/remote's Connection against a scripted daemon on a socket pair: who
// reads (a caller waiting for its answer, or the reader thread when no call
// is in flight) must never lose or reorder a packet, whatever arrives in one
// read with what.
#include "remote/channel.h"
#include "remote/connection.h"
#include "remote/packet.h"
#include "remote/record.h"

#include <sys/socket.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace prl::remote;
using namespace std::chrono_literals;
using prl::platform::UniqueFd;

namespace {

std::string packet(const std::string& id, const std::string& target, const std::string& data) {
    return packet_xml(Packet{id, protocol_version, false, false, target, "prlshimd", data});
}

std::string event(int n) { return "<ParallelsEvent><EventSource>" + std::to_string(n) + "</EventSource></ParallelsEvent>"; }

int event_number(const std::string& xml) {
    const auto b = xml.find("<EventSource>") + 13;
    return std::stoi(xml.substr(b, xml.find('<', b) - b));
}

// The daemon's end: answers the login, then hands each call to `on_call`
// (its packet id and record), which writes what it likes.
class FakeDaemon {
public:
    template <class OnCall>
    FakeDaemon(UniqueFd fd, OnCall on_call) : channel_(plain_channel(std::move(fd))) {
        thread_ = std::thread([this, on_call] {
            try {
                auto login = channel_.receive();
                const Packet p = parse_packet(login->payload);
                channel_.send(FrameKind::control, packet(p.id, "reply", Record("result").add("session", "{s}").add("user", "u").xml()));
                while (auto frame = channel_.receive()) {
                    const Packet call = parse_packet(frame->payload);
                    if (call.target == "service") on_call(channel_, call.id, Record::parse(call.data));
                }
            } catch (const std::exception&) {
                // The client went away.
            }
        });
    }
    ~FakeDaemon() {
        channel_.shut_down();
        thread_.join();
    }

private:
    FramedChannel channel_;
    std::thread thread_;
};

struct Events {
    std::mutex mutex;
    std::condition_variable cv;
    std::vector<int> seen;
    void add(const std::string& xml) {
        std::lock_guard lock(mutex);
        seen.push_back(event_number(xml));
        cv.notify_all();
    }
    bool wait_for(std::size_t n, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex);
        return cv.wait_for(lock, timeout, [&] { return seen.size() >= n; });
    }
};

std::shared_ptr<Connection> connect(UniqueFd fd) {
    return Connection::start(plain_channel(std::move(fd)), Record("login"));
}

}  // namespace

TEST_CASE("an event that arrives in one read with a call's answer reaches the listener with no call after it", "[remote]") {
    int sv[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    FakeDaemon daemon(UniqueFd(sv[1]), [](FramedChannel& ch, const std::string& id, const Record&) {
        // The answer and two events in one write: the caller's read takes all three.
        ch.send_all(FrameKind::control, {packet(id, "reply", Record("result").xml()), packet("e1", "event", event(1)),
                                         packet("e2", "event", event(2))});
    });
    auto c = connect(UniqueFd(sv[0]));
    Events events;
    c->set_listeners([&](const std::string& xml) { events.add(xml); }, nullptr);
    c->call(Record("call", "ping"));
    REQUIRE(events.wait_for(2, 5s));
    CHECK(events.seen == std::vector<int>{1, 2});
}

TEST_CASE("events between the answers of calls from many threads arrive all and in order", "[remote]") {
    int sv[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    std::atomic<int> next_event{0};
    FakeDaemon daemon(UniqueFd(sv[1]), [&](FramedChannel& ch, const std::string& id, const Record& call) {
        // Each call is answered with its own number, after an event.
        const int n = next_event++;
        ch.send(FrameKind::control, packet("e" + std::to_string(n), "event", event(n)));
        ch.send(FrameKind::control, packet(id, "reply", Record("result").add("n", call.get("n")).xml()));
    });
    auto c = connect(UniqueFd(sv[0]));
    Events events;
    c->set_listeners([&](const std::string& xml) { events.add(xml); }, nullptr);
    constexpr int threads = 4, calls = 300;
    std::atomic<int> wrong{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            for (int i = 0; i < calls; ++i) {
                const std::string n = std::to_string(t * calls + i);
                if (c->call(Record("call", "echo").add("n", n)).get("n") != n) ++wrong;
            }
        });
    for (auto& t : pool) t.join();
    CHECK(wrong == 0);
    REQUIRE(events.wait_for(threads * calls, 5s));
    std::vector<int> expected(threads * calls);
    for (int i = 0; i < threads * calls; ++i) expected[static_cast<std::size_t>(i)] = i;
    CHECK(events.seen == expected);
}

TEST_CASE("a connection with no call in flight reads events as they come", "[remote]") {
    int sv[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    FramedChannel* daemon_channel = nullptr;
    std::mutex m;
    std::condition_variable ready;
    FakeDaemon daemon(UniqueFd(sv[1]), [&](FramedChannel& ch, const std::string& id, const Record&) {
        {
            std::lock_guard lock(m);
            daemon_channel = &ch;
        }
        ready.notify_all();
        ch.send(FrameKind::control, packet(id, "reply", Record("result").xml()));
    });
    auto c = connect(UniqueFd(sv[0]));
    Events events;
    c->set_listeners([&](const std::string& xml) { events.add(xml); }, nullptr);
    c->call(Record("call", "ping"));
    {
        std::unique_lock lock(m);
        ready.wait(lock, [&] { return daemon_channel != nullptr; });
    }
    // Long after the call (the reader thread is back on the socket), then at once.
    std::this_thread::sleep_for(50ms);
    const auto sent = std::chrono::steady_clock::now();
    daemon_channel->send(FrameKind::control, packet("e7", "event", event(7)));
    REQUIRE(events.wait_for(1, 5s));
    CHECK(std::chrono::steady_clock::now() - sent < 1s);
    CHECK(events.seen == std::vector<int>{7});
}

TEST_CASE("a cancel reaches the daemon while the caller itself reads a stream of progress", "[remote]") {
    int sv[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    std::atomic<bool> cancelled{false};
    // The call is answered only once its cancel came.
    int server_fd = sv[1];
    std::thread daemon([&] {
        FramedChannel ch(plain_channel(UniqueFd(server_fd)));
        try {
            const Packet login = parse_packet(ch.receive()->payload);
            ch.send(FrameKind::control, packet(login.id, "reply", Record("result").add("session", "{s}").add("user", "u").xml()));
            const Packet call = parse_packet(ch.receive()->payload);
            // Progress every few milliseconds, never a pause long enough to
            // be a silence, until the cancel comes.
            std::atomic<bool> stop{false};
            std::thread progress([&] {
                Progress step;
                step.op = "service.long";
                for (unsigned i = 0; !stop; i = (i + 1) % 100) {
                    step.percent = i;
                    ch.send(FrameKind::control, packet(call.id, "progress", progress_data(step)));
                    std::this_thread::sleep_for(5ms);
                }
            });
            const Packet cancel = parse_packet(ch.receive()->payload);
            stop = true;
            progress.join();
            if (cancel.target == "cancel" && cancel.id == call.id) cancelled = true;
            ch.send(FrameKind::control,
                    packet(call.id, "reply", Record("error").add("domain", "backup").add("code", "cancelled").add("message", "cancelled").xml()));
            while (ch.receive()) {
            }
        } catch (const std::exception&) {
        }
    });
    auto c = connect(UniqueFd(sv[0]));
    std::atomic<bool> cancel{false};
    std::atomic<int> steps{0};
    CallOptions options;
    options.cancel = &cancel;
    options.on_percent = [&](unsigned) { ++steps; };
    std::thread canceller([&] {
        std::this_thread::sleep_for(150ms);
        cancel = true;
    });
    CHECK_THROWS(c->call(Record("call", "long"), options));
    canceller.join();
    CHECK(cancelled);
    CHECK(steps > 0);
    c.reset();
    daemon.join();
}
