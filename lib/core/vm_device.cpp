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
