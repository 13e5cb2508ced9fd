// The host's devices as the client holds them (PrlSrvCfg_Get<Device>): one
// object per device, owned by the PHT_SERVER_CONFIG that listed it, so every
// handle to a device sees the same assignment state (PrlSrvCfgDev_SetDeviceState).
#pragma once

#include "host_info.h"
#include "object.h"

#include <atomic>
#include <memory>
#include <vector>

namespace prl {

// PHT_HW_GENERIC_DEVICE, and the base of the network adapter and PCI device
// handles, which the PrlSrvCfgDev_ functions accept too (as the SDK does).
class HwDevice : public Object {
public:
    explicit HwDevice(host::Device d, PRL_HANDLE_TYPE type = PHT_HW_GENERIC_DEVICE)
        : Object(type), device(std::move(d)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept {
        return t == PHT_HW_GENERIC_DEVICE || t == PHT_HW_NET_ADAPTER || t == PHT_HW_GENERIC_PCI_DEVICE;
    }
    const host::Device device;
    // PRL_GENERIC_DEVICE_STATE: the host has every device; prlshim gives none to a guest.
    std::atomic<int> state{PGS_CONNECTED_TO_HOST};
};

class HwNetAdapter : public HwDevice {
public:
    explicit HwNetAdapter(host::NetAdapter a)
        : HwDevice(host::Device{PDE_GENERIC_NETWORK_ADAPTER, a.name, a.name}, PHT_HW_NET_ADAPTER), adapter(std::move(a)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_HW_NET_ADAPTER; }
    const host::NetAdapter adapter;
};

class HwPciDevice : public HwDevice {
public:
    explicit HwPciDevice(host::Device d) : HwDevice(std::move(d), PHT_HW_GENERIC_PCI_DEVICE) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_HW_GENERIC_PCI_DEVICE; }
};

class HwHddPart : public Object {
public:
    explicit HwHddPart(host::Partition p) : Object(PHT_HW_HARD_DISK_PARTITION), part(std::move(p)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_HW_HARD_DISK_PARTITION; }
    const host::Partition part;
};

class HwHardDisk : public Object {
public:
    explicit HwHardDisk(const host::Disk& d) : Object(PHT_HW_HARD_DISK), disk(d) {
        for (const auto& p : d.partitions) parts.push_back(std::make_shared<HwHddPart>(p));
    }
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_HW_HARD_DISK; }
    const host::Disk disk;
    std::vector<std::shared_ptr<HwHddPart>> parts;
};

// The device lists of one PHT_SERVER_CONFIG, in PrlSrvCfg_Get<Kind> order.
struct HwLists {
    using Devices = std::vector<std::shared_ptr<HwDevice>>;
    Devices floppy, optical, serial, parallel, sound_out, sound_mixer, printers, usb, scsi;
    std::vector<std::shared_ptr<HwPciDevice>> pci;
    std::vector<std::shared_ptr<HwHardDisk>> disks;
    std::vector<std::shared_ptr<HwNetAdapter>> net;

    explicit HwLists(const host::Hardware& hw) {
        auto fill = [](Devices& out, const std::vector<host::Device>& in) {
            for (const auto& d : in) out.push_back(std::make_shared<HwDevice>(d));
        };
        fill(floppy, hw.floppy);
        fill(optical, hw.optical);
        fill(serial, hw.serial);
        fill(parallel, hw.parallel);
        fill(sound_out, hw.sound_out);
        fill(sound_mixer, hw.sound_mixer);
        fill(printers, hw.printers);
        fill(usb, hw.usb);
        fill(scsi, hw.scsi);
        for (const auto& d : hw.pci) pci.push_back(std::make_shared<HwPciDevice>(d));
        for (const auto& d : hw.disks) disks.push_back(std::make_shared<HwHardDisk>(d));
        for (const auto& a : hw.net) net.push_back(std::make_shared<HwNetAdapter>(a));
    }
};

}  // namespace prl
