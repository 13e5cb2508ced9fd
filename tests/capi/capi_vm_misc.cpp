// PrlVm_ToString / FromString, PrlVm_GetQuestions, PrlVm_GetToolsState and
// PrlVmToolsInfo_*.
#include "session_fixture.h"

#include <string>

using capi::Handle;

namespace {

std::string to_string(PRL_HANDLE vm) {
    PRL_VOID_PTR text = nullptr;
    REQUIRE_PRL_OK(PrlVm_ToString(vm, &text));
    REQUIRE(text != nullptr);
    std::string s(static_cast<const char*>(text));
    REQUIRE_PRL_OK(PrlBuffer_Free(text));
    return s;
}

std::string name_of(PRL_HANDLE vm) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetName(vm, b, l); });
}

}  // namespace

TEST_CASE("PrlVm_ToString gives config.pvs text that PrlVm_FromString reads back", "[vm_misc]") {
    capi::NewVm v;
    REQUIRE_PRL_OK(PrlVmCfg_SetName(v.vm, "round-trip"));
    REQUIRE_PRL_OK(PrlVmCfg_SetCpuCount(v.vm, 3));
    REQUIRE_PRL_OK(PrlVmCfg_SetRamSize(v.vm, 1536));
    const std::string text = to_string(v.vm);
    CHECK(text.find("<VirtuozzoVirtualMachine") != std::string::npos);
    CHECK(text.find("round-trip") != std::string::npos);

    Handle other;
    REQUIRE_PRL_OK(PrlSrv_CreateVm(v.server, other.out()));
    REQUIRE_PRL_OK(PrlVm_FromString(other, text.c_str()));
    CHECK(name_of(other) == "round-trip");
    PRL_UINT32 cpus = 0, ram = 0;
    REQUIRE_PRL_OK(PrlVmCfg_GetCpuCount(other, &cpus));
    REQUIRE_PRL_OK(PrlVmCfg_GetRamSize(other, &ram));
    CHECK(cpus == 3);
    CHECK(ram == 1536);
    CHECK(to_string(other) == text);

    REQUIRE_PRL(PrlVm_FromString(other, "<not a config"), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVm_FromString(other, nullptr), PRL_ERR_INVALID_ARG);
    CHECK(name_of(other) == "round-trip");  // a refused text changes nothing
    REQUIRE_PRL(PrlVm_FromString(v.server, text.c_str()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVm_ToString(other, nullptr), PRL_ERR_INVALID_ARG);
    PRL_VOID_PTR p = nullptr;
    REQUIRE_PRL(PrlVm_ToString(capi::forged_handle(), &p), PRL_ERR_INVALID_ARG);
}

TEST_CASE("PrlVm_GetQuestions: none pending", "[vm_misc]") {
    capi::NewVm v;
    Handle list;
    REQUIRE_PRL_OK(PrlVm_GetQuestions(v.vm, list.out()));
    PRL_UINT32 n = 1;
    REQUIRE_PRL_OK(PrlHndlList_GetItemsCount(list, &n));
    CHECK(n == 0);
    REQUIRE_PRL(PrlVm_GetQuestions(v.vm, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVm_GetQuestions(v.server, list.out()), PRL_ERR_INVALID_ARG);
}

TEST_CASE("PrlVm_GetToolsState: not installed without a guest, a recorded agent version says possibly", "[vm_misc]") {
    capi::Session s;
    Handle vm;
    REQUIRE_PRL_OK(PrlSrv_CreateVm(s.server, vm.out()));
    REQUIRE_PRL_OK(PrlVmCfg_SetName(vm, "tools"));
    CHECK(capi::job_code(PrlVm_GetToolsState(vm)) == PRL_ERR_VM_UUID_NOT_FOUND);  // not registered yet
    REQUIRE_PRL_OK(capi::job_code(PrlVm_Reg(vm, "", PRL_TRUE)));
    Handle info = capi::job_param(PrlVm_GetToolsState(vm));
    PRL_VM_TOOLS_STATE st = PTS_INSTALLED;
    REQUIRE_PRL_OK(PrlVmToolsInfo_GetState(info, &st));
    CHECK(st == PTS_NOT_INSTALLED);
    CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmToolsInfo_GetVersion(info, b, l); }) == "");
    REQUIRE_PRL(PrlVmToolsInfo_GetState(info, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmToolsInfo_GetState(vm, &st), PRL_ERR_INVALID_ARG);

    // A configuration that records tools (as a bundle from a real host does).
    std::string text;
    {
        PRL_VOID_PTR p = nullptr;
        REQUIRE_PRL_OK(PrlVm_ToString(vm, &p));
        text = static_cast<const char*>(p);
        PrlBuffer_Free(p);
    }
    const auto at = text.find("</Settings>");
    REQUIRE(at != std::string::npos);
    text.insert(at, "<Tools><AgentVersion>7.0.1</AgentVersion></Tools>");
    REQUIRE_PRL_OK(PrlVm_FromString(vm, text.c_str()));
    Handle info2 = capi::job_param(PrlVm_GetToolsState(vm));
    REQUIRE_PRL_OK(PrlVmToolsInfo_GetState(info2, &st));
    CHECK(st == PTS_POSSIBLY_INSTALLED);
    CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmToolsInfo_GetVersion(info2, b, l); }) ==
          "7.0.1");
}

TEST_CASE("PrlSrv_GetDefaultVmConfig: the prlctl create --vmtype ct flow", "[vm_misc]") {
    capi::Session s;
    PRL_GET_VM_CONFIG_PARAM_DATA param{};
    param.nVmType = PVT_CT;
    param.sConfigSample = "";
    param.nOsVersion = 0;
    Handle ct = capi::job_param(PrlSrv_GetDefaultVmConfig(s.server, &param, 0));
    PRL_VM_TYPE type = PVT_VM;
    REQUIRE_PRL_OK(PrlVmCfg_GetVmType(ct, &type));
    CHECK(type == PVT_CT);
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlVmCfg_GetHardDisksCount(ct, &n));
    CHECK(n == 1);
    // venet0, as in every product container: routed, index 0xFFFFFFFF, no MAC.
    REQUIRE_PRL_OK(PrlVmCfg_GetNetAdaptersCount(ct, &n));
    REQUIRE(n == 1);
    auto check_venet = [](PRL_HANDLE cfg) {
        Handle venet;
        REQUIRE_PRL_OK(PrlVmCfg_GetNetAdapter(cfg, 0, venet.out()));
        PRL_UINT32 index = 0;
        REQUIRE_PRL_OK(PrlVmDev_GetIndex(venet, &index));
        CHECK(index == 0xFFFFFFFFu);
        PRL_VM_DEV_EMULATION_TYPE emulated = PDT_ANY_TYPE;
        REQUIRE_PRL_OK(PrlVmDev_GetEmulatedType(venet, &emulated));
        CHECK(emulated == static_cast<PRL_VM_DEV_EMULATION_TYPE>(PNA_ROUTED));
        CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDev_GetSysName(venet, b, l); }) ==
              "venet0");
        CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDevNet_GetMacAddress(venet, b, l); })
                  .empty());
    };
    check_venet(ct);
    REQUIRE_PRL_OK(PrlVmCfg_SetName(ct, "ct101"));
    REQUIRE_PRL_OK(capi::job_code(PrlVm_Reg(ct, "", PRL_TRUE)));
    Handle found = capi::job_param(PrlSrv_GetVmConfig(s.server, "ct101", PGVC_SEARCH_BY_NAME));
    REQUIRE_PRL_OK(PrlVmCfg_GetVmType(found, &type));
    CHECK(type == PVT_CT);
    check_venet(found);  // kept through config.pvs

    // prlctl create --vmtype ct --no-hdd removes the disk and registers the rest.
    Handle bare = capi::job_param(PrlSrv_GetDefaultVmConfig(s.server, &param, 0));
    Handle disk;
    REQUIRE_PRL_OK(PrlVmCfg_GetHardDisk(bare, 0, disk.out()));
    REQUIRE_PRL_OK(PrlVmDev_Remove(disk));
    REQUIRE_PRL_OK(PrlVmCfg_GetHardDisksCount(bare, &n));
    CHECK(n == 0);
    PRL_UINT32 devices = 0;
    REQUIRE_PRL_OK(PrlVmCfg_GetDevsCount(bare, &devices));
    CHECK(devices == 1);
    REQUIRE_PRL_OK(PrlVmCfg_SetName(bare, "ct102"));
    REQUIRE_PRL_OK(capi::job_code(PrlVm_RegEx(bare, "", PRNVM_PRESERVE_DISK)));

    param.nVmType = PVT_VM;
    param.sConfigSample = nullptr;
    param.nOsVersion = PVS_GUEST_VER_WIN_2019;
    Handle vm = capi::job_param(PrlSrv_GetDefaultVmConfig(s.server, &param, 0));
    PRL_UINT32 os = 0;
    REQUIRE_PRL_OK(PrlVmCfg_GetOsVersion(vm, &os));
    CHECK(os == PVS_GUEST_VER_WIN_2019);

    param.nVmType = static_cast<PRL_VM_TYPE>(7);
    CHECK(capi::job_code(PrlSrv_GetDefaultVmConfig(s.server, &param, 0)) == PRL_ERR_INVALID_ARG);
    param.nVmType = PVT_VM;
    param.nOsVersion = 0x4242;
    CHECK(capi::job_code(PrlSrv_GetDefaultVmConfig(s.server, &param, 0)) == PRL_ERR_INVALID_ARG);
    CHECK(capi::job_code(PrlSrv_GetDefaultVmConfig(s.server, nullptr, 0)) == PRL_ERR_INVALID_ARG);
    CHECK(capi::job_code(PrlSrv_GetDefaultVmConfig(capi::forged_handle(), &param, 0)) == PRL_ERR_INVALID_ARG);
}
