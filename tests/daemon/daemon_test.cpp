// prlshimd with real clients of the C API: a local process reaching the
// daemon of its state root over the Unix socket, a remote one over TLS with
// a user of the daemon's, and what the daemon refuses (docs/daemon.md).
#include "capi.h"
#include "daemon_process.h"
#include "helpers.h"

#include "read_file.h"
#include "test_home.h"

#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>
#include <functional>
#include <mutex>
#include <thread>
#include <chrono>

extern char** environ;

using capi::Handle;
using capi::run;
using daemon_test::DaemonProcess;
using namespace daemon_test;
namespace fs = std::filesystem;

namespace {


// A raw connection to the daemon's Unix socket.
int connect_socket(const fs::path& path) {
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    return fd;
}

std::string frame(const std::string& packet) {
    const std::uint32_t n = static_cast<std::uint32_t>(packet.size() + 1);
    std::string out{static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                    static_cast<char>(n), '\x01'};
    return out + packet;
}

// Everything the daemon sends until it closes the connection.
std::string read_to_end(int fd) {
    std::string all;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) all.append(buf, static_cast<std::size_t>(n));
    return all;
}

}  // namespace

TEST_CASE("a local client goes through the daemon serving its state root", "[daemon]") {
    prl::test::TestHome home;
    capi::Api api;
    DaemonProcess daemon(home.path());
    Handle server = local_login();
    make_vm(server, "through-the-socket");
    CHECK(vm_count(server) == 1);
    CHECK(fs::exists(home.path() / "vms" / "through-the-socket.pvm" / "config.pvs"));

    // A second process-level session sees the same inventory at once.
    Handle other = local_login();
    CHECK(vm_count(other) == 1);

    // The session is the daemon's: when it dies, calls fail with a connection error.
    daemon.kill_hard();
    run(PrlSrv_GetVmList(server), PRL_ERR_SERVER_GOES_DOWN);
    // A new login finds no daemon and runs the embedded service on the same root.
    Handle after = local_login();
    CHECK(vm_count(after) == 1);
}

TEST_CASE("a remote client logs in over TLS as a user of the daemon's", "[daemon]") {
    prl::test::TestHome client_home;
    prl::test::TempDir daemon_home;
    capi::Api api;
    daemon_test::add_user(daemon_home.path(), "alice", "correct horse");
    DaemonProcess daemon(daemon_home.path());

    Handle server;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    CHECK(login(server, daemon.port(), "alice", "wrong horse") == PRL_ERR_AUTHENTICATION_FAILED);
    CHECK(login(server, daemon.port(), "mallory", "correct horse") == PRL_ERR_AUTHENTICATION_FAILED);
    REQUIRE(login(server, daemon.port(), "alice", "correct horse") == PRL_ERR_SUCCESS);

    PRL_BOOL connected = PRL_FALSE, local = PRL_TRUE;
    REQUIRE_PRL_OK(PrlSrv_IsConnected(server, &connected, &local));
    CHECK(connected == PRL_TRUE);
    CHECK(local == PRL_FALSE);

    // What the client does is done on the daemon's host, in its state root.
    Handle vm = make_vm(server, "made-remotely");
    CHECK(fs::exists(daemon_home.path() / "vms" / "made-remotely.pvm" / "config.pvs"));
    CHECK(!fs::exists(client_home.path() / "vms"));
    CHECK(vm_count(server) == 1);

    // The server's certificate is pinned in the client's known hosts.
    const std::string pins = prl::test::read_file(client_home.path() / "known_hosts");
    CHECK(pins.find("127.0.0.1:" + std::to_string(daemon.port()) + " SHA256:") != std::string::npos);
    CHECK((fs::status(client_home.path() / "known_hosts").permissions() & fs::perms::group_all) == fs::perms::none);

    // A backup through the daemon: progress reaches the client, the data the daemon's repository.
    std::atomic<int> progress_events{0};
    auto on_event = [](PRL_HANDLE h, PRL_VOID_PTR data) -> PRL_RESULT {
        PRL_HANDLE_TYPE type;
        PRL_EVENT_TYPE event;
        if (PRL_SUCCEEDED(PrlHandle_GetType(h, &type)) && type == PHT_EVENT &&
            PRL_SUCCEEDED(PrlEvent_GetType(h, &event)) && event == PET_DSP_EVT_BACKUP_PROGRESS_CHANGED)
            ++*static_cast<std::atomic<int>*>(data);
        PrlHandle_Free(h);
        return PRL_ERR_SUCCESS;
    };
    REQUIRE_PRL_OK(PrlSrv_RegEventHandler(server, on_event, &progress_events));
    run(PrlSrv_CreateVmBackup(server, vm_uuid(vm).c_str(), "", 0, "", "through prlshimd", PBT_FULL, 0, PRL_TRUE));
    const std::string tree = backup_tree(server);
    CHECK(tree.find(vm_uuid(vm)) != std::string::npos);
    CHECK(tree.find("through prlshimd") != std::string::npos);
    CHECK(fs::exists(daemon_home.path() / "backups"));
    CHECK(progress_events.load() > 0);
    REQUIRE_PRL_OK(PrlSrv_UnregEventHandler(server, on_event, &progress_events));
    run(PrlSrv_Logoff(server));
}

TEST_CASE("a server whose certificate changed is refused", "[daemon]") {
    prl::test::TestHome client_home;
    prl::test::TempDir first_home, second_home;
    capi::Api api;
    daemon_test::add_user(first_home.path(), "bob", "pw-one-two");
    daemon_test::add_user(second_home.path(), "bob", "pw-one-two");
    std::uint16_t port = 0;
    {
        DaemonProcess first(first_home.path());
        port = first.port();
        Handle server;
        REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
        REQUIRE(login(server, port, "bob", "pw-one-two") == PRL_ERR_SUCCESS);
    }
    // Another daemon (another key) at the same address: not the pinned server.
    DaemonProcess second(second_home.path(), "127.0.0.1:" + std::to_string(port));
    Handle server;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    CHECK(login(server, port, "bob", "pw-one-two") == PRL_ERR_CONN_SERVER_CERTIFICATE_INVALID);
}

TEST_CASE("nothing but a login is served before one, and a hostile frame closes only its connection", "[daemon]") {
    prl::test::TestHome home;
    capi::Api api;
    DaemonProcess daemon(home.path());
    const fs::path socket_path = home.path() / "prlshimd.sock";

    // A call before logging in: refused, and the connection closed.
    int fd = connect_socket(socket_path);
    const std::string call =
        frame("<packet id=\"1\" version=\"4.0.0\"><target>service</target><data><call op=\"list\"/></data></packet>");
    REQUIRE(write(fd, call.data(), call.size()) == static_cast<ssize_t>(call.size()));
    const std::string answer = read_to_end(fd);
    close(fd);
    CHECK(answer.find("<target>reply</target>") != std::string::npos);
    CHECK(answer.find("<vms>") == std::string::npos);

    // A frame announcing 1 GiB: the daemon closes the connection without reading it.
    fd = connect_socket(socket_path);
    const std::string huge{'\x40', '\0', '\0', '\0', '\x01'};
    REQUIRE(write(fd, huge.data(), huge.size()) == 5);
    CHECK(read_to_end(fd).empty());
    close(fd);

    // Other clients are still served.
    Handle server = local_login();
    CHECK(vm_count(server) == 0);
}

TEST_CASE("failed logins from one address are answered later and later", "[daemon]") {
    prl::test::TestHome client_home;
    prl::test::TempDir daemon_home;
    capi::Api api;
    daemon_test::add_user(daemon_home.path(), "dave", "right one");
    DaemonProcess daemon(daemon_home.path(), "127.0.0.1:0", {"--login-backoff", "200"});
    std::vector<double> seconds;
    for (int i = 0; i < 3; ++i) {
        Handle server;
        REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
        const auto start = std::chrono::steady_clock::now();
        CHECK(login(server, daemon.port(), "dave", "wrong one") == PRL_ERR_AUTHENTICATION_FAILED);
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    // 200 ms, 400 ms, 800 ms at least (plus the TLS handshake and the hash).
    CHECK(seconds[0] >= 0.2);
    CHECK(seconds[1] >= 0.4);
    CHECK(seconds[2] >= 0.8);
    Handle server;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    CHECK(login(server, daemon.port(), "dave", "right one") == PRL_ERR_SUCCESS);
}

TEST_CASE("hostile user names and passwords reach a daemon and are only refused", "[daemon]") {
    prl::test::TestHome client_home;
    prl::test::TempDir daemon_home;
    capi::Api api;
    daemon_test::add_user(daemon_home.path(), "carol", "good password");
    // Every login here fails on purpose: no back-off (the next test checks it).
    DaemonProcess daemon(daemon_home.path(), "127.0.0.1:0", {"--login-backoff", "0"});
    const std::string huge(1 << 20, 'A');
    const std::string nul_truncated("ok\0../../etc/passwd", 19);
    const char* hostile[] = {"../../../../etc/passwd", "/etc/shadow", "\xff\xfe\xc0\xaf-bad", "%s%s%s%n%x",
                             "a\nb\rc\x01\x1b[2J", huge.c_str(), nul_truncated.c_str(), "carol' OR '1'='1"};
    for (const char* value : hostile) {
        Handle server;
        REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
        const PRL_RESULT as_user = login(server, daemon.port(), value, "good password");
        const PRL_RESULT as_password = login(server, daemon.port(), "carol", value);
        INFO("value: " << std::string(value).substr(0, 40));
        CHECK((as_user == PRL_ERR_AUTHENTICATION_FAILED || as_user == PRL_ERR_INVALID_ARG));
        CHECK((as_password == PRL_ERR_AUTHENTICATION_FAILED || as_password == PRL_ERR_INVALID_ARG));
    }
    // The daemon still serves, and wrote nothing but its own files.
    Handle server;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    REQUIRE(login(server, daemon.port(), "carol", "good password") == PRL_ERR_SUCCESS);
    for (const auto& entry : fs::directory_iterator(daemon_home.path())) {
        const std::string name = entry.path().filename().string();
        INFO(name);
        CHECK((name == "users" || name == "tls" || name == "prlshimd.sock" || name == "prlshimd.lock" ||
               name.rfind("tasks.db", 0) == 0 ||
               name == "server-uuid" || name == "inventory.xml" || name == "inventory.lock" ||
               name == "vms" || name == "cts" || name == "dispatcher.xml" || name == "network.xml" ||
               name.rfind(".", 0) == 0));
    }
}

namespace {

// Counts events of chosen types that reach a handler.
struct EventCounter {
    std::atomic<int> added{0}, closed{0};
    std::string last_issuer;
    std::mutex mutex;
    static PRL_RESULT on_event(PRL_HANDLE h, PRL_VOID_PTR data) {
        auto* self = static_cast<EventCounter*>(data);
        PRL_HANDLE_TYPE type;
        PRL_EVENT_TYPE event;
        if (PRL_SUCCEEDED(PrlHandle_GetType(h, &type)) && type == PHT_EVENT &&
            PRL_SUCCEEDED(PrlEvent_GetType(h, &event))) {
            if (event == PET_DSP_EVT_VM_ADDED) {
                std::lock_guard lock(self->mutex);
                self->last_issuer = capi::get_string(
                    [&](PRL_STR b, PRL_UINT32_PTR l) { return PrlEvent_GetIssuerId(h, b, l); });
                ++self->added;
            }
            if (event == PET_DSP_EVT_DISP_CONNECTION_CLOSED) ++self->closed;
        }
        PrlHandle_Free(h);
        return PRL_ERR_SUCCESS;
    }
};

}  // namespace

TEST_CASE("events reach every session of the daemon, and its end is an event too", "[daemon]") {
    prl::test::TestHome home;
    capi::Api api;
    DaemonProcess daemon(home.path());
    Handle watcher, actor;
    REQUIRE_PRL_OK(PrlSrv_Create(watcher.out()));
    REQUIRE_PRL_OK(PrlSrv_Create(actor.out()));
    run(PrlSrv_LoginLocal(watcher, nullptr, 0, PSL_HIGH_SECURITY));
    run(PrlSrv_LoginLocal(actor, nullptr, 0, PSL_HIGH_SECURITY));
    EventCounter counter;
    REQUIRE_PRL_OK(PrlSrv_RegEventHandler(watcher, &EventCounter::on_event, &counter));

    // The watcher's own connection carries the actor's event.
    Handle vm = make_vm(actor, "seen-by-others");
    REQUIRE(eventually([&] { return counter.added.load() == 1; }));
    {
        std::lock_guard lock(counter.mutex);
        CHECK(counter.last_issuer == vm_uuid(vm));
    }

    daemon.kill_hard();
    CHECK(eventually([&] { return counter.closed.load() == 1; }));
    REQUIRE_PRL_OK(PrlSrv_UnregEventHandler(watcher, &EventCounter::on_event, &counter));
}

namespace {

std::string login_packet() { return frame("<packet id=\"l\" version=\"4.0.0\"><target>login</target><data><login/></data></packet>"); }

// Reads one frame's worth of bytes (the login answer).
void read_frame(int fd) {
    unsigned char header[4];
    REQUIRE(read(fd, header, 4) == 4);
    std::size_t n = (std::size_t(header[0]) << 24) | (std::size_t(header[1]) << 16) | (std::size_t(header[2]) << 8) | header[3];
    std::string body(n, '\0');
    std::size_t got = 0;
    while (got < n) {
        const ssize_t r = read(fd, body.data() + got, n - got);
        REQUIRE(r > 0);
        got += static_cast<std::size_t>(r);
    }
    REQUIRE(body.find("<result>") != std::string::npos);
}

}  // namespace

TEST_CASE("a client that does not read its events is cut off, and the others get every one", "[daemon]") {
    prl::test::TestHome home;
    capi::Api api;
    DaemonProcess daemon(home.path());
    const fs::path socket_path = home.path() / "prlshimd.sock";

    const int slow = connect_socket(socket_path);
    const std::string hello = login_packet();
    REQUIRE(write(slow, hello.data(), hello.size()) == static_cast<ssize_t>(hello.size()));
    read_frame(slow);  // logged in; from now on it reads nothing

    Handle watcher = local_login();
    EventCounter counter;
    REQUIRE_PRL_OK(PrlSrv_RegEventHandler(watcher, &EventCounter::on_event, &counter));

    const int publisher = connect_socket(socket_path);
    REQUIRE(write(publisher, hello.data(), hello.size()) == static_cast<ssize_t>(hello.size()));
    read_frame(publisher);
    const int events = 20000;  // far more than the slow client's queue (4096) and socket buffer hold
    // In rounds of 1,000 the watcher can keep up with (it is slow under the
    // sanitizers), while the slow client's backlog keeps growing.
    for (int round = 0; round < events / 1000; ++round) {
        std::string burst;
        for (int i = round * 1000; i < (round + 1) * 1000; ++i)
            burst += frame("<packet id=\"p" + std::to_string(i) + "\" version=\"4.0.0\"><target>publish</target><data>"
                           "<ParallelsEvent><EventType>100005</EventType><EventIssuerType>4</EventIssuerType>"
                           "<EventIssuerId>{00000000-0000-0000-0000-000000000001}</EventIssuerId></ParallelsEvent>"
                           "</data></packet>");
        std::size_t off = 0;
        while (off < burst.size()) {
            const ssize_t n = write(publisher, burst.data() + off, burst.size() - off);
            REQUIRE(n > 0);
            off += static_cast<std::size_t>(n);
        }
        REQUIRE(eventually([&] { return counter.added.load() == (round + 1) * 1000; }));
    }
    CHECK(counter.added.load() == events);
    // The slow one was disconnected: draining its socket ends in end-of-stream.
    CHECK(read_to_end(slow).size() > 0);
    close(slow);
    close(publisher);
    REQUIRE_PRL_OK(PrlSrv_UnregEventHandler(watcher, &EventCounter::on_event, &counter));
}

TEST_CASE("an event too large to pass on in a packet is dropped, and no other session is cut off", "[daemon]") {
    prl::test::TestHome home;
    capi::Api api;
    DaemonProcess daemon(home.path());
    const fs::path socket_path = home.path() / "prlshimd.sock";
    Handle watcher = local_login();
    EventCounter counter;
    REQUIRE_PRL_OK(PrlSrv_RegEventHandler(watcher, &EventCounter::on_event, &counter));

    const int publisher = connect_socket(socket_path);
    const std::string hello = login_packet();
    REQUIRE(write(publisher, hello.data(), hello.size()) == static_cast<ssize_t>(hello.size()));
    read_frame(publisher);
    // `fill`: padded to exactly the 1 MiB a packet may have.
    const auto publish = [&](const std::string& id, bool fill) {
        const std::string head = "<packet id=\"" + id + "\" version=\"4.0.0\"><target>publish</target><data>"
                                 "<ParallelsEvent><EventType>100005</EventType><EventIssuerType>4</EventIssuerType>"
                                 "<EventIssuerId>{00000000-0000-0000-0000-000000000001}</EventIssuerId><EventSource>";
        const std::string tail = "</EventSource></ParallelsEvent></data></packet>";
        const std::string padding = fill ? std::string((1u << 20) - head.size() - tail.size(), 'x') : "after";
        const std::string packet = frame(head + padding + tail);
        std::size_t off = 0;
        while (off < packet.size()) {
            const ssize_t n = write(publisher, packet.data() + off, packet.size() - off);
            REQUIRE(n > 0);
            off += static_cast<std::size_t>(n);
        }
    };
    // A packet at the 1 MiB limit: in the daemon's envelope, it would be
    // over the receivers' limit and close their connections.
    publish("big", true);
    publish("small", false);
    REQUIRE(eventually([&] { return counter.added.load() == 1; }));
    CHECK(vm_count(watcher) == 0);  // still connected and served
    close(publisher);
    REQUIRE_PRL_OK(PrlSrv_UnregEventHandler(watcher, &EventCounter::on_event, &counter));
}

TEST_CASE("connections that never log in are dropped, and a flood of them leaves others served", "[daemon]") {
    prl::test::TestHome home;
    capi::Api api;
    DaemonProcess daemon(home.path(), "127.0.0.1:0", {"--login-timeout", "1000"});
    const fs::path socket_path = home.path() / "prlshimd.sock";

    // 1,000 connections that say nothing (the daemon serves at most 4,096).
    std::vector<int> flood;
    for (int i = 0; i < 1000; ++i) flood.push_back(connect_socket(socket_path));

    // Meanwhile a real client logs in and works.
    const auto start = std::chrono::steady_clock::now();
    Handle server = local_login();
    make_vm(server, "served-during-a-flood");
    CHECK(vm_count(server) == 1);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));

    // Each silent connection is closed once its second to log in has passed.
    for (int fd : flood) {
        CHECK(read_to_end(fd).empty());
        close(fd);
    }
}

TEST_CASE("a local client of the daemon makes external backups, a remote one is told it cannot yet", "[daemon]") {
    prl::test::TestHome home;
    capi::Api api;
    add_user(home.path(), "alice", "alice's password");
    DaemonProcess daemon(home.path());
    Handle local = local_login();
    Handle vm = make_vm(local, "backed-up-outside", 8);
    fill_disk(vm, 8);

    // The views are made where the disks are: in this process, on the same state root.
    Handle result = run(PrlVm_BeginBackup(vm, PBMBF_CREATE_MAP));
    Handle backup;
    REQUIRE_PRL_OK(PrlResult_GetParam(result, backup.out()));
    PRL_UINT32 disks = 0;
    REQUIRE_PRL_OK(PrlVmBackup_GetDisksCount(backup, &disks));
    CHECK(disks == 1);
    run(PrlVmBackup_Commit(backup));

    Handle remote;
    REQUIRE_PRL_OK(PrlSrv_Create(remote.out()));
    REQUIRE(login(remote, daemon.port(), "alice", "alice's password") == PRL_ERR_SUCCESS);
    Handle theirs = make_vm(remote, "alices", 8);
    CHECK(capi::wait_code(Handle(PrlVm_BeginBackup(theirs, PBMBF_CREATE_MAP)), 30000) == PRL_ERR_UNIMPLEMENTED);
}
