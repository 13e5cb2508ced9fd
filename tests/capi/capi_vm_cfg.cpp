// PrlVmCfg_* through the C API, on a VM that exists only in the client
// (PrlSrv_CreateVm, no login): every setter edits the local copy.
#include "capi.h"

#include <cstring>
#include <set>
#include <string>
#include <vector>

using capi::Handle;
using capi::NewVm;

namespace {

std::string name_of(PRL_HANDLE vm) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetName(vm, b, l); });
}
std::string uuid_of(PRL_HANDLE vm) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetUuid(vm, b, l); });
}
std::string description_of(PRL_HANDLE vm) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetDescription(vm, b, l); });
}
PRL_UINT32 u32(PRL_RESULT (*getter)(PRL_HANDLE, PRL_UINT32_PTR), PRL_HANDLE h) {
    PRL_UINT32 v = 0xdeadbeef;
    REQUIRE_PRL_OK(getter(h, &v));
    return v;
}

}  // namespace

TEST_CASE("vm config: name, description and type round-trip", "[vmcfg]") {
    NewVm t;
    REQUIRE(name_of(t.vm).empty());
    REQUIRE_PRL_OK(PrlVmCfg_SetName(t.vm, "web-01 \xc3\xa9t\xc3\xa9"));
    REQUIRE(name_of(t.vm) == "web-01 \xc3\xa9t\xc3\xa9");
    REQUIRE_PRL_OK(PrlVmCfg_SetDescription(t.vm, "line one\nline two\ttabbed"));
    REQUIRE(description_of(t.vm) == "line one\nline two\ttabbed");

    PRL_VM_TYPE type = PVT_CT;
    REQUIRE_PRL_OK(PrlVmCfg_GetVmType(t.vm, &type));
    REQUIRE(type == PVT_VM);
    REQUIRE_PRL_OK(PrlVmCfg_SetVmType(t.vm, PVT_CT));
    REQUIRE_PRL_OK(PrlVmCfg_GetVmType(t.vm, &type));
    REQUIRE(type == PVT_CT);
    REQUIRE_PRL(PrlVmCfg_SetVmType(t.vm, PRL_VM_TYPE(7)), PRL_ERR_INVALID_ARG);

    // The configuration handle is the VM handle: PrlVm_GetConfig sees the same copy.
    Handle cfg;
    REQUIRE_PRL_OK(PrlVm_GetConfig(t.vm, cfg.out()));
    REQUIRE(name_of(cfg) == "web-01 \xc3\xa9t\xc3\xa9");

    // A new VM has no home yet.
    REQUIRE(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetHomePath(t.vm, b, l); }).empty());
}

TEST_CASE("vm config: string getters follow the buffer rule", "[vmcfg]") {
    NewVm t;
    REQUIRE_PRL_OK(PrlVmCfg_SetName(t.vm, "abcdef"));
    PRL_UINT32 len = 0;
    REQUIRE_PRL_OK(PrlVmCfg_GetName(t.vm, nullptr, &len));
    REQUIRE(len == 7);
    char small[4] = {'x', 'x', 'x', 'x'};
    len = sizeof small;
    REQUIRE_PRL(PrlVmCfg_GetName(t.vm, small, &len), PRL_ERR_BUFFER_OVERRUN);
    REQUIRE(len == 7);
    // What fits, as the original gives it (terminated here).
    REQUIRE(std::string(small) == "abc");
    char exact[7];
    len = sizeof exact;
    REQUIRE_PRL_OK(PrlVmCfg_GetName(t.vm, exact, &len));
    REQUIRE(std::string(exact) == "abcdef");
    REQUIRE_PRL(PrlVmCfg_GetName(t.vm, exact, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_GetUuid(t.vm, exact, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_GetDescription(t.vm, exact, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_GetHomePath(t.vm, exact, nullptr), PRL_ERR_INVALID_ARG);
    // An empty value still needs one byte (the NUL).
    len = 0;
    REQUIRE_PRL_OK(PrlVmCfg_GetDescription(t.vm, nullptr, &len));
    REQUIRE(len == 1);
}

TEST_CASE("vm config: UUID is validated and kept in braces", "[vmcfg]") {
    NewVm t;
    REQUIRE_PRL_OK(PrlVmCfg_SetUuid(t.vm, "{0A1B2C3D-0000-4000-8000-00000000ABCD}"));
    REQUIRE(uuid_of(t.vm) == "{0a1b2c3d-0000-4000-8000-00000000abcd}");
    REQUIRE_PRL_OK(PrlVmCfg_SetUuid(t.vm, "11111111-2222-4333-8444-555555555555"));
    REQUIRE(uuid_of(t.vm) == "{11111111-2222-4333-8444-555555555555}");
    for (const char* bad : {"nope", "{11111111-2222-4333-8444-55555555555}", "{11111111-2222-4333-8444-555555555555",
                            "{11111111-2222-4333-8444-55555555555g}", "../../etc", "{\xff}"}) {
        INFO(bad);
        REQUIRE_PRL(PrlVmCfg_SetUuid(t.vm, bad), PRL_ERR_INVALID_ARG);
    }
    REQUIRE(uuid_of(t.vm) == "{11111111-2222-4333-8444-555555555555}");
    REQUIRE_PRL(PrlVmCfg_SetUuid(t.vm, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlVmCfg_SetUuid(t.vm, ""));  // clears it, as in the SDK
    REQUIRE(uuid_of(t.vm).empty());
}

TEST_CASE("vm config: hostile names and descriptions get a clean error and change nothing", "[vmcfg]") {
    NewVm t;
    REQUIRE_PRL_OK(PrlVmCfg_SetName(t.vm, "keep"));
    REQUIRE_PRL_OK(PrlVmCfg_SetDescription(t.vm, "kept"));
    const std::string big(1 << 20, 'n');
    for (const std::string& bad : {big, std::string("\xff\xfe"), std::string("a\x01z"), std::string("../evil"),
                                   std::string(".."), std::string("/etc/passwd"), std::string("a/b"),
                                   std::string(".hidden"), std::string("tab\tname"), std::string("\xc0\xaf")}) {
        INFO(bad.substr(0, 20));
        REQUIRE_PRL(PrlVmCfg_SetName(t.vm, bad.c_str()), PRL_ERR_INVALID_ARG);
    }
    REQUIRE(name_of(t.vm) == "keep");
    for (const std::string& bad : {big, std::string("\xff\xfe"), std::string("a\x01z"), std::string("bell\a")}) {
        INFO(bad.substr(0, 20));
        REQUIRE_PRL(PrlVmCfg_SetDescription(t.vm, bad.c_str()), PRL_ERR_INVALID_ARG);
    }
    REQUIRE(description_of(t.vm) == "kept");
    REQUIRE_PRL(PrlVmCfg_SetName(t.vm, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_SetDescription(t.vm, nullptr), PRL_ERR_INVALID_ARG);
    // A description may be long, up to 64 KiB.
    const std::string long_text(64 * 1024, 'd');
    REQUIRE_PRL_OK(PrlVmCfg_SetDescription(t.vm, long_text.c_str()));
    REQUIRE(description_of(t.vm) == long_text);
    REQUIRE_PRL_OK(PrlVmCfg_SetName(t.vm, ""));
}

TEST_CASE("vm config: RAM, CPUs and OS version", "[vmcfg]") {
    NewVm t;
    REQUIRE_PRL_OK(PrlVmCfg_SetRamSize(t.vm, 3072));
    REQUIRE(u32(PrlVmCfg_GetRamSize, t.vm) == 3072);
    REQUIRE_PRL(PrlVmCfg_SetRamSize(t.vm, 0), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_SetRamSize(t.vm, 0xFFFFFFFFu), PRL_ERR_INVALID_ARG);
    REQUIRE(u32(PrlVmCfg_GetRamSize, t.vm) == 3072);

    REQUIRE_PRL_OK(PrlVmCfg_SetCpuCount(t.vm, 8));
    REQUIRE(u32(PrlVmCfg_GetCpuCount, t.vm) == 8);
    REQUIRE_PRL(PrlVmCfg_SetCpuCount(t.vm, 0), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_SetCpuCount(t.vm, 100000), PRL_ERR_INVALID_ARG);
    REQUIRE(u32(PrlVmCfg_GetCpuCount, t.vm) == 8);

    REQUIRE_PRL_OK(PrlVmCfg_SetOsVersion(t.vm, PVS_GUEST_VER_WIN_WINDOWS10));
    REQUIRE(u32(PrlVmCfg_GetOsVersion, t.vm) == PVS_GUEST_VER_WIN_WINDOWS10);
    REQUIRE(u32(PrlVmCfg_GetOsType, t.vm) == PVS_GUEST_TYPE_WINDOWS);
    REQUIRE_PRL(PrlVmCfg_SetOsVersion(t.vm, 0x0400), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_SetOsVersion(t.vm, 0x10900), PRL_ERR_INVALID_ARG);
    REQUIRE(u32(PrlVmCfg_GetOsVersion, t.vm) == PVS_GUEST_VER_WIN_WINDOWS10);

    for (auto getter : {PrlVmCfg_GetRamSize, PrlVmCfg_GetCpuCount, PrlVmCfg_GetOsType, PrlVmCfg_GetOsVersion})
        REQUIRE_PRL(getter(t.vm, nullptr), PRL_ERR_INVALID_ARG);
    PRL_VM_TYPE* null_type = nullptr;
    REQUIRE_PRL(PrlVmCfg_GetVmType(t.vm, null_type), PRL_ERR_INVALID_ARG);
}

TEST_CASE("vm config: SetDefaultConfig without a server configuration", "[vmcfg]") {
    NewVm t;
    REQUIRE_PRL_OK(PrlVmCfg_SetName(t.vm, "old"));
    REQUIRE_PRL_OK(PrlVmCfg_SetDefaultConfig(t.vm, PRL_INVALID_HANDLE, PVS_GUEST_VER_LIN_UBUNTU, PRL_TRUE));
    REQUIRE(u32(PrlVmCfg_GetOsVersion, t.vm) == PVS_GUEST_VER_LIN_UBUNTU);
    REQUIRE(u32(PrlVmCfg_GetOsType, t.vm) == PVS_GUEST_TYPE_LINUX);
    REQUIRE(u32(PrlVmCfg_GetRamSize, t.vm) == 512);  // a Linux guest on an assumed 512 MiB host
    REQUIRE(u32(PrlVmCfg_GetCpuCount, t.vm) == 1);
    // A default configuration is a new one: new UUID, nothing of the old one kept.
    const std::string uuid = uuid_of(t.vm);
    REQUIRE(uuid.size() == 38);
    REQUIRE(uuid.front() == '{');
    REQUIRE(name_of(t.vm).empty());
    // Hard disk, CD-ROM, network adapter and USB controller (server mode: no sound, no printer port).
    REQUIRE(u32(PrlVmCfg_GetHardDisksCount, t.vm) == 1);
    REQUIRE(u32(PrlVmCfg_GetOpticalDisksCount, t.vm) == 1);
    REQUIRE(u32(PrlVmCfg_GetNetAdaptersCount, t.vm) == 1);
    REQUIRE(u32(PrlVmCfg_GetUsbDevicesCount, t.vm) == 1);
    REQUIRE(u32(PrlVmCfg_GetSoundDevsCount, t.vm) == 0);
    REQUIRE(u32(PrlVmCfg_GetParallelPortsCount, t.vm) == 0);
    REQUIRE(u32(PrlVmCfg_GetSerialPortsCount, t.vm) == 0);
    REQUIRE(u32(PrlVmCfg_GetFloppyDisksCount, t.vm) == 0);
    REQUIRE(u32(PrlVmCfg_GetDevsCount, t.vm) == 4);
    Handle hdd;
    REQUIRE_PRL_OK(PrlVmCfg_GetHardDisk(t.vm, 0, hdd.out()));
    PRL_UINT32 size = 0;
    REQUIRE_PRL_OK(PrlVmDevHd_GetDiskSize(hdd, &size));
    REQUIRE(size == 65536);
    // The adapter has an address of its own (prlctl create, then set, validates it).
    Handle net;
    REQUIRE_PRL_OK(PrlVmCfg_GetNetAdapter(t.vm, 0, net.out()));
    char mac[32] = {0};
    PRL_UINT32 mac_len = sizeof mac;
    REQUIRE_PRL_OK(PrlVmDevNet_GetMacAddress(net, mac, &mac_len));
    REQUIRE(std::string(mac).size() == 12);
    REQUIRE(std::string(mac).rfind("001C42", 0) == 0);

    // A second call picks a new UUID again.
    REQUIRE_PRL_OK(PrlVmCfg_SetDefaultConfig(t.vm, PRL_INVALID_HANDLE, PVS_GUEST_VER_WIN_2K, PRL_TRUE));
    REQUIRE(uuid_of(t.vm) != uuid);
    REQUIRE(u32(PrlVmCfg_GetRamSize, t.vm) == 256);
    REQUIRE(u32(PrlVmCfg_GetCpuCount, t.vm) == 1);
    REQUIRE(u32(PrlVmCfg_GetOsType, t.vm) == PVS_GUEST_TYPE_WINDOWS);
}

TEST_CASE("vm config: SetDefaultConfig without devices keeps the devices already there", "[vmcfg]") {
    NewVm t;
    Handle floppy;
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(t.vm, PDE_FLOPPY_DISK, floppy.out()));
    REQUIRE_PRL_OK(PrlVmCfg_SetDefaultConfig(t.vm, PRL_INVALID_HANDLE, PVS_GUEST_VER_WIN_WINDOWS10, PRL_FALSE));
    REQUIRE(u32(PrlVmCfg_GetDevsCount, t.vm) == 1);
    REQUIRE(u32(PrlVmCfg_GetFloppyDisksCount, t.vm) == 1);
    REQUIRE(u32(PrlVmCfg_GetRamSize, t.vm) == 2048);
    PRL_BOOL enabled = PRL_FALSE;
    REQUIRE_PRL_OK(PrlVmDev_IsEnabled(floppy, &enabled));  // the old handle still names it
}

TEST_CASE("vm config: SetDefaultConfig checks its arguments", "[vmcfg]") {
    NewVm t;
    REQUIRE_PRL(PrlVmCfg_SetDefaultConfig(t.vm, PRL_INVALID_HANDLE, 0, PRL_TRUE), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_SetDefaultConfig(t.vm, PRL_INVALID_HANDLE, 0x12345, PRL_TRUE), PRL_ERR_INVALID_ARG);
    // A server configuration handle, when given, must be one.
    REQUIRE_PRL(PrlVmCfg_SetDefaultConfig(t.vm, t.server, PVS_GUEST_VER_LIN_UBUNTU, PRL_TRUE), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_SetDefaultConfig(t.vm, capi::forged_handle(), PVS_GUEST_VER_LIN_UBUNTU, PRL_TRUE),
                PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_SetDefaultConfig(t.server, PRL_INVALID_HANDLE, PVS_GUEST_VER_LIN_UBUNTU, PRL_TRUE),
                PRL_ERR_INVALID_ARG);
    REQUIRE(u32(PrlVmCfg_GetDevsCount, t.vm) == 0);  // nothing changed
}

TEST_CASE("vm config: devices are listed and counted in the SDK's order", "[vmcfg]") {
    NewVm t;
    const PRL_DEVICE_TYPE kinds[] = {PDE_SOUND_DEVICE, PDE_GENERIC_NETWORK_ADAPTER, PDE_USB_DEVICE, PDE_PARALLEL_PORT,
                                     PDE_SERIAL_PORT,  PDE_OPTICAL_DISK,            PDE_HARD_DISK,  PDE_FLOPPY_DISK,
                                     PDE_HARD_DISK};
    for (PRL_DEVICE_TYPE k : kinds) {
        Handle dev;
        REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(t.vm, k, dev.out()));
        PRL_DEVICE_TYPE got = PDE_GENERIC_DEVICE;
        REQUIRE_PRL_OK(PrlVmDev_GetType(dev, &got));
        REQUIRE(got == k);
    }
    REQUIRE(u32(PrlVmCfg_GetDevsCount, t.vm) == 9);
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlVmCfg_GetDevsCountByType(t.vm, PDE_HARD_DISK, &n));
    REQUIRE(n == 2);
    REQUIRE_PRL_OK(PrlVmCfg_GetDevsCountByType(t.vm, PDE_GENERIC_PCI_DEVICE, &n));
    REQUIRE(n == 0);
    REQUIRE_PRL(PrlVmCfg_GetDevsCountByType(t.vm, PDE_MAX, &n), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_GetDevsCountByType(t.vm, PDE_HARD_DISK, nullptr), PRL_ERR_INVALID_ARG);

    Handle list;
    REQUIRE_PRL_OK(PrlVmCfg_GetAllDevices(t.vm, list.out()));
    PRL_HANDLE_TYPE list_type = PHT_ERROR;
    REQUIRE_PRL_OK(PrlHandle_GetType(list, &list_type));
    REQUIRE(list_type == PHT_HANDLES_LIST);
    REQUIRE_PRL_OK(PrlHndlList_GetItemsCount(list, &n));
    REQUIRE(n == 9);
    std::vector<PRL_DEVICE_TYPE> order;
    std::vector<PRL_HANDLE_TYPE> handle_types;
    for (PRL_UINT32 i = 0; i < n; ++i) {
        Handle dev;
        REQUIRE_PRL_OK(PrlHndlList_GetItem(list, i, dev.out()));
        PRL_DEVICE_TYPE got;
        REQUIRE_PRL_OK(PrlVmDev_GetType(dev, &got));
        order.push_back(got);
        PRL_HANDLE_TYPE ht;
        REQUIRE_PRL_OK(PrlHandle_GetType(dev, &ht));
        handle_types.push_back(ht);
    }
    const std::vector<PRL_DEVICE_TYPE> want = {PDE_FLOPPY_DISK,  PDE_HARD_DISK,  PDE_HARD_DISK,
                                               PDE_OPTICAL_DISK, PDE_SERIAL_PORT, PDE_PARALLEL_PORT,
                                               PDE_USB_DEVICE,   PDE_GENERIC_NETWORK_ADAPTER, PDE_SOUND_DEVICE};
    REQUIRE(order == want);
    REQUIRE(handle_types[0] == PHT_VIRTUAL_DEV_FLOPPY);
    REQUIRE(handle_types[1] == PHT_VIRTUAL_DEV_HARD_DISK);
    REQUIRE(handle_types[3] == PHT_VIRTUAL_DEV_OPTICAL_DISK);
    REQUIRE(handle_types[7] == PHT_VIRTUAL_DEV_NET_ADAPTER);
    REQUIRE_PRL(PrlVmCfg_GetAllDevices(t.vm, nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("vm config: GetHardDisk and friends take a list position", "[vmcfg]") {
    NewVm t;
    Handle a, b;
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(t.vm, PDE_HARD_DISK, a.out()));
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(t.vm, PDE_HARD_DISK, b.out()));
    REQUIRE_PRL_OK(PrlVmDev_SetIndex(a, 5));
    Handle first, second, bad;
    REQUIRE_PRL_OK(PrlVmCfg_GetHardDisk(t.vm, 0, first.out()));
    REQUIRE_PRL_OK(PrlVmCfg_GetHardDisk(t.vm, 1, second.out()));
    PRL_UINT32 index = 0;
    REQUIRE_PRL_OK(PrlVmDev_GetIndex(first, &index));
    REQUIRE(index == 5);
    REQUIRE_PRL_OK(PrlVmDev_GetIndex(second, &index));
    REQUIRE(index == 1);
    REQUIRE_PRL(PrlVmCfg_GetHardDisk(t.vm, 2, bad.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_GetHardDisk(t.vm, 0xFFFFFFFFu, bad.out()), PRL_ERR_INVALID_ARG);
    REQUIRE(bad.get() == PRL_INVALID_HANDLE);
    REQUIRE_PRL(PrlVmCfg_GetHardDisk(t.vm, 0, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_GetOpticalDisk(t.vm, 0, bad.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_GetFloppyDisk(t.vm, 0, bad.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_GetNetAdapter(t.vm, 0, bad.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_GetSerialPort(t.vm, 0, bad.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_GetParallelPort(t.vm, 0, bad.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_GetSoundDev(t.vm, 0, bad.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_GetUsbDevice(t.vm, 0, bad.out()), PRL_ERR_INVALID_ARG);

    Handle by_type;
    REQUIRE_PRL_OK(PrlVmCfg_GetDevByType(t.vm, PDE_HARD_DISK, 1, by_type.out()));
    REQUIRE_PRL_OK(PrlVmDev_GetIndex(by_type, &index));
    REQUIRE(index == 1);
    REQUIRE_PRL(PrlVmCfg_GetDevByType(t.vm, PDE_MIXER_DEVICE, 0, bad.out()), PRL_ERR_UNSUPPORTED_DEVICE_TYPE);
    REQUIRE_PRL(PrlVmCfg_GetDevByType(t.vm, PDE_MAX, 0, bad.out()), PRL_ERR_INVALID_ARG);
}

TEST_CASE("vm config: CreateVmDev takes the lowest free index of the kind", "[vmcfg]") {
    NewVm t;
    Handle d0, d1, d2, net;
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(t.vm, PDE_OPTICAL_DISK, d0.out()));
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(t.vm, PDE_OPTICAL_DISK, d1.out()));
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(t.vm, PDE_GENERIC_NETWORK_ADAPTER, net.out()));
    PRL_UINT32 index = 99;
    REQUIRE_PRL_OK(PrlVmDev_GetIndex(d1, &index));
    REQUIRE(index == 1);
    REQUIRE_PRL_OK(PrlVmDev_GetIndex(net, &index));
    REQUIRE(index == 0);  // each kind counts on its own
    REQUIRE_PRL_OK(PrlVmDev_Remove(d0));
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(t.vm, PDE_OPTICAL_DISK, d2.out()));
    REQUIRE_PRL_OK(PrlVmDev_GetIndex(d2, &index));
    REQUIRE(index == 0);

    Handle bad;
    REQUIRE_PRL(PrlVmCfg_CreateVmDev(t.vm, PDE_MAX, bad.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_CreateVmDev(t.vm, PRL_DEVICE_TYPE(-1), bad.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_CreateVmDev(t.vm, PDE_GENERIC_DEVICE, bad.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmCfg_CreateVmDev(t.vm, PDE_GENERIC_PCI_DEVICE, bad.out()), PRL_ERR_UNSUPPORTED_DEVICE_TYPE);
    REQUIRE_PRL(PrlVmCfg_CreateVmDev(t.vm, PDE_HARD_DISK, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE(u32(PrlVmCfg_GetDevsCount, t.vm) == 3);
}

TEST_CASE("vm config: functions reject invalid, freed, forged and wrong-type handles", "[vmcfg]") {
    NewVm t;
    Handle dev, list;
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(t.vm, PDE_HARD_DISK, dev.out()));
    REQUIRE_PRL_OK(PrlApi_CreateStringsList(list.out()));
    PRL_HANDLE freed;
    REQUIRE_PRL_OK(PrlSrv_CreateVm(t.server, &freed));
    REQUIRE_PRL_OK(PrlHandle_Free(freed));
    char buf[64];
    PRL_UINT32 len = sizeof buf, n;
    PRL_VM_TYPE type;
    PRL_HANDLE h = PRL_INVALID_HANDLE;
    for (PRL_HANDLE bad : {PRL_HANDLE(PRL_INVALID_HANDLE), freed, capi::forged_handle(), t.server.get(), dev.get(),
                           list.get()}) {
        REQUIRE_PRL(PrlVmCfg_SetDefaultConfig(bad, PRL_INVALID_HANDLE, PVS_GUEST_VER_LIN_UBUNTU, PRL_TRUE),
                    PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_GetName(bad, buf, &len), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_SetName(bad, "x"), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_GetUuid(bad, buf, &len), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_SetUuid(bad, ""), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_GetVmType(bad, &type), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_SetVmType(bad, PVT_VM), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_GetHomePath(bad, buf, &len), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_GetDescription(bad, buf, &len), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_SetDescription(bad, "x"), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_GetOsType(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_GetOsVersion(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_SetOsVersion(bad, PVS_GUEST_VER_LIN_UBUNTU), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_GetRamSize(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_SetRamSize(bad, 512), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_GetCpuCount(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_SetCpuCount(bad, 1), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_CreateVmDev(bad, PDE_HARD_DISK, &h), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_GetDevsCount(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_GetAllDevices(bad, &h), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_GetDevsCountByType(bad, PDE_HARD_DISK, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_GetDevByType(bad, PDE_HARD_DISK, 0, &h), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_GetHardDisksCount(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_GetHardDisk(bad, 0, &h), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_GetFloppyDisksCount(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_GetOpticalDisksCount(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_GetNetAdaptersCount(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_GetSerialPortsCount(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_GetParallelPortsCount(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_GetSoundDevsCount(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmCfg_GetUsbDevicesCount(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE(h == PRL_INVALID_HANDLE);
    }
    for (auto count : {PrlVmCfg_GetDevsCount, PrlVmCfg_GetHardDisksCount, PrlVmCfg_GetFloppyDisksCount,
                       PrlVmCfg_GetOpticalDisksCount, PrlVmCfg_GetNetAdaptersCount, PrlVmCfg_GetSerialPortsCount,
                       PrlVmCfg_GetParallelPortsCount, PrlVmCfg_GetSoundDevsCount, PrlVmCfg_GetUsbDevicesCount})
        REQUIRE_PRL(count(t.vm, nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("vm config: functions need PrlApi_Init", "[vmcfg]") {
    PRL_UINT32 n;
    REQUIRE_PRL(PrlVmCfg_GetRamSize(PRL_INVALID_HANDLE, &n), PRL_ERR_API_WASNT_INITIALIZED);
    REQUIRE_PRL(PrlVmDev_GetIndex(PRL_INVALID_HANDLE, &n), PRL_ERR_API_WASNT_INITIALIZED);
    REQUIRE_PRL(PrlSrvCfg_GetCpuCount(PRL_INVALID_HANDLE, &n), PRL_ERR_API_WASNT_INITIALIZED);
}
