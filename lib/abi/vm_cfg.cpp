// PrlVmCfg_*: a VM's configuration as the client edits it. The configuration
// handle is the VM handle (PHT_VM_CONFIGURATION == PHT_VIRTUAL_MACHINE); every
// call reads or edits the Vm object's local copy under its lock, and nothing
// reaches the service before PrlVm_Commit / PrlVm_Reg. Semantics followed are
// noted in docs/vm-config-api.md.
#include "boundary.h"
#include "copy_out.h"
#include "guest_defaults.h"
#include "mac_address.h"

#include "core/api_state.h"
#include "core/info_objects.h"
#include "core/lists.h"
#include "core/vm.h"
#include "core/vm_device.h"

#include "service/store/text_rules.h"
#include "service/store/uuid_text.h"
#include "service/store/vm_config.h"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <optional>
#include <utility>
#include <vector>

using namespace prl;
using namespace prl::abi;

namespace {


constexpr unsigned guest_type(unsigned version) noexcept { return (version >> 8) & 0xff; }

// The SDK's test for a known guest OS version: the type byte names a known
// family and nothing lies above it (PVS_GUEST_VER_OTH_OTHER is 0xFFFF).
bool known_os_version(PRL_UINT32 version) noexcept {
    switch (version >> 8) {
        case PVS_GUEST_TYPE_MACOS:
        case PVS_GUEST_TYPE_WINDOWS:
        case PVS_GUEST_TYPE_LINUX:
        case PVS_GUEST_TYPE_FREEBSD:
        case PVS_GUEST_TYPE_OS2:
        case PVS_GUEST_TYPE_MSDOS:
        case PVS_GUEST_TYPE_NETWARE:
        case PVS_GUEST_TYPE_SOLARIS:
        case PVS_GUEST_TYPE_CHROMEOS:
        case PVS_GUEST_TYPE_ANDROID:
        case PVS_GUEST_TYPE_OTHER: return true;
        default: return false;
    }
}

unsigned guest_ram_for_host(unsigned host) { return host <= 1024 ? 512 : host > 2048 ? 1024 : 768; }
unsigned windows_ram_for_host(unsigned host) { return host > 3072 ? 1024 : host > 2048 ? 768 : 512; }
unsigned mac_ram_for_host(unsigned host) { return host <= 2048 ? 512 : host < 4096 ? 1024 : 2048; }

// The SDK's default memory for a guest OS version on a host with `host` MiB.
unsigned default_ram_mib(unsigned version, unsigned host) {
    switch (version) {
        case PVS_GUEST_VER_WIN_311: return 64;
        case PVS_GUEST_VER_WIN_95: return 128;
        case PVS_GUEST_VER_WIN_NT:
        case PVS_GUEST_VER_WIN_98:
        case PVS_GUEST_VER_WIN_ME:
        case PVS_GUEST_VER_WIN_2K:
        case PVS_GUEST_VER_OS2_ECS11:
        case PVS_GUEST_VER_OS2_ECS12:
        case PVS_GUEST_VER_OS2_WARP45: return 256;
        case PVS_GUEST_VER_WIN_XP:
        case PVS_GUEST_VER_WIN_2003:
        case PVS_GUEST_VER_WIN_VISTA:
        case PVS_GUEST_VER_WIN_2008:
        case PVS_GUEST_VER_WIN_WINDOWS7:
        case PVS_GUEST_VER_WIN_WINDOWS8:
        case PVS_GUEST_VER_WIN_WINDOWS8_1:
        case PVS_GUEST_VER_WIN_OTHER: return windows_ram_for_host(host);
        case PVS_GUEST_VER_WIN_WINDOWS10:
        case PVS_GUEST_VER_WIN_WINDOWS11:
        case PVS_GUEST_VER_WIN_2016:
        case PVS_GUEST_VER_WIN_2019:
        case PVS_GUEST_VER_WIN_2022: return 2048;
        case PVS_GUEST_VER_SOL_OTHER:
        case PVS_GUEST_VER_SOL_9:
        case PVS_GUEST_VER_WIN_2012:
        case PVS_GUEST_VER_LIN_FEDORA: return 1024;
        case PVS_GUEST_VER_SOL_10: return 1536;
        case PVS_GUEST_VER_SOL_11: return 768;
        case PVS_GUEST_VER_LIN_FEDORA_5: return 512;
        case PVS_GUEST_VER_LIN_REDHAT_7:
        case PVS_GUEST_VER_LIN_REDHAT_8:
        case PVS_GUEST_VER_LIN_REDHAT_9:
        case PVS_GUEST_VER_LIN_CENTOS_7:
        case PVS_GUEST_VER_LIN_CENTOS_8:
        case PVS_GUEST_VER_LIN_VZLINUX_7:
        case PVS_GUEST_VER_LIN_VZLINUX_8:
        case PVS_GUEST_VER_LIN_CLOUDLINUX_7:
        case PVS_GUEST_VER_LIN_CLOUDLINUX_8:
        case PVS_GUEST_VER_LIN_ALMA_LINUX_9:
        case PVS_GUEST_VER_LIN_PSBM:
        case PVS_GUEST_VER_BSD_OTHER: return 2048;
        default: break;
    }
    switch (guest_type(version)) {
        case PVS_GUEST_TYPE_WINDOWS: return 1024;
        case PVS_GUEST_TYPE_OS2: return 128;
        case PVS_GUEST_TYPE_MSDOS: return 32;
        case PVS_GUEST_TYPE_MACOS:
            return version == PVS_GUEST_VER_MACOS_TIGER ? guest_ram_for_host(host) : mac_ram_for_host(host);
        case PVS_GUEST_TYPE_LINUX:
        case PVS_GUEST_TYPE_CHROMEOS:
        case PVS_GUEST_TYPE_ANDROID: return guest_ram_for_host(host);
        default: return 256;
    }
}


// Guests the SDK never gives more than one CPU by default.
bool single_cpu_guest(unsigned version) {
    const unsigned type = guest_type(version);
    return (version >= PVS_GUEST_VER_WIN_311 && version < PVS_GUEST_VER_WIN_2K) ||
           version == PVS_GUEST_VER_LIN_KRNL_24 || type == PVS_GUEST_TYPE_OS2 || type == PVS_GUEST_TYPE_MSDOS ||
           type == PVS_GUEST_TYPE_SOLARIS;
}

std::string text_arg(PRL_CONST_STR s) {
    require(s != nullptr, PRL_ERR_INVALID_ARG, "null string");
    return s;
}

PRL_UINT32 saturate32(std::uint64_t v) { return v > 0xFFFFFFFFull ? 0xFFFFFFFFu : static_cast<PRL_UINT32>(v); }

// The kinds PrlVmCfg_CreateVmDev / GetDevByType know. Device types the SDK
// models but prlshim does not (generic PCI/SCSI, video adapter) give
// PRL_ERR_UNSUPPORTED_DEVICE_TYPE; anything else is not a device type.
bool unkept_type(long long type) {
    return type == PDE_GENERIC_PCI_DEVICE || type == PDE_GENERIC_SCSI_DEVICE || type == PDE_PCI_VIDEO_ADAPTER;
}

// The device kind for a PRL_DEVICE_TYPE argument, if it is one of PDE_MAX
// types and prlshim keeps devices of that type.
std::optional<DeviceKind> kind_of(long long type) {
    DeviceKind kind;
    if (type < 0 || type >= PDE_MAX || !device_kind_of(static_cast<PRL_DEVICE_TYPE>(type), &kind)) return std::nullopt;
    return kind;
}

DeviceKind kind_arg(const PRL_DEVICE_TYPE& arg) {
    const long long type = enum_in(arg);
    if (auto kind = kind_of(type)) return *kind;
    if (unkept_type(type)) fail(PRL_ERR_UNSUPPORTED_DEVICE_TYPE, "device type not supported");
    fail(PRL_ERR_INVALID_ARG, "not a device type");
}

PRL_RESULT count_of(PRL_HANDLE hVmCfg, DeviceKind kind, PRL_UINT32_PTR out) {
    auto vm = handle_cast<Vm>(hVmCfg);
    out_ptr(out);
    *out = static_cast<PRL_UINT32>(vm->read([&](const service::VmConfig& c) { return device_indexes(c, kind).size(); }));
    return PRL_RESULT(PRL_ERR_SUCCESS);
}

// The n-th device of a kind (list position, as in the SDK), as a new handle.
PRL_RESULT device_at(PRL_HANDLE hVmCfg, DeviceKind kind, PRL_UINT32 position, PRL_HANDLE_PTR out) {
    auto vm = handle_cast<Vm>(hVmCfg);
    out_ptr(out);
    const auto index = vm->read([&](const service::VmConfig& c) -> std::optional<unsigned> {
        const auto indexes = device_indexes(c, kind);
        if (position >= indexes.size()) return std::nullopt;
        return indexes[position];
    });
    require(index.has_value(), PRL_ERR_INVALID_ARG, "no device at that position");
    give(std::make_shared<VmDevice>(vm.share(), kind, *index), out);
    return PRL_ERR_SUCCESS;
}


// The device kinds the SDK's default configuration gives a guest OS version
// (PrlVmCfg_IsDefaultDeviceNeeded); sound and parallel ports only outside
// server mode, as there.
bool default_device_needed(unsigned version, long long type) {
    const unsigned family = guest_type(version);
    const bool server = ApiState::instance().app_mode() == PAM_SERVER;
    switch (type) {
        case PDE_OPTICAL_DISK:
        case PDE_HARD_DISK: return true;
        case PDE_GENERIC_NETWORK_ADAPTER: return family != PVS_GUEST_TYPE_NETWARE;
        case PDE_SOUND_DEVICE:
            return !server && family != PVS_GUEST_TYPE_MSDOS && family != PVS_GUEST_TYPE_NETWARE &&
                   family != PVS_GUEST_TYPE_SOLARIS;
        case PDE_PARALLEL_PORT:
            if (server) return false;
            if (family == PVS_GUEST_TYPE_LINUX || family == PVS_GUEST_TYPE_CHROMEOS) return version == PVS_GUEST_VER_LIN_OTHER;
            if (family == PVS_GUEST_TYPE_FREEBSD) return true;
            return family == PVS_GUEST_TYPE_WINDOWS && version != PVS_GUEST_VER_WIN_311;
        case PDE_USB_DEVICE:
            switch (version) {
                case PVS_GUEST_VER_LIN_KRNL_24:
                case PVS_GUEST_VER_WIN_311:
                case PVS_GUEST_VER_WIN_95:
                case PVS_GUEST_VER_WIN_NT:
                case PVS_GUEST_VER_WIN_OTHER: return false;
                case PVS_GUEST_VER_OS2_ECS11:
                case PVS_GUEST_VER_OS2_ECS12: return true;
                default: break;
            }
            return family == PVS_GUEST_TYPE_LINUX || family == PVS_GUEST_TYPE_CHROMEOS ||
                   family == PVS_GUEST_TYPE_ANDROID || family == PVS_GUEST_TYPE_WINDOWS ||
                   family == PVS_GUEST_TYPE_MACOS || family == PVS_GUEST_TYPE_FREEBSD;
        default: return false;
    }
}

// The SDK's default video memory, MiB. The embedded service's host is Linux.
unsigned default_video_mib(unsigned version, const service::HostFacts* host, bool with_3d) {
    if (version == PVS_GUEST_VER_WIN_2003) return 64;
    if (!host) return 32;
    const std::uint64_t ram = host->ram_mib;
    if (with_3d && guest_type(version) == PVS_GUEST_TYPE_WINDOWS && ram > 1024) {
        const bool desktop = version == PVS_GUEST_VER_WIN_2K || version == PVS_GUEST_VER_WIN_XP ||
                             version == PVS_GUEST_VER_WIN_VISTA || version == PVS_GUEST_VER_WIN_WINDOWS7 ||
                             version == PVS_GUEST_VER_WIN_WINDOWS8 || version == PVS_GUEST_VER_WIN_WINDOWS8_1;
        return desktop && ram > 2048 ? 256 : 128;
    }
    return 32;
}

}  // namespace

namespace prl::abi {

std::uint64_t default_hdd_mib(unsigned version) {
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

}  // namespace prl::abi

extern "C" {

PRL_RESULT PrlVmCfg_IsDefaultDeviceNeeded(PRL_UINT32 guestOsVersion, PRL_DEVICE_TYPE deviceType, PRL_BOOL_PTR pbNeeded) {
    return sync([&] {
        *out_ptr(pbNeeded) = default_device_needed(guestOsVersion, enum_in(deviceType)) ? PRL_TRUE : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetDefaultMemSize(PRL_UINT32 guestOsVersion, PRL_UINT32 hostRam, PRL_UINT32_PTR pnMemSize) {
    return sync([&] {
        *out_ptr(pnMemSize) = default_ram_mib(guestOsVersion, hostRam);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetDefaultHddSize(PRL_UINT32 guestOsVersion, PRL_UINT32_PTR pnHddSize) {
    return sync([&] {
        *out_ptr(pnHddSize) = saturate32(default_hdd_mib(guestOsVersion));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetDefaultVideoRamSize(PRL_UINT32 guestOsVersion, PRL_HANDLE hSrvConfig, PRL_BOOL bIs3DSupportEnabled,
                                           PRL_UINT32_PTR pnVideoRamSize) {
    return sync([&] {
        out_ptr(pnVideoRamSize);
        std::optional<service::HostFacts> host;
        if (hSrvConfig != PRL_INVALID_HANDLE) host = handle_cast<ServerConfig>(hSrvConfig)->host;
        *pnVideoRamSize = default_video_mib(guestOsVersion, host ? &*host : nullptr, bIs3DSupportEnabled != PRL_FALSE);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_SetDefaultConfig(PRL_HANDLE hVmCfg, PRL_HANDLE hSrvConfig, PRL_UINT32 guestOsVersion,
                                     PRL_BOOL needCreateDevices) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        // Without a server configuration the SDK assumes a 512 MiB, one-CPU host.
        std::optional<service::HostFacts> host;
        if (hSrvConfig != PRL_INVALID_HANDLE) host = handle_cast<ServerConfig>(hSrvConfig)->host;
        require(known_os_version(guestOsVersion), PRL_ERR_INVALID_ARG, "unknown guest OS version");

        service::VmConfig fresh = service::make_default_config(guestOsVersion, needCreateDevices != PRL_FALSE);
        fresh.os_type = guest_type(guestOsVersion);
        fresh.os_version = guestOsVersion;
        const unsigned host_ram = host ? saturate32(host->ram_mib) : 512;
        fresh.ram_mib = default_ram_mib(guestOsVersion, host_ram);
        fresh.cpu_count = 1;
        if (host && !single_cpu_guest(guestOsVersion) && ApiState::instance().app_mode() == PAM_SERVER &&
            host->cpu_count >= 4)
            fresh.cpu_count = 2;
        if (!fresh.hard_disks.empty()) fresh.hard_disks.front().size_mib = default_hdd_mib(guestOsVersion);
        // Each default adapter gets its own address, as one added by AddDefaultDevice
        // (without one, PrlVm_ValidateConfig reports an invalid MAC).
        for (service::Device& d : fresh.devices)
            if (d.kind == service::DeviceKind::network_adapter && d.mac.empty()) d.mac = generate_mac();
        // A default configuration is a new VM: the SDK gives it a new UUID.
        fresh.uuid = service::new_braced_uuid();
        vm->edit([&](service::VmConfig& c) {
            if (!needCreateDevices) {  // the devices already there are kept
                fresh.hard_disks = std::move(c.hard_disks);
                fresh.devices = std::move(c.devices);
            }
            c = std::move(fresh);
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetName(PRL_HANDLE hVmCfg, PRL_STR sVmName, PRL_UINT32_PTR pnVmNameBufLength) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        out_ptr(pnVmNameBufLength);
        return copy_out(vm->read([](const service::VmConfig& c) { return c.name; }), sVmName, pnVmNameBufLength);
    });
}

PRL_RESULT PrlVmCfg_SetName(PRL_HANDLE hVmCfg, PRL_CONST_STR sNewVmName) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        std::string name = text_arg(sNewVmName);
        // The name becomes the bundle's directory name: refuse what cannot be one.
        require(name.empty() || service::is_valid_entry_name(name), PRL_ERR_INVALID_ARG,
                "invalid VM name (UTF-8, at most 200 bytes, no '/', control characters or leading '.')");
        vm->edit([&](service::VmConfig& c) { c.name = std::move(name); });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetUuid(PRL_HANDLE hVmCfg, PRL_STR sVmUuid, PRL_UINT32_PTR pnVmUuidBufLength) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        out_ptr(pnVmUuidBufLength);
        return copy_out(vm->read([](const service::VmConfig& c) { return c.uuid; }), sVmUuid, pnVmUuidBufLength);
    });
}

PRL_RESULT PrlVmCfg_SetUuid(PRL_HANDLE hVmCfg, PRL_CONST_STR sNewVmUuid) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        const std::string text = text_arg(sNewVmUuid);
        std::string uuid;  // empty clears it, as in the SDK
        if (!text.empty()) {
            auto normal = service::normalize_uuid(text);
            require(normal.has_value(), PRL_ERR_INVALID_ARG, "not a UUID");
            uuid = std::move(*normal);
        }
        vm->edit([&](service::VmConfig& c) { c.uuid = std::move(uuid); });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetVmType(PRL_HANDLE hVmCfg, PRL_VM_TYPE_PTR pnType) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        *out_ptr(pnType) = vm->read([](const service::VmConfig& c) {
            return c.type == service::VmType::ct ? PVT_CT : PVT_VM;
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_SetVmType(PRL_HANDLE hVmCfg, PRL_VM_TYPE nType) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        const long long type = enum_in(nType);
        require(type == PVT_VM || type == PVT_CT, PRL_ERR_INVALID_ARG, "VM type must be PVT_VM or PVT_CT");
        vm->edit([&](service::VmConfig& c) { c.type = type == PVT_CT ? service::VmType::ct : service::VmType::vm; });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetHomePath(PRL_HANDLE hVmCfg, PRL_STR sHomePath, PRL_UINT32_PTR pnHomePathBufLength) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        out_ptr(pnHomePathBufLength);
        return copy_out(vm->read([](const service::VmConfig& c) { return c.home_path; }), sHomePath,
                        pnHomePathBufLength);
    });
}

PRL_RESULT PrlVmCfg_GetDescription(PRL_HANDLE hVmCfg, PRL_STR sVmDescription, PRL_UINT32_PTR pnVmDescriptionBufLength) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        out_ptr(pnVmDescriptionBufLength);
        return copy_out(vm->read([](const service::VmConfig& c) { return c.description; }), sVmDescription,
                        pnVmDescriptionBufLength);
    });
}

PRL_RESULT PrlVmCfg_SetDescription(PRL_HANDLE hVmCfg, PRL_CONST_STR sNewVmDescription) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        std::string text = text_arg(sNewVmDescription);
        require(service::is_storable_text(text), PRL_ERR_INVALID_ARG,
                "invalid description (UTF-8 text without control characters, at most 64 KiB)");
        vm->edit([&](service::VmConfig& c) { c.description = std::move(text); });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetOsType(PRL_HANDLE hVmCfg, PRL_UINT32_PTR pnVmOsType) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        *out_ptr(pnVmOsType) = vm->read([](const service::VmConfig& c) { return c.os_type; });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetOsVersion(PRL_HANDLE hVmCfg, PRL_UINT32_PTR pnVmOsVersion) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        *out_ptr(pnVmOsVersion) = vm->read([](const service::VmConfig& c) { return c.os_version; });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_SetOsVersion(PRL_HANDLE hVmCfg, PRL_UINT32 nVmOsVersion) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        require(known_os_version(nVmOsVersion), PRL_ERR_INVALID_ARG, "unknown guest OS version");
        vm->edit([&](service::VmConfig& c) {
            c.os_type = guest_type(nVmOsVersion);
            c.os_version = nVmOsVersion;
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetRamSize(PRL_HANDLE hVmCfg, PRL_UINT32_PTR pnVmRamSize) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        *out_ptr(pnVmRamSize) = vm->read([](const service::VmConfig& c) { return c.ram_mib; });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_SetRamSize(PRL_HANDLE hVmCfg, PRL_UINT32 nVmRamSize) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        require(nVmRamSize != 0 && nVmRamSize <= service::max_ram_mib, PRL_ERR_INVALID_ARG, "RAM size out of range");
        vm->edit([&](service::VmConfig& c) { c.ram_mib = nVmRamSize; });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetCpuCount(PRL_HANDLE hVmCfg, PRL_UINT32_PTR pnVmCpuCount) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        *out_ptr(pnVmCpuCount) = vm->read([](const service::VmConfig& c) { return c.cpu_count; });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_SetCpuCount(PRL_HANDLE hVmCfg, PRL_UINT32 nVmCpuCount) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        require(nVmCpuCount != 0 && nVmCpuCount <= service::max_cpu_count, PRL_ERR_INVALID_ARG,
                "CPU count out of range");
        vm->edit([&](service::VmConfig& c) { c.cpu_count = nVmCpuCount; });
        return PRL_ERR_SUCCESS;
    });
}

// ---- devices ----

PRL_RESULT PrlVmCfg_CreateVmDev(PRL_HANDLE hVmCfg, PRL_DEVICE_TYPE nDeviceType, PRL_HANDLE_PTR phVmDevice) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        out_ptr(phVmDevice);
        const DeviceKind kind = kind_arg(nDeviceType);
        const unsigned index = vm->edit([&](service::VmConfig& c) {
            require(c.hard_disks.size() + c.devices.size() < 1024, PRL_ERR_INVALID_ARG, "too many devices");
            const unsigned next = first_free_index(c, kind);
            if (kind == DeviceKind::hard_disk) {
                service::HardDisk d;  // an image-file disk, expanding, on IDE
                d.index = next;
                d.interface_type = PMS_IDE_DEVICE;
                d.stack_index = 0;
                c.hard_disks.push_back(d);
                auto& added = c.hard_disks.back();
                try {
                    added.stack_index = static_cast<int>(first_free_stack_index(c, added.interface_type, &added));
                } catch (const Error&) {  // a full bus: the slot is left to the client
                }
            } else {
                service::Device d;
                d.kind = store_kind(kind);
                d.index = next;
                d.emulated_type = 0;  // PDT_USE_REAL_* for every kind
                if (kind == DeviceKind::network_adapter) d.mac = generate_mac();  // as the SDK's new adapter
                if (kind == DeviceKind::cdrom) {
                    d.interface_type = PMS_IDE_DEVICE;
                    d.stack_index = 0;
                }
                c.devices.push_back(d);
                auto& added = c.devices.back();
                if (kind == DeviceKind::cdrom) {
                    try {
                        added.stack_index = static_cast<int>(first_free_stack_index(c, PMS_IDE_DEVICE, &added));
                    } catch (const Error&) {
                    }
                }
            }
            return next;
        });
        give(std::make_shared<VmDevice>(vm.share(), kind, index), phVmDevice);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetDevsCount(PRL_HANDLE hVmCfg, PRL_UINT32_PTR vmdev_handles_count) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        *out_ptr(vmdev_handles_count) = vm->read([](const service::VmConfig& c) {
            return static_cast<PRL_UINT32>(c.hard_disks.size() + c.devices.size());
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetAllDevices(PRL_HANDLE hVmCfg, PRL_HANDLE_PTR phDevsList) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        out_ptr(phDevsList);
        std::vector<std::pair<DeviceKind, unsigned>> found;
        vm->read([&](const service::VmConfig& c) {
            for (DeviceKind kind : kSdkDeviceOrder)
                for (unsigned index : device_indexes(c, kind)) found.emplace_back(kind, index);
        });
        auto list = std::make_shared<HandlesList>();
        const VmPtr owner = vm.share();
        for (const auto& [kind, index] : found) list->add(std::make_shared<VmDevice>(owner, kind, index));
        give(list, phDevsList);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetDevsCountByType(PRL_HANDLE hVmCfg, PRL_DEVICE_TYPE vmDeviceType, PRL_UINT32_PTR pnDevicesCount) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        out_ptr(pnDevicesCount);
        const long long type = enum_in(vmDeviceType);
        require(type >= 0 && type < PDE_MAX, PRL_ERR_INVALID_ARG, "not a device type");
        const auto kind = kind_of(type);
        if (!kind) {  // a type prlshim keeps none of
            *pnDevicesCount = 0;
            return PRL_RESULT(PRL_ERR_SUCCESS);
        }
        return count_of(hVmCfg, *kind, pnDevicesCount);
    });
}

PRL_RESULT PrlVmCfg_GetDevByType(PRL_HANDLE hVmCfg, PRL_DEVICE_TYPE vmDeviceType, PRL_UINT32 nIndex,
                                 PRL_HANDLE_PTR phDevice) {
    return sync([&] {
        handle_cast<Vm>(hVmCfg);
        out_ptr(phDevice);
        const long long type = enum_in(vmDeviceType);
        require(type >= 0 && type < PDE_MAX, PRL_ERR_INVALID_ARG, "not a device type");
        const auto kind = kind_of(type);
        if (!kind) {
            if (unkept_type(type)) return PRL_RESULT(PRL_ERR_INVALID_ARG);  // none kept: every position is out of range
            return PRL_RESULT(PRL_ERR_UNSUPPORTED_DEVICE_TYPE);
        }
        return device_at(hVmCfg, *kind, nIndex, phDevice);
    });
}

#define PRLSHIM_DEVICE_GETTERS(Count, Item, kind)                                                   \
    PRL_RESULT PrlVmCfg_Get##Count(PRL_HANDLE hVmCfg, PRL_UINT32_PTR pnCount) {                      \
        return sync([&] { return count_of(hVmCfg, kind, pnCount); });                                \
    }                                                                                              \
    PRL_RESULT PrlVmCfg_Get##Item(PRL_HANDLE hVmCfg, PRL_UINT32 nIndex, PRL_HANDLE_PTR phDevice) { \
        return sync([&] { return device_at(hVmCfg, kind, nIndex, phDevice); });                      \
    }

PRLSHIM_DEVICE_GETTERS(FloppyDisksCount, FloppyDisk, DeviceKind::floppy)
PRLSHIM_DEVICE_GETTERS(HardDisksCount, HardDisk, DeviceKind::hard_disk)
PRLSHIM_DEVICE_GETTERS(OpticalDisksCount, OpticalDisk, DeviceKind::cdrom)
PRLSHIM_DEVICE_GETTERS(ParallelPortsCount, ParallelPort, DeviceKind::parallel)
PRLSHIM_DEVICE_GETTERS(SerialPortsCount, SerialPort, DeviceKind::serial)
PRLSHIM_DEVICE_GETTERS(SoundDevsCount, SoundDev, DeviceKind::sound)
PRLSHIM_DEVICE_GETTERS(UsbDevicesCount, UsbDevice, DeviceKind::usb)
PRLSHIM_DEVICE_GETTERS(NetAdaptersCount, NetAdapter, DeviceKind::network_adapter)

#undef PRLSHIM_DEVICE_GETTERS

}  // extern "C"
