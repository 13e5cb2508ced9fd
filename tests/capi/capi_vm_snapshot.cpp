// Snapshots through the C API, in the order prlctl makes the calls:
// snapshot, snapshot-list (the tree document), snapshot-switch,
// snapshot-delete (with and without children), and their events.
#include "capi.h"
#include "disk_files.h"
#include "test_home.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

using capi::Handle;
using capi::read_file;
using capi::write_at;
namespace fs = std::filesystem;

namespace {

struct Events {
    std::mutex mutex;
    std::vector<PRL_EVENT_TYPE> types;
    static PRL_RESULT handler(PRL_HANDLE h, void* self) {
        auto* e = static_cast<Events*>(self);
        PRL_EVENT_TYPE et;
        if (PRL_SUCCEEDED(PrlEvent_GetType(h, &et))) {
            std::lock_guard<std::mutex> lock(e->mutex);
            e->types.push_back(et);
        }
        PrlHandle_Free(h);
        return PRL_ERR_SUCCESS;
    }
    std::size_t count(PRL_EVENT_TYPE t) {
        std::lock_guard<std::mutex> lock(mutex);
        return static_cast<std::size_t>(std::count(types.begin(), types.end(), t));
    }
    // Events reach handlers asynchronously: waits (up to 10 s) for `n` of type `t`.
    std::size_t wait_count(PRL_EVENT_TYPE t, std::size_t n) {
        for (int i = 0; i < 1000 && count(t) < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return count(t);
    }
};

// A session with one VM whose 16 MiB disk holds random bytes.
struct Fixture {
    prl::test::TestHome home;
    capi::Api api;
    Handle server, vm;
    std::string uuid;
    fs::path image, bundle;
    std::mt19937_64 rng{42};

    Fixture() {
        REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
        run(PrlSrv_LoginLocal(server, nullptr, 0, PSL_HIGH_SECURITY));
        REQUIRE_PRL_OK(PrlSrv_CreateVm(server, vm.out()));
        REQUIRE_PRL_OK(PrlVmCfg_SetName(vm, "snap-vm"));
        Handle disk;
        REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_HARD_DISK, disk.out()));
        REQUIRE_PRL_OK(PrlVmDevHd_SetDiskSize(disk, 16));
        REQUIRE_PRL_OK(PrlVmDev_SetImagePath(disk, "disk0.hdd"));
        run(PrlVm_Reg(vm, "", PRL_TRUE));
        uuid = capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetUuid(vm, b, l); });
        Handle hd;
        REQUIRE_PRL_OK(PrlVmCfg_GetHardDisk(vm, 0, hd.out()));
        image = capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDev_GetImagePath(hd, b, l); });
        bundle = image.parent_path();
        scribble(0, 1 << 20);
    }
    static Handle run(PRL_HANDLE job, PRL_RESULT want = PRL_ERR_SUCCESS) { return capi::run(job, want); }
    static std::string text(const Handle& result) {
        return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlResult_GetParamAsString(result, b, l); });
    }
    void scribble(std::size_t offset, std::size_t n) {
        std::string bytes(n, '\0');
        for (auto& c : bytes) c = static_cast<char>(rng());
        write_at(image, offset, bytes);
    }
    std::string snapshot(const char* name, const char* description = "") {
        return text(run(PrlVm_CreateSnapshot(vm, name, description)));
    }
    std::string tree() { return text(run(PrlVm_GetSnapshotsTreeEx(vm, PGST_WITHOUT_SCREENSHOTS))); }
    PRL_UINT32 cpus() {
        run(PrlVm_RefreshConfig(vm));
        PRL_UINT32 n = 0;
        REQUIRE_PRL_OK(PrlVmCfg_GetCpuCount(vm, &n));
        return n;
    }
    void set_cpus(PRL_UINT32 n) {
        run(PrlVm_BeginEdit(vm));
        REQUIRE_PRL_OK(PrlVmCfg_SetCpuCount(vm, n));
        run(PrlVm_Commit(vm));
    }
    std::size_t snapshot_dirs() {
        std::size_t n = 0;
        for (auto& e : fs::directory_iterator(bundle / "Snapshots")) n += e.path().filename().string()[0] != '.';
        return n;
    }
};

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("a snapshot captures the disk and configuration, switching brings both back bit-exact", "[snapshot]") {
    Fixture f;
    CHECK(f.tree().find("<SavedStateItem") == std::string::npos);  // no snapshots: an empty document

    f.set_cpus(2);
    const std::string before = read_file(f.image);
    const std::string s1 = f.snapshot("first", "before the upgrade");
    REQUIRE(s1.size() == 38);
    REQUIRE(s1.front() == '{');

    const std::string doc = f.tree();
    INFO(doc);
    CHECK(doc.find("<VirtuozzoSavedStates>") != std::string::npos);
    CHECK(doc.find("guid=\"" + s1 + "\" current=\"yes\" state=\"poweroff\"") != std::string::npos);
    CHECK(doc.find("<Name>first</Name>") != std::string::npos);
    CHECK(doc.find("before the upgrade") != std::string::npos);
    CHECK(doc.find("<SavedStateItem guid=\"\"") != std::string::npos);  // the head

    f.scribble(3 << 20, 64 << 10);
    f.scribble(15 << 20, 4096);
    f.set_cpus(4);
    REQUIRE(read_file(f.image) != before);

    f.run(PrlVm_SwitchToSnapshot(f.vm, s1.c_str()));
    CHECK(read_file(f.image) == before);
    CHECK(fs::file_size(f.image) == (16u << 20));
    CHECK(f.cpus() == 2);
    // The snapshot itself is untouched by the switch: switching again gives the same bytes.
    f.scribble(0, 4096);
    f.run(PrlVm_SwitchToSnapshotEx(f.vm, s1.c_str(), 0));
    CHECK(read_file(f.image) == before);
}

TEST_CASE("new snapshots nest under the current one, the tree follows switches", "[snapshot]") {
    Fixture f;
    const std::string a = f.snapshot("a");
    const std::string b = f.snapshot("b");
    f.run(PrlVm_SwitchToSnapshot(f.vm, a.c_str()));
    const std::string c = f.snapshot("c");
    const std::string doc = f.tree();
    INFO(doc);
    // a holds b and c; c is current.
    const auto at_a = doc.find(a), at_b = doc.find(b), at_c = doc.find(c);
    REQUIRE(at_a != std::string::npos);
    CHECK(at_a < at_b);
    CHECK(at_b < at_c);
    CHECK(occurrences(doc, "current=\"yes\"") == 1);
    CHECK(doc.find("guid=\"" + c + "\" current=\"yes\"") != std::string::npos);
    CHECK(f.snapshot_dirs() == 3);
}

TEST_CASE("deleting a snapshot keeps its children, deleting with children removes the branch", "[snapshot]") {
    Fixture f;
    const std::string a = f.snapshot("a");
    f.scribble(1 << 20, 4096);
    const std::string b = f.snapshot("b");
    const std::string at_b = read_file(f.image);
    const std::string c = f.snapshot("c");

    f.run(PrlVm_DeleteSnapshot(f.vm, b.c_str(), PRL_FALSE));
    std::string doc = f.tree();
    CHECK(doc.find(b) == std::string::npos);
    CHECK(doc.find(c) != std::string::npos);
    CHECK(f.snapshot_dirs() == 2);
    // c, now a child of a, still switches back to its own bytes.
    f.scribble(2 << 20, 4096);
    f.run(PrlVm_SwitchToSnapshot(f.vm, c.c_str()));
    CHECK(read_file(f.image) == at_b);

    f.run(PrlVm_DeleteSnapshot(f.vm, a.c_str(), PRL_TRUE));
    doc = f.tree();
    CHECK(doc.find("<SavedStateItem") == std::string::npos);
    CHECK(f.snapshot_dirs() == 0);
    CHECK_FALSE(fs::exists(f.bundle / "Snapshots.xml"));
    CHECK(read_file(f.image) == at_b);  // deleting snapshots never touches the live disk
}

TEST_CASE("deleting the current snapshot makes its parent current", "[snapshot]") {
    Fixture f;
    const std::string a = f.snapshot("a");
    const std::string b = f.snapshot("b");
    f.run(PrlVm_DeleteSnapshot(f.vm, b.c_str(), PRL_FALSE));
    CHECK(f.tree().find("guid=\"" + a + "\" current=\"yes\"") != std::string::npos);
    const std::string c = f.snapshot("c");
    const std::string doc = f.tree();
    CHECK(doc.find(a) < doc.find(c));
}

TEST_CASE("snapshot name and description can be updated", "[snapshot]") {
    Fixture f;
    const std::string a = f.snapshot("old", "old text");
    f.run(PrlVm_UpdateSnapshotData(f.vm, a.c_str(), "new", "new <text> & ]]> more"));
    const std::string doc = f.tree();
    CHECK(doc.find("<Name>new</Name>") != std::string::npos);
    CHECK(doc.find("old text") == std::string::npos);
    CHECK(doc.find("new &lt;text&gt; &amp; ]]&gt; more") != std::string::npos);
}

TEST_CASE("snapshot calls send the product's events", "[snapshot]") {
    Fixture f;
    Events events;
    REQUIRE_PRL_OK(PrlVm_RegEventHandler(f.vm, Events::handler, &events));
    const std::string a = f.snapshot("a");
    f.run(PrlVm_SwitchToSnapshot(f.vm, a.c_str()));
    f.run(PrlVm_DeleteSnapshot(f.vm, a.c_str(), PRL_FALSE));
    CHECK(events.wait_count(PET_DSP_EVT_VM_SNAPSHOTED, 1) == 1);
    CHECK(events.wait_count(PET_DSP_EVT_VM_RESTORED, 1) == 1);
    CHECK(events.wait_count(PET_DSP_EVT_VM_STATE_DELETED, 1) == 1);
    CHECK(events.wait_count(PET_DSP_EVT_VM_SNAPSHOTS_TREE_CHANGED, 3) == 3);
    CHECK(events.wait_count(PET_DSP_EVT_VM_MEMORY_SWAPPING_FINISHED, 2) == 2);
    PrlVm_UnregEventHandler(f.vm, Events::handler, &events);
}

TEST_CASE("a snapshot records the power state, switching restores it", "[snapshot]") {
    Fixture f;
    f.run(PrlVm_Start(f.vm));
    const std::string running = f.snapshot("running");
    CHECK(f.tree().find("state=\"poweron\"") != std::string::npos);
    f.run(PrlVm_Stop(f.vm, PRL_FALSE));
    f.run(PrlVm_SwitchToSnapshot(f.vm, running.c_str()));
    auto state = [&] {
        Handle info = f.run(PrlVm_GetState(f.vm));
        Handle vi;
        REQUIRE_PRL_OK(PrlResult_GetParam(info, vi.out()));
        VIRTUAL_MACHINE_STATE s;
        REQUIRE_PRL_OK(PrlVmInfo_GetState(vi, &s));
        return s;
    };
    CHECK(state() == VMS_RUNNING);
    f.run(PrlVm_Stop(f.vm, PRL_FALSE));
    f.run(PrlVm_SwitchToSnapshotEx(f.vm, running.c_str(), PSSF_SKIP_RESUME));
    CHECK(state() == VMS_PAUSED);
}

TEST_CASE("snapshot calls refuse bad arguments and unknown ids", "[snapshot]") {
    Fixture f;
    const std::string a = f.snapshot("a");
    f.run(PrlVm_CreateSnapshot(f.vm, nullptr, ""), PRL_ERR_INVALID_ARG);
    f.run(PrlVm_CreateSnapshot(f.vm, "x", nullptr), PRL_ERR_INVALID_ARG);
    f.run(PrlVm_CreateSnapshot(PRL_INVALID_HANDLE, "x", ""), PRL_ERR_INVALID_ARG);
    f.run(PrlVm_CreateSnapshot(f.server, "x", ""), PRL_ERR_INVALID_ARG);
    f.run(PrlVm_CreateSnapshot(f.vm, "\xff\xfe", ""), PRL_ERR_INVALID_ARG);
    f.run(PrlVm_CreateSnapshot(f.vm, std::string(1 << 20, 'n').c_str(), ""), PRL_ERR_INVALID_ARG);
    f.run(PrlVm_SwitchToSnapshot(f.vm, nullptr), PRL_ERR_INVALID_ARG);
    f.run(PrlVm_DeleteSnapshot(f.vm, nullptr, PRL_FALSE), PRL_ERR_INVALID_ARG);
    f.run(PrlVm_UpdateSnapshotData(f.vm, a.c_str(), nullptr, ""), PRL_ERR_INVALID_ARG);
    for (const char* id : {"../../x", "{00000000-0000-0000-0000-000000000001}", "", "\xff"}) {
        f.run(PrlVm_SwitchToSnapshot(f.vm, id), PRL_ERR_VM_SNAPSHOT_NOT_FOUND);
        f.run(PrlVm_DeleteSnapshot(f.vm, id, PRL_TRUE), PRL_ERR_VM_SNAPSHOT_NOT_FOUND);
        f.run(PrlVm_UpdateSnapshotData(f.vm, id, "n", "d"), PRL_ERR_VM_SNAPSHOT_NOT_FOUND);
    }
    CHECK(f.snapshot_dirs() == 1);
    // Ids are taken in any case and with or without braces, as UUIDs are.
    std::string bare = a.substr(1, 36);
    std::transform(bare.begin(), bare.end(), bare.begin(), ::toupper);
    f.run(PrlVm_SwitchToSnapshot(f.vm, bare.c_str()));
}

TEST_CASE("a crafted Snapshots.xml cannot name directories outside the bundle", "[snapshot]") {
    Fixture f;
    f.snapshot("a");
    std::ofstream(f.bundle / "Snapshots.xml", std::ios::trunc)
        << "<VirtuozzoSavedStates><SavedStateItem guid=\"\"><SavedStateItem guid=\"../../../x\" current=\"yes\">"
           "<Name>evil</Name></SavedStateItem></SavedStateItem></VirtuozzoSavedStates>";
    f.run(PrlVm_GetSnapshotsTree(f.vm), PRL_ERR_PARSE_VM_CONFIG);
    f.run(PrlVm_DeleteSnapshot(f.vm, "../../../x", PRL_TRUE), PRL_ERR_VM_SNAPSHOT_NOT_FOUND);
    f.run(PrlVm_CreateSnapshot(f.vm, "b", ""), PRL_ERR_PARSE_VM_CONFIG);
    CHECK(f.snapshot_dirs() == 1);
}
