// The device call sequences the real prlctl makes (OpenVZ/prlctl PrlDev.cpp,
// PrlVm.cpp) for `prlctl set VM --device-add hdd|net`, `--device-set`,
// `--device-del` and `--device-bootorder`, checked on disk.
#include "devices_fixture.h"

#include <sys/stat.h>

#include <string>
#include <vector>

using capi::Handle;

namespace {

struct BootEntry {
    PRL_DEVICE_TYPE type;
    PRL_UINT32 index, sequence;
    PRL_BOOL in_use;
};

std::vector<BootEntry> boot_list(PRL_HANDLE vm) {
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlVmCfg_GetBootDevCount(vm, &n));
    std::vector<BootEntry> out;
    for (PRL_UINT32 i = 0; i < n; ++i) {
        Handle b;
        BootEntry e{};
        REQUIRE_PRL_OK(PrlVmCfg_GetBootDev(vm, i, b.out()));
        REQUIRE_PRL_OK(PrlBootDev_GetType(b, &e.type));
        REQUIRE_PRL_OK(PrlBootDev_GetIndex(b, &e.index));
        REQUIRE_PRL_OK(PrlBootDev_GetSequenceIndex(b, &e.sequence));
        REQUIRE_PRL_OK(PrlBootDev_IsInUse(b, &e.in_use));
        out.push_back(e);
    }
    return out;
}

// PrlVm::set_boot_dev: a device not in the boot list goes at its end.
void set_boot_dev(PRL_HANDLE vm, PRL_DEVICE_TYPE type, PRL_UINT32 index) {
    PRL_UINT32 max_index = 0;
    for (const auto& e : boot_list(vm)) {
        if (e.type == type && e.index == index) return;
        if (e.sequence > max_index) max_index = e.sequence;
    }
    Handle b;
    REQUIRE_PRL_OK(PrlVmCfg_CreateBootDev(vm, b.out()));
    REQUIRE_PRL_OK(PrlBootDev_SetType(b, type));
    REQUIRE_PRL_OK(PrlBootDev_SetIndex(b, index));
    REQUIRE_PRL_OK(PrlBootDev_SetSequenceIndex(b, max_index + 1));
    REQUIRE_PRL_OK(PrlBootDev_SetInUse(b, PRL_TRUE));
}

PRL_UINT32 index_of(PRL_HANDLE dev) {
    PRL_UINT32 i = 0;
    REQUIRE_PRL_OK(PrlVmDev_GetIndex(dev, &i));
    return i;
}

}  // namespace

TEST_CASE("prlctl set --device-add hdd --size, --device-set, --device-del", "[prlctl-dev]") {
    capi::DevSession s;
    Handle vm = s.new_vm("prlctl-hdd");
    s.reg(vm);
    const std::string bundle = capi::DevSession::bundle_dir(vm);

    // --device-add hdd --size 16
    capi::wait_ok(PrlVm_BeginEdit(vm));
    Handle hdd;
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_HARD_DISK, hdd.out()));
    REQUIRE_PRL_OK(PrlVmDev_SetEnabled(hdd, PRL_TRUE));
    const std::string image = bundle + "/harddisk1.hdd";
    REQUIRE_PRL_OK(PrlVmDev_SetImagePath(hdd, image.c_str()));
    REQUIRE_PRL_OK(PrlVmDev_SetEmulatedType(hdd, PDT_USE_IMAGE_FILE));
    REQUIRE_PRL_OK(PrlVmDev_SetFriendlyName(hdd, image.c_str()));
    REQUIRE_PRL_OK(PrlVmDev_SetSysName(hdd, image.c_str()));
    REQUIRE_PRL_OK(PrlVmDevHd_SetDiskType(hdd, PHD_EXPANDING_HARD_DISK));
    REQUIRE_PRL_OK(PrlVmDevHd_SetDiskSize(hdd, 16));
    capi::wait_ok(PrlVmDev_CreateImage(hdd, PRL_FALSE, PRL_TRUE));
    set_boot_dev(vm, PDE_HARD_DISK, index_of(hdd));
    capi::wait_ok(PrlVm_Commit(vm));

    struct stat st {};
    REQUIRE(::stat(image.c_str(), &st) == 0);
    CHECK(st.st_size == 16 << 20);
    std::string text = capi::DevSession::config_text(vm);
    CHECK(text.find("<SystemName>harddisk1.hdd</SystemName>") != std::string::npos);
    CHECK(text.find("<Size>16</Size>") != std::string::npos);
    Handle again = s.reload(vm);
    auto order = boot_list(again);
    REQUIRE(order.size() == 1);
    CHECK(order[0].type == PDE_HARD_DISK);
    CHECK(order[0].in_use == PRL_TRUE);

    // --device-set hdd0 --iface scsi --subtype virtio-scsi --serial-number ... --autocompact off
    capi::wait_ok(PrlVm_BeginEdit(again));
    Handle h0;
    REQUIRE_PRL_OK(PrlVmCfg_GetHardDisk(again, 0, h0.out()));
    REQUIRE_PRL_OK(PrlVmDev_SetIfaceType(h0, PMS_SCSI_DEVICE));
    REQUIRE_PRL_OK(PrlVmDev_SetSubType(h0, PCD_VIRTIO_SCSI));
    REQUIRE_PRL_OK(PrlVmDevHd_SetSerialNumber(h0, "SN-0001"));
    REQUIRE_PRL_OK(PrlVmDevHd_SetAutoCompressEnabled(h0, PRL_FALSE));
    capi::wait_ok(PrlVm_Commit(again));
    text = capi::DevSession::config_text(vm);
    CHECK(text.find("<SerialNumber>SN-0001</SerialNumber>") != std::string::npos);
    CHECK(text.find("<SubType>3</SubType>") != std::string::npos);
    CHECK(text.find("<AutoCompressEnabled>0</AutoCompressEnabled>") != std::string::npos);

    // --device-del hdd0: the device and its boot entry go.
    Handle third = s.reload(vm);
    capi::wait_ok(PrlVm_BeginEdit(third));
    Handle del;
    REQUIRE_PRL_OK(PrlVmCfg_GetHardDisk(third, 0, del.out()));
    REQUIRE_PRL_OK(PrlVmDev_Remove(del));
    capi::wait_ok(PrlVm_Commit(third));
    Handle fourth = s.reload(vm);
    PRL_UINT32 n = 9;
    REQUIRE_PRL_OK(PrlVmCfg_GetHardDisksCount(fourth, &n));
    CHECK(n == 0);
    CHECK(boot_list(fourth).empty());
    CHECK(capi::DevSession::config_text(vm).find("<Hdd") == std::string::npos);
}

TEST_CASE("prlctl set --device-add net --type bridged|routed, --device-set, --device-del", "[prlctl-dev]") {
    capi::DevSession s;
    Handle vm = s.new_vm("prlctl-net");
    s.reg(vm);

    // --device-add net --type bridged --iface eth0
    capi::wait_ok(PrlVm_BeginEdit(vm));
    Handle net;
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_GENERIC_NETWORK_ADAPTER, net.out()));
    REQUIRE_PRL_OK(PrlVmDev_SetEnabled(net, PRL_TRUE));
    REQUIRE_PRL_OK(PrlVmDev_SetEmulatedType(net, static_cast<PRL_VM_DEV_EMULATION_TYPE>(PNA_BRIDGED_ETHERNET)));
    REQUIRE_PRL_OK(PrlVmDevNet_SetBoundAdapterName(net, "eth0"));
    REQUIRE_PRL_OK(PrlVmDevNet_SetHostInterfaceName(net, "veth-prlctl"));
    set_boot_dev(vm, PDE_GENERIC_NETWORK_ADAPTER, index_of(net));
    // --device-add net --type routed --ipadd 10.0.0.7/24 --dns 8.8.8.8
    Handle routed;
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_GENERIC_NETWORK_ADAPTER, routed.out()));
    REQUIRE_PRL_OK(PrlVmDev_SetEmulatedType(routed, static_cast<PRL_VM_DEV_EMULATION_TYPE>(PNA_ROUTED)));
    Handle ips = capi::strings_list({"10.0.0.7/24"}), dns = capi::strings_list({"8.8.8.8"});
    REQUIRE_PRL_OK(PrlVmDevNet_SetNetAddresses(routed, ips));
    REQUIRE_PRL_OK(PrlVmDevNet_SetConfigureWithDhcp(routed, PRL_FALSE));
    REQUIRE_PRL_OK(PrlVmDevNet_SetDnsServers(routed, dns));
    set_boot_dev(vm, PDE_GENERIC_NETWORK_ADAPTER, index_of(routed));
    capi::wait_ok(PrlVm_Commit(vm));

    std::string text = capi::DevSession::config_text(vm);
    CHECK(text.find("<AdapterName>eth0</AdapterName>") != std::string::npos);
    CHECK(text.find("<HostInterfaceName>veth-prlctl</HostInterfaceName>") != std::string::npos);
    CHECK(text.find("<NetAddress>10.0.0.7/255.255.255.0</NetAddress>") != std::string::npos);
    CHECK(text.find("<DnsIPAddress>8.8.8.8</DnsIPAddress>") != std::string::npos);
    CHECK(text.find("<EmulatedType>5</EmulatedType>") != std::string::npos);

    // --device-set net0 --mac 00:1C:42:00:00:AA --network Bridged
    Handle again = s.reload(vm);
    capi::wait_ok(PrlVm_BeginEdit(again));
    Handle n0;
    REQUIRE_PRL_OK(PrlVmCfg_GetNetAdapter(again, 0, n0.out()));
    REQUIRE_PRL_OK(PrlVmDevNet_SetMacAddress(n0, "00:1C:42:00:00:AA"));
    REQUIRE_PRL_OK(PrlVmDevNet_SetVirtualNetworkId(n0, "Bridged"));
    capi::wait_ok(PrlVm_Commit(again));
    text = capi::DevSession::config_text(vm);
    CHECK(text.find("<MAC>001C420000AA</MAC>") != std::string::npos);
    CHECK(text.find("<VirtualNetworkID>Bridged</VirtualNetworkID>") != std::string::npos);

    // --device-del net0: one adapter remains, so the network boot entries stay.
    Handle third = s.reload(vm);
    capi::wait_ok(PrlVm_BeginEdit(third));
    Handle del;
    REQUIRE_PRL_OK(PrlVmCfg_GetNetAdapter(third, 0, del.out()));
    REQUIRE_PRL_OK(PrlVmDev_Remove(del));
    capi::wait_ok(PrlVm_Commit(third));
    Handle fourth = s.reload(vm);
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlVmCfg_GetNetAdaptersCount(fourth, &n));
    CHECK(n == 1);
    CHECK(boot_list(fourth).size() == 2);
    text = capi::DevSession::config_text(vm);
    CHECK(text.find("001C420000AA") == std::string::npos);
}

TEST_CASE("prlctl set --device-bootorder", "[prlctl-dev]") {
    capi::DevSession s;
    Handle vm = s.new_vm("prlctl-boot");
    Handle hdd, cd, net;
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_HARD_DISK, hdd.out()));
    REQUIRE_PRL_OK(PrlVmDevHd_SetDiskSize(hdd, 1));
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_OPTICAL_DISK, cd.out()));
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_GENERIC_NETWORK_ADAPTER, net.out()));
    set_boot_dev(vm, PDE_HARD_DISK, 0);
    set_boot_dev(vm, PDE_OPTICAL_DISK, 0);
    set_boot_dev(vm, PDE_GENERIC_NETWORK_ADAPTER, 0);
    s.reg(vm);

    // PrlVm::set_boot_list("cdrom0 hdd0"): read, delete all, add the named ones
    // in order, then the others not in use.
    Handle again = s.reload(vm);
    capi::wait_ok(PrlVm_BeginEdit(again));
    const auto before = boot_list(again);
    REQUIRE(before.size() == 3);
    for (std::size_t i = 0; i < before.size(); ++i) {
        Handle b;
        REQUIRE_PRL_OK(PrlVmCfg_GetBootDev(again, 0, b.out()));
        REQUIRE_PRL_OK(PrlBootDev_Remove(b));
    }
    auto add = [&](PRL_DEVICE_TYPE type, PRL_UINT32 seq, PRL_BOOL in_use) {
        Handle b;
        REQUIRE_PRL_OK(PrlVmCfg_CreateBootDev(again, b.out()));
        REQUIRE_PRL_OK(PrlBootDev_SetType(b, type));
        REQUIRE_PRL_OK(PrlBootDev_SetIndex(b, 0));
        REQUIRE_PRL_OK(PrlBootDev_SetSequenceIndex(b, seq));
        REQUIRE_PRL_OK(PrlBootDev_SetInUse(b, in_use));
    };
    add(PDE_OPTICAL_DISK, 0, PRL_TRUE);
    add(PDE_HARD_DISK, 1, PRL_TRUE);
    add(PDE_GENERIC_NETWORK_ADAPTER, 2, PRL_FALSE);
    capi::wait_ok(PrlVm_Commit(again));

    const auto after = boot_list(s.reload(vm));
    REQUIRE(after.size() == 3);
    CHECK(after[0].type == PDE_OPTICAL_DISK);
    CHECK(after[1].type == PDE_HARD_DISK);
    CHECK(after[2].type == PDE_GENERIC_NETWORK_ADAPTER);
    CHECK(after[2].in_use == PRL_FALSE);
}

TEST_CASE("prlctl set --device-set hdd0 --size: the image grows", "[prlctl-dev]") {
    capi::DevSession s;
    Handle vm = s.new_vm("prlctl-resize");
    Handle hdd;
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_HARD_DISK, hdd.out()));
    REQUIRE_PRL_OK(PrlVmDevHd_SetDiskSize(hdd, 2));
    // Not registered yet: nothing to resize.
    CHECK(capi::job_code(PrlVmDev_ResizeImage(hdd, 4, 0)) == PRL_ERR_INVALID_ARG);
    s.reg(vm);
    const std::string image = capi::DevSession::bundle_dir(vm) + "/harddisk.hdd";

    Handle again = s.reload(vm);
    capi::wait_ok(PrlVm_BeginEdit(again));
    Handle h0;
    REQUIRE_PRL_OK(PrlVmCfg_GetHardDisk(again, 0, h0.out()));
    capi::wait_ok(PrlVmDev_ResizeImage(h0, 8, PRIF_RESIZE_LAST_PARTITION));
    // Stored at once, as the product's dispatcher does (prlctl does not commit).
    {
        Handle stored = s.reload(vm);
        Handle d;
        REQUIRE_PRL_OK(PrlVmCfg_GetHardDisk(stored, 0, d.out()));
        PRL_UINT32 size = 0;
        REQUIRE_PRL_OK(PrlVmDevHd_GetDiskSize(d, &size));
        CHECK(size == 8);
    }
    // The client's own edit, committed after the resize, does not conflict.
    REQUIRE_PRL_OK(PrlVmCfg_SetDescription(again, "resized"));
    capi::wait_ok(PrlVm_Commit(again));
    struct stat st {};
    REQUIRE(::stat(image.c_str(), &st) == 0);
    CHECK(st.st_size == 8 << 20);
    CHECK(capi::DevSession::config_text(vm).find("<Size>8</Size>") != std::string::npos);
    CHECK(capi::job_code(PrlVmDev_ResizeImage(h0, 4, 0)) == PRL_ERR_DISK_RESIZE_SIZE_TOO_LOW);
    CHECK(capi::job_code(PrlVmDev_ResizeImage(h0, 0, 0)) == PRL_ERR_INVALID_ARG);
    CHECK(capi::job_code(PrlVmDev_ResizeImage(h0, 16, PRIF_DISK_INFO)) == PRL_ERR_INVALID_ARG);
    Handle net;
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(again, PDE_GENERIC_NETWORK_ADAPTER, net.out()));
    CHECK(capi::job_code(PrlVmDev_ResizeImage(net, 16, 0)) == PRL_ERR_INVALID_ARG);
}
