// A VM's validity, ids, run-time info and access rights (vm_cfg_state.cpp),
// on a VM made in the client and on one registered and read back by another
// session — the calls the real prlctl makes before every command.
#include "props_fixture.h"

#include <cstdio>
#include <string>
#include <unistd.h>
#include <pwd.h>

using capi::Handle;
using capi::NewVm;

namespace {

std::string text(PRL_RESULT (*getter)(PRL_HANDLE, PRL_STR, PRL_UINT32_PTR), PRL_HANDLE h) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return getter(h, b, l); });
}

std::string me() {
    struct passwd* pw = getpwuid(geteuid());
    return pw ? pw->pw_name : std::to_string(geteuid());
}

}  // namespace

TEST_CASE("vm state: validity, ids and location of a new VM", "[vmcfg][vmstate]") {
    NewVm t;
    PRL_RESULT valid = -1;
    REQUIRE_PRL_OK(PrlVmCfg_GetConfigValidity(t.vm, &valid));
    CHECK(valid == PRL_ERR_SUCCESS);
    REQUIRE_PRL(PrlVmCfg_GetConfigValidity(t.vm, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_GetConfigValidity(capi::forged_handle(), &valid), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_GetConfigValidity(t.server, &valid), PRL_ERR_INVALID_ARG);

    PRL_BOOL invalid = PRL_TRUE;
    REQUIRE_PRL_OK(PrlVmCfg_IsConfigInvalid(PRL_ERR_SUCCESS, &invalid));
    CHECK(invalid == PRL_FALSE);
    for (PRL_RESULT bad : {PRL_ERR_VM_CONFIG_DOESNT_EXIST, PRL_ERR_PARSE_VM_CONFIG, PRL_ERR_VM_CONFIG_INVALID_VM_UUID,
                           PRL_ERR_VM_CONFIG_INVALID_SERVER_UUID}) {
        REQUIRE_PRL_OK(PrlVmCfg_IsConfigInvalid(bad, &invalid));
        CHECK(invalid == PRL_TRUE);
    }
    REQUIRE_PRL_OK(PrlVmCfg_IsConfigInvalid(PRL_ERR_ACCESS_TO_VM_DENIED, &invalid));
    CHECK(invalid == PRL_FALSE);
    REQUIRE_PRL(PrlVmCfg_IsConfigInvalid(PRL_ERR_SUCCESS, nullptr), PRL_ERR_INVALID_ARG);

    // A VM's CT id is the product's number derived from its UUID.
    REQUIRE_PRL_OK(PrlVmCfg_SetUuid(t.vm, "{12345678-9abc-def0-1234-56789abcdef0}"));
    CHECK(text(PrlVmCfg_GetCtId, t.vm) == std::to_string(0x78563412u | (1u << 30)));
    REQUIRE_PRL_OK(PrlVmCfg_SetUuid(t.vm, "{f2345678-9abc-def0-1234-56789abcdef0}"));
    CHECK(text(PrlVmCfg_GetCtId, t.vm) == std::to_string((0x785634f2u & ~(1u << 31)) | (1u << 30)));
    // A container's is its UUID without braces.
    REQUIRE_PRL_OK(PrlVmCfg_SetVmType(t.vm, PVT_CT));
    CHECK(text(PrlVmCfg_GetCtId, t.vm) == "f2345678-9abc-def0-1234-56789abcdef0");
    PRL_UINT32 len = 0;
    REQUIRE_PRL(PrlVmCfg_GetCtId(t.vm, nullptr, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_GetCtId(capi::forged_handle(), nullptr, &len), PRL_ERR_INVALID_ARG);

    PRL_UINT32 env = 7;
    REQUIRE_PRL_OK(PrlVmCfg_GetEnvId(t.vm, &env));
    CHECK(env == 0);
    REQUIRE_PRL(PrlVmCfg_GetEnvId(t.vm, nullptr), PRL_ERR_INVALID_ARG);

    PRL_VM_LOCATION where = PVL_LOCAL_FS;
    REQUIRE_PRL_OK(PrlVmCfg_GetLocation(t.vm, &where));
    CHECK(where == PVL_UNKNOWN);  // not stored anywhere yet
    CHECK(text(PrlVmCfg_GetServerUuid, t.vm).empty());
    CHECK(text(PrlVmCfg_GetLastModifiedDate, t.vm) == "1752-01-01 00:00:00");
    CHECK(text(PrlVmCfg_GetUptimeStartDate, t.vm).size() == 19);

    // No VM info before the service has the VM.
    Handle info;
    REQUIRE_PRL(PrlVmCfg_GetVmInfo(t.vm, info.out()), PRL_ERR_NO_DATA);
    REQUIRE_PRL(PrlVmCfg_GetVmInfo(t.vm, nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("vm state: a registered VM's info, location and access rights", "[vmcfg][vmstate]") {
    capi::PropsFixture f;
    Handle draft = f.make("vm");
    Handle vm = f.persist_and_reload(draft);

    PRL_RESULT valid = -1;
    REQUIRE_PRL_OK(PrlVmCfg_GetConfigValidity(vm, &valid));
    CHECK(valid == PRL_ERR_SUCCESS);
    PRL_VM_LOCATION where = PVL_UNKNOWN;
    REQUIRE_PRL_OK(PrlVmCfg_GetLocation(vm, &where));
    CHECK(where == PVL_LOCAL_FS);
    CHECK(text(PrlVmCfg_GetServerUuid, vm).size() == 38);
    CHECK(!text(PrlVmCfg_GetCtId, vm).empty());

    Handle info;
    REQUIRE_PRL_OK(PrlVmCfg_GetVmInfo(vm, info.out()));
    PRL_HANDLE_TYPE type = PHT_ERROR;
    REQUIRE_PRL_OK(PrlHandle_GetType(info, &type));
    CHECK(type == PHT_VM_INFO);
    VIRTUAL_MACHINE_STATE state = VMS_UNKNOWN;
    REQUIRE_PRL_OK(PrlVmInfo_GetState(info, &state));
    CHECK(state == VMS_STOPPED);
    PRL_BOOL flag = PRL_TRUE;
    PRL_RESULT reason = -1;
    REQUIRE_PRL_OK(PrlVmInfo_IsInvalidEx(info, &flag, &reason));
    CHECK(flag == PRL_FALSE);
    CHECK(reason == PRL_ERR_SUCCESS);
    REQUIRE_PRL(PrlVmInfo_IsInvalidEx(info, &flag, nullptr), PRL_ERR_INVALID_ARG);
    flag = PRL_TRUE;
    REQUIRE_PRL_OK(PrlVmInfo_IsVncServerStarted(info, &flag));
    CHECK(flag == PRL_FALSE);
    VIRTUAL_MACHINE_ADDITION_STATE addition = VMAS_BACKUPING;
    REQUIRE_PRL_OK(PrlVmInfo_GetAdditionState(info, &addition));
    CHECK(addition == VMAS_NOSTATE);
    REQUIRE_PRL(PrlVmInfo_GetAdditionState(vm, &addition), PRL_ERR_INVALID_ARG);  // wrong handle type

    // The state follows the service: started, the next info says so.
    {
        Handle job(PrlVm_StartEx(vm, PSM_VM_START, 0));
        REQUIRE_PRL_OK(PrlJob_Wait(job, 60000));
        PRL_RESULT rc = -1;
        REQUIRE_PRL_OK(PrlJob_GetRetCode(job, &rc));
        REQUIRE_PRL_OK(rc);
        Handle again;
        REQUIRE_PRL_OK(PrlVmCfg_GetVmInfo(vm, again.out()));
        REQUIRE_PRL_OK(PrlVmInfo_GetState(again, &state));
        CHECK(state == VMS_RUNNING);
    }

    // Access rights: the user the service runs as owns the VM and may do everything.
    for (int from_info = 0; from_info < 2; ++from_info) {
        Handle acl;
        if (from_info)
            REQUIRE_PRL_OK(PrlVmInfo_GetAccessRights(info, acl.out()));
        else
            REQUIRE_PRL_OK(PrlVmCfg_GetAccessRights(vm, acl.out()));
        REQUIRE_PRL_OK(PrlHandle_GetType(acl, &type));
        CHECK(type == PHT_ACCESS_RIGHTS);
        CHECK(text(PrlAcl_GetOwnerName, acl) == me());
        REQUIRE_PRL_OK(PrlAcl_IsCurrentSessionOwner(acl, &flag));
        CHECK(flag == PRL_TRUE);
        for (PRL_ALLOWED_VM_COMMAND c : {PAR_VM_START_ACCESS, PAR_VM_DELETE_ACCESS, PAR_VM_CREATE_BACKUP_ACCESS}) {
            flag = PRL_FALSE;
            REQUIRE_PRL_OK(PrlAcl_IsAllowed(acl, c, &flag));
            CHECK(flag == PRL_TRUE);
        }
        REQUIRE_PRL_OK(PrlAcl_IsAllowed(acl, PRL_ALLOWED_VM_COMMAND(9999), &flag));
        CHECK(flag == PRL_FALSE);
        PRL_VM_ACCESS_FOR_OTHERS others = PAO_VM_SHARED_ON_FULL_ACCESS;
        REQUIRE_PRL_OK(PrlAcl_GetAccessForOthers(acl, &others));
        CHECK(others == PAO_VM_NOT_SHARED);
        REQUIRE_PRL_OK(PrlAcl_SetAccessForOthers(acl, PAO_VM_SHARED_ON_VIEW));
        REQUIRE_PRL_OK(PrlAcl_GetAccessForOthers(acl, &others));
        CHECK(others == PAO_VM_SHARED_ON_VIEW);
        REQUIRE_PRL(PrlAcl_SetAccessForOthers(acl, PRL_VM_ACCESS_FOR_OTHERS(17)), PRL_ERR_INVALID_ARG);
        PRL_UINT32 len = 0;
        REQUIRE_PRL(PrlAcl_GetOwnerName(acl, nullptr, nullptr), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlAcl_GetOwnerName(vm, nullptr, &len), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlAcl_IsAllowed(acl, PAR_VM_START_ACCESS, nullptr), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlAcl_IsCurrentSessionOwner(capi::forged_handle(), &flag), PRL_ERR_INVALID_ARG);
    }
}

TEST_CASE("PrlVm_UpdateSecurity: the owner's sharing is written to the stored configuration", "[vmcfg][vmstate]") {
    capi::PropsFixture f;
    Handle vm = f.persist_and_reload(f.make("vm"));
    Handle acl;
    REQUIRE_PRL_OK(PrlVmCfg_GetAccessRights(vm, acl.out()));
    REQUIRE_PRL_OK(PrlAcl_SetAccessForOthers(acl, PAO_VM_SHARED_ON_VIEW_AND_RUN));
    REQUIRE_PRL_OK(capi::wait_code(Handle(PrlVm_UpdateSecurity(vm, acl)), 30000));

    // This handle and another session's read of the stored VM both say so.
    Handle other;
    REQUIRE_PRL_OK(PrlSrv_Create(other.out()));
    REQUIRE_PRL_OK(capi::wait_code(Handle(PrlSrv_LoginLocal(other, nullptr, 0, PSL_HIGH_SECURITY)), 30000));
    const std::string uuid = text(PrlVmCfg_GetUuid, vm);
    Handle read(PrlSrv_GetVmConfig(other, uuid.c_str(), 0));
    REQUIRE_PRL_OK(capi::wait_code(read, 30000));
    Handle read_result, stored;
    REQUIRE_PRL_OK(PrlJob_GetResult(read, read_result.out()));
    REQUIRE_PRL_OK(PrlResult_GetParam(read_result, stored.out()));
    for (PRL_HANDLE h : {vm.get(), stored.get()}) {
        Handle now;
        REQUIRE_PRL_OK(PrlVmCfg_GetAccessRights(h, now.out()));
        PRL_VM_ACCESS_FOR_OTHERS others = PAO_VM_NOT_SHARED;
        REQUIRE_PRL_OK(PrlAcl_GetAccessForOthers(now, &others));
        CHECK(others == PAO_VM_SHARED_ON_VIEW_AND_RUN);
        CHECK(text(PrlAcl_GetOwnerName, now) == me());
    }

    CHECK(capi::wait_code(Handle(PrlVm_UpdateSecurity(vm, vm)), 30000) == PRL_ERR_INVALID_ARG);
    CHECK(capi::wait_code(Handle(PrlVm_UpdateSecurity(acl, acl)), 30000) == PRL_ERR_INVALID_ARG);
    CHECK(capi::wait_code(Handle(PrlVm_UpdateSecurity(vm, PRL_INVALID_HANDLE)), 30000) == PRL_ERR_INVALID_ARG);
}
