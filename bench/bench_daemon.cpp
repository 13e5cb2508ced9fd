// bench_daemon: prlshimd against the targets of issue 13 (docs/performance.md).
//   - a bare TLS 1.3 echo over loopback (the floor), then a no-op call
//     ("ping") to a real prlshimd over loopback TLS: median round trip, and
//     calls/s from 4 client threads (a connection each);
//   - the same call over the Unix socket: median round trip, beside a bare
//     echo over a Unix socket pair. The echoes run in another process, as
//     prlshimd does, and wait for frames as the client and prlshimd do;
//   - event fan-out: one event to 100 sessions, p99 latency and total rate;
//   - 1,000 idle logged-in sessions: the daemon's resident memory.
// Usage: bench_daemon PRLSHIMD [--quick] [--only calls|events|idle]
//   (--only: one part, e.g. to profile it)
#include "remote/channel.h"
#include "remote/connection.h"
#include "remote/dial.h"
#include "remote/sockets.h"
#include "remote/spin_wait.h"
#include "remote/tls.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

using namespace prl;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

bool quick = false;
const char* prlshimd = nullptr;

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

double micros_since(Clock::time_point t0) { return std::chrono::duration<double, std::micro>(Clock::now() - t0).count(); }

void report(const char* what, double value, const char* unit, const char* target) {
    std::printf("%-58s %12.2f %-8s %s\n", what, value, unit, target);
    std::fflush(stdout);
}

struct Daemon {
    fs::path home;
    pid_t pid = -1;
    std::uint16_t port = 0;

    explicit Daemon(const fs::path& h) : home(h) {
        int out[2];
        if (pipe(out) != 0) std::abort();
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);
        std::vector<std::string> args = {"prlshimd", "--home", home.string(), "--listen", "127.0.0.1:0", "--foreground"};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        if (posix_spawn(&pid, prlshimd, &actions, nullptr, argv.data(), environ) != 0) std::abort();
        posix_spawn_file_actions_destroy(&actions);
        close(out[1]);
        std::string banner;
        char c;
        while (read(out[0], &c, 1) == 1 && c != '\n') banner += c;
        close(out[0]);
        std::smatch m;
        if (!std::regex_search(banner, m, std::regex(R"(:([0-9]+) and )"))) {
            std::fprintf(stderr, "prlshimd did not start: %s\n", banner.c_str());
            std::exit(1);
        }
        port = static_cast<std::uint16_t>(std::stoul(m[1]));
    }
    ~Daemon() {
        kill(pid, SIGTERM);
        int status;
        waitpid(pid, &status, 0);
    }
    long rss_kib() const {
        std::ifstream in("/proc/" + std::to_string(pid) + "/status");
        std::string line;
        while (std::getline(in, line))
            if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
        return -1;
    }
};

std::shared_ptr<remote::Connection> tls_session(const Daemon& d, const fs::path& client_home) {
    remote::TrustPolicy trust;
    trust.known_hosts = client_home / "known_hosts";
    return remote::dial_tls("127.0.0.1", d.port, "bench", "bench-password", trust, std::chrono::seconds(30));
}

std::vector<double> ping_times(remote::Connection& c, std::size_t n) {
    std::vector<double> t;
    t.reserve(n);
    const remote::Record ping("call", "ping");
    for (std::size_t i = 0; i < n; ++i) {
        const auto t0 = Clock::now();
        c.call(ping);
        t.push_back(micros_since(t0));
    }
    return t;
}

// The floors: a frame to an echo server in another process, and back. Both
// ends wait for a frame as the client and prlshimd wait for a packet:
// polling briefly, then sleeping (remote/spin_wait.h).
void echo_frames(remote::FramedChannel& ch) {
    try {
        for (;;) {
            remote::spin_until_readable(ch);
            auto f = ch.receive();
            if (!f) return;
            ch.send(f->kind, f->payload);
        }
    } catch (const std::exception&) {
        // The client hung up.
    }
}

// Median round trip of a frame about the size of a ping packet and its answer.
double echo_median(remote::FramedChannel& client, std::size_t n) {
    const std::string payload(150, 'x');
    std::vector<double> t;
    for (std::size_t i = 0; i < n; ++i) {
        const auto t0 = Clock::now();
        client.send(remote::FrameKind::control, payload);
        remote::spin_until_readable(client);
        client.receive();
        t.push_back(micros_since(t0));
    }
    client.shut_down();
    return percentile(t, 0.5);
}

// This program again (--echo-child or --tls-echo-child), given `fd`.
pid_t spawn_echo(std::vector<std::string> args, int fd) {
    args.insert(args.begin(), "bench_daemon");
    args.push_back(std::to_string(fd));
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t child = -1;
    if (posix_spawn(&child, "/proc/self/exe", nullptr, nullptr, argv.data(), environ) != 0) std::abort();
    close(fd);
    return child;
}

double unix_echo_median(std::size_t n) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) std::abort();
    fcntl(sv[0], F_SETFD, FD_CLOEXEC);
    const pid_t child = spawn_echo({"--echo-child"}, sv[1]);
    remote::FramedChannel client(remote::plain_channel(platform::UniqueFd(sv[0])));
    const double median = echo_median(client, n);
    waitpid(child, nullptr, 0);
    return median;
}

// --tls-echo-child DIR FD: serves one TLS connection accepted on FD.
int tls_echo_child(const fs::path& dir, int listener) {
    const remote::TlsServer server(dir);
    platform::UniqueFd fd(accept(listener, nullptr, nullptr));
    remote::FramedChannel ch(server.accept(std::move(fd), std::chrono::seconds(10)));
    echo_frames(ch);
    return 0;
}

double tls_echo_median(const fs::path& dir, std::size_t n) {
    auto listener = remote::listen_tcp("127.0.0.1", 0);
    const std::uint16_t port = remote::local_port(listener.get());
    fcntl(listener.get(), F_SETFD, 0);  // the child's
    const pid_t child = spawn_echo({"--tls-echo-child", (dir / "echo-tls").string()}, listener.release());
    remote::TrustPolicy trust;
    trust.known_hosts = dir / "echo-known-hosts";
    remote::FramedChannel client(
        remote::tls_connect(remote::connect_tcp("127.0.0.1", port, std::chrono::seconds(5)), "127.0.0.1", port, trust));
    const double median = echo_median(client, n);
    waitpid(child, nullptr, 0);
    return median;
}

void bench_round_trips(const Daemon& d, const fs::path& dir) {
    const std::size_t n = quick ? 200 : 20000;
    const double floor = tls_echo_median(dir, n);
    report("bare TLS echo over loopback, median", floor, "us", "(the floor)");

    auto c = tls_session(d, dir);
    const double tls_median = percentile(ping_times(*c, n), 0.5);
    report("no-op call over loopback TLS, median", tls_median, "us", "");
    report("  ... as a multiple of the floor", tls_median / floor, "x", "target <= 2x");

    const int threads = 4;
    const std::size_t per_thread = quick ? 200 : 25000;
    std::vector<std::shared_ptr<remote::Connection>> conns;
    for (int i = 0; i < threads; ++i) conns.push_back(tls_session(d, dir));
    const auto t0 = Clock::now();
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i)
        pool.emplace_back([&, i] { ping_times(*conns[static_cast<std::size_t>(i)], per_thread); });
    for (auto& t : pool) t.join();
    const double secs = micros_since(t0) / 1e6;
    report("no-op calls/s over TLS, 4 client threads", static_cast<double>(threads * per_thread) / secs, "calls/s",
           "target >= 20,000");

    report("bare Unix-socket echo, median", unix_echo_median(n), "us", "(its floor)");
    setenv("PRLSHIM_HOME", d.home.c_str(), 1);
    auto local = remote::dial_local_daemon(d.home);
    report("no-op call over the Unix socket, median", percentile(ping_times(*local, n), 0.5), "us", "target <= 30 us");
}

// The product's event document, numbered in its source field.
std::string event_xml(std::size_t i) {
    return "<ParallelsEvent><EventType>100001</EventType><EventLevel>0</EventLevel><EventIssuerType>4</EventIssuerType>"
           "<EventIssuerId>{bench}</EventIssuerId><EventSource>" +
           std::to_string(i) + "</EventSource></ParallelsEvent>";
}

void bench_fanout(const Daemon& d) {
    // Below a session's event queue (4,096): nobody is cut off for falling behind.
    const std::size_t sessions = quick ? 10 : 100, events = quick ? 200 : 3000;
    const std::size_t paced = quick ? 50 : 500;
    std::vector<Clock::time_point> sent(events);
    std::vector<std::vector<double>> latency(sessions);
    std::atomic<std::size_t> delivered{0};
    std::vector<std::shared_ptr<remote::Connection>> conns;
    for (std::size_t s = 0; s < sessions; ++s) {
        auto c = remote::dial_local_daemon(d.home);
        latency[s].reserve(events);
        c->set_listeners(
            [&, s](const std::string& xml) {
                const auto at = Clock::now();
                const auto b = xml.find("<EventSource>") + 13;
                const std::size_t i = std::stoul(xml.substr(b, xml.find('<', b) - b));
                latency[s].push_back(std::chrono::duration<double, std::milli>(at - sent[i]).count());
                ++delivered;
            },
            nullptr);
        conns.push_back(c);
    }
    auto publisher = remote::dial_local_daemon(d.home);
    // Paced to 100 events/s (10,000 deliveries/s) for the latency figure,
    // then as fast as it goes for the rate.
    const auto t0 = Clock::now();
    for (std::size_t i = 0; i < paced; ++i) {
        sent[i] = Clock::now();
        publisher->publish(event_xml(i));
        std::this_thread::sleep_until(t0 + std::chrono::milliseconds(10 * (i + 1)));
    }
    while (delivered.load() < sessions * paced && micros_since(t0) < 60e6) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::printf("%zu of %zu paced deliveries\n", delivered.load(), sessions * paced);
    std::vector<double> all;
    for (auto& l : latency) all.insert(all.end(), l.begin(), l.end());
    report("event to 100 sessions, p99 latency (100 events/s)", percentile(all, 0.99), "ms", "target <= 10 ms");
    for (auto& l : latency) l.clear();

    delivered = 0;
    std::vector<Clock::time_point> unused(events);
    sent.swap(unused);
    const auto t1 = Clock::now();
    for (std::size_t i = 0; i < events; ++i) {
        sent[i] = Clock::now();
        publisher->publish(event_xml(i));
    }
    while (delivered.load() < sessions * events && micros_since(t1) < 60e6) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const double secs = micros_since(t1) / 1e6;
    std::printf("%zu of %zu deliveries in %.2f s\n", delivered.load(), sessions * events, secs);
    report("events delivered/s in total (100 sessions, unpaced)", static_cast<double>(delivered.load()) / secs, "events/s",
           "target >= 200,000");
}

void bench_idle(const Daemon& d) {
    const std::size_t n = quick ? 50 : 1000;
    const long before = d.rss_kib();
    std::vector<std::shared_ptr<remote::Connection>> idle;
    for (std::size_t i = 0; i < n; ++i) idle.push_back(remote::dial_local_daemon(d.home));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const long after = d.rss_kib();
    std::printf("daemon RSS: %ld KiB before, %ld KiB with %zu idle sessions\n", before, after, n);
    report("daemon RSS with 1,000 idle sessions", static_cast<double>(after) / 1024.0, "MiB", "target <= 128 MiB");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_daemon PRLSHIMD [--quick] [--only calls|events|idle]\n");
        return 2;
    }
    if (std::strcmp(argv[1], "--tls-echo-child") == 0 && argc == 4) return tls_echo_child(argv[2], std::atoi(argv[3]));
    if (std::strcmp(argv[1], "--echo-child") == 0 && argc == 3) {
        remote::FramedChannel channel(remote::plain_channel(platform::UniqueFd(std::atoi(argv[2]))));
        echo_frames(channel);
        return 0;
    }
    prlshimd = argv[1];
    std::string only;
    for (int i = 2; i < argc; ++i) {
        if (std::strcmp(argv[i], "--quick") == 0) {
            quick = true;
        } else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else {
            std::fprintf(stderr, "bench_daemon: unknown argument '%s'\n", argv[i]);
            return 2;
        }
    }
    const auto part = [&only](const char* name) { return only.empty() || only == name; };
    signal(SIGPIPE, SIG_IGN);
    rlimit files{};
    getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;  // 1,000 sessions: both ends' descriptors
    setrlimit(RLIMIT_NOFILE, &files);

    char tmpl[] = "/tmp/prlshim-bench-daemon-XXXXXX";
    const fs::path dir = mkdtemp(tmpl);
    {
        // Each part's wall time: a stall (once 60 s in a loaded CI run, not
        // seen since) shows where it was.
        auto timed = [](const char* what, auto&& run) {
            const auto t0 = Clock::now();
            run();
            std::printf("(%s: %.2f s)\n", what, micros_since(t0) / 1e6);
            std::fflush(stdout);
        };
        // The users file, made as the administrator would.
        const std::string add = std::string("echo bench-password | ") + prlshimd + " --home " + dir.string() +
                                " --add-user bench 2>/dev/null";
        int added = -1;
        timed("adding the user", [&] { added = std::system(add.c_str()); });
        if (added != 0) return 1;
        std::optional<Daemon> d;
        timed("starting prlshimd", [&] { d.emplace(dir); });
        if (part("calls")) timed("calls", [&] { bench_round_trips(*d, dir); });
        if (part("events")) timed("events", [&] { bench_fanout(*d); });
        if (part("idle")) timed("idle sessions", [&] { bench_idle(*d); });
        timed("stopping prlshimd", [&] { d.reset(); });
    }
    fs::remove_all(dir);
    return 0;
}
