// PrlVm_ValidateConfig: the product's section checks on the local copy.
#include "devices_fixture.h"

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

using capi::Handle;

namespace {

struct Outcome {
    PRL_RESULT code = PRL_ERR_UNEXPECTED;
    std::vector<PRL_RESULT> problems;
    std::vector<std::string> first_params;  // of the first problem
};

Outcome validate(PRL_HANDLE vm, PRL_VM_CONFIG_SECTIONS section) {
    Handle job(PrlVm_ValidateConfig(vm, section));
    REQUIRE(job.get() != PRL_INVALID_HANDLE);
    REQUIRE_PRL_OK(PrlJob_Wait(job, 60000));
    Outcome o;
    REQUIRE_PRL_OK(PrlJob_GetRetCode(job, &o.code));
    Handle result;
    REQUIRE_PRL_OK(PrlJob_GetResult(job, result.out()));
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlResult_GetParamsCount(result, &n));
    for (PRL_UINT32 i = 0; i < n; ++i) {
        Handle ev;
        REQUIRE_PRL_OK(PrlResult_GetParamByIndex(result, i, ev.out()));
        PRL_HANDLE_TYPE type = PHT_ERROR;
        REQUIRE_PRL_OK(PrlHandle_GetType(ev, &type));
        REQUIRE(type == PHT_EVENT);
        PRL_EVENT_TYPE et = PET_DSP_EVT_VM_STARTED;
        REQUIRE_PRL_OK(PrlEvent_GetType(ev, &et));
        CHECK(et == PET_DSP_EVT_ERROR_MESSAGE);
        PRL_RESULT rc = PRL_ERR_SUCCESS;
        REQUIRE_PRL_OK(PrlEvent_GetErrCode(ev, &rc));
        o.problems.push_back(rc);
        // prlctl prints the brief and the long text of each.
        char buf[4096];
        PRL_UINT32 len = sizeof buf;
        REQUIRE_PRL_OK(PrlEvent_GetErrString(ev, PRL_TRUE, PRL_FALSE, buf, &len));
        CHECK(len > 1);
        if (i == 0) {
            PRL_UINT32 count = 0;
            REQUIRE_PRL_OK(PrlEvent_GetParamsCount(ev, &count));
            for (PRL_UINT32 k = 0; k < count; ++k) {
                Handle p;
                REQUIRE_PRL_OK(PrlEvent_GetParam(ev, k, p.out()));
                const std::string name = capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlEvtPrm_GetName(p, b, l); });
                if (name.rfind("vm_message_param_", 0) == 0)
                    o.first_params.push_back(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlEvtPrm_ToString(p, b, l); }));
            }
        }
    }
    return o;
}

std::string home_dir(PRL_HANDLE vm) {
    std::string home = capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetHomePath(vm, b, l); });
    const auto slash = home.rfind('/');
    if (home.size() > 10 && home.compare(home.size() - 10, 10, "config.pvs") == 0) home.resize(slash);
    return home;
}

}  // namespace

TEST_CASE("PrlVm_ValidateConfig: a default VM is valid, bad values give the product's codes as events", "[vm_validate]") {
    capi::DevSession s;
    Handle vm = s.new_vm("validate-me");
    s.reg(vm);
    for (auto section : {PVC_ALL, PVC_GENERAL_PARAMETERS, PVC_CPU, PVC_MAIN_MEMORY, PVC_VIDEO_MEMORY, PVC_HARD_DISK,
                         PVC_NETWORK_ADAPTER, PVC_CD_DVD_ROM, PVC_SOUND, PVC_VALIDATE_CHANGES_ONLY}) {
        const Outcome o = validate(vm, section);
        CHECK(o.code == PRL_ERR_SUCCESS);
        CHECK(o.problems.empty());
    }

    // Memory not a multiple of 4 MiB: only the memory section (and ALL) sees it.
    REQUIRE_PRL_OK(PrlVmCfg_SetRamSize(vm, 1026));
    Outcome o = validate(vm, PVC_MAIN_MEMORY);
    CHECK(o.code == PRL_ERR_VMCONF_VALIDATION_FAILED);
    REQUIRE(o.problems == std::vector<PRL_RESULT>{PRL_ERR_VMCONF_MAIN_MEMORY_NOT_4_RATIO_SIZE});
    CHECK(validate(vm, PVC_ALL).problems == std::vector<PRL_RESULT>{PRL_ERR_VMCONF_MAIN_MEMORY_NOT_4_RATIO_SIZE});
    CHECK(validate(vm, PVC_CPU).code == PRL_ERR_SUCCESS);
    // Changes only: the stored configuration is fine, so the edit is reported.
    CHECK(validate(vm, PVC_VALIDATE_CHANGES_ONLY).problems ==
          std::vector<PRL_RESULT>{PRL_ERR_VMCONF_MAIN_MEMORY_NOT_4_RATIO_SIZE});
    REQUIRE_PRL_OK(PrlVmCfg_SetRamSize(vm, 2));
    o = validate(vm, PVC_MAIN_MEMORY);
    REQUIRE(o.problems == std::vector<PRL_RESULT>{PRL_ERR_VMCONF_MAIN_MEMORY_OUT_OF_RANGE});
    REQUIRE(o.first_params.size() == 2);
    CHECK(o.first_params[0] == "4");
    REQUIRE_PRL_OK(PrlVmCfg_SetRamSize(vm, 1024));

    // A hard disk whose image is not there, then is.
    const std::string image = home_dir(vm) + "/extra.hdd";
    Handle hdd;
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_HARD_DISK, hdd.out()));
    REQUIRE_PRL_OK(PrlVmDev_SetEmulatedType(hdd, PDT_USE_IMAGE_FILE));
    REQUIRE_PRL_OK(PrlVmDev_SetSysName(hdd, image.c_str()));
    REQUIRE_PRL_OK(PrlVmDev_SetImagePath(hdd, image.c_str()));
    REQUIRE_PRL_OK(PrlVmDev_SetStackIndex(hdd, 7));
    o = validate(vm, PVC_HARD_DISK);
    CHECK(o.code == PRL_ERR_VMCONF_VALIDATION_FAILED);
    REQUIRE(o.problems == std::vector<PRL_RESULT>{PRL_ERR_VMCONF_HARD_DISK_IMAGE_IS_NOT_EXIST});
    REQUIRE(!o.first_params.empty());
    CHECK(o.first_params[0] == image);
    { std::ofstream(image) << "x"; }
    CHECK(validate(vm, PVC_HARD_DISK).code == PRL_ERR_SUCCESS);
    std::remove(image.c_str());
    // The CPU section does not look at disks.
    CHECK(validate(vm, PVC_CPU).code == PRL_ERR_SUCCESS);
}

TEST_CASE("PrlVm_ValidateConfig: CPU count beyond the host, duplicate MACs, names", "[vm_validate]") {
    capi::DevSession s;
    Handle vm = s.new_vm("cpu-check");
    REQUIRE_PRL_OK(PrlVmCfg_SetCpuCount(vm, 4096));
    Outcome o = validate(vm, PVC_CPU);
    CHECK(o.code == PRL_ERR_VMCONF_VALIDATION_FAILED);
    CHECK(o.problems == std::vector<PRL_RESULT>{PRL_ERR_VMCONF_CPU_COUNT_MORE_MAX_CPU_COUNT,
                                                PRL_ERR_VMCONF_CPU_COUNT_MORE_HOST_CPU_COUNT});
    REQUIRE_PRL_OK(PrlVmCfg_SetCpuCount(vm, 1));
    CHECK(validate(vm, PVC_CPU).code == PRL_ERR_SUCCESS);
    // Not registered: nothing to compare with, so no change is reported.
    REQUIRE_PRL_OK(PrlVmCfg_SetRamSize(vm, 1026));
    CHECK(validate(vm, PVC_VALIDATE_CHANGES_ONLY).code == PRL_ERR_SUCCESS);

    Handle n1, n2;
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_GENERIC_NETWORK_ADAPTER, n1.out()));
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_GENERIC_NETWORK_ADAPTER, n2.out()));
    REQUIRE_PRL_OK(PrlVmDevNet_SetMacAddress(n1, "001C42AABBCC"));
    REQUIRE_PRL_OK(PrlVmDevNet_SetMacAddress(n2, "001C42AABBCC"));
    o = validate(vm, PVC_NETWORK_ADAPTER);
    CHECK(o.code == PRL_ERR_VMCONF_VALIDATION_FAILED);
    CHECK(o.problems == std::vector<PRL_RESULT>{PRL_ERR_VMCONF_NETWORK_ADAPTER_DUPLICATE_MAC_ADDRESS});
    REQUIRE_PRL_OK(PrlVmDevNet_SetMacAddress(n2, "001C42AABBCD"));
    CHECK(validate(vm, PVC_NETWORK_ADAPTER).code == PRL_ERR_SUCCESS);

    REQUIRE_PRL_OK(PrlVmCfg_SetName(vm, "a name that is far longer than forty characters"));
    CHECK(validate(vm, PVC_GENERAL_PARAMETERS).problems ==
          std::vector<PRL_RESULT>{PRL_ERR_VMCONF_VM_NAME_IS_TOO_LONG});
    if (PRL_SUCCEEDED(PrlVmCfg_SetName(vm, "what?"))) {
        CHECK(validate(vm, PVC_GENERAL_PARAMETERS).problems ==
              std::vector<PRL_RESULT>{PRL_ERR_VMCONF_VM_NAME_HAS_INVALID_SYMBOL});
    }
}

TEST_CASE("PrlVm_ValidateConfig: argument checks", "[vm_validate]") {
    capi::DevSession s;
    Handle vm = s.new_vm("args");
    CHECK(capi::job_code(PrlVm_ValidateConfig(vm, static_cast<PRL_VM_CONFIG_SECTIONS>(PVC_LAST_SECTION + 1))) ==
          PRL_ERR_INVALID_ARG);
    CHECK(capi::job_code(PrlVm_ValidateConfig(vm, static_cast<PRL_VM_CONFIG_SECTIONS>(-7))) == PRL_ERR_INVALID_ARG);
    CHECK(capi::job_code(PrlVm_ValidateConfig(s.server, PVC_ALL)) == PRL_ERR_INVALID_ARG);
    CHECK(capi::job_code(PrlVm_ValidateConfig(capi::forged_handle(), PVC_ALL)) == PRL_ERR_INVALID_ARG);
    CHECK(capi::job_code(PrlVm_ValidateConfig(PRL_INVALID_HANDLE, PVC_ALL)) == PRL_ERR_INVALID_ARG);
}
