// A VM's device list as an array of handles (PrlVmCfg_GetDevsList) and the
// SDK's default devices (PrlVmCfg_AddDefaultDevice, ...Ex): a new device of a
// type, set up as the SDK's default configuration sets it up for the VM's
// guest — a hard disk image named harddisk[N].hdd of the guest's default size,
// a CD-ROM on a free slot, a network adapter named ethN with a new MAC address
// (bridged in server mode, shared otherwise), and so on.
#include "boundary.h"

#include "core/api_state.h"
#include "core/info_objects.h"
#include "core/vm.h"
#include "core/vm_device.h"

#include "service/store/vm_config.h"

#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

using namespace prl;
using namespace prl::abi;

namespace {

constexpr unsigned guest_type(unsigned version) noexcept { return (version >> 8) & 0xff; }

// The SDK's default first hard disk size for a guest, MiB (as PrlVmCfg_GetDefaultHddSize).
unsigned default_hdd_mib(unsigned version) {
    switch (version) {
        case PVS_GUEST_VER_WIN_311:
        case PVS_GUEST_VER_WIN_95: return 2048;
        case PVS_GUEST_VER_WIN_98:
        case PVS_GUEST_VER_WIN_ME: return 8192;
        case PVS_GUEST_VER_WIN_NT: return 4096;
        default: break;
    }
    switch (guest_type(version)) {
        case PVS_GUEST_TYPE_OS2:
        case PVS_GUEST_TYPE_MSDOS: return 2048;
        case PVS_GUEST_TYPE_NETWARE: return 8192;
        case PVS_GUEST_TYPE_FREEBSD:
        case PVS_GUEST_TYPE_SOLARIS:
        case PVS_GUEST_TYPE_MACOS:
        case PVS_GUEST_TYPE_LINUX:
        case PVS_GUEST_TYPE_CHROMEOS:
        case PVS_GUEST_TYPE_ANDROID:
        case PVS_GUEST_TYPE_WINDOWS: return 65536;
        default: return 8192;
    }
}

// A MAC address with the product's vendor prefix (00:1C:42), 12 hex digits.
std::string new_mac() {
    static thread_local std::mt19937 gen{std::random_device{}()};
    std::uniform_int_distribution<unsigned> byte(0, 255);
    char buf[16];
    std::snprintf(buf, sizeof buf, "001C42%02X%02X%02X", byte(gen), byte(gen), byte(gen));
    return buf;
}

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
        d.interface_type = PMS_SATA_DEVICE;
        c.hard_disks.push_back(d);
        auto& added = c.hard_disks.back();
        try {  // SATA, else SCSI, as the SDK tries them
            added.stack_index = static_cast<int>(first_free_stack_index(c, PMS_SATA_DEVICE, &added));
        } catch (const Error&) {
            added.interface_type = PMS_SCSI_DEVICE;
            try {
                added.stack_index = static_cast<int>(first_free_stack_index(c, PMS_SCSI_DEVICE, &added));
            } catch (const Error&) {
                c.hard_disks.pop_back();
                fail(PRL_ERR_OPERATION_FAILED, "no free slot for a hard disk");
            }
        }
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
        d.mac = new_mac();
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
        try {
            added.stack_index = static_cast<int>(first_free_stack_index(c, PMS_SATA_DEVICE, &added));
        } catch (const Error&) {
            c.devices.pop_back();
            fail(PRL_ERR_OPERATION_FAILED, "no free slot for a CD-ROM");
        }
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
