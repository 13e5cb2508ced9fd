// prlctl set's --device-add and --device-set of floppy drives, serial and
// parallel ports, sound and USB controllers, and --device-set of hard disks
// (resize, image, interface, position), as the product's prlctl applies them
// (docs/prlctl.md).
#include "option_values.h"
#include "vm_devices.h"
#include "vm_info.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>

namespace prlctl {
namespace {

bool is_one_of(PRL_DEVICE_TYPE t, std::initializer_list<PRL_DEVICE_TYPE> kinds) {
    for (PRL_DEVICE_TYPE k : kinds)
        if (t == k) return true;
    return false;
}

// The kind named by --device-add, or by --device-set's name prefix.
PRL_DEVICE_TYPE named_kind(const CommandLine& cl) {
    if (cl.has("device-add")) return device_kind(cl.get("device-add"));
    if (cl.has("device-set")) {
        const std::string n = cl.get("device-set");
        return device_kind(n.substr(0, n.find_first_of("0123456789")));
    }
    return PDE_GENERIC_DEVICE;
}

// A host device of a kind, by its name or id, as the product looks it up
// (its host device list); its handle, or none when the host has none such.
Handle host_device_handle(PRL_HANDLE server, PRL_DEVICE_TYPE type, const std::string& name) {
    PRL_RESULT (*count)(PRL_HANDLE, PRL_UINT32_PTR) = nullptr;
    PRL_RESULT (*get)(PRL_HANDLE, PRL_UINT32, PRL_HANDLE_PTR) = nullptr;
    switch (type) {
        case PDE_FLOPPY_DISK: count = PrlSrvCfg_GetFloppyDisksCount, get = PrlSrvCfg_GetFloppyDisk; break;
        case PDE_GENERIC_PCI_DEVICE:
            count = PrlSrvCfg_GetGenericPciDevicesCount, get = PrlSrvCfg_GetGenericPciDevice;
            break;
        case PDE_OPTICAL_DISK: count = PrlSrvCfg_GetOpticalDisksCount, get = PrlSrvCfg_GetOpticalDisk; break;
        case PDE_SERIAL_PORT: count = PrlSrvCfg_GetSerialPortsCount, get = PrlSrvCfg_GetSerialPort; break;
        case PDE_PARALLEL_PORT: count = PrlSrvCfg_GetParallelPortsCount, get = PrlSrvCfg_GetParallelPort; break;
        case PDE_SOUND_DEVICE: count = PrlSrvCfg_GetSoundOutputDevsCount, get = PrlSrvCfg_GetSoundOutputDev; break;
        default: return Handle();
    }
    Handle cfg = server_config(server);
    PRL_UINT32 n = 0;
    if (PRL_FAILED(count(cfg, &n))) return Handle();
    for (PRL_UINT32 i = 0; i < n; ++i) {
        Handle d;
        if (PRL_FAILED(get(cfg, i, d.out()))) continue;
        if (text_of(PrlSrvCfgDev_GetName, d) == name || text_of(PrlSrvCfgDev_GetId, d) == name) return d;
    }
    return Handle();
}

// Its name, or "" when the host has none such.
std::string host_device(PRL_HANDLE server, PRL_DEVICE_TYPE type, const std::string& name) {
    Handle d = host_device_handle(server, type, name);
    return d ? text_of(PrlSrvCfgDev_GetName, d) : std::string();
}

void set_names(PRL_HANDLE dev, const std::string& path) {
    check(PrlVmDev_SetSysName(dev, path.c_str()), "PrlVmDev_SetSysName");
    check(PrlVmDev_SetFriendlyName(dev, path.c_str()), "PrlVmDev_SetFriendlyName");
}

void toggles(PRL_HANDLE dev, const DeviceChange& c, bool connect) {
    if (c.enable) check(PrlVmDev_SetEnabled(dev, PRL_TRUE), "PrlVmDev_SetEnabled");
    if (c.disable) check(PrlVmDev_SetEnabled(dev, PRL_FALSE), "PrlVmDev_SetEnabled");
    if (connect && c.connect) check(PrlVmDev_SetConnected(dev, PRL_TRUE), "PrlVmDev_SetConnected");
    if (connect && c.disconnect) check(PrlVmDev_SetConnected(dev, PRL_FALSE), "PrlVmDev_SetConnected");
}

std::string host_path_or_fail(PRL_HANDLE server, PRL_DEVICE_TYPE type, const std::string& name) {
    const std::string path = host_device(server, type, name);
    if (path.empty()) throw ApplyError{-1, "Unknown device: " + name};
    return path;
}

// A floppy drive's source; prints "Creating ...", makes the image on --recreate.
void floppy_source(PRL_HANDLE server, PRL_HANDLE dev, const DeviceChange& c) {
    PRL_VM_DEV_EMULATION_TYPE type = PDT_USE_IMAGE_FILE;
    std::string path;
    if (c.device) {
        type = PDT_USE_REAL_DEVICE;
        path = host_path_or_fail(server, PDE_FLOPPY_DISK, *c.device);
    } else if (c.image) {
        path = *c.image;
    } else if (!c.add) {
        return;
    } else {
        path = "floppy.fdd";  // the product's default, in the VM's folder
    }
    check(PrlVmDev_SetImagePath(dev, path.c_str()), "PrlVmDev_SetImagePath");
    check(PrlVmDev_SetEmulatedType(dev, type), "PrlVmDev_SetEmulatedType");
    set_names(dev, path);
    say("Creating " + device_info_line(dev, PDE_FLOPPY_DISK) + ".");
    if (type == PDT_USE_IMAGE_FILE && c.recreate) {
        say("Create the floppy image file...");
        std::string err;
        if (const PRL_RESULT rc = wait(Handle(PrlVmDev_CreateImage(dev, PRL_TRUE, PRL_TRUE)), err))
            throw ApplyError{rc, "PrlVmDev_CreateImage: " + err};
    }
}

void serial_source(PRL_HANDLE server, PRL_HANDLE dev, const DeviceChange& c) {
    PRL_VM_DEV_EMULATION_TYPE type;
    std::string path;
    auto mode = static_cast<PRL_SERIAL_PORT_SOCKET_OPERATION_MODE>(
        c.socket_mode == -1 ? PSP_SERIAL_SOCKET_SERVER : c.socket_mode);
    if (c.device) {
        type = PDT_USE_REAL_DEVICE;
        path = host_path_or_fail(server, PDE_SERIAL_PORT, *c.device);
    } else if (!c.output.empty()) {
        type = PDT_USE_OUTPUT_FILE;
        path = c.output;
    } else if (!c.socket.empty()) {
        type = PDT_USE_SERIAL_PORT_SOCKET_MODE;
        path = c.socket;
    } else if (!c.socket_tcp.empty()) {
        type = PDT_USE_SERIAL_PORT_TCP_MODE;
        path = c.socket_tcp;
    } else if (!c.socket_udp.empty()) {
        type = PDT_USE_SERIAL_PORT_UDP_MODE;
        path = c.socket_udp;
    } else if (c.socket_mode != -1) {
        PrlVmDev_GetEmulatedType(dev, &type);
        if (type != PDT_USE_SERIAL_PORT_SOCKET_MODE && type != PDT_USE_SERIAL_PORT_TCP_MODE)
            throw ApplyError{-1, "The serial port type is not sutable with socket-mode"};
    } else {
        return;
    }
    check(PrlVmDev_SetEmulatedType(dev, type), "PrlVmDev_SetEmulatedType");
    if (!path.empty()) set_names(dev, path);
    if (type == PDT_USE_SERIAL_PORT_SOCKET_MODE || type == PDT_USE_SERIAL_PORT_TCP_MODE)
        if (const PRL_RESULT rc = PrlVmDevSerial_SetSocketMode(dev, mode))
            throw ApplyError{rc, "PrlVmDevSerial_SetSocketMode: " + c.device.value_or("")};
    say("Creating " + device_info_line(dev, PDE_SERIAL_PORT));
}

void parallel_source(PRL_HANDLE server, PRL_HANDLE dev, const DeviceChange& c) {
    PRL_VM_DEV_EMULATION_TYPE type = PDT_USE_OUTPUT_FILE;
    std::string path;
    if (c.device) {
        type = PDT_USE_REAL_DEVICE;
        path = host_path_or_fail(server, PDE_PARALLEL_PORT, *c.device);
    } else if (!c.output.empty()) {
        path = c.output;
    } else {
        return;
    }
    check(PrlVmDev_SetEmulatedType(dev, type), "PrlVmDev_SetEmulatedType");
    set_names(dev, path);
    say("Creating " + device_info_line(dev, PDE_PARALLEL_PORT) + ".");
}

void sound_source(PRL_HANDLE server, PRL_HANDLE dev, const DeviceChange& c) {
    // The product names --device (not --output or --mixer) when a host
    // device is unknown, and looks the mixer up among the outputs.
    if (!c.output.empty()) {
        const std::string name = host_device(server, PDE_SOUND_DEVICE, c.output);
        if (name.empty()) throw ApplyError{-1, "Unknown device: " + c.device.value_or("")};
        check(PrlVmDevSound_SetOutputDev(dev, name.c_str()), "PrlVmDevSound_SetOutputDev");
    }
    if (!c.mixer.empty()) {
        const std::string name = host_device(server, PDE_SOUND_DEVICE, c.mixer);
        if (name.empty()) throw ApplyError{-1, "Unknown device: " + c.device.value_or("")};
        check(PrlVmDevSound_SetMixerDev(dev, name.c_str()), "PrlVmDevSound_SettMixerDev");
    }
    if (c.output.empty() && c.mixer.empty()) return;
    check(PrlVmDev_SetEmulatedType(dev, PDT_USE_REAL_DEVICE), "PrlVmDev_SetEmulatedType");
    say("Creating " + device_info_line(dev, PDE_SOUND_DEVICE) + ".");
}

PRL_UINT32 index_of(PRL_HANDLE dev) {
    PRL_UINT32 index = 0;
    PrlVmDev_GetIndex(dev, &index);
    return index;
}

// Whether a device of the type other than `dev` has index 0 (the product
// allows one floppy drive, sound and USB controller: the one numbered 0).
bool first_taken(PRL_HANDLE cfg, PRL_HANDLE dev, PRL_DEVICE_TYPE type) {
    PRL_UINT32 n = 0, zeros = 0;
    PrlVmCfg_GetDevsCountByType(cfg, type, &n);
    for (PRL_UINT32 i = 0; i < n; ++i) {
        Handle d;
        if (PRL_SUCCEEDED(PrlVmCfg_GetDevByType(cfg, type, i, d.out())) && index_of(d) == 0) ++zeros;
    }
    return zeros > (index_of(dev) == 0 ? 1u : 0u);
}

void validate_disks(PRL_HANDLE cfg) {
    PRL_VM_TYPE vm_type = PVT_VM;
    PrlVmCfg_GetVmType(cfg, &vm_type);
    if (const PRL_RESULT rc = validate(cfg, PVC_HARD_DISK, vm_type == PVT_CT ? "CT" : "VM")) throw ApplyError{rc, ""};
}

// A disk's new image (--image), or its resize (--size).
void disk_source(PRL_HANDLE server, PRL_HANDLE cfg, PRL_HANDLE dev, const DeviceChange& c) {
    if (c.device) return attach_host_disk(server, cfg, dev, c);
    if (c.image) {
        check(PrlVmDev_SetImagePath(dev, c.image->c_str()), "PrlVmDev_SetImagePath");
        check(PrlVmDev_SetEmulatedType(dev, PDT_USE_IMAGE_FILE), "PrlVmDev_SetEmulatedType");
        check(PrlVmDev_SetFriendlyName(dev, c.image->c_str()), "PrlVmDev_SetFriendlyName");
        check(PrlVmDev_SetSysName(dev, c.image->c_str()), "PrlVmDev_SetSysName");
        if (c.recreate) {
            make_disk_image(dev, c.size, true);
        } else {
            say("Creating " + disk_line_without_type_and_size(dev));
        }
        validate_disks(cfg);
        return;
    }
    if (!c.size) return;
    PRL_VM_DEV_EMULATION_TYPE type = PDT_ANY_TYPE;
    PrlVmDev_GetEmulatedType(dev, &type);
    if (type != PDT_USE_IMAGE_FILE && type != PDT_USE_FILE_SYSTEM)
        throw ApplyError{-1, "Only disk image supported for resize"};
    const PRL_UINT32 flags = (c.no_fs_resize ? 0 : PRIF_RESIZE_LAST_PARTITION) | (c.offline ? PRIF_RESIZE_OFFLINE : 0);
    say("Resize disk image '" + text_of(PrlVmDev_GetFriendlyName, dev) + "' up to " + std::to_string(*c.size));
    std::string err;
    if (const PRL_RESULT rc = wait(Handle(PrlVmDev_ResizeImage(dev, *c.size, flags)), err))
        throw ApplyError{rc, "Failed to resize: " + err};
}

}  // namespace

void attach_host_disk(PRL_HANDLE server, PRL_HANDLE cfg, PRL_HANDLE dev, const DeviceChange& c) {
    // A host disk by its name or id is used by its id; any other name as it is.
    std::string path = *c.device;
    Handle host_cfg = server_config(server);
    PRL_UINT32 n = 0;
    PrlSrvCfg_GetHardDisksCount(host_cfg, &n);
    for (PRL_UINT32 i = 0; i < n; ++i) {
        Handle d;
        if (PRL_FAILED(PrlSrvCfg_GetHardDisk(host_cfg, i, d.out()))) continue;
        const std::string id = text_of(PrlSrvCfgDev_GetId, d);
        if (text_of(PrlSrvCfgHdd_GetDevName, d) == *c.device || id == *c.device) {
            path = id;
            break;
        }
    }
    check(PrlVmDev_SetImagePath(dev, path.c_str()), "PrlVmDev_SetImagePath");
    check(PrlVmDev_SetEmulatedType(dev, PDT_USE_REAL_HDD), "PrlVmDev_SetEmulatedType");
    set_names(dev, path);
    say("Creating " + disk_line_without_type_and_size(dev));
    validate_disks(cfg);
}

void read_more_device_options(const CommandLine& cl, DeviceChange& c) {
    // Read in the command line's order, as the product reads them.
    bool image = false;
    for (const auto& [option, value] : cl.given) {
        if (option == "size") {
            if (!(c.size = size_value(value, true)))
                throw Error{1, "An incorrect value for --size is specified: " + value};
        } else if (option == "socket-mode") {
            if (value == "server") c.socket_mode = PSP_SERIAL_SOCKET_SERVER;
            else if (value == "client") c.socket_mode = PSP_SERIAL_SOCKET_CLIENT;
            else throw Error{1, "An incorrect value for --socket-mode is specified: " + value};
        } else if (option == "device" || option == "image") {
            if (option == "device" ? image : bool(c.device))
                throw Error{1, "Unable to simultaneously use --device and --image"};
            if (option == "device") c.device = value;
            image = image || option == "image";
        } else if (option == "socket-tcp") {
            // host:port, the port a number
            const auto colon = value.find_last_of(':');
            char* end = nullptr;
            errno = 0;
            if (colon == std::string::npos || colon + 1 == value.size() ||
                (std::strtoul(value.c_str() + colon + 1, &end, 10), *end != '\0' || errno == ERANGE))
                throw Error{1, "An incorrect value for --socket-tcp is specified: " + value +
                                   ".\nThe value must be specified as host:port."};
            c.socket_tcp = value;
        } else if (option == "socket-udp") {
            c.socket_udp = value;
        } else if (option == "mixer" || option == "input") {
            c.mixer = value;
        } else if (option == "type") {
            static const char* const kModes[] = {"expand", "host", "host-only", "bridged", "shared", "routed", "bridge"};
            if (std::find(std::begin(kModes), std::end(kModes), value) == std::end(kModes))
                throw Error{1, "An incorrect value for --type is specified: " + value};
        }
    }
    c.output = cl.get("output");
    c.socket = cl.get("socket");
    c.iface = cl.get("iface");
    c.subtype = cl.get("subtype");
    if (cl.has("position")) c.position = std::atoi(cl.get("position").c_str());
    if (cl.has("passthr")) c.passthr = std::atoi(cl.get("passthr").c_str());
    c.recreate = cl.has("recreate");
    c.offline = cl.has("offline");
    c.no_fs_resize = cl.has("no-fs-resize");
    // Then checked as a whole.
    const PRL_DEVICE_TYPE kind = named_kind(cl);
    if (cl.has("type")) {
        if (kind == PDE_HARD_DISK) {
            if (cl.get("type") != "expand") throw Error{1, "An invalid device type for hdd is specified."};
        } else if (kind == PDE_GENERIC_NETWORK_ADAPTER) {
            if (cl.has("network"))
                throw Error{1, "The '--type' parameter cannot be used with the '--network' parameter."};
        } else {
            throw Error{1, "The --type option is used incorrectly. It can be used with 'hdd' or 'net' devices only."};
        }
    }
    if (!c.output.empty() && !is_one_of(kind, {PDE_SERIAL_PORT, PDE_PARALLEL_PORT, PDE_SOUND_DEVICE}))
        throw Error{1, "The --output option is used incorrectly."};
    if (!c.socket.empty() && kind != PDE_SERIAL_PORT) throw Error{1, "The --socket option is used incorrectly."};
    if (!c.mixer.empty() && kind != PDE_SOUND_DEVICE) throw Error{1, "The --mixer option is used incorrectly."};
    if (cl.has("image") && !cl.get("image").empty() && cl.get("image")[0] != '/') {
        // A relative path names an existing file, taken as its full path.
        char buf[PATH_MAX];
        if (!realpath(cl.get("image").c_str(), buf))
            throw Error{1, "Unable to get full path for " + cl.get("image")};
        c.image = buf;
    }
    if (c.recreate && kind != PDE_FLOPPY_DISK && kind != PDE_HARD_DISK)
        throw Error{1, "The --recreate option have to be specified to setup fdd/hdd device."};
    if (cl.has("device-add") && c.position != -1 && c.iface.empty())
        throw Error{1, "The --position option must be used with the --iface option."};
}

void set_storage_options(PRL_HANDLE dev, PRL_DEVICE_TYPE type, const DeviceChange& c) {
    const bool disk = type == PDE_HARD_DISK;
    if (!c.iface.empty()) {
        PRL_MASS_STORAGE_INTERFACE_TYPE t;
        if (c.iface == "scsi") t = PMS_SCSI_DEVICE;
        else if (c.iface == "ide") t = PMS_IDE_DEVICE;
        else if (disk && c.iface == "virtio") t = PMS_VIRTIO_BLOCK_DEVICE;
        else if (disk)
            throw ApplyError{-1, "An invalid interface is specified: " + c.iface +
                                     "., The following interfaces are supported: ide, scsi, virtio."};
        else throw ApplyError{-1, "Invalid interface: " + c.iface + ", supported one: ide, scsi"};
        check(PrlVmDev_SetIfaceType(dev, t), "PrlVmDev_SetIfaceType");
    }
    if (!c.subtype.empty()) {
        PRL_CLUSTERED_DEVICE_SUBTYPE t;
        if (c.subtype == "virtio-scsi") t = PCD_VIRTIO_SCSI;
        else if (c.subtype == "hyperv") t = PCD_HYPER_V_SCSI;
        else throw ApplyError{-1, "Invalid subtype: " + c.subtype + ", supported one: virtio-scsi, hyperv"};
        check(PrlVmDev_SetSubType(dev, t), "PrlVmDev_SetSubType");
    }
    if (c.position >= 0) check(PrlVmDev_SetStackIndex(dev, PRL_UINT32(c.position)), "PrlVmDev_SetStackIndex");
    if (c.passthr != -1) {
        const PRL_RESULT rc = PrlVmDev_SetPassthrough(dev, c.passthr ? PRL_TRUE : PRL_FALSE);
        if (disk) check(rc, "PrlVmDev_SetPassthrough");
        else if (PRL_FAILED(rc)) throw ApplyError{rc, ""};
    }
}

void optical_source(PRL_HANDLE server, PRL_HANDLE dev, const DeviceChange& c) {
    if (!c.device && !c.image) return;
    const std::string path = c.device ? host_path_or_fail(server, PDE_OPTICAL_DISK, *c.device) : *c.image;
    check(PrlVmDev_SetImagePath(dev, path.c_str()), "PrlVmDev_SetImagePath");
    check(PrlVmDev_SetEmulatedType(dev, c.device ? PDT_USE_REAL_DEVICE : PDT_USE_IMAGE_FILE), "PrlVmDev_SetEmulatedType");
    check(PrlVmDev_SetFriendlyName(dev, path.c_str()), "PrlVmDev_SetFriendlyName");
    say("Creating " + device_info_line(dev, PDE_OPTICAL_DISK));
}

void add_pci_device(PRL_HANDLE server, const Vm& vm, const DeviceChange& c) {
    const std::string name = c.device.value_or("");
    Handle host = host_device_handle(server, PDE_GENERIC_PCI_DEVICE, name);
    if (!host) throw ApplyError{-1, "No such device: " + name + " "};
    PRL_GENERIC_PCI_DEVICE_CLASS pci_class = PGD_PCI_OTHER;
    if (const PRL_RESULT rc = PrlSrvCfgPci_GetDeviceClass(host, &pci_class))
        throw ApplyError{-1, "PrlSrvCfgPci_GetDeviceClass: " + result_text(rc)};
    // The device of the class's kind, as the product adds it.
    const PRL_DEVICE_TYPE type = pci_class == PGD_PCI_NETWORK   ? PDE_GENERIC_NETWORK_ADAPTER
                                 : pci_class == PGD_PCI_DISPLAY ? PDE_PCI_VIDEO_ADAPTER
                                                                : PDE_GENERIC_PCI_DEVICE;
    Handle dev;
    if (const PRL_RESULT rc = PrlVmCfg_AddDefaultDeviceEx(vm.cfg, server_config(server), type, dev.out()))
        throw ApplyError{rc, "Failed to create the device: " + result_text(rc)};
    throw ApplyError{-1, "--device-add pci: prlshim's prlctl does not assign host PCI devices."};
}

void add_more_device(PRL_HANDLE server, const Vm& vm, PRL_HANDLE dev, PRL_DEVICE_TYPE type, const DeviceChange& c) {
    if (type == PDE_USB_DEVICE) {
        if (first_taken(vm.cfg, dev, type)) throw ApplyError{-1, "The USB device already exists."};
        say("Creating usb.");
        if (!c.disable) check(PrlVmDev_SetEnabled(dev, PRL_TRUE), "PrlVmDev_SetEnabled");
        toggles(dev, c, false);
        return;
    }
    if (type == PDE_FLOPPY_DISK && first_taken(vm.cfg, dev, type))
        throw ApplyError{-1, "The fdd0 device already exists."};
    if (type == PDE_SOUND_DEVICE && first_taken(vm.cfg, dev, type))
        throw ApplyError{-1, "The sound0 device already exists."};
    if (type == PDE_SERIAL_PORT && !c.device && c.output.empty() && c.socket.empty() && c.socket_tcp.empty() &&
        c.socket_udp.empty())
        throw ApplyError{-1, "The serial port type is not specified. Use one of the following options: "
                             "--device, --output, or --socket."};
    if (type == PDE_PARALLEL_PORT && !c.device && c.output.empty())
        throw ApplyError{-1, "The parallel port type is not specified. Use either the --device or --output option."};
    if (!c.disable) check(PrlVmDev_SetEnabled(dev, PRL_TRUE), "PrlVmDev_SetEnabled");
    configure_more_device(server, vm.cfg, dev, type, c);
}

void configure_more_device(PRL_HANDLE server, PRL_HANDLE cfg, PRL_HANDLE dev, PRL_DEVICE_TYPE type,
                           const DeviceChange& c) {
    toggles(dev, c, type != PDE_USB_DEVICE);
    switch (type) {
        case PDE_HARD_DISK:
            set_storage_options(dev, type, c);
            disk_source(server, cfg, dev, c);
            break;
        case PDE_FLOPPY_DISK:
            floppy_source(server, dev, c);
            append_to_boot_order(cfg, type, index_of(dev));
            break;
        case PDE_SERIAL_PORT: serial_source(server, dev, c); break;
        case PDE_PARALLEL_PORT: parallel_source(server, dev, c); break;
        case PDE_SOUND_DEVICE: sound_source(server, dev, c); break;
        default: break;
    }
}

}  // namespace prlctl
