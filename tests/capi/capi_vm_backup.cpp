// The external, changed-block backup API (PrlVm_BeginBackup, PrlVmBackup_*,
// PrlDisk_*, PrlDiskMap_*), driven with the call sequence of the real
// `prlctl backup --abackup-mode` (full, then incremental against it).
#include "capi.h"
#include "disk_files.h"

#include "reflink_dir.h"
#include "test_home.h"

#include <PrlDisk.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <chrono>
#include <vector>

using capi::Handle;
using capi::read_file;
using capi::write_at;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kGran = 64 * 1024;
constexpr std::size_t kDiskMiB = 16;
constexpr std::size_t kBlocks = kDiskMiB * 1024 * 1024 / kGran;

std::string random_bytes(std::mt19937_64& rng, std::size_t n) {
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    return s;
}

using capi::run;

// A logged-in session with one registered VM that has a 16 MiB disk; its
// state root is a private temporary one, or `state_root` when given.
struct Fixture {
    prl::test::TestHome home;
    capi::Api api;
    Handle server, vm;
    std::string uuid, image, bundle;
    std::mt19937_64 rng{42};
    explicit Fixture(const fs::path& state_root = {}) {
        if (!state_root.empty()) setenv("PRLSHIM_HOME", state_root.c_str(), 1);
        REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
        run(PrlSrv_LoginLocal(server, nullptr, 0, PSL_HIGH_SECURITY));
        Handle result = run(PrlSrv_GetSrvConfig(server));
        Handle srv_cfg;
        REQUIRE_PRL_OK(PrlResult_GetParam(result, srv_cfg.out()));
        REQUIRE_PRL_OK(PrlSrv_CreateVm(server, vm.out()));
        REQUIRE_PRL_OK(PrlVmCfg_SetDefaultConfig(vm, srv_cfg, PVS_GUEST_VER_LIN_OTHER, PRL_FALSE));
        REQUIRE_PRL_OK(PrlVmCfg_SetName(vm, "abackup-vm"));
        Handle disk;
        REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_HARD_DISK, disk.out()));
        REQUIRE_PRL_OK(PrlVmDevHd_SetDiskSize(disk, kDiskMiB));
        REQUIRE_PRL_OK(PrlVmDev_SetImagePath(disk, "disk0.hdd"));
        run(PrlVm_Reg(vm, "", PRL_TRUE));
        uuid = capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetUuid(vm, b, l); });
        Handle hd;
        REQUIRE_PRL_OK(PrlVmCfg_GetHardDisk(vm, 0, hd.out()));
        image = capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDev_GetImagePath(hd, b, l); });
        bundle = fs::path(image).parent_path().string();
    }
    void write_block(std::size_t block, const std::string& bytes) { write_at(image, block * kGran, bytes); }
    std::string random_block() { return random_bytes(rng, kGran); }

    Handle begin(PRL_UINT32 flags = PBMBF_CREATE_MAP) {
        Handle result = run(PrlVm_BeginBackup(vm, flags));
        Handle backup;
        REQUIRE_PRL_OK(PrlResult_GetParam(result, backup.out()));
        PRL_HANDLE_TYPE type;
        REQUIRE_PRL_OK(PrlHandle_GetType(backup, &type));
        REQUIRE(type == PHT_BACKUP);
        return backup;
    }
};

std::string backup_uuid(PRL_HANDLE backup) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmBackup_GetUuid(backup, b, l); });
}

// The map as prlctl reads it: granularity, size in bits, then the bits.
struct Map {
    PRL_UINT32 gran = 0, bits = 0;
    std::vector<unsigned char> bytes;
    std::set<std::size_t> marked() const {
        std::set<std::size_t> out;
        for (std::size_t n = 0; n < bits; ++n)
            if (bytes[n >> 3] & (1u << (n & 7))) out.insert(n);
        return out;
    }
};

Map changes(PRL_HANDLE disk, const char* since) {
    Handle map;
    REQUIRE_PRL_OK(PrlDisk_GetChangesMap_Local(disk, since, nullptr, map.out()));
    Map m;
    REQUIRE_PRL_OK(PrlDiskMap_GetGranularity(map, &m.gran));
    REQUIRE_PRL_OK(PrlDiskMap_GetSize(map, &m.bits));
    PRL_UINT32 size = (m.bits + 7) / 8;
    m.bytes.assign(size, 0);
    REQUIRE_PRL_OK(PrlDiskMap_Read(map, m.bytes.data(), &size));
    REQUIRE(size == (m.bits + 7) / 8);
    return m;
}

// Every block of the disk through PrlDisk_Read, as prlctl's store() reads it.
std::string read_all(PRL_HANDLE disk, std::size_t blocks) {
    std::string out(blocks * kGran, '\0');
    for (std::size_t n = 0; n < blocks; ++n)
        REQUIRE_PRL_OK(PrlDisk_Read(disk, &out[n * kGran], kGran, n * kGran / 512));
    return out;
}

}  // namespace

// Full, then incremental, then one with nothing changed: the ids of the
// first two.
std::pair<std::string, std::string> full_then_incremental(Fixture& f) {
    const std::set<std::size_t> written = {0, 3, 17, 100, 255};
    for (auto b : written) f.write_block(b, f.random_block());

    // Full: every non-zero block.
    Handle b1 = f.begin();
    PRL_UINT32 count = 0;
    REQUIRE_PRL_OK(PrlVmBackup_GetDisksCount(b1, &count));
    REQUIRE(count == 1);
    std::string full_bytes;
    {
        Handle disk;
        REQUIRE_PRL_OK(PrlVmBackup_GetDisk(b1, 0, disk.out()));
        Map m = changes(disk, nullptr);
        REQUIRE(m.gran == kGran);
        REQUIRE(m.bits == kBlocks);
        REQUIRE(m.marked() == written);
        full_bytes = read_all(disk, m.bits);
        REQUIRE(full_bytes == read_file(f.image));
    }
    run(PrlVmBackup_Commit(b1));
    const std::string id1 = backup_uuid(b1);
    REQUIRE(id1.size() == 38);

    // Scattered changes: new data, overwritten data, a block zeroed, and a
    // block rewritten with the bytes it already had (not a change).
    const std::string again = full_bytes.substr(17 * kGran, kGran);
    f.write_block(3, f.random_block());
    f.write_block(50, f.random_block());
    f.write_block(100, std::string(kGran, '\0'));
    f.write_block(17, again);
    f.write_block(200, std::string(1, 'x'));  // one byte is enough
    const std::set<std::size_t> changed = {3, 50, 100, 200};

    Handle b2 = f.begin();
    {
        Handle disk;
        REQUIRE_PRL_OK(PrlVmBackup_GetDisk(b2, 0, disk.out()));
        REQUIRE(changes(disk, id1.c_str()).marked() == changed);
        // Any case, with or without braces: the same backup.
        std::string bare = id1.substr(1, 36);
        for (auto& c : bare) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        REQUIRE(changes(disk, bare.c_str()).marked() == changed);
        REQUIRE(read_all(disk, kBlocks) == read_file(f.image));
    }
    run(PrlVmBackup_Commit(b2));
    const std::string id2 = backup_uuid(b2);
    REQUIRE(id2 != id1);

    // Nothing changed since the second; the first is still known.
    Handle b3 = f.begin();
    {
        Handle disk;
        REQUIRE_PRL_OK(PrlVmBackup_GetDisk(b3, 0, disk.out()));
        REQUIRE(changes(disk, id2.c_str()).marked().empty());
        REQUIRE(changes(disk, id1.c_str()).marked() == changed);
    }
    run(PrlVmBackup_Rollback(b3));
    return {id1, id2};
}

TEST_CASE("external backup: full, then incremental marks exactly the changed blocks", "[capi][extbackup]") {
    Fixture f;
    full_then_incremental(f);
    // ext4 and the like: the views were copies, and none is kept.
    const fs::path views = fs::path(f.bundle) / ".prlshim-cbt" / "views";
    if (fs::exists(views)) CHECK(fs::is_empty(views));
}

TEST_CASE("external backup on a reflink filesystem: the latest view is kept and maps stay exact",
          "[capi][extbackup][reflink]") {
    prl::test::ReflinkDir dir;
    if (!dir.available()) {
        WARN("skipped: " << dir.why());
        return;
    }
    const auto ids = [&] {
        Fixture f(dir.path() / "home");
        auto pair = full_then_incremental(f);
        // Only the second backup's view is kept: the first's went at its commit.
        const fs::path views = fs::path(f.bundle) / ".prlshim-cbt" / "views";
        std::set<std::string> kept;
        for (const auto& e : fs::directory_iterator(views)) kept.insert(e.path().filename().string());
        CHECK(kept == std::set<std::string>{pair.second.substr(1, 36) + "-0.img"});
        // The kept view is the disk as the second backup read it.
        CHECK(read_file((views / *kept.begin()).string()) == read_file(f.image));
        return pair;
    }();
    CHECK(ids.first != ids.second);
}

TEST_CASE("external backup: the view is frozen at BeginBackup", "[capi][extbackup]") {
    Fixture f;
    const std::string before = f.random_block();
    f.write_block(5, before);
    Handle b = f.begin();
    Handle disk;
    REQUIRE_PRL_OK(PrlVmBackup_GetDisk(b, 0, disk.out()));
    f.write_block(5, f.random_block());  // the VM writes on
    std::string got(kGran, '\0');
    REQUIRE_PRL_OK(PrlDisk_Read(disk, got.data(), kGran, 5 * kGran / 512));
    REQUIRE(got == before);
    // The view is private to the bundle and goes with the backup.
    REQUIRE(fs::exists(fs::path(f.bundle) / ".prlshim-cbt" / "active"));
    run(PrlVmBackup_Commit(b));
    REQUIRE_FALSE(fs::exists(fs::path(f.bundle) / ".prlshim-cbt" / "active"));
}

TEST_CASE("external backup: a rolled-back backup leaves no trace", "[capi][extbackup]") {
    Fixture f;
    f.write_block(1, f.random_block());
    Handle b = f.begin();
    {
        Handle disk;
        REQUIRE_PRL_OK(PrlVmBackup_GetDisk(b, 0, disk.out()));
        changes(disk, nullptr);
    }
    const std::string rolled = backup_uuid(b);
    run(PrlVmBackup_Rollback(b));
    // Ending it again, either way, finds nothing (the product's code).
    run(PrlVmBackup_Rollback(b), PRL_ERR_FILE_NOT_FOUND);
    run(PrlVmBackup_Commit(b), PRL_ERR_FILE_NOT_FOUND);
    const fs::path root = fs::path(f.bundle) / ".prlshim-cbt";
    REQUIRE_FALSE(fs::exists(root / "active"));
    REQUIRE(fs::is_empty(root / "committed"));

    Handle b2 = f.begin();
    Handle disk;
    REQUIRE_PRL_OK(PrlVmBackup_GetDisk(b2, 0, disk.out()));
    Handle map;
    REQUIRE_PRL(PrlDisk_GetChangesMap_Local(disk, rolled.c_str(), nullptr, map.out()), PRL_ERR_NO_DATA);
    run(PrlVmBackup_Rollback(b2));
}

TEST_CASE("external backup: unknown and hostile UUIDs are refused, nothing outside the bundle is touched",
          "[capi][extbackup]") {
    Fixture f;
    const fs::path outside = fs::path(f.bundle).parent_path();
    const auto listing = [&] {
        std::set<std::string> s;
        for (auto& e : fs::recursive_directory_iterator(outside))
            if (e.path().lexically_relative(f.bundle).string().rfind("..", 0) == 0)
                s.insert(e.path().string());
        return s;
    };
    const auto before = listing();
    Handle b = f.begin();
    Handle disk;
    REQUIRE_PRL_OK(PrlVmBackup_GetDisk(b, 0, disk.out()));
    const std::string huge(1 << 20, 'a');
    const char* hostile[] = {"{00000000-0000-0000-0000-000000000001}", "", "../../x", "../../../etc/passwd",
                             "{aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee}/../../x", "\xff\xfe\x80", huge.c_str()};
    for (const char* s : hostile) {
        Handle map;
        REQUIRE_PRL(PrlDisk_GetChangesMap_Local(disk, s, nullptr, map.out()), PRL_ERR_NO_DATA);
    }
    run(PrlVmBackup_Rollback(b));
    REQUIRE(listing() == before);
}

TEST_CASE("external backup: one at a time per VM, as the product", "[capi][extbackup]") {
    Fixture f;
    Handle b = f.begin();
    run(PrlVm_BeginBackup(f.vm, PBMBF_CREATE_MAP), PRL_ERR_VM_LOCKED_FOR_BACKUP);
    run(PrlVmBackup_Commit(b));
    Handle b2 = f.begin();
    run(PrlVmBackup_Rollback(b2));
}

TEST_CASE("external backup: a backup whose handle is freed unfinished is rolled back", "[capi][extbackup]") {
    Fixture f;
    { Handle b = f.begin(); }
    // The job's result lets go of it once the job leaves the task list.
    for (int i = 0; i < 500 && fs::exists(fs::path(f.bundle) / ".prlshim-cbt" / "active"); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE_FALSE(fs::exists(fs::path(f.bundle) / ".prlshim-cbt" / "active"));
    Handle b2 = f.begin();  // and the VM is free again
    run(PrlVmBackup_Rollback(b2));
}

TEST_CASE("external backup: without PBMBF_CREATE_MAP no map can be made against it later", "[capi][extbackup]") {
    Fixture f;
    f.write_block(2, f.random_block());
    Handle b = f.begin(0);
    {
        Handle disk;
        REQUIRE_PRL_OK(PrlVmBackup_GetDisk(b, 0, disk.out()));
        REQUIRE(changes(disk, nullptr).marked() == std::set<std::size_t>{2});  // a full map still works
    }
    run(PrlVmBackup_Commit(b));
    const std::string id = backup_uuid(b);
    Handle b2 = f.begin();
    Handle disk, map;
    REQUIRE_PRL_OK(PrlVmBackup_GetDisk(b2, 0, disk.out()));
    REQUIRE_PRL(PrlDisk_GetChangesMap_Local(disk, id.c_str(), nullptr, map.out()), PRL_ERR_NO_DATA);
    run(PrlVmBackup_Rollback(b2));
}

TEST_CASE("external backup: the VM must be registered, running is fine", "[capi][extbackup]") {
    Fixture f;
    Handle other;
    REQUIRE_PRL_OK(PrlSrv_CreateVm(f.server, other.out()));
    run(PrlVm_BeginBackup(other, PBMBF_CREATE_MAP), PRL_ERR_VM_UUID_NOT_FOUND);
    run(PrlVm_Start(f.vm));
    Handle b = f.begin();
    run(PrlVmBackup_Commit(b));
    run(PrlVm_Stop(f.vm, PRL_FALSE));
}

TEST_CASE("external backup: arguments, buffers and bounds", "[capi][extbackup]") {
    Fixture f;
    Handle b = f.begin();
    Handle disk;
    PRL_UINT32 n = 0;
    REQUIRE_PRL(PrlVmBackup_GetDisk(b, 1, disk.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmBackup_GetDisk(b, 0, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmBackup_GetDisk(f.vm, 0, disk.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmBackup_GetDisksCount(b, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmBackup_GetDisksCount(capi::forged_handle(), &n), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmBackup_GetUuid(b, nullptr, nullptr), PRL_ERR_INVALID_ARG);
    char small[8];
    PRL_UINT32 len = sizeof small;
    REQUIRE_PRL(PrlVmBackup_GetUuid(b, small, &len), PRL_ERR_BUFFER_OVERRUN);
    REQUIRE(len == 39);
    REQUIRE_PRL_OK(PrlVmBackup_GetDisk(b, 0, disk.out()));

    std::vector<char> buf(kGran);
    const PRL_UINT64 last = kDiskMiB * 1024 * 1024 / 512;
    REQUIRE_PRL_OK(PrlDisk_Read(disk, buf.data(), 512, last - 1));
    REQUIRE_PRL(PrlDisk_Read(disk, buf.data(), 1024, last - 1), PRL_ERR_DISK_READ_OUT_DISK);
    REQUIRE_PRL(PrlDisk_Read(disk, buf.data(), 512, last), PRL_ERR_DISK_READ_OUT_DISK);
    REQUIRE_PRL(PrlDisk_Read(disk, buf.data(), 512, ~0ull), PRL_ERR_DISK_READ_OUT_DISK);
    REQUIRE_PRL(PrlDisk_Read(disk, nullptr, 512, 0), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlDisk_Read(b, buf.data(), 512, 0), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlDisk_Write(disk, buf.data(), 512, 0), PRL_ERR_DISK_OPERATION_NOT_ALLOWED);
    REQUIRE_PRL(PrlDisk_GetChangesMap_Local(disk, nullptr, nullptr, nullptr), PRL_ERR_INVALID_ARG);
    Handle none;
    REQUIRE_PRL(PrlDisk_GetChangesMap_Local(b, nullptr, nullptr, none.out()), PRL_ERR_INVALID_ARG);

    Handle map;
    REQUIRE_PRL_OK(PrlDisk_GetChangesMap_Local(disk, nullptr, nullptr, map.out()));
    PRL_UINT32 cap = 0;
    REQUIRE_PRL_OK(PrlDiskMap_Read(map, nullptr, &cap));
    REQUIRE(cap == kBlocks / 8);
    cap = 3;
    REQUIRE_PRL(PrlDiskMap_Read(map, buf.data(), &cap), PRL_ERR_BUFFER_OVERRUN);
    REQUIRE(cap == kBlocks / 8);
    REQUIRE_PRL(PrlDiskMap_Read(map, buf.data(), nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlDiskMap_GetSize(map, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlDiskMap_GetGranularity(disk, &n), PRL_ERR_INVALID_ARG);

    PRL_UINT32 info_size = 0;
    REQUIRE_PRL_OK(PrlDisk_GetDiskInfo(disk, nullptr, &info_size));
    std::vector<char> info(info_size);
    REQUIRE_PRL_OK(PrlDisk_GetDiskInfo(disk, reinterpret_cast<PRL_DISK_PARAMETERS_PTR>(info.data()), &info_size));
    PRL_DISK_PARAMETERS p;
    std::memcpy(&p, info.data(), sizeof p);
    // The struct is packed: copy its fields out before Catch binds references to them.
    const PRL_UINT64 size_in_sectors = p.m_SizeInSectors;
    const PRL_UINT32 parts = p.m_Parts;
    REQUIRE(size_in_sectors == last);
    REQUIRE(parts == 1);
    REQUIRE(std::string(p.Name) == f.image);
    REQUIRE_PRL(PrlDisk_GetDiskInfo(disk, nullptr, nullptr), PRL_ERR_INVALID_ARG);

    REQUIRE_PRL(PrlDisk_Free(b), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlDisk_Free(disk.release()));
    run(PrlVmBackup_Commit(b));
    // The view is gone with the backup.
    REQUIRE_PRL(PrlVmBackup_GetDisk(b, 0, disk.out()), PRL_ERR_INVALID_HANDLE);
    Handle job(PrlVmBackup_Commit(f.vm));
    REQUIRE_PRL(capi::wait_code(job, 10000), PRL_ERR_INVALID_ARG);
}

TEST_CASE("PrlDisk_CreateDisk_Local / OpenDisk_Local: raw images written and read by sector", "[capi][extbackup]") {
    prl::test::TestHome home;
    capi::Api api;
    const std::string path = (home.path() / "raw.img").string();
    PRL_DISK_PARAMETERS params{};
    params.m_SizeInSectors = 2048;  // 1 MiB
    Handle disk;
    REQUIRE_PRL_OK(PrlDisk_CreateDisk_Local(disk.out(), path.c_str(), &params, nullptr, nullptr));
    REQUIRE(fs::file_size(path) == 1024 * 1024);
    Handle other;
    REQUIRE_PRL(PrlDisk_CreateDisk_Local(other.out(), path.c_str(), &params, nullptr, nullptr),
                PRL_ERR_DISK_FILE_EXISTS);
    REQUIRE_PRL(PrlDisk_CreateDisk_Local(other.out(), "relative.img", &params, nullptr, nullptr), PRL_ERR_INVALID_ARG);
    std::string data(4096, 'z');
    REQUIRE_PRL_OK(PrlDisk_Write(disk, data.data(), 4096, 8));
    REQUIRE_PRL(PrlDisk_Write(disk, data.data(), 4096, 2047), PRL_ERR_DISK_WRITE_OUT_DISK);
    REQUIRE_PRL_OK(PrlDisk_FlushCache(disk));
    REQUIRE_PRL_OK(PrlDisk_WaitForCompletion(disk));
    REQUIRE(read_file(path).substr(4096, 4096) == data);

    Handle ro;
    REQUIRE_PRL_OK(PrlDisk_OpenDisk_Local(ro.out(), path.c_str(), PRL_DISK_READ, PRL_INVALID_HANDLE));
    std::string got(4096, '\0');
    REQUIRE_PRL_OK(PrlDisk_Read(ro, got.data(), 4096, 8));
    REQUIRE(got == data);
    Handle map;
    REQUIRE_PRL_OK(PrlDisk_GetChangesMap_Local(ro, nullptr, nullptr, map.out()));
    PRL_UINT32 bits = 0;
    REQUIRE_PRL_OK(PrlDiskMap_GetSize(map, &bits));
    REQUIRE(bits == 16);
    unsigned char m[2] = {0, 0};
    PRL_UINT32 cap = 2;
    REQUIRE_PRL_OK(PrlDiskMap_Read(map, m, &cap));
    REQUIRE(m[0] == 1);
    REQUIRE(m[1] == 0);
    REQUIRE_PRL(PrlDisk_GetChangesMap_Local(ro, "{00000000-0000-0000-0000-000000000001}", nullptr, map.out()),
                PRL_ERR_NO_DATA);
    REQUIRE_PRL(PrlDisk_OpenDisk_Local(other.out(), (path + ".missing").c_str(), PRL_DISK_READ, PRL_INVALID_HANDLE),
                PRL_ERR_DISK_FILE_OPEN_ERROR);
    REQUIRE_PRL(PrlDisk_OpenDisk_Local(nullptr, path.c_str(), PRL_DISK_READ, PRL_INVALID_HANDLE), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlDisk_OpenDisk_Local(other.out(), nullptr, PRL_DISK_READ, PRL_INVALID_HANDLE), PRL_ERR_INVALID_ARG);
}
