// PrlVmDev_*, PrlVmDevHd_* through the C API, on devices of a VM that exists
// only in the client.
#include "capi.h"
#include "test_home.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using capi::Handle;
using capi::NewVm;

namespace {

std::string image_of(PRL_HANDLE dev) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDev_GetImagePath(dev, b, l); });
}
std::string sys_name_of(PRL_HANDLE dev) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDev_GetSysName(dev, b, l); });
}
std::string friendly_of(PRL_HANDLE dev) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDev_GetFriendlyName(dev, b, l); });
}
PRL_UINT32 size_on_disk(PRL_HANDLE dev) {
    PRL_UINT32 v = 0xdeadbeef;
    REQUIRE_PRL_OK(PrlVmDevHd_GetSizeOnDisk(dev, &v));
    return v;
}

void write_file(const std::filesystem::path& p, std::size_t bytes) {
    std::ofstream out(p, std::ios::binary);
    std::vector<char> block(1 << 16, 'x');
    for (std::size_t done = 0; done < bytes; done += block.size())
        out.write(block.data(), static_cast<std::streamsize>(std::min(block.size(), bytes - done)));
}

}  // namespace

TEST_CASE("vm device: a new hard disk's defaults", "[vmdev]") {
    NewVm t;
    Handle hdd = t.create(PDE_HARD_DISK);
    PRL_HANDLE_TYPE ht;
    REQUIRE_PRL_OK(PrlHandle_GetType(hdd, &ht));
    REQUIRE(ht == PHT_VIRTUAL_DEV_HARD_DISK);
    PRL_UINT32 index = 9, size = 9, stack = 9;
    REQUIRE_PRL_OK(PrlVmDev_GetIndex(hdd, &index));
    REQUIRE(index == 0);
    PRL_BOOL enabled = PRL_FALSE, connected = PRL_FALSE;
    REQUIRE_PRL_OK(PrlVmDev_IsEnabled(hdd, &enabled));
    REQUIRE_PRL_OK(PrlVmDev_IsConnected(hdd, &connected));
    REQUIRE(enabled == PRL_TRUE);
    REQUIRE(connected == PRL_TRUE);
    PRL_VM_DEV_EMULATION_TYPE emu;
    REQUIRE_PRL_OK(PrlVmDev_GetEmulatedType(hdd, &emu));
    REQUIRE(emu == PDT_USE_IMAGE_FILE);
    PRL_HARD_DISK_INTERNAL_FORMAT fmt;
    REQUIRE_PRL_OK(PrlVmDevHd_GetDiskType(hdd, &fmt));
    REQUIRE(fmt == PHD_EXPANDING_HARD_DISK);
    REQUIRE_PRL_OK(PrlVmDevHd_GetDiskSize(hdd, &size));
    REQUIRE(size == 0);
    PRL_MASS_STORAGE_INTERFACE_TYPE iface;
    REQUIRE_PRL_OK(PrlVmDev_GetIfaceType(hdd, &iface));
    REQUIRE(iface == PMS_IDE_DEVICE);
    REQUIRE_PRL_OK(PrlVmDev_GetStackIndex(hdd, &stack));
    REQUIRE(stack == 0);
    REQUIRE(image_of(hdd).empty());

    // A second disk goes to the next free slot of the bus.
    Handle hdd2 = t.create(PDE_HARD_DISK);
    REQUIRE_PRL_OK(PrlVmDev_GetStackIndex(hdd2, &stack));
    REQUIRE(stack == 1);
}

TEST_CASE("vm device: setters edit the local configuration", "[vmdev]") {
    NewVm t;
    Handle hdd = t.create(PDE_HARD_DISK);
    REQUIRE_PRL_OK(PrlVmDev_SetEnabled(hdd, PRL_FALSE));
    REQUIRE_PRL_OK(PrlVmDev_SetConnected(hdd, PRL_FALSE));
    REQUIRE_PRL_OK(PrlVmDevHd_SetDiskSize(hdd, 32768));
    REQUIRE_PRL_OK(PrlVmDevHd_SetDiskType(hdd, PHD_PLAIN_HARD_DISK));
    REQUIRE_PRL_OK(PrlVmDev_SetImagePath(hdd, "/var/lib/vz/disk0.hdd"));
    REQUIRE_PRL_OK(PrlVmDev_SetDescription(hdd, "system disk"));

    // Another handle to the same disk sees the edits.
    Handle again;
    REQUIRE_PRL_OK(PrlVmCfg_GetHardDisk(t.vm, 0, again.out()));
    PRL_BOOL b = PRL_TRUE;
    REQUIRE_PRL_OK(PrlVmDev_IsEnabled(again, &b));
    REQUIRE(b == PRL_FALSE);
    REQUIRE_PRL_OK(PrlVmDev_IsConnected(again, &b));
    REQUIRE(b == PRL_FALSE);
    PRL_UINT32 size = 0;
    REQUIRE_PRL_OK(PrlVmDevHd_GetDiskSize(again, &size));
    REQUIRE(size == 32768);
    PRL_HARD_DISK_INTERNAL_FORMAT fmt;
    REQUIRE_PRL_OK(PrlVmDevHd_GetDiskType(again, &fmt));
    REQUIRE(fmt == PHD_PLAIN_HARD_DISK);
    REQUIRE(image_of(again) == "/var/lib/vz/disk0.hdd");
    REQUIRE(friendly_of(again) == "/var/lib/vz/disk0.hdd");
    REQUIRE(sys_name_of(again) == "/var/lib/vz/disk0.hdd");  // an image-file disk: system name follows
    REQUIRE(capi::get_string([&](PRL_STR s, PRL_UINT32_PTR l) { return PrlVmDev_GetDescription(again, s, l); }) ==
            "system disk");

    REQUIRE_PRL(PrlVmDevHd_SetDiskType(hdd, PRL_HARD_DISK_INTERNAL_FORMAT(9)), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDev_SetEmulatedType(hdd, PRL_VM_DEV_EMULATION_TYPE(1000)), PRL_ERR_INVALID_ARG);

    // For a device that does not use an image file, the friendly name is only a name.
    REQUIRE_PRL_OK(PrlVmDev_SetEmulatedType(hdd, PDT_USE_REAL_DEVICE));
    REQUIRE_PRL_OK(PrlVmDev_SetFriendlyName(hdd, "Host disk"));
    REQUIRE(friendly_of(hdd) == "Host disk");
    REQUIRE(sys_name_of(hdd) == "/var/lib/vz/disk0.hdd");
    REQUIRE_PRL_OK(PrlVmDev_SetSysName(hdd, "/dev/sdb"));
    REQUIRE(sys_name_of(hdd) == "/dev/sdb");
    PRL_VM_DEV_EMULATION_TYPE emu;
    REQUIRE_PRL_OK(PrlVmDev_GetEmulatedType(hdd, &emu));
    REQUIRE(emu == PDT_USE_REAL_DEVICE);
}

TEST_CASE("vm device: string getters follow the buffer rule", "[vmdev]") {
    NewVm t;
    Handle cd = t.create(PDE_OPTICAL_DISK);
    REQUIRE_PRL_OK(PrlVmDev_SetEmulatedType(cd, PDT_USE_IMAGE_FILE));
    REQUIRE_PRL_OK(PrlVmDev_SetImagePath(cd, "/iso/debian.iso"));
    PRL_UINT32 len = 0;
    REQUIRE_PRL_OK(PrlVmDev_GetImagePath(cd, nullptr, &len));
    REQUIRE(len == 16);
    char small[5] = "zzzz";
    len = sizeof small;
    REQUIRE_PRL(PrlVmDev_GetImagePath(cd, small, &len), PRL_ERR_BUFFER_OVERRUN);
    REQUIRE(len == 16);
    REQUIRE(std::string(small) == "/iso");  // what fits, terminated
    REQUIRE_PRL(PrlVmDev_GetImagePath(cd, small, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDev_GetFriendlyName(cd, small, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDev_GetSysName(cd, small, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDev_GetDescription(cd, small, nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("vm device: hostile strings get a clean error and change nothing", "[vmdev]") {
    NewVm t;
    Handle hdd = t.create(PDE_HARD_DISK);
    REQUIRE_PRL_OK(PrlVmDev_SetImagePath(hdd, "disk.hdd"));
    const std::string big(1 << 20, 'p');
    for (const std::string& bad : {big, std::string("\xff\xfe"), std::string("a\x01z"), std::string("new\nline"),
                                   std::string("\xed\xa0\x80")}) {
        INFO(bad.substr(0, 16));
        REQUIRE_PRL(PrlVmDev_SetImagePath(hdd, bad.c_str()), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_SetFriendlyName(hdd, bad.c_str()), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_SetSysName(hdd, bad.c_str()), PRL_ERR_INVALID_ARG);
    }
    REQUIRE_PRL(PrlVmDev_SetDescription(hdd, big.c_str()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDev_SetDescription(hdd, "\x07"), PRL_ERR_INVALID_ARG);
    REQUIRE(image_of(hdd) == "disk.hdd");
    REQUIRE(sys_name_of(hdd) == "disk.hdd");
    REQUIRE_PRL(PrlVmDev_SetImagePath(hdd, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDev_SetFriendlyName(hdd, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDev_SetSysName(hdd, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDev_SetDescription(hdd, nullptr), PRL_ERR_INVALID_ARG);
    // Paths outside the bundle are legitimate disk locations.
    REQUIRE_PRL_OK(PrlVmDev_SetImagePath(hdd, "../shared/disk.hdd"));
}

TEST_CASE("vm device: SetIndex keeps indexes unique within a kind", "[vmdev]") {
    NewVm t;
    Handle a = t.create(PDE_GENERIC_NETWORK_ADAPTER);
    Handle b = t.create(PDE_GENERIC_NETWORK_ADAPTER);
    Handle cd = t.create(PDE_OPTICAL_DISK);
    REQUIRE_PRL(PrlVmDev_SetIndex(b, 0), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlVmDev_SetIndex(b, 7));
    REQUIRE_PRL_OK(PrlVmDev_SetIndex(b, 7));  // its own index
    REQUIRE_PRL_OK(PrlVmDev_SetIndex(cd, 7));  // another kind
    PRL_UINT32 index = 0;
    REQUIRE_PRL_OK(PrlVmDev_GetIndex(b, &index));
    REQUIRE(index == 7);
    Handle second;
    REQUIRE_PRL_OK(PrlVmCfg_GetNetAdapter(t.vm, 1, second.out()));
    REQUIRE_PRL_OK(PrlVmDev_GetIndex(second, &index));
    REQUIRE(index == 7);
    REQUIRE_PRL(PrlVmDev_GetIndex(b, nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("vm device: Remove takes it out of the configuration", "[vmdev]") {
    NewVm t;
    Handle hdd = t.create(PDE_HARD_DISK);
    Handle usb = t.create(PDE_USB_DEVICE);
    Handle same;
    REQUIRE_PRL_OK(PrlVmCfg_GetHardDisk(t.vm, 0, same.out()));
    REQUIRE_PRL_OK(PrlVmDev_Remove(hdd));
    PRL_UINT32 n = 9;
    REQUIRE_PRL_OK(PrlVmCfg_GetHardDisksCount(t.vm, &n));
    REQUIRE(n == 0);
    REQUIRE_PRL_OK(PrlVmCfg_GetDevsCount(t.vm, &n));
    REQUIRE(n == 1);
    // Its handles stay valid handles but name a removed device, as in the SDK.
    PRL_UINT32 size;
    REQUIRE_PRL(PrlVmDevHd_GetDiskSize(hdd, &size), PRL_ERR_OBJECT_WAS_REMOVED);
    REQUIRE_PRL(PrlVmDev_GetIndex(same, &size), PRL_ERR_OBJECT_WAS_REMOVED);
    PRL_DEVICE_TYPE type;
    REQUIRE_PRL(PrlVmDev_GetType(same, &type), PRL_ERR_OBJECT_WAS_REMOVED);
    REQUIRE_PRL(PrlVmDev_SetImagePath(same, "x"), PRL_ERR_OBJECT_WAS_REMOVED);
    REQUIRE_PRL(PrlVmDev_Remove(hdd), PRL_ERR_OBJECT_WAS_REMOVED);
    REQUIRE_PRL_OK(PrlVmDev_Remove(usb));
    REQUIRE_PRL_OK(PrlVmCfg_GetDevsCount(t.vm, &n));
    REQUIRE(n == 0);
}

TEST_CASE("vm device: interface and slot of mass-storage devices", "[vmdev]") {
    NewVm t;
    Handle hdd = t.create(PDE_HARD_DISK);
    Handle cd = t.create(PDE_OPTICAL_DISK);
    PRL_UINT32 stack = 9;
    REQUIRE_PRL_OK(PrlVmDev_GetStackIndex(cd, &stack));
    REQUIRE(stack == 1);  // IDE 0 is the disk's

    REQUIRE_PRL_OK(PrlVmDev_SetIfaceType(hdd, PMS_SATA_DEVICE));
    PRL_MASS_STORAGE_INTERFACE_TYPE iface;
    REQUIRE_PRL_OK(PrlVmDev_GetIfaceType(hdd, &iface));
    REQUIRE(iface == PMS_SATA_DEVICE);
    REQUIRE_PRL_OK(PrlVmDev_GetStackIndex(hdd, &stack));
    REQUIRE(stack == 0);  // SATA shares the IDE numbering; slot 1 is the CD-ROM's

    REQUIRE_PRL_OK(PrlVmDev_SetIfaceType(cd, PMS_SCSI_DEVICE));
    REQUIRE_PRL_OK(PrlVmDev_GetStackIndex(cd, &stack));
    REQUIRE(stack == 0);
    REQUIRE_PRL_OK(PrlVmDev_SetStackIndex(cd, 5));
    REQUIRE_PRL_OK(PrlVmDev_GetStackIndex(cd, &stack));
    REQUIRE(stack == 5);
    REQUIRE_PRL_OK(PrlVmDev_SetDefaultStackIndex(cd));
    REQUIRE_PRL_OK(PrlVmDev_GetStackIndex(cd, &stack));
    REQUIRE(stack == 0);
    REQUIRE_PRL(PrlVmDev_SetIfaceType(hdd, PMS_UNKNOWN_DEVICE), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDev_SetStackIndex(hdd, 100000), PRL_ERR_INVALID_ARG);

    // IDE has four slots.
    std::vector<Handle> disks;
    for (int i = 0; i < 4; ++i) {
        disks.push_back(t.create(PDE_HARD_DISK));
        REQUIRE_PRL_OK(PrlVmDev_SetIfaceType(disks.back(), PMS_VIRTIO_BLOCK_DEVICE));
    }
    Handle ide[4];
    for (auto& h : ide) {
        h = t.create(PDE_HARD_DISK);
    }
    // The disk on SATA 0 and the four new disks share the IDE/SATA numbering:
    // four IDE slots, so the last new disk found none free and kept slot 0.
    REQUIRE_PRL(PrlVmDev_SetIfaceType(ide[3], PMS_IDE_DEVICE), PRL_ERR_NO_MORE_FREE_INTERFACE_SLOTS);

    // Other devices have neither.
    Handle net = t.create(PDE_GENERIC_NETWORK_ADAPTER);
    stack = 9;
    REQUIRE_PRL(PrlVmDev_GetStackIndex(net, &stack), PRL_ERR_INVALID_ARG);
    REQUIRE(stack == 0);
    REQUIRE_PRL(PrlVmDev_GetIfaceType(net, &iface), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDev_SetIfaceType(net, PMS_SATA_DEVICE), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDev_SetStackIndex(net, 1), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDev_GetStackIndex(hdd, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDev_GetIfaceType(hdd, nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("vm device: GetSizeOnDisk counts the blocks the image occupies", "[vmdev]") {
    NewVm t;
    prl::test::TempDir dir;
    Handle hdd = t.create(PDE_HARD_DISK);
    REQUIRE(size_on_disk(hdd) == 0);  // no image path

    const auto missing = dir.path() / "missing.hdd";
    REQUIRE_PRL_OK(PrlVmDev_SetImagePath(hdd, missing.c_str()));
    REQUIRE(size_on_disk(hdd) == 0);

    const auto file = dir.path() / "full.img";
    write_file(file, 3u << 20);
    ::sync();
    REQUIRE_PRL_OK(PrlVmDev_SetImagePath(hdd, file.c_str()));
    const PRL_UINT32 full = size_on_disk(hdd);
    REQUIRE(full >= 3);
    REQUIRE(full <= 4);

    // A sparse image occupies (almost) nothing whatever its length.
    const auto sparse = dir.path() / "sparse.img";
    {
        int fd = ::open(sparse.c_str(), O_CREAT | O_WRONLY, 0600);
        REQUIRE(fd >= 0);
        REQUIRE(::ftruncate(fd, off_t(1) << 30) == 0);
        ::close(fd);
    }
    REQUIRE_PRL_OK(PrlVmDev_SetImagePath(hdd, sparse.c_str()));
    REQUIRE(size_on_disk(hdd) <= 1);

    // A Virtuozzo image directory: the files in it.
    const auto bundle = dir.path() / "harddisk.hdd";
    std::filesystem::create_directories(bundle / "sub");
    write_file(bundle / "harddisk.hdd.0.{uuid}.hds", 2u << 20);
    write_file(bundle / "sub" / "more", 1u << 20);
    std::filesystem::create_symlink(file, bundle / "link-not-followed");
    REQUIRE_PRL_OK(PrlVmDev_SetImagePath(hdd, bundle.c_str()));
    const PRL_UINT32 dir_size = size_on_disk(hdd);
    REQUIRE(dir_size >= 3);
    REQUIRE(dir_size <= 4);

    // A relative path with no bundle yet: nothing to measure.
    REQUIRE_PRL_OK(PrlVmDev_SetImagePath(hdd, "harddisk.hdd"));
    REQUIRE(size_on_disk(hdd) == 0);
    REQUIRE_PRL(PrlVmDevHd_GetSizeOnDisk(hdd, nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("vm device: functions reject invalid, freed, forged and wrong-type handles", "[vmdev]") {
    NewVm t;
    Handle net = t.create(PDE_GENERIC_NETWORK_ADAPTER);
    PRL_HANDLE freed;
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(t.vm, PDE_HARD_DISK, &freed));
    REQUIRE_PRL_OK(PrlHandle_Free(freed));
    char buf[32];
    PRL_UINT32 len = sizeof buf, n;
    PRL_BOOL b;
    PRL_DEVICE_TYPE type;
    PRL_VM_DEV_EMULATION_TYPE emu;
    PRL_MASS_STORAGE_INTERFACE_TYPE iface;
    PRL_HARD_DISK_INTERNAL_FORMAT fmt;
    for (PRL_HANDLE bad : {PRL_HANDLE(PRL_INVALID_HANDLE), freed, capi::forged_handle(), t.vm.get(), t.server.get()}) {
        REQUIRE_PRL(PrlVmDev_GetType(bad, &type), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_GetIndex(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_SetIndex(bad, 1), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_Remove(bad), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_IsConnected(bad, &b), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_SetConnected(bad, PRL_TRUE), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_IsEnabled(bad, &b), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_SetEnabled(bad, PRL_TRUE), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_GetEmulatedType(bad, &emu), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_SetEmulatedType(bad, PDT_USE_IMAGE_FILE), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_GetImagePath(bad, buf, &len), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_SetImagePath(bad, "x"), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_GetFriendlyName(bad, buf, &len), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_SetFriendlyName(bad, "x"), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_GetSysName(bad, buf, &len), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_SetSysName(bad, "x"), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_GetDescription(bad, buf, &len), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_SetDescription(bad, "x"), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_GetIfaceType(bad, &iface), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_SetIfaceType(bad, PMS_SATA_DEVICE), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_GetStackIndex(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_SetStackIndex(bad, 0), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDev_SetDefaultStackIndex(bad), PRL_ERR_INVALID_ARG);
    }
    // Hard-disk functions refuse every other device too.
    for (PRL_HANDLE bad : {PRL_HANDLE(PRL_INVALID_HANDLE), freed, capi::forged_handle(), t.vm.get(), net.get()}) {
        REQUIRE_PRL(PrlVmDevHd_GetDiskType(bad, &fmt), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDevHd_SetDiskType(bad, PHD_EXPANDING_HARD_DISK), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDevHd_GetDiskSize(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDevHd_SetDiskSize(bad, 1), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlVmDevHd_GetSizeOnDisk(bad, &n), PRL_ERR_INVALID_ARG);
    }
    Handle hdd = t.create(PDE_HARD_DISK);
    REQUIRE_PRL(PrlVmDev_GetType(hdd, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDev_IsConnected(hdd, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDev_IsEnabled(hdd, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDev_GetEmulatedType(hdd, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDevHd_GetDiskType(hdd, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDevHd_GetDiskSize(hdd, nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("vm device: a device handle keeps its VM alive", "[vmdev]") {
    capi::Api api;
    Handle server, dev;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    {
        Handle vm;
        REQUIRE_PRL_OK(PrlSrv_CreateVm(server, vm.out()));
        REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_SERIAL_PORT, dev.out()));
    }
    REQUIRE_PRL_OK(PrlVmDev_SetSysName(dev, "/dev/ttyS0"));
    REQUIRE(sys_name_of(dev) == "/dev/ttyS0");
}
