// Who may do what through prlshimd (docs/daemon.md, "Who may do what"): a
// user of the daemon sees and acts on their own VMs and those shared with
// them (config.pvs <Security>, PrlVm_UpdateSecurity); anyone else's VM does
// not exist for them; an --admin user, like the local socket's, sees all.
#include "capi.h"
#include "daemon_process.h"
#include "helpers.h"

#include "test_home.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

using capi::Handle;
using capi::run;
using daemon_test::DaemonProcess;
using namespace daemon_test;
namespace fs = std::filesystem;

namespace {

Handle logged_in(std::uint16_t port, const char* user) {
    Handle server;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    REQUIRE(login(server, port, user, (std::string(user) + "'s password").c_str()) == PRL_ERR_SUCCESS);
    return server;
}

PRL_RESULT backup(PRL_HANDLE server, const std::string& uuid) {
    return capi::wait_code(Handle(PrlSrv_CreateVmBackup(server, uuid.c_str(), "", 0, "", "", PBT_FULL, 0, PRL_TRUE)),
                           60000);
}

PRL_RESULT restore(PRL_HANDLE server, const std::string& uuid) {
    return capi::wait_code(
        Handle(PrlSrv_RestoreVmBackup(server, uuid.c_str(), "", "", 0, "", "", "", 0, 0, PRL_FALSE)), 60000);
}

// The VM handle for `uuid` from the server's list; null if it is not listed.
Handle listed_vm(PRL_HANDLE server, const std::string& uuid) {
    Handle result = run(PrlSrv_GetVmList(server));
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlResult_GetParamsCount(result, &n));
    for (PRL_UINT32 i = 0; i < n; ++i) {
        Handle vm;
        REQUIRE_PRL_OK(PrlResult_GetParamByIndex(result, i, vm.out()));
        if (vm_uuid(vm) == uuid) return vm;
    }
    return Handle();
}

PRL_RESULT share(PRL_HANDLE vm, PRL_VM_ACCESS_FOR_OTHERS level) {
    Handle acl;
    REQUIRE_PRL_OK(PrlVmCfg_GetAccessRights(vm, acl.out()));
    REQUIRE_PRL_OK(PrlAcl_SetAccessForOthers(acl, level));
    return capi::wait_code(Handle(PrlVm_UpdateSecurity(vm, acl)), 30000);
}

// Counts the events about one VM that reach a server's handlers.
struct VmEvents {
    std::string uuid;
    std::atomic<int> seen{0};
    static PRL_RESULT on_event(PRL_HANDLE h, PRL_VOID_PTR data) {
        auto* self = static_cast<VmEvents*>(data);
        PRL_HANDLE_TYPE type;
        if (PRL_SUCCEEDED(PrlHandle_GetType(h, &type)) && type == PHT_EVENT &&
            capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlEvent_GetIssuerId(h, b, l); }) == self->uuid)
            ++self->seen;
        PrlHandle_Free(h);
        return PRL_ERR_SUCCESS;
    }
};

std::string owner_of(PRL_HANDLE vm) {
    Handle acl;
    REQUIRE_PRL_OK(PrlVmCfg_GetAccessRights(vm, acl.out()));
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlAcl_GetOwnerName(acl, b, l); });
}

}  // namespace

TEST_CASE("user B cannot see, start, back up or restore user A's VM until A shares it", "[daemon]") {
    prl::test::TestHome client_home;
    prl::test::TempDir daemon_home;
    capi::Api api;
    for (const char* user : {"alice", "bob", "carol"})
        daemon_test::add_user(daemon_home.path(), user, std::string(user) + "'s password");
    DaemonProcess daemon(daemon_home.path(), "127.0.0.1:0", {"--admin", "carol"});
    Handle alice = logged_in(daemon.port(), "alice");
    Handle bob = logged_in(daemon.port(), "bob");
    Handle carol = logged_in(daemon.port(), "carol");

    Handle vm = make_vm(alice, "alices-vm");
    const std::string uuid = vm_uuid(vm);
    REQUIRE_PRL_OK(backup(alice, uuid));
    CHECK(owner_of(vm) == "alice");
    {
        std::ifstream in(daemon_home.path() / "vms" / "alices-vm.pvm" / "config.pvs");
        std::stringstream text;
        text << in.rdbuf();
        CHECK(text.str().find("<Owner>alice</Owner>") != std::string::npos);
    }

    // For Bob, Alice's VM does not exist: not listed, not found, not started,
    // not backed up, not restored, and its backups are not in his tree.
    CHECK(vm_count(bob) == 0);
    CHECK(capi::wait_code(Handle(PrlSrv_GetVmConfig(bob, uuid.c_str(), 0)), 30000) == PRL_ERR_VM_UUID_NOT_FOUND);
    Handle forged;
    REQUIRE_PRL_OK(PrlSrv_CreateVm(bob, forged.out()));
    REQUIRE_PRL_OK(PrlVmCfg_SetUuid(forged, uuid.c_str()));
    CHECK(capi::wait_code(Handle(PrlVm_Start(forged)), 30000) != PRL_ERR_SUCCESS);
    CHECK(backup(bob, uuid) == PRL_ERR_VM_UUID_NOT_FOUND);
    CHECK(restore(bob, uuid) == PRL_ERR_VM_UUID_NOT_FOUND);
    CHECK(backup_tree(bob).find(uuid) == std::string::npos);
    // Nor does he name the daemon's paths.
    Handle placed;
    REQUIRE_PRL_OK(PrlSrv_CreateVm(bob, placed.out()));
    REQUIRE_PRL_OK(PrlVmCfg_SetName(placed, "placed"));
    CHECK(capi::wait_code(Handle(PrlVm_Reg(placed, daemon_home.path().c_str(), PRL_TRUE)), 30000) ==
          PRL_ERR_ACCESS_DENIED);

    // Bob's own VM is his, and Alice does not see it; Carol, an admin, sees both.
    Handle bobs = make_vm(bob, "bobs-vm");
    CHECK(owner_of(bobs) == "bob");
    CHECK(vm_count(bob) == 1);
    CHECK(vm_count(alice) == 1);
    CHECK(vm_count(carol) == 2);
    CHECK(backup_tree(carol).find(uuid) != std::string::npos);

    // Nor do its events reach him.
    VmEvents bobs_events, carols_events;
    bobs_events.uuid = carols_events.uuid = uuid;
    REQUIRE_PRL_OK(PrlSrv_RegEventHandler(bob, &VmEvents::on_event, &bobs_events));
    REQUIRE_PRL_OK(PrlSrv_RegEventHandler(carol, &VmEvents::on_event, &carols_events));
    REQUIRE_PRL_OK(capi::wait_code(Handle(PrlVm_Start(vm)), 30000));
    REQUIRE_PRL_OK(capi::wait_code(Handle(PrlVm_Stop(vm, PRL_FALSE)), 30000));
    REQUIRE(eventually([&] { return carols_events.seen.load() >= 2; }));  // an admin's session gets them
    CHECK(bobs_events.seen.load() == 0);

    // Shared for view and run: Bob sees it, starts and stops it, but may not
    // back it up, change it, or share it further.
    REQUIRE_PRL_OK(share(vm, PAO_VM_SHARED_ON_VIEW_AND_RUN));
    Handle seen = listed_vm(bob, uuid);
    REQUIRE(seen.get() != PRL_INVALID_HANDLE);
    CHECK(owner_of(seen) == "alice");
    REQUIRE_PRL_OK(capi::wait_code(Handle(PrlVm_Start(seen)), 30000));
    REQUIRE_PRL_OK(capi::wait_code(Handle(PrlVm_Stop(seen, PRL_FALSE)), 30000));
    CHECK(backup(bob, uuid) == PRL_ERR_ACCESS_DENIED);
    CHECK(share(seen, PAO_VM_SHARED_ON_FULL_ACCESS) == PRL_ERR_ACCESS_DENIED);
    CHECK(backup_tree(bob).find(uuid) != std::string::npos);
    const int before = bobs_events.seen.load();
    REQUIRE_PRL_OK(capi::wait_code(Handle(PrlVm_Start(vm)), 30000));
    REQUIRE_PRL_OK(capi::wait_code(Handle(PrlVm_Stop(vm, PRL_FALSE)), 30000));
    CHECK(eventually([&] { return bobs_events.seen.load() >= before + 2; }));  // now its events reach him
    REQUIRE_PRL_OK(PrlSrv_UnregEventHandler(bob, &VmEvents::on_event, &bobs_events));
    REQUIRE_PRL_OK(PrlSrv_UnregEventHandler(carol, &VmEvents::on_event, &carols_events));

    // Full access: Bob may back it up and restore it; it stays Alice's.
    REQUIRE_PRL_OK(share(vm, PAO_VM_SHARED_ON_FULL_ACCESS));
    CHECK(backup(bob, uuid) == PRL_ERR_SUCCESS);
    CHECK(restore(bob, uuid) == PRL_ERR_SUCCESS);
    CHECK(owner_of(listed_vm(bob, uuid)) == "alice");

#ifdef PRLSHIM_CLI_PATH
    // The prlshim command, logged in over TLS as Bob, sees what he sees.
    const std::string as_bob = "PRLSHIM_PASSWORD=\"bob's password\" " PRLSHIM_CLI_PATH " --host 127.0.0.1:" +
                               std::to_string(daemon.port()) + " --user bob list -a -j";
    const std::string listed = output_of(as_bob);
    CHECK(listed.find(uuid) != std::string::npos);  // shared with him
    CHECK(listed.find("bobs-vm") != std::string::npos);
#endif

    // Unshared again: gone for Bob.
    REQUIRE_PRL_OK(share(vm, PAO_VM_NOT_SHARED));
    CHECK(vm_count(bob) == 1);
    CHECK(backup(bob, uuid) == PRL_ERR_VM_UUID_NOT_FOUND);
}
