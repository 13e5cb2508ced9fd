// Hard disk partitions and encryption, shared folders, port forwarding
// rules, network rates, the mass-storage extras, sound devices, devices made
// on their own, devices prlshim does not model, and images made on request.
#include "devices_fixture.h"

#include <sys/stat.h>

#include <filesystem>
#include <string>

using capi::Handle;
using capi::NewVm;

namespace {

template <class F>
std::string str(F&& f) {
    return capi::get_string(std::forward<F>(f));
}

}  // namespace

TEST_CASE("hard disk partitions", "[vmdevobj]") {
    NewVm t;
    Handle hdd = t.create(PDE_HARD_DISK);
    PRL_UINT32 n = 9;
    REQUIRE_PRL_OK(PrlVmDevHd_GetPartitionsCount(hdd, &n));
    CHECK(n == 0);
    Handle p1, p2;
    REQUIRE_PRL_OK(PrlVmDevHd_AddPartition(hdd, p1.out()));
    REQUIRE_PRL_OK(PrlVmDevHdPart_SetSysName(p1, "/dev/sda1"));
    REQUIRE_PRL_OK(PrlVmDevHd_AddPartition(hdd, p2.out()));
    REQUIRE_PRL_OK(PrlVmDevHdPart_SetSysName(p2, "/dev/sda2"));
    PRL_HANDLE_TYPE ht;
    REQUIRE_PRL_OK(PrlHandle_GetType(p1, &ht));
    CHECK(ht == PHT_VIRTUAL_DEV_HD_PARTITION);
    REQUIRE_PRL_OK(PrlVmDevHd_GetPartitionsCount(hdd, &n));
    CHECK(n == 2);
    Handle got;
    REQUIRE_PRL_OK(PrlVmDevHd_GetPartition(hdd, 1, got.out()));
    CHECK(str([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDevHdPart_GetSysName(got, b, l); }) == "/dev/sda2");
    CHECK(PrlVmDevHd_GetPartition(hdd, 2, got.out()) == PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlVmDevHdPart_Remove(p1));
    CHECK(PrlVmDevHdPart_SetSysName(p1, "x") == PRL_ERR_OBJECT_WAS_REMOVED);
    // p2 moved to the first place and is still found.
    CHECK(str([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDevHdPart_GetSysName(p2, b, l); }) == "/dev/sda2");
    REQUIRE_PRL_OK(PrlVmDevHd_GetPartitionsCount(hdd, &n));
    CHECK(n == 1);
    CHECK(PrlVmDevHdPart_SetSysName(p2, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevHdPart_SetSysName(p2, "a\tb") == PRL_ERR_INVALID_ARG);
    Handle cd = t.create(PDE_OPTICAL_DISK);
    CHECK(PrlVmDevHd_AddPartition(cd, got.out()) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevHd_GetPartitionsCount(cd, &n) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevHd_AddPartition(hdd, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevHd_GetPartitionsCount(hdd, nullptr) == PRL_ERR_INVALID_ARG);
    PRL_UINT32 len = 0;
    CHECK(PrlVmDevHdPart_GetSysName(hdd, nullptr, &len) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevHdPart_Remove(capi::forged_handle()) == PRL_ERR_INVALID_ARG);
    // Removing the disk leaves its partition handles naming nothing.
    REQUIRE_PRL_OK(PrlVmDev_Remove(hdd));
    CHECK(PrlVmDevHdPart_GetSysName(p2, nullptr, &len) == PRL_ERR_OBJECT_WAS_REMOVED);
}

TEST_CASE("hard disk encryption, as prlctl sets and clears it", "[vmdevobj]") {
    NewVm t;
    Handle hdd = t.create(PDE_HARD_DISK);
    Handle enc;
    REQUIRE_PRL_OK(PrlVmDevHd_GetEncryption(hdd, enc.out()));
    PRL_HANDLE_TYPE ht;
    REQUIRE_PRL_OK(PrlHandle_GetType(enc, &ht));
    CHECK(ht == PHT_VIRTUAL_DISK_ENCRYPTION);
    CHECK(str([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDevHdEncryption_GetKeyId(enc, b, l); }).empty());
    REQUIRE_PRL_OK(PrlVmDevHdEncryption_SetKeyId(enc, "key-1"));
    // A copy: nothing changes on the disk before SetEncryption.
    Handle other;
    REQUIRE_PRL_OK(PrlVmDevHd_GetEncryption(hdd, other.out()));
    CHECK(str([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDevHdEncryption_GetKeyId(other, b, l); }).empty());
    REQUIRE_PRL_OK(PrlVmDevHd_SetEncryption(hdd, enc));
    REQUIRE_PRL_OK(PrlVmDevHd_GetEncryption(hdd, other.out()));
    CHECK(str([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDevHdEncryption_GetKeyId(other, b, l); }) == "key-1");
    REQUIRE_PRL_OK(PrlVmDevHdEncryption_SetKeyId(other, ""));
    REQUIRE_PRL_OK(PrlVmDevHd_SetEncryption(hdd, other));
    REQUIRE_PRL_OK(PrlVmDevHd_GetEncryption(hdd, enc.out()));
    CHECK(str([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDevHdEncryption_GetKeyId(enc, b, l); }).empty());
    CHECK(PrlVmDevHd_SetEncryption(hdd, t.vm) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevHd_SetEncryption(hdd, PRL_INVALID_HANDLE) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevHd_GetEncryption(hdd, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevHdEncryption_SetKeyId(enc, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevHdEncryption_SetKeyId(hdd, "k") == PRL_ERR_INVALID_ARG);
    PRL_UINT32 len = 0;
    CHECK(PrlVmDevHdEncryption_GetKeyId(enc, nullptr, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevHdEncryption_GetKeyId(capi::forged_handle(), nullptr, &len) == PRL_ERR_INVALID_ARG);
    Handle net = t.create(PDE_GENERIC_NETWORK_ADAPTER);
    CHECK(PrlVmDevHd_GetEncryption(net, enc.out()) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("partitions and encryption reach config.pvs", "[vmdevobj]") {
    capi::DevSession s;
    Handle vm = s.new_vm("hdd-objects");
    Handle hdd;
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_HARD_DISK, hdd.out()));
    REQUIRE_PRL_OK(PrlVmDevHd_SetDiskSize(hdd, 1));
    Handle part, enc;
    REQUIRE_PRL_OK(PrlVmDevHd_AddPartition(hdd, part.out()));
    REQUIRE_PRL_OK(PrlVmDevHdPart_SetSysName(part, "/dev/sdb1"));
    REQUIRE_PRL_OK(PrlVmDevHd_GetEncryption(hdd, enc.out()));
    REQUIRE_PRL_OK(PrlVmDevHdEncryption_SetKeyId(enc, "abc"));
    REQUIRE_PRL_OK(PrlVmDevHd_SetEncryption(hdd, enc));
    s.reg(vm);
    const std::string text = capi::DevSession::config_text(vm);
    CHECK(text.find("<Partition>") != std::string::npos);
    CHECK(text.find("<KeyId>abc</KeyId>") != std::string::npos);
    Handle again = s.reload(vm);
    Handle hdd2, part2, enc2;
    REQUIRE_PRL_OK(PrlVmCfg_GetHardDisk(again, 0, hdd2.out()));
    REQUIRE_PRL_OK(PrlVmDevHd_GetPartition(hdd2, 0, part2.out()));
    CHECK(str([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDevHdPart_GetSysName(part2, b, l); }) == "/dev/sdb1");
    REQUIRE_PRL_OK(PrlVmDevHd_GetEncryption(hdd2, enc2.out()));
    CHECK(str([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDevHdEncryption_GetKeyId(enc2, b, l); }) == "abc");
}

TEST_CASE("shared folders", "[vmdevobj]") {
    capi::DevSession s;
    Handle vm = s.new_vm("shares");
    PRL_UINT32 n = 9;
    REQUIRE_PRL_OK(PrlVmCfg_GetSharesCount(vm, &n));
    CHECK(n == 0);
    Handle share;
    REQUIRE_PRL_OK(PrlVmCfg_CreateShare(vm, share.out()));
    PRL_BOOL b = PRL_FALSE;
    REQUIRE_PRL_OK(PrlShare_IsEnabled(share, &b));
    CHECK(b == PRL_TRUE);
    REQUIRE_PRL_OK(PrlShare_IsReadOnly(share, &b));
    CHECK(b == PRL_FALSE);
    REQUIRE_PRL_OK(PrlShare_SetName(share, "data"));
    REQUIRE_PRL_OK(PrlShare_SetPath(share, "/srv/data"));
    REQUIRE_PRL_OK(PrlShare_SetDescription(share, "project files"));
    REQUIRE_PRL_OK(PrlShare_SetReadOnly(share, PRL_TRUE));
    REQUIRE_PRL_OK(PrlShare_SetEnabled(share, PRL_FALSE));
    Handle second;
    REQUIRE_PRL_OK(PrlVmCfg_CreateShare(vm, second.out()));
    REQUIRE_PRL_OK(PrlShare_SetName(second, "tmp"));
    CHECK(PrlShare_SetName(share, "a\nb") == PRL_ERR_INVALID_ARG);
    CHECK(PrlShare_SetPath(share, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlShare_IsEnabled(share, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmCfg_GetShare(vm, 2, second.out()) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmCfg_CreateShare(vm, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmCfg_GetSharesCount(s.server, &n) == PRL_ERR_INVALID_ARG);
    s.reg(vm);

    Handle again = s.reload(vm);
    REQUIRE_PRL_OK(PrlVmCfg_GetSharesCount(again, &n));
    REQUIRE(n == 2);
    Handle got;
    REQUIRE_PRL_OK(PrlVmCfg_GetShare(again, 0, got.out()));
    CHECK(str([&](PRL_STR b2, PRL_UINT32_PTR l) { return PrlShare_GetName(got, b2, l); }) == "data");
    CHECK(str([&](PRL_STR b2, PRL_UINT32_PTR l) { return PrlShare_GetPath(got, b2, l); }) == "/srv/data");
    CHECK(str([&](PRL_STR b2, PRL_UINT32_PTR l) { return PrlShare_GetDescription(got, b2, l); }) == "project files");
    REQUIRE_PRL_OK(PrlShare_IsReadOnly(got, &b));
    CHECK(b == PRL_TRUE);
    REQUIRE_PRL_OK(PrlShare_IsEnabled(got, &b));
    CHECK(b == PRL_FALSE);
    REQUIRE_PRL_OK(PrlShare_Remove(got));
    CHECK(PrlShare_Remove(got) == PRL_ERR_OBJECT_WAS_REMOVED);
    REQUIRE_PRL_OK(PrlVmCfg_GetSharesCount(again, &n));
    CHECK(n == 1);
}

TEST_CASE("port forwarding rules", "[vmdevobj]") {
    capi::Api api;
    Handle fwd;
    REQUIRE_PRL_OK(PrlPortFwd_Create(fwd.out()));
    CHECK(str([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlPortFwd_GetRedirectIPAddress(fwd, b, l); }) == "0.0.0.0");
    REQUIRE_PRL_OK(PrlPortFwd_SetRuleName(fwd, "ssh"));
    REQUIRE_PRL_OK(PrlPortFwd_SetIncomingPort(fwd, 2222));
    REQUIRE_PRL_OK(PrlPortFwd_SetRedirectIPAddress(fwd, "10.0.0.5"));
    REQUIRE_PRL_OK(PrlPortFwd_SetRedirectPort(fwd, 22));
    REQUIRE_PRL_OK(PrlPortFwd_SetRedirectVm(fwd, "{11111111-2222-3333-4444-555555555555}"));
    PRL_UINT16 port = 0;
    REQUIRE_PRL_OK(PrlPortFwd_GetIncomingPort(fwd, &port));
    CHECK(port == 2222);
    REQUIRE_PRL_OK(PrlPortFwd_GetRedirectPort(fwd, &port));
    CHECK(port == 22);
    CHECK(str([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlPortFwd_GetRuleName(fwd, b, l); }) == "ssh");
    CHECK(str([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlPortFwd_GetRedirectIPAddress(fwd, b, l); }) == "10.0.0.5");
    CHECK(str([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlPortFwd_GetRedirectVm(fwd, b, l); }) ==
          "{11111111-2222-3333-4444-555555555555}");
    CHECK(PrlPortFwd_SetRedirectIPAddress(fwd, "10.0.0") == PRL_ERR_INVALID_ARG);
    CHECK(PrlPortFwd_SetRuleName(fwd, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlPortFwd_Create(nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlPortFwd_GetIncomingPort(fwd, nullptr) == PRL_ERR_INVALID_ARG);
    PRL_UINT32 len = 0;
    CHECK(PrlPortFwd_GetRuleName(capi::forged_handle(), nullptr, &len) == PRL_ERR_INVALID_ARG);
    CHECK(PrlPortFwd_SetRedirectPort(capi::forged_handle(), 1) == PRL_ERR_INVALID_ARG);
    CHECK(PrlPortFwd_SetIncomingPort(capi::forged_handle(), 1) == PRL_ERR_INVALID_ARG);
    CHECK(PrlPortFwd_GetRedirectPort(capi::forged_handle(), &port) == PRL_ERR_INVALID_ARG);
    CHECK(PrlPortFwd_GetRedirectVm(fwd, nullptr, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlPortFwd_SetRedirectVm(fwd, "\x01") == PRL_ERR_INVALID_ARG);
}

TEST_CASE("network rates, as prlctl sets them", "[vmdevobj]") {
    capi::DevSession s;
    Handle vm = s.new_vm("rates");
    Handle list;
    REQUIRE_PRL_OK(PrlVmCfg_GetNetworkRateList(vm, list.out()));
    PRL_UINT32 n = 9;
    REQUIRE_PRL_OK(PrlHndlList_GetItemsCount(list, &n));
    CHECK(n == 0);
    Handle rates, r1, r2;
    REQUIRE_PRL_OK(PrlApi_CreateHandlesList(rates.out()));
    REQUIRE_PRL_OK(PrlNetworkRate_Create(1, 1000, r1.out()));
    REQUIRE_PRL_OK(PrlNetworkRate_Create(2, 2000, r2.out()));
    REQUIRE_PRL_OK(PrlHndlList_AddItem(rates, r1));
    REQUIRE_PRL_OK(PrlHndlList_AddItem(rates, r2));
    REQUIRE_PRL_OK(PrlVmCfg_SetNetworkRateList(vm, rates));
    s.reg(vm);
    CHECK(capi::DevSession::config_text(vm).find("<NetworkRates>") != std::string::npos);
    Handle again = s.reload(vm);
    REQUIRE_PRL_OK(PrlVmCfg_GetNetworkRateList(again, list.out()));
    REQUIRE_PRL_OK(PrlHndlList_GetItemsCount(list, &n));
    REQUIRE(n == 2);
    Handle item;
    REQUIRE_PRL_OK(PrlHndlList_GetItem(list, 1, item.out()));
    PRL_UINT32 v = 0;
    REQUIRE_PRL_OK(PrlNetworkRate_GetClassId(item, &v));
    CHECK(v == 2);
    REQUIRE_PRL_OK(PrlNetworkRate_GetRate(item, &v));
    CHECK(v == 2000);
    CHECK(PrlNetworkRate_Create(1, 1, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlNetworkRate_GetRate(item, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlNetworkRate_GetClassId(vm, &v) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmCfg_SetNetworkRateList(vm, PRL_INVALID_HANDLE) == PRL_ERR_INVALID_ARG);
    Handle wrong;
    REQUIRE_PRL_OK(PrlApi_CreateHandlesList(wrong.out()));
    REQUIRE_PRL_OK(PrlHndlList_AddItem(wrong, vm));
    CHECK(PrlVmCfg_SetNetworkRateList(vm, wrong) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmCfg_GetNetworkRateList(vm, nullptr) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("mass-storage extras, output file and sound devices", "[vmdevobj]") {
    NewVm t;
    Handle hdd = t.create(PDE_HARD_DISK), cd = t.create(PDE_OPTICAL_DISK), net = t.create(PDE_GENERIC_NETWORK_ADAPTER);
    PRL_BOOL b = PRL_TRUE;
    REQUIRE_PRL_OK(PrlVmDev_IsPassthrough(cd, &b));
    CHECK(b == PRL_FALSE);
    REQUIRE_PRL_OK(PrlVmDev_SetPassthrough(cd, PRL_TRUE));
    REQUIRE_PRL_OK(PrlVmDev_IsPassthrough(cd, &b));
    CHECK(b == PRL_TRUE);
    CHECK(PrlVmDev_SetPassthrough(net, PRL_TRUE) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDev_IsPassthrough(net, &b) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDev_IsPassthrough(hdd, nullptr) == PRL_ERR_INVALID_ARG);
    PRL_CLUSTERED_DEVICE_SUBTYPE sub = PCD_UNKNOWN_DEVICE;
    REQUIRE_PRL_OK(PrlVmDev_GetSubType(hdd, &sub));
    CHECK(sub == PCD_BUSLOGIC);
    REQUIRE_PRL_OK(PrlVmDev_SetSubType(hdd, PCD_VIRTIO_SCSI));
    REQUIRE_PRL_OK(PrlVmDev_GetSubType(hdd, &sub));
    CHECK(sub == PCD_VIRTIO_SCSI);
    CHECK(PrlVmDev_SetSubType(hdd, static_cast<PRL_CLUSTERED_DEVICE_SUBTYPE>(17)) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDev_GetSubType(net, &sub) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDev_GetSubType(hdd, nullptr) == PRL_ERR_INVALID_ARG);

    Handle serial = t.create(PDE_SERIAL_PORT);
    REQUIRE_PRL_OK(PrlVmDev_SetOutputFile(serial, "/tmp/serial.log"));
    CHECK(str([&](PRL_STR b2, PRL_UINT32_PTR l) { return PrlVmDev_GetOutputFile(serial, b2, l); }) == "/tmp/serial.log");
    CHECK(str([&](PRL_STR b2, PRL_UINT32_PTR l) { return PrlVmDev_GetFriendlyName(serial, b2, l); }) == "/tmp/serial.log");
    CHECK(PrlVmDev_SetOutputFile(serial, nullptr) == PRL_ERR_INVALID_ARG);

    Handle sound = t.create(PDE_SOUND_DEVICE);
    CHECK(str([&](PRL_STR b2, PRL_UINT32_PTR l) { return PrlVmDevSound_GetOutputDev(sound, b2, l); }) == "Default");
    CHECK(str([&](PRL_STR b2, PRL_UINT32_PTR l) { return PrlVmDevSound_GetMixerDev(sound, b2, l); }) == "Default");
    REQUIRE_PRL_OK(PrlVmDevSound_SetOutputDev(sound, "hw:0"));
    REQUIRE_PRL_OK(PrlVmDevSound_SetMixerDev(sound, "mixer1"));
    CHECK(str([&](PRL_STR b2, PRL_UINT32_PTR l) { return PrlVmDevSound_GetOutputDev(sound, b2, l); }) == "hw:0");
    CHECK(str([&](PRL_STR b2, PRL_UINT32_PTR l) { return PrlVmDevSound_GetMixerDev(sound, b2, l); }) == "mixer1");
    CHECK(PrlVmDevSound_SetOutputDev(net, "x") == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevSound_SetMixerDev(sound, "a\nb") == PRL_ERR_INVALID_ARG);
    PRL_UINT32 len = 0;
    CHECK(PrlVmDevSound_GetMixerDev(sound, nullptr, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevSound_GetOutputDev(capi::forged_handle(), nullptr, &len) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("devices made on their own", "[vmdevobj]") {
    capi::Api api;
    Handle net;
    REQUIRE_PRL_OK(PrlVmDev_Create(PDE_GENERIC_NETWORK_ADAPTER, net.out()));
    PRL_HANDLE_TYPE ht;
    REQUIRE_PRL_OK(PrlHandle_GetType(net, &ht));
    CHECK(ht == PHT_VIRTUAL_DEV_NET_ADAPTER);
    const std::string mac = str([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDevNet_GetMacAddress(net, b, l); });
    CHECK(mac.compare(0, 6, "001C42") == 0);
    REQUIRE_PRL_OK(PrlVmDevNet_SetVirtualNetworkId(net, "Bridged"));
    Handle hdd;
    REQUIRE_PRL_OK(PrlVmDev_Create(PDE_HARD_DISK, hdd.out()));
    REQUIRE_PRL_OK(PrlVmDevHd_SetDiskSize(hdd, 128));
    PRL_UINT32 size = 0;
    REQUIRE_PRL_OK(PrlVmDevHd_GetDiskSize(hdd, &size));
    CHECK(size == 128);
    // No VM to make an image in.
    CHECK(capi::job_code(PrlVmDev_CreateImage(hdd, PRL_FALSE, PRL_TRUE)) != PRL_ERR_SUCCESS);
    CHECK(PrlVmDev_Create(PDE_GENERIC_PCI_DEVICE, hdd.out()) == PRL_ERR_UNSUPPORTED_DEVICE_TYPE);
    CHECK(PrlVmDev_Create(static_cast<PRL_DEVICE_TYPE>(PDE_MAX), hdd.out()) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDev_Create(PDE_HARD_DISK, nullptr) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("display, generic PCI and SCSI devices: none modelled", "[vmdevobj]") {
    NewVm t;
    PRL_UINT32 n = 9;
    Handle dev;
    REQUIRE_PRL_OK(PrlVmCfg_GetDisplayDevsCount(t.vm, &n));
    CHECK(n == 0);
    REQUIRE_PRL_OK(PrlVmCfg_GetGenericPciDevsCount(t.vm, &n));
    CHECK(n == 0);
    REQUIRE_PRL_OK(PrlVmCfg_GetGenericScsiDevsCount(t.vm, &n));
    CHECK(n == 0);
    CHECK(PrlVmCfg_GetDisplayDev(t.vm, 0, dev.out()) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmCfg_GetGenericPciDev(t.vm, 0, dev.out()) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmCfg_GetGenericScsiDev(t.vm, 0, dev.out()) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmCfg_GetDisplayDevsCount(t.vm, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmCfg_GetGenericPciDevsCount(t.server, &n) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmCfg_GetGenericScsiDev(t.vm, 0, nullptr) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("images made on request", "[vmdevobj]") {
    capi::DevSession s;
    Handle vm = s.new_vm("images");
    s.reg(vm);
    const std::string bundle = capi::DevSession::bundle_dir(vm);
    Handle hdd;
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_HARD_DISK, hdd.out()));
    const std::string image = bundle + "/extra.hdd";
    REQUIRE_PRL_OK(PrlVmDev_SetImagePath(hdd, image.c_str()));
    REQUIRE_PRL_OK(PrlVmDev_SetSysName(hdd, image.c_str()));
    REQUIRE_PRL_OK(PrlVmDevHd_SetDiskSize(hdd, 3));
    capi::wait_ok(PrlVmDev_CreateImage(hdd, PRL_FALSE, PRL_TRUE));
    struct stat st {};
    REQUIRE(::stat(image.c_str(), &st) == 0);
    CHECK(st.st_size == 3 << 20);
    CHECK(capi::job_code(PrlVmDev_CreateImage(hdd, PRL_FALSE, PRL_TRUE)) == PRL_ERR_HDD_IMAGE_IS_ALREADY_EXIST);
    REQUIRE_PRL_OK(PrlVmDevHd_SetDiskSize(hdd, 4));
    capi::wait_ok(PrlVmDev_CreateImage(hdd, PRL_TRUE, PRL_TRUE));
    REQUIRE(::stat(image.c_str(), &st) == 0);
    CHECK(st.st_size == 4 << 20);
    // Outside the bundle: refused.
    REQUIRE_PRL_OK(PrlVmDev_SetSysName(hdd, "/tmp/prlshim-elsewhere.hdd"));
    CHECK(capi::job_code(PrlVmDev_CreateImage(hdd, PRL_FALSE, PRL_TRUE)) != PRL_ERR_SUCCESS);
    CHECK(!std::filesystem::exists("/tmp/prlshim-elsewhere.hdd"));
    Handle net;
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_GENERIC_NETWORK_ADAPTER, net.out()));
    CHECK(capi::job_code(PrlVmDev_CreateImage(net, PRL_FALSE, PRL_TRUE)) == PRL_ERR_INVALID_ARG);
    CHECK(capi::job_code(PrlVmDev_CreateImage(capi::forged_handle(), PRL_FALSE, PRL_TRUE)) == PRL_ERR_INVALID_ARG);
}
