// Backups through the C API: create, tree, restore, remove, events, cancel.
#include "capi.h"
#include "disk_files.h"

#include "test_home.h"

#include "xsd_check.h"

#include <atomic>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <vector>

#include <filesystem>
#include <sys/stat.h>

using capi::Handle;
using capi::read_file;
using capi::write_at;

namespace {

constexpr std::size_t kMiB = 1 << 20;

std::string random_bytes(std::mt19937_64& rng, std::size_t n) {
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    return s;
}

struct Events {
    std::mutex mutex;
    std::vector<PRL_EVENT_TYPE> types;
    std::vector<unsigned> progress;
    static PRL_RESULT handler(PRL_HANDLE h, void* self) {
        auto* e = static_cast<Events*>(self);
        PRL_HANDLE_TYPE type;
        PRL_EVENT_TYPE et;
        if (PRL_SUCCEEDED(PrlHandle_GetType(h, &type)) && type == PHT_EVENT && PRL_SUCCEEDED(PrlEvent_GetType(h, &et))) {
            std::lock_guard<std::mutex> lock(e->mutex);
            e->types.push_back(et);
            PRL_HANDLE p = PRL_INVALID_HANDLE;
            PRL_UINT32 pct = 0;
            if (et == PET_DSP_EVT_BACKUP_PROGRESS_CHANGED && PRL_SUCCEEDED(PrlEvent_GetParamByName(h, "progress_changed", &p)) &&
                PRL_SUCCEEDED(PrlEvtPrm_ToUint32(p, &pct)))
                e->progress.push_back(pct);
            PrlHandle_Free(p);
        }
        PrlHandle_Free(h);
        return PRL_ERR_SUCCESS;
    }
    std::size_t count(PRL_EVENT_TYPE t) {
        std::lock_guard<std::mutex> lock(mutex);
        return static_cast<std::size_t>(std::count(types.begin(), types.end(), t));
    }
};

// A logged-in session with one VM that has a 16 MiB disk.
struct Fixture {
    prl::test::TestHome home;
    capi::Api api;
    Handle server;
    Handle vm;
    std::string uuid, image;
    Fixture() {
        REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
        run(PrlSrv_LoginLocal(server, nullptr, 0, PSL_HIGH_SECURITY));
        Handle result = run(PrlSrv_GetSrvConfig(server));
        Handle srv_cfg;
        REQUIRE_PRL_OK(PrlResult_GetParam(result, srv_cfg.out()));
        REQUIRE_PRL_OK(PrlSrv_CreateVm(server, vm.out()));
        REQUIRE_PRL_OK(PrlVmCfg_SetDefaultConfig(vm, srv_cfg, PVS_GUEST_VER_LIN_OTHER, PRL_FALSE));
        REQUIRE_PRL_OK(PrlVmCfg_SetName(vm, "backup-vm"));
        Handle disk;
        REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_HARD_DISK, disk.out()));
        REQUIRE_PRL_OK(PrlVmDevHd_SetDiskSize(disk, 16));
        REQUIRE_PRL_OK(PrlVmDev_SetImagePath(disk, "disk0.hdd"));
        run(PrlVm_Reg(vm, "", PRL_TRUE));
        uuid = capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetUuid(vm, b, l); });
        Handle hd;
        REQUIRE_PRL_OK(PrlVmCfg_GetHardDisk(vm, 0, hd.out()));
        image = capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDev_GetImagePath(hd, b, l); });
    }
    static Handle run(PRL_HANDLE job, PRL_RESULT want = PRL_ERR_SUCCESS) { return capi::run(job, want); }
    std::string backup(PRL_UINT32 flags, const char* description = "") {
        Handle result = run(PrlSrv_CreateVmBackup(server, uuid.c_str(), "", 0, "", description, flags, 0, PRL_FALSE));
        REQUIRE(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) {
                    return PrlResult_GetParamByIndexAsString(result, 0, b, l);
                }) == uuid);
        Handle br;
        REQUIRE_PRL_OK(PrlResult_GetParamByIndex(result, 1, br.out()));
        return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlBackupResult_GetBackupUuid(br, b, l); });
    }
    std::string tree(const char* id, PRL_UINT32 flags, PRL_RESULT want = PRL_ERR_SUCCESS) {
        Handle result = run(PrlSrv_GetBackupTree(server, id, "", 0, "", flags, 0, PRL_FALSE), want);
        if (want != PRL_ERR_SUCCESS) return {};
        return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlResult_GetParamAsString(result, b, l); });
    }
    // Restores `id` as a new VM named `name`; returns its disk image's bytes.
    std::string restore_copy(const std::string& id, const std::string& name) {
        run(PrlSrv_RestoreVmBackup(server, uuid.c_str(), id.c_str(), "", 0, "", "", name.c_str(), PBT_RESTORE_TO_COPY, 0,
                                   PRL_FALSE));
        Handle found = run(PrlSrv_GetVmConfig(server, name.c_str(), PGVC_SEARCH_BY_NAME));
        Handle copy, hd;
        REQUIRE_PRL_OK(PrlResult_GetParam(found, copy.out()));
        REQUIRE(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetUuid(copy, b, l); }) != uuid);
        REQUIRE_PRL_OK(PrlVmCfg_GetHardDisk(copy, 0, hd.out()));
        return read_file(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDev_GetImagePath(hd, b, l); }));
    }
};

int count_of(const std::string& text, const std::string& what) {
    int n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

bool validates(const std::string& xml, const char* xsd_path, bool reference) {
    const auto r = prl::test::validate_xml(xml, xsd_path, reference);
    return r == prl::test::SchemaResult::valid || (reference && r == prl::test::SchemaResult::missing);
}

}  // namespace

TEST_CASE("full, incremental, incremental, differential: tree, filters and bit-exact restores", "[backup]") {
    Fixture f;
    Events events;
    REQUIRE_PRL_OK(PrlSrv_RegEventHandler(f.server, &Events::handler, &events));
    std::mt19937_64 rng(7);
    write_at(f.image, 0, random_bytes(rng, 4 * kMiB));
    write_at(f.image, 8 * kMiB, std::string(2 * kMiB, 'L'));
    std::vector<std::pair<std::string, std::string>> states;  // id -> image bytes at that time

    states.emplace_back(f.backup(PBT_FULL, "first"), read_file(f.image));
    for (int i = 0; i < 40; ++i) write_at(f.image, (rng() % 4096) * 4096, random_bytes(rng, 4096));  // ~1%
    states.emplace_back(f.backup(PBT_INCREMENTAL), read_file(f.image));
    for (int i = 0; i < 40; ++i) write_at(f.image, (rng() % 4096) * 4096, random_bytes(rng, 4096));
    states.emplace_back(f.backup(PBT_INCREMENTAL), read_file(f.image));
    write_at(f.image, 12 * kMiB, random_bytes(rng, kMiB));
    states.emplace_back(f.backup(PBT_DIFFERENTIAL), read_file(f.image));

    const std::string chain = states[0].first;
    REQUIRE(chain.size() == 38);
    REQUIRE(states[1].first == chain + ".2");
    REQUIRE(states[2].first == chain + ".3");
    REQUIRE(states[3].first == chain + ".4");

    const std::string all = f.tree("", PBT_VM);
    REQUIRE(count_of(all, "<BackupItem>") == 1);
    REQUIRE(count_of(all, "<PartialBackupItem>") == 3);
    REQUIRE(all.find("<Description>first</Description>") != std::string::npos);
    REQUIRE(validates(all, PRLSHIM_OWN_TREE_XSD, false));
    REQUIRE(validates(all, PRLSHIM_REFERENCE_TREE_XSD, true));
    REQUIRE(f.tree("", 0) == all);                              // VMs by default
    REQUIRE(f.tree(f.uuid.c_str(), PBT_VM) == all);             // by VM
    REQUIRE(count_of(f.tree("", PBT_CT), "<VmItem>") == 0);     // no containers
    REQUIRE(count_of(f.tree("{00000000-0000-0000-0000-000000000000}", PBT_VM), "<VmItem>") == 0);
    const std::string one = f.tree(states[2].first.c_str(), PBT_BACKUP_ID);
    REQUIRE(count_of(one, "<BackupItem>") == 1);  // an incremental brings its full element
    REQUIRE(count_of(one, "<PartialBackupItem>") == 1);
    const std::string rest = f.tree(states[1].first.c_str(), PBT_CHAIN);
    REQUIRE(count_of(rest, "<PartialBackupItem>") == 3);
    f.tree("", PBT_BACKUP_ID, PRL_ERR_INVALID_PARAM);
    f.tree("", PBT_CHAIN, PRL_ERR_INVALID_PARAM);
    f.tree(chain.c_str(), PBT_BACKUP_ID | PBT_CHAIN, PRL_ERR_INVALID_PARAM);

    for (std::size_t i = 0; i < states.size(); ++i)
        REQUIRE(f.restore_copy(states[i].first, "copy-" + std::to_string(i)) == states[i].second);

    // Progress: at most one event per percent, rising, ending at 100.
    std::lock_guard<std::mutex> lock(events.mutex);
    REQUIRE_FALSE(events.progress.empty());
    REQUIRE(std::count(events.types.begin(), events.types.end(), PET_DSP_EVT_BACKUP_STARTED) >= 4);
    REQUIRE(std::count(events.types.begin(), events.types.end(), PET_DSP_EVT_CREATE_BACKUP_FINISHED) == 4);
    REQUIRE(std::count(events.types.begin(), events.types.end(), PET_DSP_EVT_RESTORE_BACKUP_FINISHED) == 4);
    REQUIRE(events.progress.back() == 100);
    PrlSrv_UnregEventHandler(f.server, &Events::handler, &events);
}

TEST_CASE("restore over the original VM: stopped only, bytes back as they were", "[backup]") {
    Fixture f;
    std::mt19937_64 rng(11);
    write_at(f.image, kMiB, random_bytes(rng, 2 * kMiB));
    const std::string before = read_file(f.image);
    const std::string id = f.backup(PBT_FULL);
    write_at(f.image, kMiB, std::string(2 * kMiB, 'X'));
    REQUIRE(read_file(f.image) != before);
    Fixture::run(PrlVm_Start(f.vm));
    Fixture::run(PrlSrv_RestoreVmBackup(f.server, f.uuid.c_str(), id.c_str(), "", 0, "", "", "", 0, 0, PRL_FALSE),
                 PRL_ERR_BACKUP_RESTORE_VM_RUNNING);
    Fixture::run(PrlVm_Stop(f.vm, PRL_FALSE));
    Fixture::run(PrlSrv_RestoreVmBackup(f.server, f.uuid.c_str(), id.c_str(), "", 0, "", "", "", 0, 0, PRL_FALSE));
    REQUIRE(read_file(f.image) == before);
    // With no backup id, the VM's latest backup.
    write_at(f.image, 0, "garbage");
    Fixture::run(PrlSrv_RestoreVmBackup(f.server, f.uuid.c_str(), "", "", 0, "", "", "", 0, 0, PRL_FALSE));
    REQUIRE(read_file(f.image) == before);
}

TEST_CASE("remove: an element and the rest of its chain, or keep the chain", "[backup]") {
    Fixture f;
    std::mt19937_64 rng(3);
    std::vector<std::pair<std::string, std::string>> s;
    write_at(f.image, 0, random_bytes(rng, kMiB));
    s.emplace_back(f.backup(PBT_FULL), read_file(f.image));
    for (int k = 0; k < 3; ++k) {
        write_at(f.image, (k + 1) * kMiB, random_bytes(rng, 64 * 1024));
        s.emplace_back(f.backup(PBT_INCREMENTAL), read_file(f.image));
    }
    // Keep the chain: .2 goes, .3 and .4 stay restorable.
    Fixture::run(PrlSrv_RemoveVmBackup(f.server, f.uuid.c_str(), s[1].first.c_str(), "", 0, "", PBT_KEEP_CHAIN, 0, PRL_FALSE));
    REQUIRE(count_of(f.tree("", PBT_VM), "<PartialBackupItem>") == 2);
    REQUIRE(f.restore_copy(s[2].first, "k3") == s[2].second);
    REQUIRE(f.restore_copy(s[3].first, "k4") == s[3].second);
    // Without: .3 and everything after it go.
    Fixture::run(PrlSrv_RemoveVmBackup(f.server, f.uuid.c_str(), s[2].first.c_str(), "", 0, "", 0, 0, PRL_FALSE));
    REQUIRE(count_of(f.tree("", PBT_VM), "<PartialBackupItem>") == 0);
    REQUIRE(f.restore_copy(s[0].first, "k1") == s[0].second);
    // Unknown ids.
    Fixture::run(PrlSrv_RemoveVmBackup(f.server, f.uuid.c_str(), s[2].first.c_str(), "", 0, "", 0, 0, PRL_FALSE),
                 PRL_ERR_BACKUP_BACKUP_UUID_NOT_FOUND);
    Fixture::run(PrlSrv_RemoveVmBackup(f.server, f.uuid.c_str(), s[2].first.c_str(), "", 0, "", PBT_IGNORE_NOT_EXISTS, 0,
                                       PRL_FALSE));
    // An empty id with the VM's UUID removes all its backups.
    Fixture::run(PrlSrv_RemoveVmBackup(f.server, f.uuid.c_str(), "", "", 0, "", 0, 0, PRL_FALSE));
    REQUIRE(count_of(f.tree("", PBT_VM), "<VmItem>") == 0);
}

TEST_CASE("hostile ids, paths and hosts are refused without touching anything", "[backup]") {
    Fixture f;
    f.backup(PBT_FULL);
    const std::string huge(1 << 20, '{');
    for (const char* id : {"../../etc", "not-a-uuid", "{12345678-1234-1234-1234-123456789abc}.0", huge.c_str(),
                           "/etc/passwd", "\xff\xfe"}) {
        Handle j(PrlSrv_RestoreVmBackup(f.server, f.uuid.c_str(), id, "", 0, "", "", "x", PBT_RESTORE_TO_COPY, 0,
                                        PRL_FALSE));
        PRL_RESULT rc = capi::wait_code(j, 60000);
        REQUIRE((rc == PRL_ERR_INVALID_ARG || rc == PRL_ERR_BACKUP_BACKUP_UUID_NOT_FOUND));
        Handle r(PrlSrv_RemoveVmBackup(f.server, f.uuid.c_str(), id, "", 0, "", 0, 0, PRL_FALSE));
        rc = capi::wait_code(r, 60000);
        REQUIRE((rc == PRL_ERR_INVALID_ARG || rc == PRL_ERR_BACKUP_BACKUP_UUID_NOT_FOUND));
    }
    Fixture::run(PrlSrv_CreateVmBackup(f.server, "{00000000-0000-0000-0000-000000000000}", "", 0, "", "", 0, 0, PRL_FALSE),
                 PRL_ERR_VM_UUID_NOT_FOUND);
    // Another host is a backup node, named with a session of its own; none answers there.
    Fixture::run(PrlSrv_CreateVmBackup(f.server, f.uuid.c_str(), "backup.example.com", 0, "", "", 0, 0, PRL_FALSE),
                 PRL_ERR_INVALID_ARG);
    Fixture::run(PrlSrv_CreateVmBackup(f.server, f.uuid.c_str(), "backup.invalid", 0,
                                       "{00000000-0000-4000-8000-000000000001}", "", 0, 0, PRL_FALSE),
                 PRL_ERR_CANT_CONNECT_TO_DISPATCHER);
    Fixture::run(PrlSrv_CreateVmBackup(f.server, f.uuid.c_str(), "", 0, "", "", PBT_INCREMENTAL | PBT_DIFFERENTIAL, 0,
                                       PRL_FALSE),
                 PRL_ERR_INVALID_PARAM);
    PRL_BACKUP_PARAM relative{"relative/dir"};
    Fixture::run(PrlSrv_CreateVmBackupEx(f.server, f.uuid.c_str(), "", 0, "", "", 0, 0, PRL_FALSE, &relative),
                 PRL_ERR_INVALID_ARG);
    REQUIRE(count_of(f.tree("", PBT_VM), "<BackupItem>") == 1);
}

TEST_CASE("a separate repository directory through the Ex calls", "[backup]") {
    Fixture f;
    prl::test::TempDir elsewhere;
    const std::string dir = (elsewhere.path() / "repo").string();
    PRL_BACKUP_PARAM extra{dir.c_str()};
    Handle result = Fixture::run(PrlSrv_CreateVmBackupEx(f.server, f.uuid.c_str(), "", 0, "", "", PBT_FULL, 0,
                                                         PRL_FALSE, &extra));
    REQUIRE(count_of(f.tree("", PBT_VM), "<BackupItem>") == 0);  // not in the default repository
    Handle t = Fixture::run(PrlSrv_GetBackupTreeEx(f.server, "", "", 0, "", PBT_VM, 0, PRL_FALSE, &extra));
    REQUIRE(count_of(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlResult_GetParamAsString(t, b, l); }),
                     "<BackupItem>") == 1);
}

TEST_CASE("cancel stops a backup promptly and lists nothing", "[backup]") {
    Fixture f;
    // A disk big enough that the backup is still running when the cancel arrives.
    Handle hd;
    REQUIRE_PRL_OK(PrlVmCfg_GetHardDisk(f.vm, 0, hd.out()));
    std::mt19937_64 rng(5);
    const std::string chunk = random_bytes(rng, kMiB);
    for (std::size_t at = 0; at < 16 * kMiB; at += kMiB) write_at(f.image, at, chunk + std::to_string(at));
    Events events;
    REQUIRE_PRL_OK(PrlSrv_RegEventHandler(f.server, &Events::handler, &events));
    Handle job(PrlSrv_CreateVmBackup(f.server, f.uuid.c_str(), "", 0, "", "", PBT_FULL, 0, PRL_FALSE));
    Handle cancel(PrlJob_Cancel(job));
    REQUIRE_PRL_OK(capi::wait_code(cancel, 10000));
    const PRL_RESULT rc = capi::wait_code(job, 10000);
    if (rc == PRL_ERR_OPERATION_WAS_CANCELED) {
        REQUIRE(count_of(f.tree("", PBT_VM), "<BackupItem>") == 0);
    } else {
        REQUIRE(rc == PRL_ERR_SUCCESS);  // it finished before the cancel: then it is listed
        REQUIRE(count_of(f.tree("", PBT_VM), "<BackupItem>") == 1);
    }
    PrlSrv_UnregEventHandler(f.server, &Events::handler, &events);
}

namespace {

// A listing of a tree: path, type, mode, size, mtime, content or link target.
std::map<std::string, std::string> snapshot(const std::string& root) {
    std::map<std::string, std::string> out;
    for (auto it = std::filesystem::recursive_directory_iterator(root); it != std::filesystem::recursive_directory_iterator(); ++it) {
        const std::string rel = std::filesystem::relative(it->path(), root).string();
        if (rel == "config.pvs") continue;  // carries the VM's identity, which a copy changes
        struct stat st;
        REQUIRE(lstat(it->path().c_str(), &st) == 0);
        std::ostringstream s;
        s << std::oct << (st.st_mode & 07777) << std::dec << " " << (st.st_mode & S_IFMT);
        if (S_ISLNK(st.st_mode)) {
            s << " -> " << std::filesystem::read_symlink(it->path()).string();
        } else if (S_ISREG(st.st_mode)) {
            s << " mtime " << st.st_mtime << " " << read_file(it->path().string());
        }
        out[rel] = s.str();
    }
    return out;
}

}  // namespace

TEST_CASE("a container's tree: backup, restore over it, restore as a copy", "[backup]") {
    prl::test::TestHome home;
    capi::Api api;
    Handle server, ct;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    Fixture::run(PrlSrv_LoginLocal(server, nullptr, 0, PSL_HIGH_SECURITY));
    REQUIRE_PRL_OK(PrlSrv_CreateVm(server, ct.out()));
    REQUIRE_PRL_OK(PrlVmCfg_SetName(ct, "ct1"));
    REQUIRE_PRL_OK(PrlVmCfg_SetVmType(ct, PVT_CT));
    Fixture::run(PrlVm_Reg(ct, "", PRL_TRUE));
    const std::string uuid = capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetUuid(ct, b, l); });
    const std::string root = std::filesystem::path(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) {
                                                        return PrlVmCfg_GetHomePath(ct, b, l);
                                                    })).parent_path().string();
    std::filesystem::create_directories(root + "/etc/app");
    { std::ofstream(root + "/etc/app/app.conf") << "listen 8080\n"; }
    { std::ofstream(root + "/run.sh") << "#!/bin/sh\necho hi\n"; }
    chmod((root + "/run.sh").c_str(), 0750);
    chmod((root + "/etc/app").c_str(), 0700);
    std::filesystem::create_symlink("etc/app/app.conf", root + "/current.conf");
    const auto before = snapshot(root);

    Handle result = Fixture::run(PrlSrv_CreateVmBackup(server, uuid.c_str(), "", 0, "", "ct", PBT_FULL, 0, PRL_FALSE));
    Handle br;
    REQUIRE_PRL_OK(PrlResult_GetParamByIndex(result, 1, br.out()));
    const std::string id = capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlBackupResult_GetBackupUuid(br, b, l); });
    Handle tree = Fixture::run(PrlSrv_GetBackupTree(server, "", "", 0, "", PBT_CT, 0, PRL_FALSE));
    REQUIRE(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlResult_GetParamAsString(tree, b, l); })
                .find("<VmType>1</VmType>") != std::string::npos);

    // Damage the tree, then restore over it.
    std::filesystem::remove_all(root + "/etc");
    { std::ofstream(root + "/run.sh") << "rm -rf /\n"; }
    Fixture::run(PrlSrv_RestoreVmBackup(server, uuid.c_str(), id.c_str(), "", 0, "", "", "", 0, 0, PRL_FALSE));
    REQUIRE(snapshot(root) == before);

    // And as a copy: a new container with the same tree.
    Fixture::run(PrlSrv_RestoreVmBackup(server, uuid.c_str(), id.c_str(), "", 0, "", "", "ct1-copy", PBT_RESTORE_TO_COPY,
                                        0, PRL_FALSE));
    Handle found = Fixture::run(PrlSrv_GetVmConfig(server, "ct1-copy", PGVC_SEARCH_BY_NAME));
    Handle copy;
    REQUIRE_PRL_OK(PrlResult_GetParam(found, copy.out()));
    PRL_VM_TYPE type;
    REQUIRE_PRL_OK(PrlVmCfg_GetVmType(copy, &type));
    REQUIRE(type == PVT_CT);
    const std::string copy_root = std::filesystem::path(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) {
                                                             return PrlVmCfg_GetHomePath(copy, b, l);
                                                         })).parent_path().string();
    REQUIRE(copy_root != root);
    REQUIRE(snapshot(copy_root) == before);
}

TEST_CASE("a running backup is a task another login sees and can attach to", "[backup]") {
    Fixture f;
    std::mt19937_64 rng(9);
    for (std::size_t at = 0; at < 16 * kMiB; at += kMiB) write_at(f.image, at, random_bytes(rng, kMiB));
    Handle job(PrlSrv_CreateVmBackup(f.server, f.uuid.c_str(), "", 0, "", "", PBT_FULL | PBT_UNCOMPRESSED, 0, PRL_FALSE));
    Handle other;
    REQUIRE_PRL_OK(PrlSrv_Create(other.out()));
    Handle login_result = Fixture::run(PrlSrv_LoginLocal(other, nullptr, 0, PSL_HIGH_SECURITY));
    Handle response;
    REQUIRE_PRL_OK(PrlResult_GetParam(login_result, response.out()));
    PRL_UINT32 count = 0;
    REQUIRE_PRL_OK(PrlLoginResponse_GetRunningTaskCount(response, &count));
    PRL_JOB_STATUS status;
    REQUIRE_PRL_OK(PrlJob_GetStatus(job, &status));
    if (status == PJS_RUNNING || count > 0) {  // the backup may already be over on a fast machine
        REQUIRE(count == 1);
        Handle task;
        REQUIRE_PRL_OK(PrlLoginResponse_GetRunningTaskByIndex(response, 0, task.out()));
        const std::string id = capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlRunningTask_GetTaskUuid(task, b, l); });
        Handle attached(PrlSrv_AttachToLostTask(other, id.c_str()));
        const PRL_RESULT rc = capi::wait_code(attached, 60000);
        REQUIRE((rc == PRL_ERR_SUCCESS || rc == PRL_ERR_TASK_NOT_FOUND));  // not found: it ended before the attach
    }
    REQUIRE_PRL_OK(capi::wait_code(job, 60000));
}

namespace {

// Sets CPU count, description and (if given) name in one edit.
void edit_vm(PRL_HANDLE vm, PRL_UINT32 cpus, const char* description, const char* name = nullptr) {
    Fixture::run(PrlVm_BeginEdit(vm));
    REQUIRE_PRL_OK(PrlVmCfg_SetCpuCount(vm, cpus));
    REQUIRE_PRL_OK(PrlVmCfg_SetDescription(vm, description));
    if (name) REQUIRE_PRL_OK(PrlVmCfg_SetName(vm, name));
    Fixture::run(PrlVm_CommitEx(vm, 0));
}

PRL_UINT32 cpu_count(PRL_HANDLE vm) {
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlVmCfg_GetCpuCount(vm, &n));
    return n;
}

std::string description_of(PRL_HANDLE vm) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetDescription(vm, b, l); });
}

std::string name_of(PRL_HANDLE vm) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetName(vm, b, l); });
}

std::string uuid_of(PRL_HANDLE vm) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetUuid(vm, b, l); });
}

// The VM as a new session sees it.
Handle fresh_look(const std::string& key, PRL_UINT32 search) {
    Handle server, vm;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    Fixture::run(PrlSrv_LoginLocal(server, nullptr, 0, PSL_HIGH_SECURITY));
    Handle found = Fixture::run(PrlSrv_GetVmConfig(server, key.c_str(), search));
    REQUIRE_PRL_OK(PrlResult_GetParam(found, vm.out()));
    Fixture::run(PrlSrv_Logoff(server));
    return vm;
}

std::string config_pvs_of(PRL_HANDLE vm) {
    return read_file(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetHomePath(vm, b, l); }));
}

}  // namespace

TEST_CASE("restore brings the backed-up configuration back: in place and as a new VM", "[backup][backup_config]") {
    Fixture f;
    edit_vm(f.vm, 2, "as backed up");
    std::mt19937_64 rng(3);
    write_at(f.image, 0, random_bytes(rng, kMiB));
    const std::string disk_before = read_file(f.image);
    const std::string id = f.backup(PBT_FULL);

    // Changed after the backup: CPUs, description, name and the disk.
    edit_vm(f.vm, 4, "changed after backup", "renamed-vm");
    write_at(f.image, 0, std::string(kMiB, 'Z'));
    REQUIRE(cpu_count(f.vm) == 4);

    SECTION("in place") {
        Fixture::run(PrlSrv_RestoreVmBackup(f.server, f.uuid.c_str(), id.c_str(), "", 0, "", "", "", 0, 0, PRL_FALSE));
        REQUIRE(read_file(f.image) == disk_before);
        // This session's VM object, a new session, and the file on disk agree.
        for (int look = 0; look < 2; ++look) {
            Handle seen = look == 0 ? Handle() : fresh_look(f.uuid, PGVC_SEARCH_BY_UUID);
            PRL_HANDLE vm = look == 0 ? static_cast<PRL_HANDLE>(f.vm) : static_cast<PRL_HANDLE>(seen);
            INFO("look " << look);
            CHECK(cpu_count(vm) == 2);
            CHECK(description_of(vm) == "as backed up");
            CHECK(uuid_of(vm) == f.uuid);       // the same VM
            CHECK(name_of(vm) == "renamed-vm");  // keeps its current name, as the product does
            Handle hd;
            REQUIRE_PRL_OK(PrlVmCfg_GetHardDisk(vm, 0, hd.out()));
            CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDev_GetImagePath(hd, b, l); }) == f.image);
        }
        const std::string pvs = config_pvs_of(f.vm);
        CHECK(pvs.find("as backed up") != std::string::npos);
        CHECK(pvs.find("changed after backup") == std::string::npos);
        CHECK(pvs.find("renamed-vm") != std::string::npos);
        CHECK(pvs.find(f.uuid) != std::string::npos);
        // Still editable through the normal path (the stored revision is consistent).
        edit_vm(f.vm, 3, "edited after restore");
        CHECK(cpu_count(fresh_look(f.uuid, PGVC_SEARCH_BY_UUID)) == 3);
    }
    SECTION("as a new VM (prlctl restore -n)") {
        CHECK(f.restore_copy(id, "restored-copy") == disk_before);
        Handle copy = fresh_look("restored-copy", PGVC_SEARCH_BY_NAME);
        CHECK(cpu_count(copy) == 2);
        CHECK(description_of(copy) == "as backed up");
        CHECK(name_of(copy) == "restored-copy");
        CHECK(uuid_of(copy) != f.uuid);
        const std::string pvs = config_pvs_of(copy);
        CHECK(pvs.find("as backed up") != std::string::npos);
        CHECK(pvs.find("restored-copy") != std::string::npos);
        // The original is untouched.
        CHECK(cpu_count(fresh_look(f.uuid, PGVC_SEARCH_BY_UUID)) == 4);
    }
    SECTION("the original unregistered: restored under its own UUID with the backed-up config") {
        Fixture::run(PrlVm_Unreg(f.vm));
        std::filesystem::remove_all(std::filesystem::path(f.image).parent_path());
        Fixture::run(PrlSrv_RestoreVmBackup(f.server, f.uuid.c_str(), id.c_str(), "", 0, "", "", "", 0, 0, PRL_FALSE));
        Handle back = fresh_look(f.uuid, PGVC_SEARCH_BY_UUID);
        CHECK(cpu_count(back) == 2);
        CHECK(description_of(back) == "as backed up");
        CHECK(name_of(back) == "backup-vm");  // the name it had when backed up
        Handle hd;
        REQUIRE_PRL_OK(PrlVmCfg_GetHardDisk(back, 0, hd.out()));
        CHECK(read_file(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDev_GetImagePath(hd, b, l); })) ==
              disk_before);
    }
}

TEST_CASE("a container's configuration comes back with its restore", "[backup][backup_config]") {
    prl::test::TestHome home;
    capi::Api api;
    Handle server, ct;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    Fixture::run(PrlSrv_LoginLocal(server, nullptr, 0, PSL_HIGH_SECURITY));
    REQUIRE_PRL_OK(PrlSrv_CreateVm(server, ct.out()));
    REQUIRE_PRL_OK(PrlVmCfg_SetName(ct, "ct-cfg"));
    REQUIRE_PRL_OK(PrlVmCfg_SetVmType(ct, PVT_CT));
    Fixture::run(PrlVm_Reg(ct, "", PRL_TRUE));
    const std::string uuid = uuid_of(ct);
    edit_vm(ct, 2, "ct as backed up");
    Fixture::run(PrlSrv_CreateVmBackup(server, uuid.c_str(), "", 0, "", "", PBT_FULL, 0, PRL_FALSE));
    edit_vm(ct, 6, "ct changed");
    Fixture::run(PrlSrv_RestoreVmBackup(server, uuid.c_str(), "", "", 0, "", "", "", 0, 0, PRL_FALSE));
    Handle back = fresh_look(uuid, PGVC_SEARCH_BY_UUID);
    CHECK(cpu_count(back) == 2);
    CHECK(description_of(back) == "ct as backed up");
    CHECK(config_pvs_of(back).find("ct as backed up") != std::string::npos);
    Fixture::run(PrlSrv_RestoreVmBackup(server, uuid.c_str(), "", "", 0, "", "", "ct-cfg-copy", PBT_RESTORE_TO_COPY, 0,
                                        PRL_FALSE));
    Handle copy = fresh_look("ct-cfg-copy", PGVC_SEARCH_BY_NAME);
    CHECK(cpu_count(copy) == 2);
    CHECK(description_of(copy) == "ct as backed up");
    CHECK(uuid_of(copy) != uuid);
}
