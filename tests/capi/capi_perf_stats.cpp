// Performance counters (PrlSrv_/PrlVm_ SubscribeToPerfStats,
// UnsubscribeFromPerfStats, GetPerfStats) and PrlVm_DropSuspendedState: the
// calls libvirt's vz driver makes on every VM it loads and on managed-save
// removal.
#include "capi.h"
#include "session_fixture.h"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

using capi::Handle;
using capi::job_code;
using capi::job_param;

namespace {

// A registered VM of the session.
Handle registered_vm(const capi::Session& s, const char* name) {
    Handle vm;
    REQUIRE_PRL_OK(PrlSrv_CreateVm(s.server, vm.out()));
    REQUIRE_PRL_OK(PrlVmCfg_SetName(vm, name));
    REQUIRE(job_code(PrlVm_Reg(vm, "", PRL_TRUE)) == PRL_ERR_SUCCESS);
    return vm;
}

std::string vm_uuid(PRL_HANDLE vm) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetUuid(vm, b, l); });
}

struct EventFacts {
    PRL_EVENT_TYPE type = PET_DSP_EVT_ERROR_MESSAGE;
    PRL_EVENT_ISSUER_TYPE issuer_type = PIE_UNKNOWN;
    std::string issuer;
    PRL_UINT32 params = 99;
};

EventFacts facts(PRL_HANDLE event) {
    PRL_HANDLE_TYPE t;
    REQUIRE_PRL_OK(PrlHandle_GetType(event, &t));
    REQUIRE(t == PHT_EVENT);
    EventFacts f;
    REQUIRE_PRL_OK(PrlEvent_GetType(event, &f.type));
    REQUIRE_PRL_OK(PrlEvent_GetIssuerType(event, &f.issuer_type));
    f.issuer = capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlEvent_GetIssuerId(event, b, l); });
    REQUIRE_PRL_OK(PrlEvent_GetParamsCount(event, &f.params));
    return f;
}

// Counts the VM state-change events a server's handlers receive.
struct StateChanges {
    std::atomic<int> seen{0};
    PRL_HANDLE server;
    explicit StateChanges(PRL_HANDLE s) : server(s) { REQUIRE_PRL_OK(PrlSrv_RegEventHandler(s, &handler, this)); }
    ~StateChanges() { PrlSrv_UnregEventHandler(server, &handler, this); }
    static PRL_RESULT handler(PRL_HANDLE h, void* self) {
        PRL_EVENT_TYPE e;
        if (PRL_SUCCEEDED(PrlEvent_GetType(h, &e)) && e == PET_DSP_EVT_VM_STATE_CHANGED)
            ++static_cast<StateChanges*>(self)->seen;
        PrlHandle_Free(h);
        return PRL_ERR_SUCCESS;
    }
    bool wait_for(int want) {  // events reach handlers asynchronously
        for (int i = 0; i < 400 && seen < want; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return seen == want;
    }
};

}  // namespace

TEST_CASE("perf stats: a VM's subscription is accepted and its counters are the product's event", "[perfstats]") {
    capi::Session s;
    Handle vm = registered_vm(s, "perf-vm");
    // NULL is the empty filter (libvirt passes NULL); any filter text is a filter.
    REQUIRE(job_code(PrlVm_SubscribeToPerfStats(vm, nullptr)) == PRL_ERR_SUCCESS);
    REQUIRE(job_code(PrlVm_SubscribeToPerfStats(vm, "devices.hdd#.*")) == PRL_ERR_SUCCESS);
    // No hypervisor measures a guest here: the event carries no counter.
    for (const char* filter : {static_cast<const char*>(nullptr), "", "*"}) {
        Handle event = job_param(PrlVm_GetPerfStats(vm, filter));
        const EventFacts f = facts(event);
        CHECK(f.type == PET_DSP_EVT_VM_PERFSTATS);
        CHECK(f.issuer_type == PIE_VIRTUAL_MACHINE);
        CHECK(f.issuer == vm_uuid(vm));
        CHECK(f.params == 0);
    }
    REQUIRE(job_code(PrlVm_UnsubscribeFromPerfStats(vm)) == PRL_ERR_SUCCESS);
    REQUIRE(job_code(PrlVm_UnsubscribeFromPerfStats(vm)) == PRL_ERR_SUCCESS);  // idempotent, as the product

    // A VM that is not registered has no counters to subscribe to.
    Handle stray;
    REQUIRE_PRL_OK(PrlSrv_CreateVm(s.server, stray.out()));
    CHECK(job_code(PrlVm_SubscribeToPerfStats(stray, nullptr)) == PRL_ERR_VM_UUID_NOT_FOUND);
    CHECK(job_code(PrlVm_GetPerfStats(stray, nullptr)) == PRL_ERR_VM_UUID_NOT_FOUND);
    // Bad handles.
    CHECK(job_code(PrlVm_SubscribeToPerfStats(s.server, nullptr)) == PRL_ERR_INVALID_ARG);
    CHECK(job_code(PrlVm_GetPerfStats(capi::forged_handle(), nullptr)) == PRL_ERR_INVALID_ARG);
    CHECK(job_code(PrlVm_UnsubscribeFromPerfStats(PRL_INVALID_HANDLE)) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("perf stats: the server's event is the product's, with no counters", "[perfstats]") {
    capi::Session s;
    REQUIRE(job_code(PrlSrv_SubscribeToPerfStats(s.server, nullptr)) == PRL_ERR_SUCCESS);
    Handle event = job_param(PrlSrv_GetPerfStats(s.server, ""));
    const EventFacts f = facts(event);
    CHECK(f.type == PET_DSP_EVT_PERFSTATS);
    CHECK(f.issuer_type == PIE_DISPATCHER);
    Handle info;
    REQUIRE_PRL_OK(PrlSrv_GetServerInfo(s.server, info.out()));
    CHECK(f.issuer == capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlSrvInfo_GetServerUuid(info, b, l); }));
    CHECK(f.params == 0);
    REQUIRE(job_code(PrlSrv_UnsubscribeFromPerfStats(s.server)) == PRL_ERR_SUCCESS);

    // Without a login: the product's "not connected".
    Handle offline;
    REQUIRE_PRL_OK(PrlSrv_Create(offline.out()));
    CHECK(job_code(PrlSrv_GetPerfStats(offline, nullptr)) != PRL_ERR_SUCCESS);
    CHECK(job_code(PrlSrv_SubscribeToPerfStats(offline, nullptr)) != PRL_ERR_SUCCESS);
    CHECK(job_code(PrlSrv_SubscribeToPerfStats(capi::forged_handle(), nullptr)) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("PrlVm_DropSuspendedState: a suspended VM is stopped, any other state refuses", "[perfstats][power]") {
    capi::Session s;
    Handle vm = registered_vm(s, "drop-vm");
    // Stopped: nothing to drop.
    CHECK(job_code(PrlVm_DropSuspendedState(vm)) == PRL_ERR_DISP_VM_COMMAND_CANT_BE_EXECUTED);
    REQUIRE(job_code(PrlVm_Start(vm)) == PRL_ERR_SUCCESS);
    CHECK(job_code(PrlVm_DropSuspendedState(vm)) == PRL_ERR_DISP_VM_COMMAND_CANT_BE_EXECUTED);
    REQUIRE(job_code(PrlVm_Suspend(vm)) == PRL_ERR_SUCCESS);

    StateChanges events(s.server);
    REQUIRE(job_code(PrlVm_DropSuspendedState(vm)) == PRL_ERR_SUCCESS);
    Handle info = job_param(PrlVm_GetState(vm));
    VIRTUAL_MACHINE_STATE state = VMS_UNKNOWN;
    REQUIRE_PRL_OK(PrlVmInfo_GetState(info, &state));
    CHECK(state == VMS_STOPPED);
    // The state change reaches event handlers, as every power change does.
    CHECK(events.wait_for(1));
    CHECK(job_code(PrlVm_DropSuspendedState(capi::forged_handle())) == PRL_ERR_INVALID_ARG);
}
