// lib/remote's sockets and TLS: the server's identity, trust on first use,
// CA verification, timeouts and shutting a channel down from another thread.
#include "errc_of.h"
#include "remote/sockets.h"
#include "remote/tls.h"
#include "store/error.h"
#include "read_file.h"
#include "test_home.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <functional>
#include <future>
#include <thread>

using namespace prl::remote;
using namespace std::chrono_literals;
using prl::platform::UniqueFd;
using prl::service::Errc;
using prl::service::Error;
namespace fs = std::filesystem;

namespace {

using daemon_test::errc_of;

mode_t mode_of(const fs::path& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

// A TCP listener on 127.0.0.1 whose connections get a TLS echo service.
struct EchoServer {
    UniqueFd listener = listen_tcp("127.0.0.1", 0);
    std::uint16_t port = local_port(listener.get());
    std::future<void> done;

    // Serves the next connection with `server`; done throws what it threw.
    void serve_one(const TlsServer& server) {
        done = std::async(std::launch::async, [this, &server] {
            UniqueFd fd(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
            REQUIRE(fd);
            auto channel = server.accept(std::move(fd), 5s);
            char buffer[16 * 1024];
            while (const std::size_t n = channel->read_some(buffer, sizeof buffer))
                channel->write_all(std::string_view(buffer, n));
        });
    }
    // The end of the served connection, whatever it was.
    void finish() {
        if (done.valid()) done.wait();
    }
};

std::unique_ptr<Channel> connect_to(const EchoServer& server, const std::string& host, const TrustPolicy& trust) {
    return tls_connect(connect_tcp(host, server.port, 2s), host, server.port, trust);
}

// An echo server serving its next connection, and a client that pins it on
// first use, in a directory of their own.
struct EchoConnection {
    prl::test::TempDir tmp;
    const TlsServer server{tmp.path() / "tls"};
    EchoServer echo;
    TrustPolicy trust;
    EchoConnection() {
        echo.serve_one(server);
        trust.known_hosts = tmp.path() / "known_hosts";
    }
    std::unique_ptr<Channel> connect() { return connect_to(echo, "127.0.0.1", trust); }
};

std::string read_exactly(Channel& channel, std::size_t size) {
    std::string got;
    char buffer[64 * 1024];
    while (got.size() < size) {
        const std::size_t n = channel.read_some(buffer, std::min(sizeof buffer, size - got.size()));
        if (n == 0) break;
        got.append(buffer, n);
    }
    return got;
}

void check_echo(Channel& channel) {
    channel.write_all("hello");
    CHECK(read_exactly(channel, 5) == "hello");
    // Larger than any socket buffer, written while read from another thread.
    std::string big(1 << 20, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
    std::thread writer([&] { channel.write_all(big); });
    const std::string back = read_exactly(channel, big.size());
    writer.join();
    CHECK(back == big);
}

}  // namespace

TEST_CASE("tls: the server's identity is made at first start, then reused") {
    prl::test::TempDir tmp;
    const fs::path dir = tmp.path() / "tls";
    std::string first;
    {
        TlsServer server(dir);
        first = server.fingerprint();
    }
    CHECK(first.rfind("SHA256:", 0) == 0);
    CHECK(first.size() == 7 + 64);
    CHECK(mode_of(dir) == 0700);
    CHECK(mode_of(dir / "key.pem") == 0600);
    CHECK(prl::test::read_file(dir / "cert.pem").find("BEGIN CERTIFICATE") != std::string::npos);
    CHECK(TlsServer(dir).fingerprint() == first);

    SECTION("half an identity is an error, never remade") {
        fs::remove(dir / "cert.pem");
        CHECK(errc_of([&] { TlsServer server(dir); }) == Errc::corrupt);
        CHECK_FALSE(fs::exists(dir / "cert.pem"));
    }
    SECTION("a key and a certificate that do not match are an error") {
        TlsServer other(tmp.path() / "other");
        fs::copy_file(tmp.path() / "other" / "cert.pem", dir / "cert.pem", fs::copy_options::overwrite_existing);
        CHECK(errc_of([&] { TlsServer server(dir); }) == Errc::corrupt);
    }
}

TEST_CASE("tls: trust on first use pins the server, then refuses a changed one") {
    prl::test::TempDir tmp;
    const TlsServer server(tmp.path() / "tls");
    TrustPolicy trust;
    trust.known_hosts = tmp.path() / "client" / "known_hosts";
    EchoServer echo;

    echo.serve_one(server);
    {
        auto channel = connect_to(echo, "127.0.0.1", trust);
        check_echo(*channel);
    }
    echo.done.get();
    REQUIRE(fs::exists(trust.known_hosts));
    CHECK(mode_of(trust.known_hosts) == 0600);
    CHECK(mode_of(trust.known_hosts.parent_path()) == 0700);
    const std::string pinned = "127.0.0.1:" + std::to_string(echo.port) + " " + server.fingerprint() + "\n";
    CHECK(prl::test::read_file(trust.known_hosts) == pinned);

    echo.serve_one(server);
    {
        auto channel = connect_to(echo, "127.0.0.1", trust);
        check_echo(*channel);
    }
    echo.done.get();
    CHECK(prl::test::read_file(trust.known_hosts) == pinned);

    const TlsServer impostor(tmp.path() / "impostor");
    echo.serve_one(impostor);
    try {
        connect_to(echo, "127.0.0.1", trust);
        FAIL("a changed certificate was accepted");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::certificate_invalid);
        CHECK(std::string(e.what()).find(server.fingerprint()) != std::string::npos);
        CHECK(std::string(e.what()).find(impostor.fingerprint()) != std::string::npos);
    }
    echo.finish();
    CHECK(prl::test::read_file(trust.known_hosts) == pinned);
}

TEST_CASE("tls: a malformed known-hosts file is corrupt, comments are fine") {
    prl::test::TempDir tmp;
    const TlsServer server(tmp.path() / "tls");
    TrustPolicy trust;
    trust.known_hosts = tmp.path() / "known_hosts";
    EchoServer echo;
    {
        std::ofstream(trust.known_hosts) << "# pinned servers\n\n127.0.0.1:" << echo.port << " "
                                         << server.fingerprint() << "\n";
    }
    echo.serve_one(server);
    check_echo(*connect_to(echo, "127.0.0.1", trust));
    echo.finish();

    { std::ofstream(trust.known_hosts) << "example.org:64000 MD5:abcd\n"; }
    CHECK(errc_of([&] { connect_to(echo, "127.0.0.1", trust); }) == Errc::corrupt);
}

TEST_CASE("tls: with a CA file the chain and the host name are verified") {
    prl::test::TempDir tmp;
    const TlsServer server(tmp.path() / "tls");
    const TlsServer other(tmp.path() / "other");
    EchoServer echo;
    TrustPolicy trust;
    trust.ca_file = tmp.path() / "tls" / "cert.pem";  // self-signed: its own CA

    for (const char* host : {"localhost", "127.0.0.1"}) {
        echo.serve_one(server);
        check_echo(*connect_to(echo, host, trust));
        echo.done.get();
    }

    echo.serve_one(server);
    trust.ca_file = tmp.path() / "other" / "cert.pem";
    CHECK(errc_of([&] { connect_to(echo, "127.0.0.1", trust); }) == Errc::certificate_invalid);
    echo.finish();
    CHECK_FALSE(fs::exists(tmp.path() / "known_hosts"));
}

TEST_CASE("tls: a client that never handshakes does not hold the server") {
    prl::test::TempDir tmp;
    const TlsServer server(tmp.path() / "tls");
    UniqueFd listener = listen_tcp("127.0.0.1", 0);
    UniqueFd silent = connect_tcp("127.0.0.1", local_port(listener.get()), 2s);
    UniqueFd accepted(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    REQUIRE(accepted);
    const auto start = std::chrono::steady_clock::now();
    CHECK(errc_of([&] { server.accept(std::move(accepted), 200ms); }) == Errc::connection_lost);
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(took >= 150ms);
    CHECK(took < 2s);
}

TEST_CASE("tls: a client that does not speak TLS is dropped") {
    prl::test::TempDir tmp;
    const TlsServer server(tmp.path() / "tls");
    UniqueFd listener = listen_tcp("127.0.0.1", 0);
    auto client = plain_channel(connect_tcp("127.0.0.1", local_port(listener.get()), 2s));
    client->write_all("GET / HTTP/1.0\r\n\r\n");
    UniqueFd accepted(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    REQUIRE(accepted);
    CHECK(errc_of([&] { server.accept(std::move(accepted), 2s); }) == Errc::connection_lost);
}

TEST_CASE("tls: frames sent from two threads while a third reads") {
    EchoConnection c;
    FramedChannel framed(c.connect());
    constexpr int per_sender = 200;
    const auto send = [&](char tag) {
        for (int i = 0; i < per_sender; ++i) framed.send(FrameKind::data, std::string(1000 + i * 37, tag));
    };
    std::thread a(send, 'a'), b(send, 'b');
    int count_a = 0, count_b = 0;
    for (int i = 0; i < 2 * per_sender; ++i) {
        auto frame = framed.receive();
        REQUIRE(frame);
        const char tag = frame->payload.front();
        CHECK(frame->payload == std::string(frame->payload.size(), tag));
        CHECK(frame->payload.size() == static_cast<std::size_t>(1000 + (tag == 'a' ? count_a++ : count_b++) * 37));
    }
    a.join();
    b.join();
    CHECK(count_a == per_sender);
    CHECK(count_b == per_sender);
    framed.shut_down();
    c.echo.finish();
}

TEST_CASE("tls: records read ahead of what was asked count as readable") {
    EchoConnection c;
    auto channel = c.connect();
    // Three records back, all arrived before the first read: one recv takes
    // them all, and the socket has nothing left to say about the other two.
    for (const char* part : {"a", "b", "c"}) {
        channel->write_all(part);
        std::this_thread::sleep_for(20ms);  // each echoed as a record of its own
    }
    std::this_thread::sleep_for(200ms);
    for (const char want : {'a', 'b', 'c'}) {
        REQUIRE(channel->wait_readable(2000));
        char got = 0;
        REQUIRE(channel->read_some(&got, 1) == 1);
        CHECK(got == want);
    }
    CHECK_FALSE(channel->wait_readable(50));
    channel->shut_down();
    c.echo.finish();
}

TEST_CASE("tls: shut_down from another thread ends a blocked read") {
    EchoConnection c;
    auto channel = c.connect();
    auto reader = std::async(std::launch::async, [&] {
        char buffer[16];
        return channel->read_some(buffer, sizeof buffer);
    });
    CHECK(reader.wait_for(100ms) == std::future_status::timeout);
    channel->shut_down();
    REQUIRE(reader.wait_for(2s) == std::future_status::ready);
    CHECK(reader.get() == 0);
    CHECK(errc_of([&] { channel->write_all("late"); }) == Errc::connection_lost);
    c.echo.finish();
}

TEST_CASE("sockets: connecting where nothing listens is cant_connect") {
    std::uint16_t port;
    {
        UniqueFd listener = listen_tcp("127.0.0.1", 0);
        port = local_port(listener.get());
    }
    try {
        connect_tcp("127.0.0.1", port, 1s);
        FAIL("connected");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::cant_connect);
        CHECK(std::string(e.what()).find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
    }
    CHECK(errc_of([] { connect_tcp("no-such-host.invalid", 64000, 1s); }) == Errc::cant_connect);
    prl::test::TempDir tmp;
    CHECK(errc_of([&] { connect_unix(tmp.path() / "none.sock"); }) == Errc::cant_connect);
}

TEST_CASE("sockets: --listen addresses") {
    using P = std::pair<std::string, std::uint16_t>;
    CHECK(parse_listen_address("127.0.0.1:64000") == P{"127.0.0.1", 64000});
    CHECK(parse_listen_address("[::1]:64000") == P{"::1", 64000});
    CHECK(parse_listen_address("0.0.0.0:64000") == P{"0.0.0.0", 64000});
    CHECK(parse_listen_address("host.example:1") == P{"host.example", 1});
    CHECK(parse_listen_address("127.0.0.1:0") == P{"127.0.0.1", 0});
    for (const char* bad : {"", "127.0.0.1", "127.0.0.1:", ":64000", "127.0.0.1:65536", "127.0.0.1:99999999",
                            "127.0.0.1:64k", "::1:64000", "[::1]", "[::1]64000", "[::1:64000", "[]:1",
                            "[127.0.0.1]:1", "a b:1", "127.0.0.1:-1"})
        CHECK(errc_of([&] { parse_listen_address(bad); }) == Errc::invalid_argument);
}

TEST_CASE("sockets: the Unix socket replaces a stale socket, never another file") {
    prl::test::TempDir tmp;
    const fs::path path = tmp.path() / "prlshimd.sock";
    { std::ofstream(path) << "data"; }
    CHECK(errc_of([&] { listen_unix(path); }) == Errc::io_error);
    CHECK(prl::test::read_file(path) == "data");
    fs::remove(path);

    { UniqueFd stale = listen_unix(path); }  // closed: left behind as a stale socket
    UniqueFd listener = listen_unix(path);
    CHECK(mode_of(path) == 0600);
    UniqueFd client = connect_unix(path);
    UniqueFd server(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    REQUIRE(server);
    const PeerCredentials peer = peer_credentials(server.get());
    CHECK(peer.uid == ::getuid());
    CHECK(peer.pid == ::getpid());
}

TEST_CASE("sockets: peer credentials over a socket pair") {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
    UniqueFd a(fds[0]), b(fds[1]);
    const PeerCredentials peer = peer_credentials(a.get());
    CHECK(peer.uid == ::getuid());
    CHECK(peer.gid == ::getgid());
    CHECK(peer.pid == ::getpid());
}
