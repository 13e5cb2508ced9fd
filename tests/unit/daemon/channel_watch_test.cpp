// ChannelWatch (lib/remote/channel_watch.h) over a socket pair: a silent
// peer is cut off, a quiet one that sends keepalives is not, a cancel cuts
// a wait at once, and keepalive frames never reach a reader.
#include "remote/channel.h"
#include "remote/channel_watch.h"
#include "remote/wire.h"

#include <catch2/catch.hpp>

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <thread>

using namespace prl::remote;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

struct Pair {
    std::unique_ptr<FramedChannel> a, b;
    Pair() {
        int sv[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
        a = std::make_unique<FramedChannel>(plain_channel(prl::platform::UniqueFd(sv[0])));
        b = std::make_unique<FramedChannel>(plain_channel(prl::platform::UniqueFd(sv[1])));
    }
};

PeerTimeouts timeouts(std::chrono::milliseconds silence) {
    PeerTimeouts t;
    t.silence = silence;
    t.keepalive = silence / 8;
    return t;
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// receive() on `c`: the frame, or nothing when the stream ended or broke.
std::optional<Frame> receive_or_nothing(FramedChannel& c) {
    try {
        return c.receive();
    } catch (...) {
        return std::nullopt;
    }
}

}  // namespace

TEST_CASE("keepalive frames are counted as traffic and never handed to a reader") {
    Pair p;
    p.a->send(FrameKind::keepalive, {});
    p.a->send(FrameKind::keepalive, {});
    p.a->send(FrameKind::control, "after");
    const auto f = p.b->receive();
    REQUIRE(f);
    CHECK(f->kind == FrameKind::control);
    CHECK(f->payload == "after");
    CHECK(p.b->traffic().bytes_in == 2 * frame_header_bytes + frame_header_bytes + 5);
    CHECK(p.a->traffic().bytes_out == p.b->traffic().bytes_in);

    FrameReader r;
    CHECK_THROWS_AS(r.feed(encode_frame(FrameKind::keepalive, "x")), FrameError);
}

TEST_CASE("a watch cuts a receive whose peer says nothing, after the silence and not before") {
    Pair p;
    const ChannelWatch watch(*p.a, timeouts(600ms));
    const auto start = Clock::now();
    CHECK_FALSE(receive_or_nothing(*p.a));
    const double waited = seconds_since(start);
    CHECK(watch.cut() == ChannelWatch::Cut::silent);
    CHECK(waited >= 0.6);
    CHECK(waited < 2.0);
}

TEST_CASE("a quiet peer that keeps alive is not cut, and its next frame arrives whole") {
    Pair p;
    const ChannelWatch reader_watch(*p.a, timeouts(400ms));
    auto sender = std::async(std::launch::async, [&] {
        const ChannelWatch sender_watch(*p.b, timeouts(400ms));
        std::this_thread::sleep_for(1600ms);  // four silences of saying nothing but keepalives
        p.b->send(FrameKind::control, "still here");
        return sender_watch.cut();
    });
    const auto f = receive_or_nothing(*p.a);
    REQUIRE(f);
    CHECK(f->payload == "still here");
    CHECK(reader_watch.cut() == ChannelWatch::Cut::none);
    CHECK(sender.get() == ChannelWatch::Cut::none);
}

TEST_CASE("a side that is not waiting is not cut, however long the peer is quiet") {
    Pair p;
    const ChannelWatch watch(*p.a, timeouts(300ms));
    std::this_thread::sleep_for(1000ms);  // busy with something else: no receive, no send
    CHECK(watch.cut() == ChannelWatch::Cut::none);
    p.b->send(FrameKind::control, "later");
    const auto f = receive_or_nothing(*p.a);
    REQUIRE(f);
    CHECK(f->payload == "later");
}

TEST_CASE("a send the peer does not take is cut after the silence") {
    Pair p;
    const ChannelWatch watch(*p.a, timeouts(500ms));
    const std::string big(4 << 20, 'x');  // far more than a socket pair buffers
    const auto start = Clock::now();
    CHECK_THROWS(p.a->send(FrameKind::data, big));
    CHECK(watch.cut() == ChannelWatch::Cut::silent);
    CHECK(seconds_since(start) >= 0.5);
}

TEST_CASE("a cancel cuts a wait at once, and no longer once the watch stops honouring it") {
    Pair p;
    std::atomic<bool> cancel{false};
    {
        const ChannelWatch watch(*p.a, timeouts(60s), &cancel);
        auto raise = std::async(std::launch::async, [&] {
            std::this_thread::sleep_for(200ms);
            cancel = true;
        });
        const auto start = Clock::now();
        CHECK_FALSE(receive_or_nothing(*p.a));
        CHECK(seconds_since(start) < 1.5);
        CHECK(watch.cut() == ChannelWatch::Cut::cancelled);
    }
    Pair q;
    cancel = false;
    ChannelWatch watch(*q.a, timeouts(60s), &cancel);
    watch.stop_honouring_cancel();
    cancel = true;
    std::this_thread::sleep_for(300ms);
    CHECK(watch.cut() == ChannelWatch::Cut::none);
    q.b->send(FrameKind::control, "committed");
    const auto f = receive_or_nothing(*q.a);
    REQUIRE(f);
    CHECK(f->payload == "committed");
}

TEST_CASE("the silence comes from PRLSHIM_BACKUP_NODE_TIMEOUT when it is a sane number of seconds") {
    ::setenv("PRLSHIM_BACKUP_NODE_TIMEOUT", "16", 1);
    CHECK(PeerTimeouts::from_environment().silence == 16s);
    CHECK(PeerTimeouts::from_environment().keepalive == 1s);
    ::setenv("PRLSHIM_BACKUP_NODE_TIMEOUT", "2", 1);
    CHECK(PeerTimeouts::from_environment().keepalive == 500ms);
    for (const char* bad : {"0", "-3", "12x", "", "999999999"}) {
        ::setenv("PRLSHIM_BACKUP_NODE_TIMEOUT", bad, 1);
        CHECK(PeerTimeouts::from_environment().silence == PeerTimeouts{}.silence);
    }
    ::unsetenv("PRLSHIM_BACKUP_NODE_TIMEOUT");
}
