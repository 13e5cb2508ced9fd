// A VM's device list as an array of handles (PrlVmCfg_GetDevsList) and the
// SDK's default devices (PrlVmCfg_AddDefaultDevice, ...Ex): a new device of a
// type, set up as the SDK's default configuration sets it up for the VM's
// guest — a hard disk image named harddisk[N].hdd of the guest's default size,
// a CD-ROM on a free slot, a network adapter named ethN with a new MAC address
// (bridged in server mode, shared otherwise), and so on.
#include "boundary.h"
#include "guest_defaults.h"
#include "mac_address.h"

#include "core/api_state.h"
#include "core/info_objects.h"
#include "core/vm.h"
#include "core/vm_device.h"

#include "service/store/guest_support.h"
#include "service/store/vm_config.h"

#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace prl;
using namespace prl::abi;

namespace {

// "harddisk.hdd" for index 0, "harddisk<index+1>.hdd" after (the SDK's pattern).
std::string image_name(const char* stem, const char* suffix, unsigned index) {
    return std::string(stem) + (index == 0 ? std::string() : std::to_string(index + 1)) + suffix;
}

// The device kind for a type AddDefaultDevice knows; nullopt for the others.
std::optional<DeviceKind> default_kind(long long type) {
    switch (type) {
    case PDE_OPTICAL_DISK: return DeviceKind::cdrom;
    case PDE_HARD_DISK: return DeviceKind::hard_disk;
    case PDE_GENERIC_NETWORK_ADAPTER: return DeviceKind::network_adapter;
    case PDE_SERIAL_PORT: return DeviceKind::serial;
    case PDE_PARALLEL_PORT: return DeviceKind::parallel;
    case PDE_SOUND_DEVICE: return DeviceKind::sound;
    case PDE_USB_DEVICE: return DeviceKind::usb;
    case PDE_FLOPPY_DISK: return DeviceKind::floppy;
    default: return std::nullopt;
    }
}

// Puts a new disk or CD-ROM on a bus as the SDK does: the guest's preferred
// bus, else SCSI, else (for a virtio guest) SATA. `try_bus` takes the first
// free slot of a bus or throws. The bus chosen, or -1 when every one is full.
template <class TryBus>
int place_on_bus(unsigned os_version, bool optical, TryBus try_bus) {
    std::vector<int> buses = {service::preferred_storage_interface(os_version, optical), PMS_SCSI_DEVICE};
    if (service::guest_supports_virtio(os_version)) buses.push_back(PMS_SATA_DEVICE);
    for (int bus : buses) {
        try {
            try_bus(bus);
            return bus;
        } catch (const Error&) {
        }
    }
    return -1;
}

unsigned add_default(service::VmConfig& c, DeviceKind kind) {
    require(c.hard_disks.size() + c.devices.size() < 1024, PRL_ERR_OPERATION_FAILED, "too many devices");
    const unsigned index = first_free_index(c, kind);
    if (kind == DeviceKind::hard_disk) {
        service::HardDisk d;
        d.index = index;
        d.emulated_type = PDT_USE_IMAGE_FILE;
        d.image_path = d.friendly_name = image_name("harddisk", ".hdd", index);
        d.disk_type = PHD_EXPANDING_HARD_DISK;
        d.size_mib = default_hdd_mib(c.os_version);
        c.hard_disks.push_back(d);
        auto& added = c.hard_disks.back();
        added.interface_type = place_on_bus(c.os_version, false, [&](int bus) {
            added.interface_type = bus;
            added.stack_index = static_cast<int>(first_free_stack_index(c, bus, &added));
        });
        if (added.interface_type < 0) {
            c.hard_disks.pop_back();
            fail(PRL_ERR_OPERATION_FAILED, "no free slot for a hard disk");
        }
        service::set_default_scsi_subtype(added.extra, added.interface_type, c.os_version);
        return index;
    }
    service::Device d;
    d.kind = store_kind(kind);
    d.index = index;
    switch (kind) {
    case DeviceKind::cdrom:
        d.emulated_type = PDT_USE_IMAGE_FILE;
        d.interface_type = PMS_SATA_DEVICE;
        d.stack_index = 0;
        break;
    case DeviceKind::network_adapter:
        d.emulated_type = ApiState::instance().app_mode() == PAM_SERVER ? PNA_BRIDGED_NETWORK : PNA_SHARED;
        d.system_name = d.friendly_name = "eth" + std::to_string(index);
        d.mac = generate_mac();
        if (const int model = service::default_net_adapter_type(c.os_version))
            d.extra.set_text_at("AdapterType", std::to_string(model));
        break;
    case DeviceKind::serial:
        d.emulated_type = PDT_USE_OUTPUT_FILE;
        d.system_name = d.friendly_name = image_name("serial", ".txt", index);
        break;
    case DeviceKind::parallel:
        d.emulated_type = PDT_USE_OUTPUT_FILE;
        d.system_name = d.friendly_name = image_name("printer", ".txt", index);
        break;
    default: d.emulated_type = 0; break;  // the host's real device
    }
    c.devices.push_back(d);
    if (kind == DeviceKind::cdrom) {
        auto& added = c.devices.back();
        const int bus = place_on_bus(c.os_version, true, [&](int b) {
            added.interface_type = b;
            added.stack_index = static_cast<int>(first_free_stack_index(c, b, &added));
        });
        if (bus < 0) {
            c.devices.pop_back();
            fail(PRL_ERR_OPERATION_FAILED, "no free slot for a CD-ROM");
        }
        service::set_default_scsi_subtype(added.extra, bus, c.os_version);
    }
    return index;
}

PRL_RESULT add_default_device(PRL_HANDLE hVmCfg, PRL_HANDLE hSrvConfig, PRL_DEVICE_TYPE deviceType, PRL_HANDLE_PTR out) {
    auto vm = handle_cast<Vm>(hVmCfg);
    if (hSrvConfig != PRL_INVALID_HANDLE) handle_cast<ServerConfig>(hSrvConfig);
    const auto kind = default_kind(enum_in(deviceType));
    // The SDK fails the operation for a type it has no default for.
    require(kind.has_value(), PRL_ERR_OPERATION_FAILED, "no default device of that type");
    const unsigned index = vm->edit([&](service::VmConfig& c) { return add_default(c, *kind); });
    if (out) give(std::make_shared<VmDevice>(vm.share(), *kind, index), out);
    return PRL_ERR_SUCCESS;
}

}  // namespace

extern "C" {

PRL_RESULT PrlVmCfg_GetDevsList(PRL_HANDLE hVmCfg, PRL_HANDLE_PTR vmdev_handles, PRL_UINT32_PTR vmdev_handles_count) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        out_ptr(vmdev_handles);
        out_ptr(vmdev_handles_count);
        PRL_UINT32 room = *vmdev_handles_count;
        require(room != 0, PRL_ERR_INVALID_ARG, "no room for handles");
        std::vector<std::pair<DeviceKind, unsigned>> found;
        vm->read([&](const service::VmConfig& c) {
            for (DeviceKind kind : kSdkDeviceOrder)
                for (unsigned index : device_indexes(c, kind)) found.emplace_back(kind, index);
        });
        // As the SDK: the handles that fit are given, then the overrun is reported.
        *vmdev_handles_count = 0;
        const VmPtr owner = vm.share();
        for (const auto& [kind, index] : found) {
            if (room == 0) return PRL_RESULT(PRL_ERR_BUFFER_OVERRUN);
            give(std::make_shared<VmDevice>(owner, kind, index), &vmdev_handles[*vmdev_handles_count]);
            ++*vmdev_handles_count;
            --room;
        }
        return PRL_RESULT(PRL_ERR_SUCCESS);
    });
}

PRL_RESULT PrlVmCfg_AddDefaultDevice(PRL_HANDLE hVmCfg, PRL_HANDLE hSrvConfig, PRL_DEVICE_TYPE deviceType) {
    return sync([&] { return add_default_device(hVmCfg, hSrvConfig, deviceType, nullptr); });
}

PRL_RESULT PrlVmCfg_AddDefaultDeviceEx(PRL_HANDLE hVmCfg, PRL_HANDLE hSrvConfig, PRL_DEVICE_TYPE deviceType,
                                       PRL_HANDLE_PTR phVmDevice) {
    return sync([&] {
        out_ptr(phVmDevice);
        return add_default_device(hVmCfg, hSrvConfig, deviceType, phVmDevice);
    });
}

}  // extern "C"
