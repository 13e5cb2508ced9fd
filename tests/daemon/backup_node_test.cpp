// A prlshimd as a backup node (docs/backup-node.md): a client logs in to
// the node, and names the node and that session as the target of its
// backups, as prlctl --storage does. The source here is the embedded
// service of the test's own state root; the node another process.
#include "capi.h"
#include "daemon_process.h"
#include "helpers.h"

#include "read_file.h"
#include "test_home.h"

#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <fstream>
#include <functional>
#include <atomic>
#include <chrono>
#include <random>
#include <thread>
#include <string>

using capi::Handle;
using capi::run;
using daemon_test::DaemonProcess;
using namespace daemon_test;
namespace fs = std::filesystem;

namespace {

constexpr const char* kHost = "127.0.0.1";

// The session a login to the node opened: what a backup names it by.
std::string node_session(PRL_HANDLE node, std::uint16_t port, const std::string& user = "alice") {
    const std::string password = user + "'s password";
    Handle result = run(PrlSrv_Login(node, kHost, user.c_str(), password.c_str(), nullptr, port, 20000, PSL_HIGH_SECURITY));
    Handle response;
    REQUIRE_PRL_OK(PrlResult_GetParam(result, response.out()));
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlLoginResponse_GetSessionUuid(response, b, l); });
}

// A login to the node, kept open while its session is used.
struct NodeLogin {
    Handle server;
    std::string session;
    explicit NodeLogin(std::uint16_t port, const std::string& user = "alice") {
        REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
        session = node_session(server, port, user);
    }
};

std::string tree_on(PRL_HANDLE source, std::uint16_t port, const std::string& session) {
    Handle result = run(PrlSrv_GetBackupTree(source, "", kHost, port, session.c_str(), PBT_VM, 0, PRL_FALSE));
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlResult_GetParamAsString(result, b, l); });
}

std::string backup_id(PRL_HANDLE result) {
    Handle param;
    REQUIRE_PRL_OK(PrlResult_GetParamByIndex(result, 1, param.out()));
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlBackupResult_GetBackupUuid(param, b, l); });
}

fs::path disk_of(PRL_HANDLE vm) {
    Handle disk;
    REQUIRE_PRL_OK(PrlVmCfg_GetHardDisk(vm, 0, disk.out()));
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDev_GetImagePath(disk, b, l); });
}

// Backup `id` restored from the node as a new VM `name`: its disk's bytes.
std::string restored_copy(PRL_HANDLE source, const std::string& vm, const std::string& id, std::uint16_t port,
                          const std::string& session, const std::string& name) {
    Handle restored = run(PrlSrv_RestoreVmBackup(source, vm.c_str(), id.c_str(), kHost, port, session.c_str(), "",
                                                 name.c_str(), PBT_RESTORE_TO_COPY, 0, PRL_TRUE));
    const std::string copy = capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlResult_GetParamAsString(restored, b, l); });
    Handle found = run(PrlSrv_GetVmConfig(source, copy.c_str(), 0));
    Handle copy_vm;
    REQUIRE_PRL_OK(PrlResult_GetParam(found, copy_vm.out()));
    return prl::test::read_file(disk_of(copy_vm));
}

// Overwrites `blocks` scattered 4 KiB blocks of the image with new bytes.
void change_blocks(const fs::path& image, int blocks, unsigned seed) {
    std::fstream f(image, std::ios::binary | std::ios::in | std::ios::out);
    const auto size = static_cast<std::uint64_t>(fs::file_size(image));
    std::mt19937_64 rng(seed);
    std::string block(4096, '\0');
    for (int i = 0; i < blocks; ++i) {
        for (auto& c : block) c = static_cast<char>(rng());
        f.seekp(static_cast<std::streamoff>((rng() % (size / 4096)) * 4096));
        f.write(block.data(), 4096);
    }
    REQUIRE(f.good());
}

// Does `act` once, when a backup's progress event reaches a tenth (an
// event handler for PrlSrv_RegEventHandler, `this` its data).
struct AtTenth {
    std::function<void()> act;
    std::atomic<bool> done{false};
    static PRL_RESULT on_event(PRL_HANDLE h, PRL_VOID_PTR data) {
        auto* at = static_cast<AtTenth*>(data);
        PRL_EVENT_TYPE type;
        Handle param;
        PRL_UINT32 percent = 0;
        if (PRL_SUCCEEDED(PrlEvent_GetType(h, &type)) && type == PET_DSP_EVT_BACKUP_PROGRESS_CHANGED &&
            PRL_SUCCEEDED(PrlEvent_GetParamByName(h, "progress_changed", param.out())) &&
            PRL_SUCCEEDED(PrlEvtPrm_ToUint32(param, &percent)) && percent >= 10 && !at->done.exchange(true))
            at->act();
        PrlHandle_Free(h);
        return PRL_ERR_SUCCESS;
    }
};

struct Node {
    prl::test::TempDir home;
    std::unique_ptr<DaemonProcess> daemon;
    Node() {
        add_user(home.path(), "alice", "alice's password");
        add_user(home.path(), "bob", "bob's password");
        daemon = std::make_unique<DaemonProcess>(home.path(), "127.0.0.1:0", std::vector<std::string>{"--admin", "alice"});
    }
    std::uint16_t port() const { return daemon->port(); }
    fs::path repository() const { return home.path() / "backups"; }
};

// A source (the embedded service of the test's own state root) and a node
// it has logged in to: what most tests here start from.
struct SourceAndNode {
    prl::test::TestHome source_home;
    capi::Api api;
    Node node;
    const NodeLogin login{node.port()};
    Handle source = local_login();
};

}  // namespace

TEST_CASE_METHOD(SourceAndNode, "backups go to a backup node and come back from it, bit for bit", "[daemon][backup-node]") {
    const std::string& session = login.session;

    Handle vm = make_vm(source, "to-the-node", 16);
    fill_disk(vm, 16);
    const std::string uuid = vm_uuid(vm);
    const fs::path image = disk_of(vm);
    const std::string original = prl::test::read_file(image);

    // A full backup: on the node's disk, not the source's.
    Handle full = run(PrlSrv_CreateVmBackup(source, uuid.c_str(), kHost, node.port(), session.c_str(), "to the node",
                                            PBT_FULL, 0, PRL_TRUE));
    const std::string full_id = backup_id(full);
    CHECK(fs::exists(node.repository() / "vms"));
    CHECK(!fs::exists(source_home.path() / "backups" / "vms"));
    CHECK(backup_tree(source).find(uuid) == std::string::npos);  // the source's own repository has nothing

    // An incremental after scattered changes.
    change_blocks(image, 40, 1);
    const std::string changed = prl::test::read_file(image);
    Handle inc = run(PrlSrv_CreateVmBackup(source, uuid.c_str(), kHost, node.port(), session.c_str(), "changes",
                                           PBT_INCREMENTAL, 0, PRL_TRUE));
    const std::string inc_id = backup_id(inc);
    CHECK(inc_id == full_id + ".2");

    // The node's tree has both, with the host they came from.
    const std::string tree = tree_on(source, node.port(), session);
    CHECK(tree.find(full_id) != std::string::npos);
    CHECK(tree.find(inc_id) != std::string::npos);
    CHECK(tree.find("to the node") != std::string::npos);

    // Restore each to a copy: the disks are the images as they were.
    for (const auto& [id, want] : {std::pair{full_id, original}, std::pair{inc_id, changed}})
        CHECK(restored_copy(source, uuid, id, node.port(), session, "copy-" + id) == want);

    // Removing the chain empties the node's tree.
    run(PrlSrv_RemoveVmBackup(source, uuid.c_str(), full_id.c_str(), kHost, node.port(), session.c_str(), 0, 0, PRL_TRUE));
    CHECK(tree_on(source, node.port(), session).find(full_id) == std::string::npos);
}

namespace {

// Every entry under `root` but config.pvs (a copy's names it anew): its
// kind, permission bits and content (a file's bytes, a link's target), by
// relative path.
std::map<std::string, std::string> tree_snapshot(const fs::path& root) {
    std::map<std::string, std::string> out;
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
        const fs::path p = it->path();
        if (fs::relative(p, root) == "config.pvs") continue;
        const auto st = fs::symlink_status(p);
        std::string entry = std::to_string(static_cast<int>(st.type())) + " " +
                            std::to_string(static_cast<unsigned>(st.permissions())) + " ";
        if (fs::is_symlink(st)) entry += fs::read_symlink(p).string();
        else if (fs::is_regular_file(st)) entry += prl::test::read_file(p);
        out[fs::relative(p, root).string()] = entry;
    }
    return out;
}

fs::path private_area(PRL_HANDLE ct) {
    return fs::path(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetHomePath(ct, b, l); })).parent_path();
}

}  // namespace

TEST_CASE_METHOD(SourceAndNode, "a container goes to a backup node and comes back from it, in place, as a copy and after incrementals", "[daemon][backup-node]") {
    Handle ct;
    REQUIRE_PRL_OK(PrlSrv_CreateVm(source, ct.out()));
    REQUIRE_PRL_OK(PrlVmCfg_SetName(ct, "ct-to-the-node"));
    REQUIRE_PRL_OK(PrlVmCfg_SetVmType(ct, PVT_CT));
    run(PrlVm_Reg(ct, "", PRL_TRUE));
    const std::string uuid = vm_uuid(ct);
    const fs::path root = private_area(ct);
    fs::create_directories(root / "etc/app");
    { std::ofstream(root / "etc/app/app.conf") << "listen 8080\n"; }
    {
        std::mt19937_64 rng(7);
        std::string data(3 * 1024 * 1024 + 123, '\0');  // several batches of blocks, the last one short
        for (std::size_t i = 0; i < data.size() / 2; ++i) data[i] = static_cast<char>(rng());  // the rest zeros
        std::ofstream(root / "data.bin", std::ios::binary) << data;
    }
    { std::ofstream(root / "empty"); }
    fs::create_symlink("etc/app/app.conf", root / "current.conf");
    fs::permissions(root / "etc/app", fs::perms::owner_all);
    const auto before = tree_snapshot(root);

    Handle full = run(PrlSrv_CreateVmBackup(source, uuid.c_str(), kHost, node.port(), login.session.c_str(), "ct to the node",
                                            PBT_FULL, 0, PRL_TRUE));
    const std::string id = backup_id(full);
    CHECK(!fs::exists(source_home.path() / "backups" / "vms"));  // on the node, not here
    Handle tree = run(PrlSrv_GetBackupTree(source, "", kHost, node.port(), login.session.c_str(), PBT_CT, 0, PRL_FALSE));
    const std::string listed = capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlResult_GetParamAsString(tree, b, l); });
    CHECK(listed.find(id) != std::string::npos);

    // Damaged here, then restored from the node over it.
    fs::permissions(root / "etc/app", fs::perms::owner_all);
    fs::remove_all(root / "etc");
    { std::ofstream(root / "data.bin") << "gone"; }
    run(PrlSrv_RestoreVmBackup(source, uuid.c_str(), id.c_str(), kHost, node.port(), login.session.c_str(), "", "", 0, 0,
                               PRL_TRUE));
    CHECK(tree_snapshot(root) == before);

    // As a copy: a new container with the same tree.
    Handle restored = run(PrlSrv_RestoreVmBackup(source, uuid.c_str(), id.c_str(), kHost, node.port(), login.session.c_str(),
                                                 "", "ct-copy", PBT_RESTORE_TO_COPY, 0, PRL_TRUE));
    const std::string copy_uuid = capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlResult_GetParamAsString(restored, b, l); });
    Handle found = run(PrlSrv_GetVmConfig(source, copy_uuid.c_str(), 0));
    Handle copy;
    REQUIRE_PRL_OK(PrlResult_GetParam(found, copy.out()));
    REQUIRE(private_area(copy) != root);
    CHECK(tree_snapshot(private_area(copy)) == before);

    // An incremental sends only what changed; it restores too.
    { std::ofstream(root / "etc/app/app.conf") << "listen 9090\n"; }
    const auto changed = tree_snapshot(root);
    Handle inc = run(PrlSrv_CreateVmBackup(source, uuid.c_str(), kHost, node.port(), login.session.c_str(), "changed",
                                           PBT_INCREMENTAL, 0, PRL_TRUE));
    const std::string inc_id = backup_id(inc);
    CHECK(inc_id == id + ".2");
    fs::remove(root / "data.bin");
    run(PrlSrv_RestoreVmBackup(source, uuid.c_str(), inc_id.c_str(), kHost, node.port(), login.session.c_str(), "", "", 0,
                               0, PRL_TRUE));
    CHECK(tree_snapshot(root) == changed);

    // The tree the source kept of what it sent, damaged: not used, and the
    // next incremental (which then reads every file) is as right.
    std::size_t kept = 0;
    for (const auto& e : fs::recursive_directory_iterator(source_home.path() / "backup-views")) {
        if (e.path().extension() != ".view") continue;
        std::fstream f(e.path(), std::ios::binary | std::ios::in | std::ios::out);
        f.put('X');
        ++kept;
    }
    CHECK(kept == 1);
    { std::ofstream(root / "etc/app/app.conf") << "listen 7070\n"; }
    const auto again = tree_snapshot(root);
    const std::string third = backup_id(run(PrlSrv_CreateVmBackup(source, uuid.c_str(), kHost, node.port(),
                                                                   login.session.c_str(), "", PBT_INCREMENTAL, 0, PRL_TRUE)));
    fs::remove(root / "data.bin");
    run(PrlSrv_RestoreVmBackup(source, uuid.c_str(), third.c_str(), kHost, node.port(), login.session.c_str(), "", "", 0,
                               0, PRL_TRUE));
    CHECK(tree_snapshot(root) == again);
}

TEST_CASE_METHOD(SourceAndNode, "two backups at once to one node store what their disks share once, and both restore", "[daemon][backup-node]") {
    Handle a = make_vm(source, "twin-a", 16), b = make_vm(source, "twin-b", 16);
    fill_disk(a, 16);
    fill_disk(b, 16);  // the same 16 MiB, which do not compress
    const std::string original = prl::test::read_file(disk_of(a));
    REQUIRE(prl::test::read_file(disk_of(b)) == original);

    // Both running before either is waited for: the node receives them at once.
    const std::string ua = vm_uuid(a), ub = vm_uuid(b);
    PRL_HANDLE job_a = PrlSrv_CreateVmBackup(source, ua.c_str(), kHost, node.port(), login.session.c_str(), "", PBT_FULL, 0, PRL_TRUE);
    PRL_HANDLE job_b = PrlSrv_CreateVmBackup(source, ub.c_str(), kHost, node.port(), login.session.c_str(), "", PBT_FULL, 0, PRL_TRUE);
    const std::string id_a = backup_id(run(job_a)), id_b = backup_id(run(job_b));

    std::uintmax_t packs = 0;
    for (const auto& e : fs::directory_iterator(node.repository() / "store" / "packs")) packs += fs::file_size(e.path());
    CHECK(packs >= (16u << 20));
    CHECK(packs < (20u << 20));  // once, with the packs' tables; twice would be 32 MiB
    CHECK(restored_copy(source, ua, id_a, node.port(), login.session, "copy-a") == original);
    CHECK(restored_copy(source, ub, id_b, node.port(), login.session, "copy-b") == original);
}

TEST_CASE_METHOD(SourceAndNode, "a restore from a node whose batches take blocks from more packs than it keeps open", "[daemon][backup-node]") {
    Handle vm = make_vm(source, "many-packs", 4);
    fill_disk(vm, 4);
    const std::string uuid = vm_uuid(vm);
    const fs::path image = disk_of(vm);
    run(PrlSrv_CreateVmBackup(source, uuid.c_str(), kHost, node.port(), login.session.c_str(), "", PBT_FULL, 0, PRL_TRUE));
    // Each incremental's one new block lands in a pack of its own (a commit
    // seals its pack), all among the first batch of a restore's blocks.
    std::string last;
    for (int i = 1; i <= 12; ++i) {
        std::fstream f(image, std::ios::binary | std::ios::in | std::ios::out);
        f.seekp(i * 8 * 4096);
        f.write(std::string(4096, static_cast<char>('A' + i)).data(), 4096);
        f.close();
        last = backup_id(run(PrlSrv_CreateVmBackup(source, uuid.c_str(), kHost, node.port(), login.session.c_str(), "",
                                                   PBT_INCREMENTAL, 0, PRL_TRUE)));
    }
    std::size_t pack_files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(node.repository() / "store" / "packs")) ++pack_files;
    CHECK(pack_files >= 13);  // more than the 8 a restore's reader keeps open
    CHECK(restored_copy(source, uuid, last, node.port(), login.session, "copy") == prl::test::read_file(image));
}

TEST_CASE("a backup node refuses a session it does not know and users who are not its admins", "[daemon][backup-node]") {
    prl::test::TestHome source_home;
    capi::Api api;
    Node node;
    Handle source = local_login();
    Handle vm = make_vm(source, "refused", 4);
    const std::string uuid = vm_uuid(vm);

    run(PrlSrv_CreateVmBackup(source, uuid.c_str(), kHost, node.port(), "{00000000-0000-4000-8000-000000000001}", "",
                              PBT_FULL, 0, PRL_TRUE),
        PRL_ERR_AUTHENTICATION_FAILED);
    // Another host without a session is a mistake of the caller's.
    run(PrlSrv_CreateVmBackup(source, uuid.c_str(), "backup.example", 0, "", "", PBT_FULL, 0, PRL_TRUE), PRL_ERR_INVALID_ARG);

    const NodeLogin bob(node.port(), "bob");
    const std::string& bobs = bob.session;
    run(PrlSrv_CreateVmBackup(source, uuid.c_str(), kHost, node.port(), bobs.c_str(), "", PBT_FULL, 0, PRL_TRUE),
        PRL_ERR_ACCESS_DENIED);
    CHECK(!fs::exists(node.repository() / "vms"));
}

TEST_CASE_METHOD(SourceAndNode, "a backup node that dies mid-transfer lists nothing of it, and the retry completes", "[daemon][backup-node]") {
    const std::string& session = login.session;
    Handle vm = make_vm(source, "interrupted", 32);
    fill_disk(vm, 32);
    const std::string uuid = vm_uuid(vm);

    // The node is killed when the backup is a tenth done.
    DaemonProcess* daemon = node.daemon.get();
    AtTenth kill_node{[daemon] { daemon->kill_hard(); }};
    REQUIRE_PRL_OK(PrlSrv_RegEventHandler(source, AtTenth::on_event, &kill_node));
    Handle job(PrlSrv_CreateVmBackup(source, uuid.c_str(), kHost, node.port(), session.c_str(), "", PBT_FULL, 0, PRL_TRUE));
    CHECK(capi::wait_code(job, 120000) != PRL_ERR_SUCCESS);
    REQUIRE(kill_node.done);
    REQUIRE_PRL_OK(PrlSrv_UnregEventHandler(source, AtTenth::on_event, &kill_node));

    // Back up again: nothing of the cut backup is listed or left half-written.
    node.daemon = std::make_unique<DaemonProcess>(node.home.path(), "127.0.0.1:0", std::vector<std::string>{"--admin", "alice"});
    const NodeLogin again(node.port());
    const std::string& second = again.session;
    CHECK(tree_on(source, node.port(), second).find(uuid) == std::string::npos);
    for (const auto& e : fs::recursive_directory_iterator(node.repository()))
        CHECK(e.path().extension() != ".tmp");
    Handle done = run(PrlSrv_CreateVmBackup(source, uuid.c_str(), kHost, node.port(), second.c_str(), "", PBT_FULL, 0,
                                            PRL_TRUE));
    CHECK(restored_copy(source, uuid, backup_id(done), node.port(), second, "interrupted-copy") == prl::test::read_file(disk_of(vm)));
}

TEST_CASE_METHOD(SourceAndNode, "a backup node that hangs mid-transfer: the source gives up after the silence, a cancel ends the wait at "
          "once, and nothing of either is listed",
          "[daemon][backup-node]") {
    // The node keeps the default silence: it sees each source go when thawed.
    Handle vm = make_vm(source, "hung", 64);
    fill_disk(vm, 64);
    const std::string uuid = vm_uuid(vm);
    DaemonProcess* daemon = node.daemon.get();
    AtTenth freeze{[daemon] { daemon->freeze(); }};
    REQUIRE_PRL_OK(PrlSrv_RegEventHandler(source, AtTenth::on_event, &freeze));
    using Clock = std::chrono::steady_clock;

    // A full backup to the node, once the node has frozen under it. The
    // node may still hold the VM for a conversation whose end it has not
    // seen yet (it was frozen, and slow in a sanitizer build): a backup
    // refused for that is tried again.
    auto start_and_freeze = [&] {
        for (int attempt = 0; attempt < 100; ++attempt) {
            freeze.done = false;
            Handle job(PrlSrv_CreateVmBackup(source, uuid.c_str(), kHost, node.port(), login.session.c_str(), "",
                                             PBT_FULL, 0, PRL_TRUE));
            PRL_RESULT rc = PRL_ERR_TIMEOUT;
            while (!freeze.done && rc == PRL_ERR_TIMEOUT) rc = capi::wait_code(job, 20);
            if (freeze.done) return job;
            REQUIRE(rc == PRL_ERR_BACKUP_LOCKED_FOR_WRITING);
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        FAIL("the node never let go of the VM");
        return Handle();
    };

    // The node hangs: the source hears nothing for two seconds and gives up.
    ::setenv("PRLSHIM_BACKUP_NODE_TIMEOUT", "2", 1);
    Handle job = start_and_freeze();
    auto frozen_at = Clock::now();
    CHECK(capi::wait_code(job, 60000) == PRL_ERR_SERVER_GOES_DOWN);
    CHECK(Clock::now() - frozen_at < std::chrono::seconds(10));
    node.daemon->thaw();

    // It hangs again, and this time the user cancels long before the silence.
    ::setenv("PRLSHIM_BACKUP_NODE_TIMEOUT", "600", 1);
    Handle second = start_and_freeze();
    frozen_at = Clock::now();
    Handle cancel(PrlJob_Cancel(second));
    CHECK(capi::wait_code(second, 60000) == PRL_ERR_OPERATION_WAS_CANCELED);
    CHECK(Clock::now() - frozen_at < std::chrono::seconds(5));
    REQUIRE_PRL_OK(PrlSrv_UnregEventHandler(source, AtTenth::on_event, &freeze));
    node.daemon->thaw();
    ::unsetenv("PRLSHIM_BACKUP_NODE_TIMEOUT");

    // Awake, the node sees both sources gone (they closed their ends);
    // nothing of them is listed, and a backup completes (once the node has
    // let go of the VM).
    CHECK(tree_on(source, node.port(), login.session).find(uuid) == std::string::npos);
    Handle done;
    for (int attempt = 0; attempt < 100; ++attempt) {
        done = Handle(PrlSrv_CreateVmBackup(source, uuid.c_str(), kHost, node.port(), login.session.c_str(), "",
                                            PBT_FULL, 0, PRL_TRUE));
        const PRL_RESULT rc = capi::wait_code(done, 120000);
        if (rc != PRL_ERR_BACKUP_LOCKED_FOR_WRITING) {
            REQUIRE_PRL_OK(rc);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    Handle result;
    REQUIRE_PRL_OK(PrlJob_GetResult(done, result.out()));
    CHECK(restored_copy(source, uuid, backup_id(result), node.port(), login.session, "hung-copy") ==
          prl::test::read_file(disk_of(vm)));
}

TEST_CASE("a backup node whose disk fills refuses the backup and lists only what it can restore", "[daemon][backup-node]") {
    if (::getuid() != 0) {
        WARN("skipped: needs root to mount a small tmpfs for the node's repository");
        return;
    }
    prl::test::TestHome source_home;
    capi::Api api;
    prl::test::TempDir node_home;
    const fs::path small = node_home.path() / "small";
    fs::create_directories(small);
    if (::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=6m") != 0) {
        WARN("skipped: cannot mount a tmpfs here");
        return;
    }
    struct Unmount {
        fs::path p;
        ~Unmount() { ::umount2(p.c_str(), MNT_DETACH); }
    } unmount{small};
    add_user(node_home.path(), "alice", "alice's password");
    DaemonProcess daemon(node_home.path(), "127.0.0.1:0",
                         {"--admin", "alice", "--repository", (small / "repo").string()});
    const NodeLogin login(daemon.port());
    const std::string& session = login.session;
    Handle source = local_login();
    Handle vm = make_vm(source, "filling", 4);
    const std::string uuid = vm_uuid(vm);
    std::vector<std::pair<std::string, std::string>> kept;  // id, disk content
    int refused = 0;
    for (int i = 0; i < 4; ++i) {
        fill_disk(vm, 4);
        change_blocks(disk_of(vm), 1024, static_cast<unsigned>(i));  // new bytes each time: nothing deduplicates
        Handle job(PrlSrv_CreateVmBackup(source, uuid.c_str(), kHost, daemon.port(), session.c_str(), "", PBT_FULL, 0,
                                         PRL_TRUE));
        const PRL_RESULT rc = capi::wait_code(job, 120000);
        if (rc == PRL_ERR_SUCCESS) {
            Handle result;
            REQUIRE_PRL_OK(PrlJob_GetResult(job, result.out()));
            kept.emplace_back(backup_id(result), prl::test::read_file(disk_of(vm)));
        } else {
            CHECK(rc == PRL_ERR_BACKUP_CREATE_NOT_ENOUGH_FREE_DISK_SPACE);
            ++refused;
        }
    }
    CHECK(refused > 0);
    // Every element listed restores bit for bit.
    const std::string tree = tree_on(source, daemon.port(), session);
    for (const auto& [id, content] : kept) {
        CHECK(tree.find(id) != std::string::npos);
        CHECK(restored_copy(source, uuid, id, daemon.port(), session, "full-" + id) == content);
    }
}

TEST_CASE("a prlshimd backs up its VMs to a backup node for its client", "[daemon][backup-node]") {
    prl::test::TestHome source_home;
    capi::Api api;
    DaemonProcess source_daemon(source_home.path());  // the client's local login goes to it
    Node node;
    const NodeLogin login(node.port());
    Handle source = local_login();
    Handle vm = make_vm(source, "daemon-to-node", 8);
    fill_disk(vm, 8);
    const std::string uuid = vm_uuid(vm);
    Handle done = run(PrlSrv_CreateVmBackup(source, uuid.c_str(), kHost, node.port(), login.session.c_str(),
                                            "from a daemon", PBT_FULL, 0, PRL_TRUE));
    const std::string id = backup_id(done);
    CHECK(tree_on(source, node.port(), login.session).find(id) != std::string::npos);
    CHECK(fs::exists(node.repository() / "vms"));
    CHECK(restored_copy(source, uuid, id, node.port(), login.session, "daemon-copy") == prl::test::read_file(disk_of(vm)));
}
