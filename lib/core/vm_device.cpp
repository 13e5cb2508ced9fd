#include "vm_device.h"

namespace prl {
namespace {

struct KindRow {
    DeviceKind kind;
    PRL_DEVICE_TYPE type;
    PRL_HANDLE_TYPE handle_type;
};

constexpr KindRow kKinds[] = {
    {DeviceKind::hard_disk, PDE_HARD_DISK, PHT_VIRTUAL_DEV_HARD_DISK},
    {DeviceKind::floppy, PDE_FLOPPY_DISK, PHT_VIRTUAL_DEV_FLOPPY},
    {DeviceKind::cdrom, PDE_OPTICAL_DISK, PHT_VIRTUAL_DEV_OPTICAL_DISK},
    {DeviceKind::serial, PDE_SERIAL_PORT, PHT_VIRTUAL_DEV_SERIAL_PORT},
    {DeviceKind::parallel, PDE_PARALLEL_PORT, PHT_VIRTUAL_DEV_PARALLEL_PORT},
    {DeviceKind::network_adapter, PDE_GENERIC_NETWORK_ADAPTER, PHT_VIRTUAL_DEV_NET_ADAPTER},
    {DeviceKind::sound, PDE_SOUND_DEVICE, PHT_VIRTUAL_DEV_SOUND},
    {DeviceKind::usb, PDE_USB_DEVICE, PHT_VIRTUAL_DEV_USB_DEVICE},
};

}  // namespace

PRL_DEVICE_TYPE device_type(DeviceKind kind) noexcept {
    for (const auto& row : kKinds)
        if (row.kind == kind) return row.type;
    return PDE_GENERIC_DEVICE;
}

PRL_HANDLE_TYPE device_handle_type(DeviceKind kind) noexcept {
    for (const auto& row : kKinds)
        if (row.kind == kind) return row.handle_type;
    return PHT_ERROR;
}

bool device_kind_of(PRL_DEVICE_TYPE type, DeviceKind* kind) noexcept {
    for (const auto& row : kKinds) {
        if (row.type == type) {
            *kind = row.kind;
            return true;
        }
    }
    return false;
}

service::DeviceKind store_kind(DeviceKind kind) noexcept {
    switch (kind) {
        case DeviceKind::floppy: return service::DeviceKind::floppy;
        case DeviceKind::cdrom: return service::DeviceKind::cdrom;
        case DeviceKind::serial: return service::DeviceKind::serial;
        case DeviceKind::parallel: return service::DeviceKind::parallel;
        case DeviceKind::network_adapter: return service::DeviceKind::network_adapter;
        case DeviceKind::sound: return service::DeviceKind::sound;
        case DeviceKind::usb: return service::DeviceKind::usb;
        case DeviceKind::hard_disk: break;
    }
    return service::DeviceKind::cdrom;
}

bool VmDevice::accepts(PRL_HANDLE_TYPE t) noexcept {
    for (const auto& row : kKinds)
        if (row.handle_type == t) return true;
    return false;
}

}  // namespace prl

namespace prl {

const DeviceKind kSdkDeviceOrder[8] = {
    DeviceKind::floppy, DeviceKind::hard_disk, DeviceKind::cdrom,           DeviceKind::serial,
    DeviceKind::parallel, DeviceKind::usb,     DeviceKind::network_adapter, DeviceKind::sound,
};

std::vector<unsigned> device_indexes(const service::VmConfig& c, DeviceKind kind) {
    std::vector<unsigned> out;
    if (kind == DeviceKind::hard_disk) {
        for (const auto& d : c.hard_disks) out.push_back(d.index);
    } else {
        const auto k = store_kind(kind);
        for (const auto& d : c.devices)
            if (d.kind == k) out.push_back(d.index);
    }
    return out;
}

unsigned first_free_index(const service::VmConfig& c, DeviceKind kind) {
    const auto used = device_indexes(c, kind);
    unsigned index = 0;
    while (std::find(used.begin(), used.end(), index) != used.end()) ++index;
    return index;
}

unsigned stack_slots(int interface_type) noexcept {
    switch (interface_type) {
        case PMS_IDE_DEVICE: return 4;
        case PMS_SCSI_DEVICE: return 16;
        case PMS_SATA_DEVICE: return 6;
        case PMS_VIRTIO_BLOCK_DEVICE: return 16;
        default: return 0;
    }
}

namespace {

int bus_of(int interface_type) noexcept {
    if (interface_type == PMS_SATA_DEVICE) return PMS_IDE_DEVICE;
    if (interface_type == PMS_USB_DEVICE) return PMS_SCSI_DEVICE;
    return interface_type;
}

}  // namespace

unsigned first_free_stack_index(const service::VmConfig& c, int interface_type, const void* self) {
    std::vector<int> used;
    const int bus = bus_of(interface_type);
    for (const auto& d : c.hard_disks)
        if (&d != self && bus_of(d.interface_type) == bus) used.push_back(d.stack_index);
    for (const auto& d : c.devices)
        if (&d != self && d.kind == service::DeviceKind::cdrom && d.interface_type &&
            bus_of(*d.interface_type) == bus)
            used.push_back(d.stack_index.value_or(0));
    const unsigned slots = stack_slots(interface_type);
    for (unsigned i = 0; i < slots; ++i)
        if (std::find(used.begin(), used.end(), static_cast<int>(i)) == used.end()) return i;
    fail(PRL_ERR_NO_MORE_FREE_INTERFACE_SLOTS, "no free slot on that interface");
}

}  // namespace prl
