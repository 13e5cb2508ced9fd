// Resource settings, lists and container settings of a VM's configuration
// (vm_cfg_limits.cpp, vm_cfg_lists.cpp) and the SDK's default-value helpers:
// set, read back, refused values, and the values surviving config.pvs.
#include "props_fixture.h"

#include <string>
#include <vector>

using capi::Handle;
using capi::NewVm;

namespace {

std::string text(PRL_RESULT (*getter)(PRL_HANDLE, PRL_STR, PRL_UINT32_PTR), PRL_HANDLE h) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return getter(h, b, l); });
}

Handle strings(std::vector<std::string> items) {
    Handle list;
    REQUIRE_PRL_OK(PrlApi_CreateStringsList(list.out()));
    for (const auto& s : items) REQUIRE_PRL_OK(PrlStrList_AddItem(list, s.c_str()));
    return list;
}

std::vector<std::string> items_of(PRL_HANDLE list) {
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlStrList_GetItemsCount(list, &n));
    std::vector<std::string> out;
    for (PRL_UINT32 i = 0; i < n; ++i)
        out.push_back(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlStrList_GetItem(list, i, b, l); }));
    return out;
}

std::vector<std::string> list_of(PRL_RESULT (*getter)(PRL_HANDLE, PRL_HANDLE_PTR), PRL_HANDLE vm) {
    Handle list;
    REQUIRE_PRL_OK(getter(vm, list.out()));
    return items_of(list);
}

// Every setting this file covers, set on `vm`.
void set_everything(PRL_HANDLE vm) {
    REQUIRE_PRL_OK(PrlVmCfg_SetVideoRamSize(vm, 64));
    REQUIRE_PRL_OK(PrlVmCfg_Set3DAccelerationEnabled(vm, PRL_TRUE));
    REQUIRE_PRL_OK(PrlVmCfg_SetLongerBatteryLifeEnabled(vm, PRL_TRUE));
    REQUIRE_PRL_OK(PrlVmCfg_SetHostMemQuotaMin(vm, 300));
    PRL_MEMGUARANTEE_DATA mg{40, PRL_MEMGUARANTEE_PERCENTS};
    REQUIRE_PRL_OK(PrlVmCfg_SetMemGuaranteeSize(vm, &mg));
    PRL_CPULIMIT_DATA cl{1500, PRL_CPULIMIT_MHZ};
    REQUIRE_PRL_OK(PrlVmCfg_SetCpuLimitEx(vm, &cl));
    PRL_IOLIMIT_DATA io{1048576, PRL_IOLIMIT_BS};
    REQUIRE_PRL_OK(PrlVmCfg_SetIoLimit(vm, &io));
    REQUIRE_PRL_OK(PrlVmCfg_SetIopsLimit(vm, 500));
    REQUIRE_PRL_OK(PrlVmCfg_SetCpuMask(vm, "0-3,6"));
    REQUIRE_PRL_OK(PrlVmCfg_SetNodeMask(vm, "0"));
    REQUIRE_PRL_OK(PrlVmCfg_SetStartUserCreds(vm, "alice", "s3cret"));
    REQUIRE_PRL_OK(PrlVmCfg_SetDnsServers(vm, strings({"10.0.0.1", "2001:db8::1"})));
    REQUIRE_PRL_OK(PrlVmCfg_SetSearchDomains(vm, strings({"example.com", "corp.example"})));
    REQUIRE_PRL_OK(PrlVmCfg_SetOfflineServices(vm, strings({"ssh"})));
    REQUIRE_PRL_OK(PrlVmCfg_SetFeaturesMask(vm, 5, 10));
}

void check_everything(PRL_HANDLE vm) {
    PRL_UINT32 u = 0;
    REQUIRE_PRL_OK(PrlVmCfg_GetVideoRamSize(vm, &u));
    CHECK(u == 64);
    PRL_BOOL b = PRL_FALSE;
    REQUIRE_PRL_OK(PrlVmCfg_Is3DAccelerationEnabled(vm, &b));
    CHECK(b == PRL_TRUE);
    PRL_VIDEO_3D_ACCELERATION mode = P3D_DISABLED;
    REQUIRE_PRL_OK(PrlVmCfg_Get3DAccelerationMode(vm, &mode));
    CHECK(mode == P3D_ENABLED_HIGHEST);
    REQUIRE_PRL_OK(PrlVmCfg_IsLongerBatteryLifeEnabled(vm, &b));
    CHECK(b == PRL_TRUE);
    REQUIRE_PRL_OK(PrlVmCfg_GetHostMemQuotaMin(vm, &u));
    CHECK(u == 300);
    PRL_MEMGUARANTEE_DATA mg{};
    REQUIRE_PRL_OK(PrlVmCfg_GetMemGuaranteeSize(vm, &mg));
    CHECK(mg.value == 40);
    CHECK(mg.type == PRL_MEMGUARANTEE_PERCENTS);
    PRL_CPULIMIT_DATA cl{};
    REQUIRE_PRL_OK(PrlVmCfg_GetCpuLimitEx(vm, &cl));
    CHECK(cl.value == 1500);
    CHECK(cl.type == PRL_CPULIMIT_MHZ);
    REQUIRE_PRL_OK(PrlVmCfg_GetCpuLimit(vm, &u));
    CHECK(u == 0);  // a MHz limit clears the percentage
    PRL_IOLIMIT_DATA io{};
    REQUIRE_PRL_OK(PrlVmCfg_GetIoLimit(vm, &io));
    CHECK(io.value == 1048576);
    CHECK(io.type == PRL_IOLIMIT_BS);
    REQUIRE_PRL_OK(PrlVmCfg_GetIopsLimit(vm, &u));
    CHECK(u == 500);
    CHECK(text(PrlVmCfg_GetCpuMask, vm) == "0-3,6");
    CHECK(text(PrlVmCfg_GetNodeMask, vm) == "0");
    CHECK(text(PrlVmCfg_GetStartUserLogin, vm) == "alice");
    CHECK(list_of(PrlVmCfg_GetDnsServers, vm) == std::vector<std::string>{"10.0.0.1", "2001:db8::1"});
    CHECK(list_of(PrlVmCfg_GetSearchDomains, vm) == std::vector<std::string>{"example.com", "corp.example"});
    CHECK(list_of(PrlVmCfg_GetOfflineServices, vm) == std::vector<std::string>{"ssh"});
    PRL_UINT32 on = 0, off = 0;
    REQUIRE_PRL_OK(PrlVmCfg_GetFeaturesMask(vm, &on, &off));
    CHECK(on == 5);
    CHECK(off == 10);
}

}  // namespace

TEST_CASE("vm limits: defaults of a new VM", "[vmcfg][vmlimits]") {
    NewVm t;
    PRL_UINT32 u = 1;
    REQUIRE_PRL_OK(PrlVmCfg_SetRamSize(t.vm, 2048));
    REQUIRE_PRL_OK(PrlVmCfg_GetHostMemQuotaMin(t.vm, &u));
    CHECK(u == 512);  // half the memory, at most 512 MiB
    REQUIRE_PRL_OK(PrlVmCfg_SetRamSize(t.vm, 600));
    REQUIRE_PRL_OK(PrlVmCfg_GetHostMemQuotaMin(t.vm, &u));
    CHECK(u == 300);
    PRL_BOOL b = PRL_TRUE;
    REQUIRE_PRL_OK(PrlVmCfg_Is3DAccelerationEnabled(t.vm, &b));
    CHECK(b == PRL_FALSE);
    REQUIRE_PRL_OK(PrlVmCfg_IsLongerBatteryLifeEnabled(t.vm, &b));
    CHECK(b == PRL_FALSE);
    PRL_MEMGUARANTEE_DATA mg{7, PRL_MEMGUARANTEE_PERCENTS};
    REQUIRE_PRL_OK(PrlVmCfg_GetMemGuaranteeSize(t.vm, &mg));
    CHECK(mg.value == 0);
    CHECK(mg.type == PRL_MEMGUARANTEE_AUTO);
    PRL_CPULIMIT_DATA cl{7, PRL_CPULIMIT_PERCENTS};
    REQUIRE_PRL_OK(PrlVmCfg_GetCpuLimitEx(t.vm, &cl));
    CHECK(cl.value == 0);
    CHECK(cl.type == PRL_CPULIMIT_MHZ);
    PRL_IOLIMIT_DATA io{7, PRL_IOLIMIT_TYPE(0)};
    REQUIRE_PRL_OK(PrlVmCfg_GetIoLimit(t.vm, &io));
    CHECK(io.value == 0);
    CHECK(io.type == PRL_IOLIMIT_BS);
    CHECK(text(PrlVmCfg_GetCpuMask, t.vm).empty());
    CHECK(list_of(PrlVmCfg_GetDnsServers, t.vm).empty());
    PRL_UINT32 on = 1, off = 1;
    REQUIRE_PRL_OK(PrlVmCfg_GetFeaturesMask(t.vm, &on, &off));
    CHECK(on == 0);
    CHECK(off == 0);
    Handle confirm;
    REQUIRE_PRL_OK(PrlVmCfg_GetConfirmationsList(t.vm, confirm.out()));
    REQUIRE_PRL_OK(PrlOpTypeList_GetItemsCount(confirm, &u));
    CHECK(u == 0);
}

TEST_CASE("vm limits: values set, refused and read back", "[vmcfg][vmlimits]") {
    NewVm t;
    set_everything(t.vm);
    check_everything(t.vm);

    REQUIRE_PRL(PrlVmCfg_SetVideoRamSize(t.vm, 0), PRL_ERR_INVALID_ARG);
    PRL_MEMGUARANTEE_DATA mg{10, PRL_MEMGUARANTEE_TYPE(9)};
    REQUIRE_PRL(PrlVmCfg_SetMemGuaranteeSize(t.vm, &mg), PRL_ERR_INVALID_MEMORY_GUARANTEE);
    REQUIRE_PRL(PrlVmCfg_SetMemGuaranteeSize(t.vm, nullptr), PRL_ERR_INVALID_ARG);
    mg = {55, PRL_MEMGUARANTEE_AUTO};  // automatic: the value is dropped
    REQUIRE_PRL_OK(PrlVmCfg_SetMemGuaranteeSize(t.vm, &mg));
    REQUIRE_PRL_OK(PrlVmCfg_GetMemGuaranteeSize(t.vm, &mg));
    CHECK(mg.value == 0);
    PRL_CPULIMIT_DATA cl{10, PRL_CPULIMIT_TYPE(99)};
    REQUIRE_PRL(PrlVmCfg_SetCpuLimitEx(t.vm, &cl), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_GetCpuLimitEx(t.vm, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlVmCfg_SetCpuLimit(t.vm, 50));
    REQUIRE_PRL_OK(PrlVmCfg_GetCpuLimitEx(t.vm, &cl));
    CHECK(cl.value == 50);
    CHECK(cl.type == PRL_CPULIMIT_PERCENTS);
    PRL_IOLIMIT_DATA io{1, PRL_IOLIMIT_TYPE(5)};
    REQUIRE_PRL(PrlVmCfg_SetIoLimit(t.vm, &io), PRL_ERR_INVALID_ARG);
    for (const char* bad : {"x", "3-1", "1,,2", "-1", "0-99999", "1 2"})
        REQUIRE_PRL(PrlVmCfg_SetCpuMask(t.vm, bad), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlVmCfg_SetCpuMask(t.vm, "all"));
    CHECK(text(PrlVmCfg_GetCpuMask, t.vm) == "all");
    REQUIRE_PRL_OK(PrlVmCfg_SetCpuMask(t.vm, nullptr));  // the SDK takes NULL as "", which clears it
    CHECK(text(PrlVmCfg_GetCpuMask, t.vm).empty());
    REQUIRE_PRL(PrlVmCfg_SetNodeMask(t.vm, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_SetStartUserCreds(t.vm, "bob", nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_SetStartUserCreds(t.vm, "bo\nb", "x"), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_SetDnsServers(t.vm, strings({"bad\x01"})), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_SetDnsServers(t.vm, t.server), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlVmCfg_SetDnsServers(t.vm, PRL_INVALID_HANDLE));  // clears the list, as in the SDK
    CHECK(list_of(PrlVmCfg_GetDnsServers, t.vm).empty());
    REQUIRE_PRL(PrlVmCfg_GetDnsServers(t.vm, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_GetFeaturesMask(t.vm, nullptr, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_SetFeaturesMask(capi::forged_handle(), 1, 2), PRL_ERR_INVALID_ARG);

    // Operations that need confirmation: an opaque list of commands.
    Handle ops;
    REQUIRE_PRL_OK(PrlApi_CreateOpTypeList(ops.out(), PRL_SIZE(sizeof(PRL_ALLOWED_VM_COMMAND))));
    for (PRL_ALLOWED_VM_COMMAND c : {PAR_VM_STOP_ACCESS, PAR_VM_DELETE_ACCESS}) REQUIRE_PRL_OK(PrlOpTypeList_AddItem(ops, &c));
    REQUIRE_PRL_OK(PrlVmCfg_SetConfirmationsList(t.vm, ops));
    Handle back;
    REQUIRE_PRL_OK(PrlVmCfg_GetConfirmationsList(t.vm, back.out()));
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlOpTypeList_GetItemsCount(back, &n));
    REQUIRE(n == 2);
    PRL_ALLOWED_VM_COMMAND c = PAR_VM_START_ACCESS;
    REQUIRE_PRL_OK(PrlOpTypeList_GetItem(back, 1, &c));
    CHECK(c == PAR_VM_DELETE_ACCESS);
    Handle bad_ops;
    REQUIRE_PRL_OK(PrlApi_CreateOpTypeList(bad_ops.out(), PRL_SIZE(sizeof(PRL_ALLOWED_VM_COMMAND))));
    PRL_ALLOWED_VM_COMMAND junk = PRL_ALLOWED_VM_COMMAND(5000);
    REQUIRE_PRL_OK(PrlOpTypeList_AddItem(bad_ops, &junk));
    REQUIRE_PRL(PrlVmCfg_SetConfirmationsList(t.vm, bad_ops), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_SetConfirmationsList(t.vm, PRL_INVALID_HANDLE), PRL_ERR_INVALID_ARG);
}

TEST_CASE("vm limits: container settings", "[vmcfg][vmlimits]") {
    NewVm t;
    Handle list;
    // Application templates belong to containers.
    REQUIRE_PRL(PrlVmCfg_GetAppTemplateList(t.vm, list.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_SetAppTemplateList(t.vm, strings({"mysql"})), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlVmCfg_SetVmType(t.vm, PVT_CT));
    REQUIRE_PRL_OK(PrlVmCfg_SetAppTemplateList(t.vm, strings({"mysql", "nginx"})));
    CHECK(list_of(PrlVmCfg_GetAppTemplateList, t.vm) == std::vector<std::string>{"mysql", "nginx"});
    REQUIRE_PRL(PrlVmCfg_SetAppTemplateList(t.vm, PRL_INVALID_HANDLE), PRL_ERR_INVALID_ARG);

    PRL_UINT64 barrier = 1, limit = 1;
    REQUIRE_PRL(PrlVmCfg_GetResource(t.vm, PCR_NUMPROC, &barrier, &limit), PRL_ERR_PARAM_NOT_FOUND);
    REQUIRE_PRL_OK(PrlVmCfg_SetResource(t.vm, PCR_NUMPROC, 100, 200));
    REQUIRE_PRL_OK(PrlVmCfg_SetResource(t.vm, PCR_NUMPROC, 300, 400));  // replaces
    REQUIRE_PRL_OK(PrlVmCfg_SetResource(t.vm, PCR_NUMFILE, 0xFFFFFFFFFFFFull, 0x7FFFFFFFFFFFFFFFull));
    REQUIRE_PRL_OK(PrlVmCfg_GetResource(t.vm, PCR_NUMPROC, &barrier, &limit));
    CHECK(barrier == 300);
    CHECK(limit == 400);
    REQUIRE_PRL_OK(PrlVmCfg_GetResource(t.vm, PCR_NUMFILE, &barrier, &limit));
    CHECK(barrier == 0xFFFFFFFFFFFFull);
    CHECK(limit == 0x7FFFFFFFFFFFFFFFull);
    REQUIRE_PRL(PrlVmCfg_SetResource(t.vm, PRL_CT_RESOURCE(PCR_LAST + 1), 1, 1), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_GetResource(t.vm, PCR_NUMPROC, nullptr, &limit), PRL_ERR_INVALID_ARG);

    REQUIRE_PRL_OK(PrlVmCfg_ApplyConfigSample(t.vm, "vswap.1024MB"));
    REQUIRE_PRL(PrlVmCfg_ApplyConfigSample(t.vm, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_ApplyConfigSample(t.vm, "a\nb"), PRL_ERR_INVALID_ARG);
}

TEST_CASE("vm limits: settings survive config.pvs", "[vmcfg][vmlimits]") {
    capi::PropsFixture f;
    Handle draft = f.make("vm");
    Handle disk;
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(draft, PDE_HARD_DISK, disk.out()));
    REQUIRE_PRL_OK(PrlVmDevHd_SetDiskSize(disk, 16));
    set_everything(draft);
    Handle vm = f.persist_and_reload(draft);
    check_everything(vm);
}

TEST_CASE("vm defaults: the SDK's default values for a guest", "[vmcfg][vmdefaults]") {
    capi::Api api;
    PRL_UINT32 u = 0;
    REQUIRE_PRL_OK(PrlVmCfg_GetDefaultMemSize(PVS_GUEST_VER_WIN_WINDOWS10, 8192, &u));
    CHECK(u == 2048);
    REQUIRE_PRL_OK(PrlVmCfg_GetDefaultMemSize(PVS_GUEST_VER_LIN_OTHER, 1024, &u));
    CHECK(u == 512);
    REQUIRE_PRL_OK(PrlVmCfg_GetDefaultHddSize(PVS_GUEST_VER_WIN_95, &u));
    CHECK(u == 2048);
    REQUIRE_PRL_OK(PrlVmCfg_GetDefaultHddSize(PVS_GUEST_VER_LIN_OTHER, &u));
    CHECK(u == 65536);
    REQUIRE_PRL_OK(PrlVmCfg_GetDefaultVideoRamSize(PVS_GUEST_VER_LIN_OTHER, PRL_INVALID_HANDLE, PRL_FALSE, &u));
    CHECK(u == 32);
    REQUIRE_PRL_OK(PrlVmCfg_GetDefaultVideoRamSize(PVS_GUEST_VER_WIN_2003, PRL_INVALID_HANDLE, PRL_FALSE, &u));
    CHECK(u == 64);
    REQUIRE_PRL(PrlVmCfg_GetDefaultVideoRamSize(PVS_GUEST_VER_LIN_OTHER, capi::forged_handle(), PRL_FALSE, &u),
                PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_GetDefaultMemSize(PVS_GUEST_VER_LIN_OTHER, 1024, nullptr), PRL_ERR_INVALID_ARG);
    PRL_BOOL needed = PRL_FALSE;
    REQUIRE_PRL_OK(PrlVmCfg_IsDefaultDeviceNeeded(PVS_GUEST_VER_LIN_OTHER, PDE_HARD_DISK, &needed));
    CHECK(needed == PRL_TRUE);
    REQUIRE_PRL_OK(PrlVmCfg_IsDefaultDeviceNeeded(PVS_GUEST_VER_LIN_OTHER, PDE_USB_DEVICE, &needed));
    CHECK(needed == PRL_TRUE);
    REQUIRE_PRL_OK(PrlVmCfg_IsDefaultDeviceNeeded(PVS_GUEST_VER_LIN_OTHER, PDE_SOUND_DEVICE, &needed));
    CHECK(needed == PRL_FALSE);  // never in server mode
    REQUIRE_PRL_OK(PrlVmCfg_IsDefaultDeviceNeeded(PVS_GUEST_VER_LIN_OTHER, PDE_FLOPPY_DISK, &needed));
    CHECK(needed == PRL_FALSE);
    REQUIRE_PRL(PrlVmCfg_IsDefaultDeviceNeeded(PVS_GUEST_VER_LIN_OTHER, PDE_HARD_DISK, nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("vm devices: the device array and the SDK's default devices", "[vmcfg][vmdefaults]") {
    NewVm t;
    REQUIRE_PRL_OK(PrlVmCfg_SetOsVersion(t.vm, PVS_GUEST_VER_LIN_OTHER));
    Handle hdd, net, cd;
    REQUIRE_PRL_OK(PrlVmCfg_AddDefaultDeviceEx(t.vm, PRL_INVALID_HANDLE, PDE_HARD_DISK, hdd.out()));
    REQUIRE_PRL_OK(PrlVmCfg_AddDefaultDeviceEx(t.vm, PRL_INVALID_HANDLE, PDE_HARD_DISK, cd.out()));
    REQUIRE_PRL_OK(PrlVmCfg_AddDefaultDeviceEx(t.vm, PRL_INVALID_HANDLE, PDE_GENERIC_NETWORK_ADAPTER, net.out()));
    REQUIRE_PRL_OK(PrlVmCfg_AddDefaultDevice(t.vm, PRL_INVALID_HANDLE, PDE_OPTICAL_DISK));
    PRL_HANDLE_TYPE type = PHT_ERROR;
    REQUIRE_PRL_OK(PrlHandle_GetType(hdd, &type));
    CHECK(type == PHT_VIRTUAL_DEV_HARD_DISK);
    PRL_UINT32 size = 0;
    REQUIRE_PRL_OK(PrlVmDevHd_GetDiskSize(hdd, &size));
    CHECK(size == 65536);
    CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDev_GetImagePath(hdd, b, l); }) == "harddisk.hdd");
    CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDev_GetImagePath(cd, b, l); }) == "harddisk2.hdd");
    PRL_VM_DEV_EMULATION_TYPE emulated = PDT_USE_REAL_DEVICE;
    REQUIRE_PRL_OK(PrlVmDev_GetEmulatedType(net, &emulated));
    CHECK(static_cast<int>(emulated) == PNA_BRIDGED_NETWORK);  // server mode
    REQUIRE_PRL(PrlVmCfg_AddDefaultDeviceEx(t.vm, PRL_INVALID_HANDLE, PDE_HARD_DISK, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_AddDefaultDevice(t.vm, t.server, PDE_HARD_DISK), PRL_ERR_INVALID_ARG);  // not a server config
    REQUIRE_PRL(PrlVmCfg_AddDefaultDevice(t.vm, PRL_INVALID_HANDLE, PDE_GENERIC_PCI_DEVICE), PRL_ERR_OPERATION_FAILED);

    PRL_UINT32 total = 0;
    REQUIRE_PRL_OK(PrlVmCfg_GetDevsCount(t.vm, &total));
    REQUIRE(total == 4);
    PRL_HANDLE handles[8] = {};
    PRL_UINT32 n = 8;
    REQUIRE_PRL_OK(PrlVmCfg_GetDevsList(t.vm, handles, &n));
    CHECK(n == 4);
    for (PRL_UINT32 i = 0; i < n; ++i) PrlHandle_Free(handles[i]);
    n = 2;  // too small: the handles that fit, then the overrun
    REQUIRE_PRL(PrlVmCfg_GetDevsList(t.vm, handles, &n), PRL_ERR_BUFFER_OVERRUN);
    CHECK(n == 2);
    for (PRL_UINT32 i = 0; i < n; ++i) PrlHandle_Free(handles[i]);
    n = 0;
    REQUIRE_PRL(PrlVmCfg_GetDevsList(t.vm, handles, &n), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_GetDevsList(t.vm, nullptr, &total), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_GetDevsList(t.vm, handles, nullptr), PRL_ERR_INVALID_ARG);
}
