// PrlVmDev_*, PrlVmDevHd_*: one device of a VM's local configuration. A device
// handle names its device by kind and index inside its Vm object (see
// core/vm_device.h); edits change only the local copy, which PrlVm_Commit /
// PrlVm_Reg write. Semantics followed are noted in docs/vm-config-api.md.
#include "boot_order.h"
#include "boundary.h"
#include "copy_out.h"

#include "core/vm.h"
#include "core/vm_device.h"

#include "service/store/vm_config.h"

#include <sys/stat.h>

#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <type_traits>

using namespace prl;
using namespace prl::abi;

namespace {


// f(d, config) with d the service::HardDisk or service::Device the handle names.
template <class F>
auto visit(const VmDevice& dev, F&& f) {
    if (dev.kind() == DeviceKind::hard_disk)
        return dev.with_disk([&](service::HardDisk& d, service::VmConfig& c) { return f(d, c); });
    return dev.with_device([&](service::Device& d, service::VmConfig& c) { return f(d, c); });
}

std::string& system_name(service::HardDisk& d) { return d.image_path; }
std::string& system_name(service::Device& d) { return d.system_name; }

// Mass-storage devices (hard disks and CD-ROMs) have an interface and a slot.
bool mass_storage(DeviceKind kind) { return kind == DeviceKind::hard_disk || kind == DeviceKind::cdrom; }

int& interface_of(service::HardDisk& d) { return d.interface_type; }
int& interface_of(service::Device& d) {
    if (!d.interface_type) d.interface_type = PMS_IDE_DEVICE;
    return *d.interface_type;
}
int& stack_of(service::HardDisk& d) { return d.stack_index; }
int& stack_of(service::Device& d) {
    if (!d.stack_index) d.stack_index = 0;
    return *d.stack_index;
}

std::string text_arg(PRL_CONST_STR s) {
    require(s != nullptr, PRL_ERR_INVALID_ARG, "null string");
    return s;
}

std::string path_arg(PRL_CONST_STR s) {  // a system name
    std::string value = text_arg(s);
    require(service::is_storable_path(value), PRL_ERR_INVALID_ARG,
            "invalid path (UTF-8 without control characters, at most 4096 bytes)");
    return value;
}

std::string label_arg(PRL_CONST_STR s) {
    std::string value = text_arg(s);
    require(service::is_storable_text(value, service::max_path_bytes), PRL_ERR_INVALID_ARG,
            "invalid name (UTF-8 without control characters, at most 4096 bytes)");
    return value;
}


// Bytes allocated to an image: a file's blocks, or the blocks of the files in
// an image directory (a Virtuozzo .hdd is a directory of extents). Symbolic
// links are not followed; anything unreadable counts as nothing.
std::uint64_t allocated_bytes(const std::filesystem::path& image) {
    struct stat st {};
    if (::lstat(image.c_str(), &st) != 0) return 0;
    if (S_ISREG(st.st_mode)) return static_cast<std::uint64_t>(st.st_blocks) * 512u;
    if (!S_ISDIR(st.st_mode)) return 0;
    std::uint64_t total = 0;
    std::error_code ec;
    std::size_t seen = 0;
    for (std::filesystem::recursive_directory_iterator it(image, std::filesystem::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
        if (++seen > 100000) break;  // a bound for hostile trees
        struct stat fst {};
        if (::lstat(it->path().c_str(), &fst) == 0 && S_ISREG(fst.st_mode))
            total += static_cast<std::uint64_t>(fst.st_blocks) * 512u;
    }
    return total;
}

}  // namespace

extern "C" {

PRL_RESULT PrlVmDev_GetType(PRL_HANDLE hVmDev, PRL_DEVICE_TYPE_PTR pnDeviceType) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        out_ptr(pnDeviceType);
        visit(*dev, [](auto&, auto&) {});  // a removed device says so
        *pnDeviceType = device_type(dev->kind());
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDev_GetIndex(PRL_HANDLE hVmDev, PRL_UINT32_PTR pnIndex) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        out_ptr(pnIndex);
        *pnIndex = visit(*dev, [](auto& d, auto&) { return static_cast<PRL_UINT32>(d.index); });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDev_SetIndex(PRL_HANDLE hVmDev, PRL_UINT32 nIndex) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        visit(*dev, [&](auto& d, auto& c) {
            if (d.index == nIndex) return;
            // A handle names its device by index: two devices of a kind may not share one.
            const auto used = device_indexes(c, dev->kind());
            require(std::find(used.begin(), used.end(), nIndex) == used.end(), PRL_ERR_INVALID_ARG,
                    "another device of this kind has that index");
            d.index = nIndex;
            dev->set_index(nIndex);
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDev_Remove(PRL_HANDLE hVmDev) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        // As in the SDK, the device's boot entries go with it (boot_order.h).
        const PRL_DEVICE_TYPE type = device_type(dev->kind());
        if (dev->kind() == DeviceKind::hard_disk) {
            dev->with_disk([&](service::HardDisk& d, service::VmConfig& c) {
                drop_boot_entries(c.extra, type, d.index, false);
                c.hard_disks.erase(c.hard_disks.begin() + (&d - c.hard_disks.data()));
            });
        } else {
            dev->with_device([&](service::Device& d, service::VmConfig& c) {
                const bool last = d.kind == service::DeviceKind::network_adapter &&
                                  device_indexes(c, DeviceKind::network_adapter).size() == 1;
                drop_boot_entries(c.extra, type, d.index, last);
                c.devices.erase(c.devices.begin() + (&d - c.devices.data()));
            });
        }
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDev_IsConnected(PRL_HANDLE hVmDev, PRL_BOOL_PTR pbConnected) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        out_ptr(pbConnected);
        *pbConnected = visit(*dev, [](auto& d, auto&) { return d.connected ? PRL_TRUE : PRL_FALSE; });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDev_SetConnected(PRL_HANDLE hVmDev, PRL_BOOL bConnected) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        visit(*dev, [&](auto& d, auto&) { d.connected = bConnected != PRL_FALSE; });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDev_IsEnabled(PRL_HANDLE hVmDev, PRL_BOOL_PTR pbEnabled) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        out_ptr(pbEnabled);
        *pbEnabled = visit(*dev, [](auto& d, auto&) { return d.enabled ? PRL_TRUE : PRL_FALSE; });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDev_SetEnabled(PRL_HANDLE hVmDev, PRL_BOOL bEnabled) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        visit(*dev, [&](auto& d, auto&) { d.enabled = bEnabled != PRL_FALSE; });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDev_GetEmulatedType(PRL_HANDLE hVmDev, PRL_VM_DEV_EMULATION_TYPE_PTR pnEmulatedType) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        out_ptr(pnEmulatedType);
        enum_out(pnEmulatedType, visit(*dev, [](auto& d, auto&) { return d.emulated_type; }));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDev_SetEmulatedType(PRL_HANDLE hVmDev, PRL_VM_DEV_EMULATION_TYPE nEmulatedType) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        const long long type = enum_in(nEmulatedType);
        require(type >= 0 && type <= PDT_USE_UDP, PRL_ERR_INVALID_ARG, "unknown emulation type");
        visit(*dev, [&](auto& d, auto&) { d.emulated_type = static_cast<int>(type); });
        return PRL_ERR_SUCCESS;
    });
}

// The SDK's "image path" is the device's user-friendly name; setting it also
// sets the system name of a device that uses an image file.
PRL_RESULT PrlVmDev_GetImagePath(PRL_HANDLE hVmDev, PRL_STR sImagePath, PRL_UINT32_PTR pnImagePathBufLength) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        out_ptr(pnImagePathBufLength);
        return copy_out(visit(*dev, [](auto& d, auto&) { return d.friendly_name; }), sImagePath,
                        pnImagePathBufLength);
    });
}

PRL_RESULT PrlVmDev_GetFriendlyName(PRL_HANDLE hVmDev, PRL_STR sFriendlyName, PRL_UINT32_PTR pnFriendlyNameBufLength) {
    return PrlVmDev_GetImagePath(hVmDev, sFriendlyName, pnFriendlyNameBufLength);
}

PRL_RESULT PrlVmDev_SetImagePath(PRL_HANDLE hVmDev, PRL_CONST_STR sNewImagePath) {
    return PrlVmDev_SetFriendlyName(hVmDev, sNewImagePath);
}

PRL_RESULT PrlVmDev_SetFriendlyName(PRL_HANDLE hVmDev, PRL_CONST_STR sNewFriendlyName) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        std::string name = label_arg(sNewFriendlyName);
        visit(*dev, [&](auto& d, auto&) {
            if (d.emulated_type == PDT_USE_IMAGE_FILE) {
                require(service::is_storable_path(name), PRL_ERR_INVALID_ARG, "invalid image path");
                system_name(d) = name;
            }
            d.friendly_name = std::move(name);
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDev_GetSysName(PRL_HANDLE hVmDev, PRL_STR sSysName, PRL_UINT32_PTR pnSysNameBufLength) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        out_ptr(pnSysNameBufLength);
        return copy_out(visit(*dev, [](auto& d, auto&) { return system_name(d); }), sSysName, pnSysNameBufLength);
    });
}

PRL_RESULT PrlVmDev_SetSysName(PRL_HANDLE hVmDev, PRL_CONST_STR sNewSysName) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        std::string path = path_arg(sNewSysName);
        visit(*dev, [&](auto& d, auto&) { system_name(d) = std::move(path); });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDev_GetDescription(PRL_HANDLE hVmDev, PRL_STR sDescription, PRL_UINT32_PTR pnDescriptionBufLength) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        out_ptr(pnDescriptionBufLength);
        return copy_out(visit(*dev, [](auto& d, auto&) { return d.description; }), sDescription,
                        pnDescriptionBufLength);
    });
}

PRL_RESULT PrlVmDev_SetDescription(PRL_HANDLE hVmDev, PRL_CONST_STR sNewDescription) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        std::string text = text_arg(sNewDescription);
        require(service::is_storable_text(text), PRL_ERR_INVALID_ARG,
                "invalid description (UTF-8 text without control characters, at most 64 KiB)");
        visit(*dev, [&](auto& d, auto&) { d.description = std::move(text); });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDev_GetIfaceType(PRL_HANDLE hVmDev, PRL_MASS_STORAGE_INTERFACE_TYPE_PTR pnIfaceType) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        out_ptr(pnIfaceType);
        require(mass_storage(dev->kind()), PRL_ERR_INVALID_ARG, "not a mass-storage device");
        enum_out(pnIfaceType, visit(*dev, [](auto& d, auto&) { return interface_of(d); }));
        return PRL_ERR_SUCCESS;
    });
}

// As in the SDK, a new interface also moves the device to the first free
// slot of that bus.
PRL_RESULT PrlVmDev_SetIfaceType(PRL_HANDLE hVmDev, PRL_MASS_STORAGE_INTERFACE_TYPE nIfaceType) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        require(mass_storage(dev->kind()), PRL_ERR_INVALID_ARG, "not a mass-storage device");
        const long long type = enum_in(nIfaceType);
        const bool known = type == PMS_IDE_DEVICE || type == PMS_SCSI_DEVICE || type == PMS_SATA_DEVICE ||
                           type == PMS_VIRTIO_BLOCK_DEVICE;
        require(known, PRL_ERR_INVALID_ARG, "unknown interface type");
        visit(*dev, [&](auto& d, auto& c) {
            const unsigned slot = first_free_stack_index(c, static_cast<int>(type), &d);
            interface_of(d) = static_cast<int>(type);
            stack_of(d) = static_cast<int>(slot);
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDev_GetStackIndex(PRL_HANDLE hVmDev, PRL_UINT32_PTR pnStackIndex) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        out_ptr(pnStackIndex);
        if (!mass_storage(dev->kind())) {
            *pnStackIndex = 0;
            fail(PRL_ERR_INVALID_ARG, "not a mass-storage device");
        }
        *pnStackIndex = visit(*dev, [](auto& d, auto&) { return static_cast<PRL_UINT32>(stack_of(d)); });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDev_SetStackIndex(PRL_HANDLE hVmDev, PRL_UINT32 nStackIndex) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        require(mass_storage(dev->kind()), PRL_ERR_INVALID_ARG, "not a mass-storage device");
        require(nStackIndex < 256, PRL_ERR_INVALID_ARG, "stack index out of range");
        visit(*dev, [&](auto& d, auto&) {
            interface_of(d);  // a CD-ROM without one gets the default interface
            stack_of(d) = static_cast<int>(nStackIndex);
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDev_SetDefaultStackIndex(PRL_HANDLE hVmDev) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        require(mass_storage(dev->kind()), PRL_ERR_INVALID_ARG, "not a mass-storage device");
        visit(*dev, [&](auto& d, auto& c) {
            const int iface = interface_of(d);
            stack_of(d) = static_cast<int>(first_free_stack_index(c, iface, &d));
        });
        return PRL_ERR_SUCCESS;
    });
}

// ---- hard disks ----

PRL_RESULT PrlVmDevHd_GetDiskType(PRL_HANDLE hVmDev, PRL_HARD_DISK_INTERNAL_FORMAT_PTR pnDiskType) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        out_ptr(pnDiskType);
        enum_out(pnDiskType, dev->with_disk([](service::HardDisk& d, service::VmConfig&) { return d.disk_type; }));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDevHd_SetDiskType(PRL_HANDLE hVmDev, PRL_HARD_DISK_INTERNAL_FORMAT nDiskType) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        require(dev->kind() == DeviceKind::hard_disk, PRL_ERR_INVALID_ARG, "not a hard disk");
        const long long type = enum_in(nDiskType);
        require(type == PHD_PLAIN_HARD_DISK || type == PHD_EXPANDING_HARD_DISK || type == PHD_RAW_HARD_DISK,
                PRL_ERR_INVALID_ARG, "unknown disk type");
        dev->with_disk([&](service::HardDisk& d, service::VmConfig&) { d.disk_type = static_cast<int>(type); });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDevHd_GetDiskSize(PRL_HANDLE hVmDev, PRL_UINT32_PTR pnDiskSize) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        out_ptr(pnDiskSize);
        *pnDiskSize = dev->with_disk([](service::HardDisk& d, service::VmConfig&) {
            return d.size_mib > 0xFFFFFFFFull ? 0xFFFFFFFFu : static_cast<PRL_UINT32>(d.size_mib);
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDevHd_SetDiskSize(PRL_HANDLE hVmDev, PRL_UINT32 nDiskSize) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        dev->with_disk([&](service::HardDisk& d, service::VmConfig&) { d.size_mib = nDiskSize; });
        return PRL_ERR_SUCCESS;
    });
}

// MiB the image really occupies (allocated blocks, rounded up); 0 when the
// image does not exist. A relative image path is taken from the bundle
// directory (the directory of the VM's config.pvs).
PRL_RESULT PrlVmDevHd_GetSizeOnDisk(PRL_HANDLE hVmDev, PRL_UINT32_PTR pnOnDiskSize) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        out_ptr(pnOnDiskSize);
        const auto image = dev->with_disk([](service::HardDisk& d, service::VmConfig& c) -> std::optional<std::filesystem::path> {
            if (d.image_path.empty()) return std::nullopt;
            std::filesystem::path p(d.image_path);
            if (p.is_absolute()) return p;
            if (c.home_path.empty()) return std::nullopt;
            return std::filesystem::path(c.home_path).parent_path() / p;
        });
        std::uint64_t bytes = image ? allocated_bytes(*image) : 0;  // outside the VM's lock
        const std::uint64_t mib = (bytes + (1u << 20) - 1) >> 20;
        *pnOnDiskSize = mib > 0xFFFFFFFFull ? 0xFFFFFFFFu : static_cast<PRL_UINT32>(mib);
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
