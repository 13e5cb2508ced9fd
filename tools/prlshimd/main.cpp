// prlshimd: the service of one state root as a daemon (docs/daemon.md). It
// serves the state root's Unix socket (local clients, known by the kernel)
// and TLS on TCP (users of --users), and runs the same Service the
// embedded mode runs.
#include "daemon/session.h"
#include "node_repository.h"
#include "backup/error.h"
#include "daemon/user_db.h"

#include "platform/file_lock.h"
#include "daemon/task_history.h"
#include "remote/backup_node_client.h"
#include "remote/dial.h"
#include "remote/sockets.h"
#include "remote/tls.h"
#include "service/backups.h"
#include "service/store/state_root.h"

#include <CLI/CLI.hpp>

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <csignal>
#include <vector>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <malloc.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <thread>

namespace {

using namespace prl;

struct Options {
    std::string home, listen = "127.0.0.1:64000", users;
    bool foreground = false;
    unsigned login_backoff_ms = 250;
    unsigned login_timeout_ms = 10000;
    std::vector<std::string> admins;
    bool pam = false;
    std::string add_user, del_user;
    std::string repository;  // the backup node's; empty: the state root's default backup directory
};

// Connections served at once; more are closed at accept, so a flood of
// connections cannot exhaust the daemon's threads.
constexpr int kMaxConnections = 4096;
std::atomic<int> g_connections{0};

void log(const std::string& line) { std::fprintf(stderr, "prlshimd: %s\n", line.c_str()); }

std::string read_password() {
    std::string password;
    if (!std::getline(std::cin, password)) throw std::runtime_error("no password on standard input");
    if (!password.empty() && password.back() == '\r') password.pop_back();
    return password;
}

int edit_users(const Options& o, const std::filesystem::path& file) {
    auto users = daemon::UserDb::load(file);
    if (!o.add_user.empty()) {
        users.set_password(o.add_user, read_password());
        users.save(file);
        log("user " + o.add_user + " set in " + file.string());
    } else {
        if (!users.remove(o.del_user)) {
            log("no user " + o.del_user + " in " + file.string());
            return 1;
        }
        users.save(file);
        log("user " + o.del_user + " removed from " + file.string());
    }
    return 0;
}

// Out of descriptors, accept fails at once and would again and again: wait
// for connections to end instead of spinning.
void pause_if_out_of_descriptors() {
    if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

// A daemon holds a descriptor per client: as many as the hard limit allows.
void raise_descriptor_limit() {
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
    }
}

std::string peer_address(const sockaddr_storage& addr) {
    char host[NI_MAXHOST] = "?";
    getnameinfo(reinterpret_cast<const sockaddr*>(&addr), sizeof addr, host, sizeof host, nullptr, 0, NI_NUMERICHOST);
    return host;
}

// Runs one connection on its own thread (counted against kMaxConnections).
template <class Serve>
void spawn(platform::UniqueFd fd, Serve serve) {
    if (g_connections.fetch_add(1) >= kMaxConnections) {
        g_connections.fetch_sub(1);
        return;  // fd closes: the client sees the connection end
    }
    std::thread([fd = std::move(fd), serve]() mutable {
        try {
            serve(std::move(fd));
        } catch (const std::exception& e) {
            log(std::string("connection ended: ") + e.what());
        }
        g_connections.fetch_sub(1);
    }).detach();
}

void accept_tcp(int listener, const remote::TlsServer& tls, const daemon::SessionContext& context) {
    for (;;) {
        sockaddr_storage addr{};
        socklen_t len = sizeof addr;
        platform::UniqueFd fd(accept4(listener, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_CLOEXEC));
        if (!fd) {
            pause_if_out_of_descriptors();
            continue;
        }
        const int on = 1;  // answers are small and wanted at once
        setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        const std::string address = peer_address(addr);
        spawn(std::move(fd), [&tls, &context, address](platform::UniqueFd conn) {
            auto channel = tls.accept(std::move(conn), context.login_timeout);
            daemon::serve(std::move(channel), daemon::Peer{address, std::nullopt}, context);
        });
    }
}

void accept_unix(int listener, const daemon::SessionContext& context) {
    for (;;) {
        platform::UniqueFd fd(accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
        if (!fd) {
            pause_if_out_of_descriptors();
            continue;
        }
        spawn(std::move(fd), [&context](platform::UniqueFd conn) {
            const uid_t uid = remote::peer_credentials(conn.get()).uid;
            daemon::serve(remote::plain_channel(std::move(conn)), daemon::Peer{"unix", uid}, context);
        });
    }
}

constexpr const char* kCutShort = "prlshimd stopped before the task ended";
constexpr std::size_t kHistoryKept = 10000;  // ended tasks

int run(const Options& o) {
    if (!o.home.empty()) ::setenv("PRLSHIM_HOME", o.home.c_str(), 1);
    const std::filesystem::path home = service::StateRoot::resolve_path();
    const std::filesystem::path users_file = o.users.empty() ? home / "users" : std::filesystem::path(o.users);
    if (!o.add_user.empty() || !o.del_user.empty()) return edit_users(o, users_file);

    const auto [address, port] = remote::parse_listen_address(o.listen);
    raise_descriptor_limit();
    std::filesystem::create_directories(home);
    // One daemon per state root: a second would take the socket from the first.
    auto instance = platform::FileLock::try_acquire(home / "prlshimd.lock", platform::FileLock::Mode::exclusive);
    if (!instance) {
        log("another prlshimd serves " + home.string());
        return 1;
    }
    // Tasks the last run left running died with it: they failed, and say so.
    // Opened before anything listens: a history that cannot be read stops
    // the daemon before a client could reach it.
    const auto history_file = daemon::task_history_file(home);
    std::unique_ptr<daemon::TaskHistory> history;
    try {
        history = daemon::TaskHistory::open(history_file, true);
    } catch (const daemon::TaskHistoryError& e) {
        log(history_file.string() + ": " + e.what() + " (move it aside to start with an empty history)");
        return 1;
    }
    if (const std::size_t cut = history->fail_unfinished("service/connection_lost", kCutShort, daemon::now_ms()))
        log(std::to_string(cut) + " task(s) were cut short when prlshimd last stopped; they are marked failed");
    history->trim(kHistoryKept);
    const remote::TlsServer tls(home / "tls");
    auto tcp = remote::listen_tcp(address, port);
    const auto socket_path = remote::daemon_socket(home);
    auto local = remote::listen_unix(socket_path);

    daemon::LoginThrottle throttle{std::chrono::milliseconds(o.login_backoff_ms)};
    daemon::EventHub hub;
    daemon::TaskTable tasks(history.get());
    daemon::SessionRegistry sessions;
    daemon::SessionContext context;
    context.service = service::local_service();
    remote::install_backup_node_opener();  // backups this daemon's clients send to other nodes
    context.users_file = users_file;
    context.throttle = &throttle;
    context.hub = &hub;
    context.tasks = &tasks;
    context.sessions = &sessions;
    try {
        context.backup_repository = prlshimd::node_repository(o.repository, home);
    } catch (const backup::Error& e) {
        log(std::string("--repository: ") + e.what());
        return 1;
    }
    context.login_timeout = std::chrono::milliseconds(o.login_timeout_ms);
    context.admins.insert(o.admins.begin(), o.admins.end());
    if (o.pam) context.pam_service = "prlshimd";

    std::printf("prlshimd: serving %s on %s:%u and %s, certificate %s\n", home.c_str(), address.c_str(),
                static_cast<unsigned>(remote::local_port(tcp.get())), socket_path.c_str(), tls.fingerprint().c_str());
    std::fflush(stdout);
    if (!o.foreground && ::daemon(1, 0) != 0) {
        log("cannot detach from the terminal");
        return 1;
    }

    // Signals are taken by sigwait below, not by the serving threads.
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    std::thread(accept_tcp, tcp.get(), std::cref(tls), std::cref(context)).detach();
    std::thread(accept_unix, local.get(), std::cref(context)).detach();
    int signal = 0;
    sigwait(&stop, &signal);
    // Stopping is as abrupt as a crash, and as safe: whatever was being
    // written is only visible once complete. Clients see the connection end.
    std::error_code ignored;
    std::filesystem::remove(socket_path, ignored);
    log("stopped by signal " + std::to_string(signal));
    std::fflush(nullptr);
    _exit(0);
}

}  // namespace

int main(int argc, char** argv) {
    // Every connection has threads of its own, and glibc gives each its own
    // arena (up to 8 a core), which keep what they freed: with 8 sources
    // backing up at once the node's peak RSS was 295-505 MiB, and 266-311
    // MiB with one arena a core (docs/performance.md). A setting in the
    // environment (MALLOC_ARENA_MAX) still wins.
#ifdef M_ARENA_MAX
    if (!std::getenv("MALLOC_ARENA_MAX")) ::mallopt(M_ARENA_MAX, static_cast<int>(std::max(2u, std::thread::hardware_concurrency())));
#endif
    CLI::App app{"prlshimd: the prlshim service as a daemon, for local and remote SDK clients"};
    Options o;
    app.add_option("--home", o.home, "state root (default: $PRLSHIM_HOME, else ~/.local/share/prlshim)");
    app.add_option("--listen", o.listen, "TLS address and port (default 127.0.0.1:64000)");
    app.add_option("--users", o.users, "users file for password logins (default: HOME/users)");
    app.add_flag("--pam", o.pam,
                 "also accept the host's system accounts, through PAM service 'prlshimd' (for names not in the "
                 "users file)");
    app.add_option("--admin", o.admins,
                   "a user of the users file who sees and acts on every VM (repeatable); the others, only "
                   "on their own and those shared with them");
    app.add_option("--repository", o.repository,
                   "the backup repository this daemon serves as a backup node: an absolute path, or "
                   "rados:[USER@]POOL[/NAMESPACE] (the Ceph cluster of $CEPH_CONF or /etc/ceph/ceph.conf, as "
                   "client.USER, else client.admin, with the key its keyring holds); default: the state root's "
                   "default backup directory");
    app.add_flag("--foreground", o.foreground, "stay in the foreground (for systemd and tests)");
    app.add_option("--login-backoff", o.login_backoff_ms,
                   "milliseconds an address waits after its first failed login, doubling with each (default 250; 0: none)")
        ->check(CLI::Range(0u, 60000u));
    app.add_option("--login-timeout", o.login_timeout_ms,
                   "milliseconds a connection has to finish TLS and log in before it is closed (default 10000)")
        ->check(CLI::Range(100u, 600000u));
    auto* add = app.add_option("--add-user", o.add_user, "set a user's password (read from standard input) and exit");
    app.add_option("--del-user", o.del_user, "remove a user and exit")->excludes(add);
    CLI11_PARSE(app, argc, argv);
    try {
        return run(o);
    } catch (const std::exception& e) {
        log(e.what());
        return 1;
    }
}
