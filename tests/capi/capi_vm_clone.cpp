// PrlVm_Clone, PrlVm_CloneEx, PrlVm_CloneWithUuid, PrlVm_Move: the call
// sequences of `prlctl clone VM --name N [--template] [--location DIR]` and
// `prlctl move VM --dst DIR`, with their effect checked on disk.
#include "capi.h"
#include "disk_files.h"

#include "test_home.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include <sys/stat.h>

using capi::Handle;
using capi::read_file;
using capi::write_at;
namespace fs = std::filesystem;

namespace {

using capi::run;

Handle param(const Handle& result) {
    Handle h;
    REQUIRE_PRL_OK(PrlResult_GetParam(result, h.out()));
    return h;
}

std::string uuid_of(PRL_HANDLE vm) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetUuid(vm, b, l); });
}
std::string name_of(PRL_HANDLE vm) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetName(vm, b, l); });
}
fs::path bundle_of(PRL_HANDLE vm) {
    return fs::path(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetHomePath(vm, b, l); }))
        .parent_path();
}
std::string image_of(PRL_HANDLE vm, PRL_UINT32 i = 0) {
    Handle hd;
    REQUIRE_PRL_OK(PrlVmCfg_GetHardDisk(vm, i, hd.out()));
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDev_GetImagePath(hd, b, l); });
}
std::vector<std::string> macs_of(PRL_HANDLE vm) {
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlVmCfg_GetNetAdaptersCount(vm, &n));
    std::vector<std::string> out;
    for (PRL_UINT32 i = 0; i < n; ++i) {
        Handle net;
        REQUIRE_PRL_OK(PrlVmCfg_GetNetAdapter(vm, i, net.out()));
        out.push_back(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDevNet_GetMacAddress(net, b, l); }));
    }
    return out;
}
bool is_template(PRL_HANDLE vm) {
    PRL_BOOL t = PRL_TRUE;
    REQUIRE_PRL_OK(PrlVmCfg_IsTemplate(vm, &t));
    return t == PRL_TRUE;
}

struct Events {
    std::mutex mutex;
    std::vector<std::pair<PRL_EVENT_TYPE, std::string>> seen;  // type, issuer id
    static PRL_RESULT handler(PRL_HANDLE h, void* self) {
        auto* e = static_cast<Events*>(self);
        PRL_HANDLE_TYPE t;
        if (PRL_SUCCEEDED(PrlHandle_GetType(h, &t)) && t == PHT_EVENT) {
            PRL_EVENT_TYPE type;
            PrlEvent_GetType(h, &type);
            char id[128] = {};
            PRL_UINT32 len = sizeof id;
            PrlEvent_GetIssuerId(h, id, &len);
            std::lock_guard<std::mutex> lock(e->mutex);
            e->seen.emplace_back(type, id);
        }
        PrlHandle_Free(h);
        return PRL_ERR_SUCCESS;
    }
    bool wait_for(PRL_EVENT_TYPE type, const std::string& issuer) {
        for (int i = 0; i < 400; ++i) {
            {
                std::lock_guard<std::mutex> lock(mutex);
                for (const auto& [t, id] : seen)
                    if (t == type && id == issuer) return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return false;
    }
};

// A logged-in session with a VM "src": a 16 MiB disk holding data at a few
// places (the rest holes) and two network adapters.
struct Fixture {
    prl::test::TestHome home;
    prl::test::TempDir elsewhere;  // a place the client names
    capi::Api api;
    Handle server, vm;
    std::string uuid, image, bytes;
    Fixture() {
        REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
        run(PrlSrv_LoginLocal(server, nullptr, 0, PSL_HIGH_SECURITY));
        REQUIRE_PRL_OK(PrlSrv_CreateVm(server, vm.out()));
        REQUIRE_PRL_OK(PrlVmCfg_SetName(vm, "src"));
        Handle disk, net1, net2;
        REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_HARD_DISK, disk.out()));
        REQUIRE_PRL_OK(PrlVmDevHd_SetDiskSize(disk, 16));
        REQUIRE_PRL_OK(PrlVmDev_SetImagePath(disk, "disk0.hdd"));
        REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_GENERIC_NETWORK_ADAPTER, net1.out()));
        REQUIRE_PRL_OK(PrlVmDevNet_GenerateMacAddr(net1));
        REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_GENERIC_NETWORK_ADAPTER, net2.out()));
        REQUIRE_PRL_OK(PrlVmDevNet_GenerateMacAddr(net2));
        run(PrlVm_Reg(vm, "", PRL_TRUE));
        uuid = uuid_of(vm);
        image = image_of(vm);
        {
            std::fstream f(image, std::ios::in | std::ios::out | std::ios::binary);
            for (std::streamoff at : {std::streamoff(0), std::streamoff(5 << 20), std::streamoff((16 << 20) - 4096)}) {
                f.seekp(at);
                f << "data at " << at << std::string(3000, static_cast<char>('a' + at % 26));
            }
        }
        bytes = read_file(image);
        REQUIRE(bytes.size() == 16u << 20);
    }
    Handle clone(const char* name, const char* new_uuid, const char* where, PRL_UINT32 flags,
                 PRL_RESULT want = PRL_ERR_SUCCESS) {
        Handle result = run(PrlVm_CloneWithUuid(vm, name, new_uuid, where, flags), want);
        if (want != PRL_ERR_SUCCESS) return Handle();
        return param(result);
    }
    Handle find(const std::string& key, PRL_RESULT want = PRL_ERR_SUCCESS) {
        Handle result = run(PrlSrv_GetVmConfig(server, key.c_str(), PGVC_SEARCH_BY_NAME), want);
        if (want != PRL_ERR_SUCCESS) return Handle();
        return param(result);
    }
    std::set<std::string> entries(const fs::path& dir) {
        std::set<std::string> out;
        for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
        return out;
    }
};

}  // namespace

TEST_CASE("prlctl clone VM --name N: a registered VM with the same bytes, a new UUID and new MACs", "[clone]") {
    Fixture f;
    Events events;
    REQUIRE_PRL_OK(PrlSrv_RegEventHandler(f.server, &Events::handler, &events));
    Handle c = f.clone("c1", "", "", 0);
    REQUIRE(name_of(c) == "c1");
    const std::string cu = uuid_of(c);
    REQUIRE(cu != f.uuid);
    REQUIRE(events.wait_for(PET_DSP_EVT_VM_ADDED, cu));
    // Its own bundle in the default VM directory, its own image with the source's bytes.
    REQUIRE(bundle_of(c) == f.home.path() / "vms" / "c1.pvm");
    const std::string ci = image_of(c);
    REQUIRE(fs::path(ci).parent_path() == bundle_of(c));
    REQUIRE(read_file(ci) == f.bytes);
    // Holes stay holes: the copy does not take the disk's full size.
    struct stat st {};
    REQUIRE(::stat(ci.c_str(), &st) == 0);
    REQUIRE(static_cast<std::uint64_t>(st.st_blocks) * 512 < (8u << 20));
    // New MACs, each different from the source's.
    const auto src_macs = macs_of(f.vm), new_macs = macs_of(c);
    REQUIRE(src_macs.size() == 2);
    REQUIRE(new_macs.size() == 2);
    REQUIRE(new_macs[0] != new_macs[1]);
    for (const auto& m : new_macs) {
        REQUIRE(m.size() == 12);
        REQUIRE(m != src_macs[0]);
        REQUIRE(m != src_macs[1]);
    }
    REQUIRE_FALSE(is_template(c));
    // Registered: another lookup finds it, with the same configuration.
    Handle found = f.find("c1");
    REQUIRE(uuid_of(found) == cu);
    REQUIRE(macs_of(found) == new_macs);
    // The clone is independent: writing to it leaves the source as it was.
    {
        std::fstream w(ci, std::ios::in | std::ios::out | std::ios::binary);
        w << "changed";
    }
    REQUIRE(read_file(f.image) == f.bytes);
    // It starts; the source keeps its own state.
    run(PrlVm_Start(c));
    run(PrlVm_Stop(c, PRL_FALSE));
    // PrlVm_Clone and PrlVm_CloneEx are the same call.
    Handle c2 = param(run(PrlVm_Clone(f.vm, "c2", "", PRL_FALSE)));
    REQUIRE(read_file(image_of(c2)) == f.bytes);
    Handle c3 = param(run(PrlVm_CloneEx(f.vm, "c3", "", 0)));
    REQUIRE(read_file(image_of(c3)) == f.bytes);
    // A name already taken.
    f.clone("c1", "", "", 0, PRL_ERR_VM_ALREADY_REGISTERED_VM_NAME);
    REQUIRE_PRL_OK(PrlSrv_UnregEventHandler(f.server, &Events::handler, &events));
}

TEST_CASE("prlctl clone --template: a template refuses to start, its clone is a normal VM", "[clone]") {
    Fixture f;
    Handle t = f.clone("t1", "", "", PCVF_CLONE_TO_TEMPLATE);
    REQUIRE(is_template(t));
    REQUIRE(is_template(f.find("t1")));
    REQUIRE_FALSE(is_template(f.vm));
    REQUIRE(read_file(image_of(t)) == f.bytes);
    run(PrlVm_Start(t), PRL_ERR_CANT_TO_START_VM_TEMPLATE);
    Handle state = param(run(PrlVm_GetState(t)));
    VIRTUAL_MACHINE_STATE s = VMS_UNKNOWN;
    REQUIRE_PRL_OK(PrlVmInfo_GetState(state, &s));
    REQUIRE(s == VMS_STOPPED);
    // `prlctl create N --ostemplate t1` clones the template without the flag.
    Handle from = param(run(PrlVm_CloneWithUuid(t, "from-t1", "", "", 0)));
    REQUIRE_FALSE(is_template(from));
    REQUIRE(read_file(image_of(from)) == f.bytes);
    run(PrlVm_Start(from));
    run(PrlVm_Stop(from, PRL_FALSE));
}

TEST_CASE("prlctl clone --location DIR (and a given UUID): the bundle goes there", "[clone]") {
    Fixture f;
    const std::string where = f.elsewhere.path().string();
    const std::string want = "{0badc0de-1234-4321-8765-0123456789ab}";
    Handle c = f.clone("placed", want.c_str(), where.c_str(), 0);
    REQUIRE(uuid_of(c) == want);
    REQUIRE(bundle_of(c) == f.elsewhere.path() / "placed.pvm");
    REQUIRE(read_file(image_of(c)) == f.bytes);
    REQUIRE(f.entries(f.elsewhere.path()) == std::set<std::string>{"placed.pvm"});
    // The same UUID again, a missing directory, a relative one.
    f.clone("again", want.c_str(), "", 0, PRL_ERR_VM_ALREADY_REGISTERED_VM_UUID);
    f.clone("nowhere", "", (where + "/missing").c_str(), 0, PRL_ERR_DIRECTORY_DOES_NOT_EXIST);
    f.clone("relative", "", "some/dir", 0, PRL_ERR_VMDIR_PATH_IS_NOT_ABSOLUTE);
    f.clone("baduuid", "not-a-uuid", "", 0, PRL_ERR_INVALID_ARG);
    REQUIRE(f.entries(f.home.path() / "vms") == std::set<std::string>{"src.pvm"});
}

TEST_CASE("clone refuses hostile names and arguments, and touches nothing", "[clone]") {
    Fixture f;
    const std::string huge(1 << 20, 'n');
    f.clone("../../x", "", "", 0, PRL_ERR_VMCONF_VM_NAME_HAS_INVALID_SYMBOL);
    f.clone("a/b", "", "", 0, PRL_ERR_VMCONF_VM_NAME_HAS_INVALID_SYMBOL);
    f.clone("..", "", "", 0, PRL_ERR_VMCONF_VM_NAME_HAS_INVALID_SYMBOL);
    f.clone("tab\there", "", "", 0, PRL_ERR_VMCONF_VM_NAME_HAS_INVALID_SYMBOL);
    f.clone("esc\x1b[2J", "", "", 0, PRL_ERR_VMCONF_VM_NAME_HAS_INVALID_SYMBOL);
    f.clone("", "", "", 0, PRL_ERR_VM_NAME_IS_EMPTY);
    f.clone("\xff\xfe-bad", "", "", 0, PRL_ERR_INVALID_ARG);
    f.clone(huge.c_str(), "", "", 0, PRL_ERR_INVALID_ARG);
    f.clone("ok", "", "../../x", 0, PRL_ERR_VMDIR_PATH_IS_NOT_ABSOLUTE);
    f.clone("ok", "", ("/" + huge).c_str(), 0, PRL_ERR_INVALID_ARG);
    f.clone("ok", "", "/\xff\xfe", 0, PRL_ERR_INVALID_ARG);
    run(PrlVm_CloneWithUuid(f.vm, nullptr, "", "", 0), PRL_ERR_INVALID_ARG);
    run(PrlVm_CloneWithUuid(f.vm, "ok", nullptr, "", 0), PRL_ERR_INVALID_ARG);
    run(PrlVm_CloneWithUuid(f.vm, "ok", "", nullptr, 0), PRL_ERR_INVALID_ARG);
    run(PrlVm_Clone(capi::forged_handle(), "ok", "", PRL_FALSE), PRL_ERR_INVALID_ARG);
    run(PrlVm_CloneEx(f.server, "ok", "", 0), PRL_ERR_INVALID_ARG);
    run(PrlVm_Move(f.vm, nullptr, 0), PRL_ERR_INVALID_ARG);
    run(PrlVm_Move(capi::forged_handle(), "/tmp", 0), PRL_ERR_INVALID_ARG);
    // An unregistered VM has nothing to clone.
    Handle loose;
    REQUIRE_PRL_OK(PrlSrv_CreateVm(f.server, loose.out()));
    run(PrlVm_CloneEx(loose, "ok", "", 0), PRL_ERR_VM_UUID_NOT_FOUND);
    // Nothing was made anywhere.
    REQUIRE(f.entries(f.home.path() / "vms") == std::set<std::string>{"src.pvm"});
    REQUIRE(f.entries(f.elsewhere.path()).empty());
    REQUIRE(read_file(f.image) == f.bytes);
}

TEST_CASE("clone: source states, and flags without a meaning here", "[clone]") {
    Fixture f;
    // Running and paused VMs are cloned (no guest: the disk is at rest); suspended ones are refused.
    run(PrlVm_Start(f.vm));
    REQUIRE(read_file(image_of(f.clone("of-running", "", "", 0))) == f.bytes);
    run(PrlVm_Pause(f.vm, PRL_FALSE));
    f.clone("of-paused", "", "", 0);
    run(PrlVm_Resume(f.vm));
    run(PrlVm_Suspend(f.vm));
    f.clone("of-suspended", "", "", 0, PRL_ERR_DISP_VM_COMMAND_CANT_BE_EXECUTED);
    run(PrlVm_Resume(f.vm));
    run(PrlVm_Stop(f.vm, PRL_FALSE));
    // PCVF_CHANGE_SID, PCVF_DETACH_EXTERNAL_VIRTUAL_HDD: accepted, nothing to act on.
    Handle c = f.clone("sid", "", "", PCVF_CHANGE_SID | PCVF_DETACH_EXTERNAL_VIRTUAL_HDD);
    REQUIRE(read_file(image_of(c)) == f.bytes);
}

TEST_CASE("clone of a container copies its private area", "[clone]") {
    Fixture f;
    Handle ct;
    REQUIRE_PRL_OK(PrlSrv_CreateVm(f.server, ct.out()));
    REQUIRE_PRL_OK(PrlVmCfg_SetVmType(ct, PVT_CT));
    REQUIRE_PRL_OK(PrlVmCfg_SetName(ct, "ct1"));
    run(PrlVm_Reg(ct, "", PRL_TRUE));
    const fs::path area = bundle_of(ct);
    fs::create_directories(area / "root" / "etc");
    std::ofstream(area / "root" / "etc" / "hostname") << "ct1\n";
    fs::create_symlink("etc/hostname", area / "root" / "link");
    Handle c = param(run(PrlVm_CloneEx(ct, "ct2", "", 0)));
    const fs::path copy = bundle_of(c);
    REQUIRE(copy == f.home.path() / "cts" / "ct2");
    REQUIRE(read_file(copy / "root" / "etc" / "hostname") == "ct1\n");
    REQUIRE(fs::is_symlink(copy / "root" / "link"));
    REQUIRE(fs::read_symlink(copy / "root" / "link") == "etc/hostname");
}

TEST_CASE("prlctl move VM --dst DIR: the bundle moves, registration follows", "[clone]") {
    Fixture f;
    Events events;
    REQUIRE_PRL_OK(PrlSrv_RegEventHandler(f.server, &Events::handler, &events));
    const fs::path old_bundle = bundle_of(f.vm);
    const fs::path dst = f.elsewhere.path() / "new" / "home";  // made as needed
    Handle moved = param(run(PrlVm_Move(f.vm, dst.c_str(), 0)));
    REQUIRE(uuid_of(moved) == f.uuid);
    REQUIRE(bundle_of(f.vm) == dst / "src.pvm");
    REQUIRE(events.wait_for(PET_DSP_EVT_VM_CONFIG_CHANGED, f.uuid));
    REQUIRE_FALSE(fs::exists(old_bundle));
    REQUIRE(fs::path(image_of(f.vm)).parent_path() == dst / "src.pvm");
    REQUIRE(read_file(image_of(f.vm)) == f.bytes);
    // A new lookup sees it there; it still starts and stops.
    Handle found = f.find("src");
    REQUIRE(bundle_of(found) == dst / "src.pvm");
    run(PrlVm_Start(f.vm));
    run(PrlVm_Stop(f.vm, PRL_FALSE));
    // Back to the default directory.
    run(PrlVm_Move(f.vm, (f.home.path() / "vms").c_str(), 0));
    REQUIRE(bundle_of(f.vm) == old_bundle);
    REQUIRE(read_file(f.image) == f.bytes);
    // Refusals.
    fs::create_directories(dst / "src.pvm");
    run(PrlVm_Move(f.vm, dst.c_str(), 0), PRL_ERR_FILE_OR_DIR_ALREADY_EXISTS);
    run(PrlVm_Move(f.vm, "", 0), PRL_ERR_INVALID_PARAM);
    run(PrlVm_Move(f.vm, "relative/dir", 0), PRL_ERR_VMDIR_PATH_IS_NOT_ABSOLUTE);
    run(PrlVm_Move(f.vm, (old_bundle / "inside").c_str(), 0), PRL_ERR_INVALID_ARG);
    REQUIRE(bundle_of(f.find("src")) == old_bundle);
    REQUIRE(read_file(f.image) == f.bytes);
    REQUIRE_PRL_OK(PrlSrv_UnregEventHandler(f.server, &Events::handler, &events));
}

TEST_CASE("clone: the source's snapshots stay with it", "[clone]") {
    Fixture f;
    run(PrlVm_CreateSnapshot(f.vm, "before", "kept by the source"));
    REQUIRE(fs::exists(bundle_of(f.vm) / "Snapshots.xml"));
    Handle c = f.clone("no-snapshots", "", "", 0);
    REQUIRE(read_file(image_of(c)) == f.bytes);
    REQUIRE_FALSE(fs::exists(bundle_of(c) / "Snapshots.xml"));
    REQUIRE_FALSE(fs::exists(bundle_of(c) / "Snapshots"));
    REQUIRE(fs::exists(bundle_of(f.vm) / "Snapshots.xml"));
}

TEST_CASE("prlctl clone --linked: the clone starts from a new snapshot of its parent and names it", "[clone]") {
    Fixture f;
    Handle c = f.clone("linked", "", "", PCVF_LINKED_CLONE);
    REQUIRE(read_file(image_of(c)) == f.bytes);
    CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetLinkedVmUuid(c, b, l); }) == f.uuid);
    CHECK(uuid_of(c) != f.uuid);
    // The parent gained the snapshot the clone was made from, and keeps it.
    Handle tree = run(PrlVm_GetSnapshotsTree(f.vm));
    const std::string doc = capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlResult_GetParamAsString(tree, b, l); });
    CHECK(doc.find("Snapshot for linked clone linked") != std::string::npos);
    // Writes on either side stay on that side; the snapshot holds the bytes the clone began from.
    {
        std::fstream w(f.image, std::ios::in | std::ios::out | std::ios::binary);
        w << "parent changed";
    }
    REQUIRE(read_file(image_of(c)) == f.bytes);
    // A clone of a linked clone is an ordinary full clone that keeps no link.
    Handle cc = run(PrlVm_CloneWithUuid(c, "of-linked", "", "", 0));
    CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetLinkedVmUuid(param(cc), b, l); }).empty());
}
