// Functions that need a running guest (status `guest`, lib/abi/guest.cpp):
// they answer as the product does for a VM whose guest cannot serve them.
#include "props_fixture.h"

using capi::Handle;

namespace {

PRL_RESULT job_code(PRL_HANDLE job_handle) {
    Handle job(job_handle);
    REQUIRE(job.get() != PRL_INVALID_HANDLE);
    REQUIRE(PrlJob_Wait(job, 60000) != PRL_ERR_TIMEOUT);  // the job's code comes from GetRetCode
    PRL_RESULT rc = PRL_ERR_SUCCESS;
    REQUIRE_PRL_OK(PrlJob_GetRetCode(job, &rc));
    return rc;
}

}  // namespace

TEST_CASE("guest functions: not started, then no guest tools, and bad handles refused", "[guest]") {
    capi::PropsFixture f;
    Handle vm = f.make("vm");
    Handle nic;
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_GENERIC_NETWORK_ADAPTER, nic.out()));
    Handle same = f.persist_and_reload(vm);  // registered

    CHECK(job_code(PrlVm_LoginInGuest(same, "root", "secret", 0)) == PRL_ERR_DISP_VM_IS_NOT_STARTED);
    CHECK(PrlVm_SendToolsGeneralCommand(same, 0, nullptr, 0) == PRL_ERR_DISP_VM_IS_NOT_STARTED);
    CHECK(job_code(PrlVm_InstallTools(same)) == PRL_ERR_DISP_VM_IS_NOT_STARTED);

    // A device's hot-plug needs the hypervisor too: asked of the device's VM.
    Handle dev;
    REQUIRE_PRL_OK(PrlVmCfg_GetDevByType(same, PDE_GENERIC_NETWORK_ADAPTER, 0, dev.out()));
    CHECK(job_code(PrlVmDev_Connect(dev)) == PRL_ERR_DISP_VM_IS_NOT_STARTED);

    REQUIRE_PRL_OK(job_code(PrlVm_Start(same)));
    CHECK(job_code(PrlVmDev_Disconnect(dev)) == PRL_ERR_GUEST_TOOLS_NOT_INSTALLED);
    CHECK(job_code(PrlVm_LoginInGuest(same, "root", "secret", 0)) == PRL_ERR_GUEST_TOOLS_NOT_INSTALLED);
    CHECK(job_code(PrlVm_CaptureScreen(same, 0, 0, 0)) == PRL_ERR_GUEST_TOOLS_NOT_INSTALLED);
    CHECK(PrlVm_SSOSendEventLockState(same, PRL_TRUE) == PRL_ERR_GUEST_TOOLS_NOT_INSTALLED);
    REQUIRE_PRL_OK(job_code(PrlVm_Stop(same, PRL_FALSE)));

    // A guest session handle can never exist; any other handle is refused.
    CHECK(job_code(PrlVmGuest_Logout(f.wrong_type(), 0)) == PRL_ERR_INVALID_ARG);
    CHECK(job_code(PrlVm_LoginInGuest(capi::forged_handle(), "u", "p", 0)) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVm_Disconnect(f.wrong_type()) == PRL_ERR_INVALID_ARG);
}
