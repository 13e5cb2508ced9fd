// PrlVm_*: per-VM events, edit conflicts, registration of existing bundles, argument errors.
#include "capi.h"

#include "test_home.h"

#include <atomic>
#include <chrono>
#include <thread>

using capi::Handle;

namespace {

using capi::run;

Handle login() {
    Handle server;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    run(PrlSrv_LoginLocal(server, nullptr, 0, PSL_HIGH_SECURITY));
    return server;
}

Handle make_vm(PRL_HANDLE server, const char* name) {
    Handle vm;
    REQUIRE_PRL_OK(PrlSrv_CreateVm(server, vm.out()));
    REQUIRE_PRL_OK(PrlVmCfg_SetName(vm, name));
    run(PrlVm_Reg(vm, "", PRL_TRUE));
    return vm;
}

std::string uuid_of(PRL_HANDLE vm) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetUuid(vm, b, l); });
}

struct Counter {
    std::atomic<int> events{0};
    static PRL_RESULT handler(PRL_HANDLE h, void* self) {
        PRL_HANDLE_TYPE t;
        if (PRL_SUCCEEDED(PrlHandle_GetType(h, &t)) && t == PHT_EVENT) ++static_cast<Counter*>(self)->events;
        PrlHandle_Free(h);
        return PRL_ERR_SUCCESS;
    }
};

}  // namespace

TEST_CASE("a VM's handlers receive only that VM's events", "[vm]") {
    prl::test::TestHome home;
    capi::Api api;
    Handle server = login();
    Handle vm1 = make_vm(server, "one"), vm2 = make_vm(server, "two");
    Counter c1;
    REQUIRE_PRL_OK(PrlVm_RegEventHandler(vm1, &Counter::handler, &c1));
    run(PrlVm_Start(vm2));
    run(PrlVm_Stop(vm2, PRL_FALSE));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    REQUIRE(c1.events == 0);
    run(PrlVm_Start(vm1));
    for (int i = 0; i < 200 && c1.events < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE(c1.events == 2);  // STARTING, RUNNING
    REQUIRE_PRL_OK(PrlVm_UnregEventHandler(vm1, &Counter::handler, &c1));
    REQUIRE_PRL_OK(PrlVm_UnregEventHandler(vm1, &Counter::handler, &c1));  // not registered: no error, as the original
    REQUIRE_PRL(PrlVm_RegEventHandler(server, &Counter::handler, &c1), PRL_ERR_INVALID_ARG);  // not a VM
}

TEST_CASE("a commit based on an older configuration is refused", "[vm]") {
    prl::test::TestHome home;
    capi::Api api;
    Handle a = login(), b = login();  // two sessions, each with its own copy
    Handle vm_a = make_vm(a, "shared");
    Handle found = run(PrlSrv_GetVmConfig(b, uuid_of(vm_a).c_str(), PGVC_SEARCH_BY_UUID));
    Handle vm_b;
    REQUIRE_PRL_OK(PrlResult_GetParam(found, vm_b.out()));
    run(PrlVm_BeginEdit(vm_a));
    run(PrlVm_BeginEdit(vm_b));
    REQUIRE_PRL_OK(PrlVmCfg_SetDescription(vm_a, "from a"));
    run(PrlVm_Commit(vm_a));
    REQUIRE_PRL_OK(PrlVmCfg_SetDescription(vm_b, "from b"));
    run(PrlVm_Commit(vm_b), PRL_ERR_VM_CONFIG_WAS_CHANGED);
    run(PrlVm_RefreshConfig(vm_b));  // b catches up, then its edit goes through
    REQUIRE(capi::get_string([&](PRL_STR s, PRL_UINT32_PTR l) { return PrlVmCfg_GetDescription(vm_b, s, l); }) == "from a");
    REQUIRE_PRL_OK(PrlVmCfg_SetDescription(vm_b, "from b"));
    run(PrlVm_Commit(vm_b));
}

TEST_CASE("an unregistered bundle registers again, with its UUID or a new one", "[vm]") {
    prl::test::TestHome home;
    capi::Api api;
    Handle server = login();
    Handle vm = make_vm(server, "again");
    const std::string uuid = uuid_of(vm);
    const std::string config = capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetHomePath(vm, b, l); });
    const std::string bundle = config.substr(0, config.rfind('/'));
    run(PrlVm_Unreg(vm));
    run(PrlVm_Start(vm), PRL_ERR_VM_UUID_NOT_FOUND);  // no longer registered
    Handle result = run(PrlSrv_RegisterVm(server, bundle.c_str(), PRL_TRUE));
    Handle back;
    REQUIRE_PRL_OK(PrlResult_GetParam(result, back.out()));
    REQUIRE(uuid_of(back) == uuid);
    run(PrlSrv_RegisterVm(server, bundle.c_str(), PRL_TRUE), PRL_ERR_VM_ALREADY_REGISTERED_VM_UUID);
    run(PrlVm_Unreg(back));
    Handle renewed = run(PrlSrv_RegisterVmEx(server, bundle.c_str(), PRVF_REGENERATE_VM_UUID));
    Handle fresh;
    REQUIRE_PRL_OK(PrlResult_GetParam(renewed, fresh.out()));
    REQUIRE(uuid_of(fresh) != uuid);
    run(PrlSrv_RegisterVm(server, "/nonexistent/bundle.pvm", PRL_TRUE), PRL_ERR_VM_CONFIG_DOESNT_EXIST);
    run(PrlSrv_RegisterVm(server, "relative/path", PRL_TRUE), PRL_ERR_INVALID_ARG);
}

TEST_CASE("VM calls refuse bad handles, unregistered VMs and name clashes", "[vm]") {
    prl::test::TestHome home;
    capi::Api api;
    Handle server = login();
    Handle list;
    REQUIRE_PRL_OK(PrlApi_CreateStringsList(list.out()));
    for (PRL_HANDLE bad : {PRL_HANDLE(PRL_INVALID_HANDLE), capi::forged_handle(), list.get(), server.get()}) {
        run(PrlVm_Start(bad), PRL_ERR_INVALID_ARG);
        run(PrlVm_Commit(bad), PRL_ERR_INVALID_ARG);
        run(PrlVm_Reg(bad, "", PRL_TRUE), PRL_ERR_INVALID_ARG);
        run(PrlVm_Delete(bad, PRL_INVALID_HANDLE), PRL_ERR_INVALID_ARG);
        run(PrlVm_GetState(bad), PRL_ERR_INVALID_ARG);
        Handle cfg;
        REQUIRE_PRL(PrlVm_GetConfig(bad, cfg.out()), PRL_ERR_INVALID_ARG);
    }
    Handle draft;
    REQUIRE_PRL_OK(PrlSrv_CreateVm(server, draft.out()));
    run(PrlVm_Start(draft), PRL_ERR_VM_UUID_NOT_FOUND);  // never registered
    run(PrlVm_Reg(draft, "", PRL_TRUE), PRL_ERR_INVALID_ARG);  // no name
    Handle first = make_vm(server, "taken");
    REQUIRE_PRL_OK(PrlVmCfg_SetName(draft, "taken"));
    run(PrlVm_Reg(draft, "", PRL_TRUE), PRL_ERR_VM_ALREADY_REGISTERED_VM_NAME);
    REQUIRE_PRL_OK(PrlVmCfg_SetName(draft, "elsewhere"));
    run(PrlVm_Reg(draft, "relative/parent", PRL_TRUE), PRL_ERR_INVALID_ARG);
    Handle state = run(PrlVm_GetState(first));
    Handle info;
    REQUIRE_PRL_OK(PrlResult_GetParam(state, info.out()));
    VIRTUAL_MACHINE_STATE s;
    REQUIRE_PRL_OK(PrlVmInfo_GetState(info, &s));
    REQUIRE(s == VMS_STOPPED);
    REQUIRE_PRL(PrlVmInfo_GetState(info, nullptr), PRL_ERR_INVALID_ARG);
}
