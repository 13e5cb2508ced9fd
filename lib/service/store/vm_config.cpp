// Model helpers: equality, defaults, validation. The XML form is in config_pvs.cpp.
#include "vm_config.h"

#include "guest_support.h"

#include "error.h"
#include "text_rules.h"
#include "uuid_text.h"

#include <tuple>

namespace prl::service {
namespace {

constexpr std::size_t max_text = max_text_bytes;
constexpr std::size_t max_path = max_path_bytes;

auto tie(const HardDisk& d) {
    return std::tie(d.index, d.enabled, d.connected, d.emulated_type, d.image_path, d.friendly_name,
                    d.interface_type, d.stack_index, d.disk_type, d.size_mib, d.description, d.extra);
}
auto tie(const Device& d) {
    return std::tie(d.kind, d.index, d.enabled, d.connected, d.emulated_type, d.system_name, d.friendly_name,
                    d.interface_type, d.stack_index, d.mac, d.description, d.extra);
}
auto tie(const VmConfig& c) {
    return std::tie(c.uuid, c.name, c.type, c.description, c.server_uuid, c.home_path, c.os_type, c.os_version,
                    c.ram_mib, c.cpu_count, c.video_mib, c.hard_disks, c.devices, c.extra);
}

void check_text(const std::string& value, std::size_t max, const char* field) {
    if (!is_storable_text(value, max))
        throw Error(Errc::invalid_argument, std::string("invalid ") + field + " (UTF-8 text without control characters expected)");
}

void check_path(const std::string& value, const char* field) {
    check_text(value, max_path, field);
    if (!is_storable_path(value)) throw Error(Errc::invalid_argument, std::string("invalid ") + field);
}

}  // namespace

bool is_storable_text(const std::string& value, std::size_t max_bytes) { return is_xml_safe_text(value, max_bytes); }

bool is_storable_path(const std::string& value) {
    if (!is_xml_safe_text(value, max_path)) return false;
    for (char c : value)
        if (c == '\n' || c == '\r' || c == '\t') return false;
    return true;
}

bool operator==(const HardDisk& a, const HardDisk& b) { return tie(a) == tie(b); }
bool operator==(const Device& a, const Device& b) { return tie(a) == tie(b); }
bool operator==(const VmConfig& a, const VmConfig& b) { return tie(a) == tie(b); }

const char* element_name(DeviceKind kind) noexcept {
    switch (kind) {
    case DeviceKind::floppy: return "Fdd";
    case DeviceKind::cdrom: return "CdRom";
    case DeviceKind::serial: return "Serial";
    case DeviceKind::parallel: return "Parallel";
    case DeviceKind::network_adapter: return "NetworkAdapter";
    case DeviceKind::sound: return "Sound";
    case DeviceKind::usb: return "USB";
    }
    return "CdRom";
}

namespace {

// The boot order of a default configuration, as the SDK makes it: the hard
// disk, the CD-ROM, USB (listed but not in use: no EFI), the network (not for
// NetWare), numbered in that order.
void add_default_boot_order(VmConfig& cfg) {
    constexpr int kHardDisk = 6, kOptical = 5, kNetwork = 8, kUsb = 15;  // PDE_*
    constexpr unsigned kMacos = 7, kNetware = 13;                         // PVS_GUEST_TYPE_*
    std::vector<std::pair<int, bool>> entries = {{kHardDisk, true}, {kOptical, true}};
    if (cfg.os_type != kMacos) entries.push_back({kUsb, false});
    if (cfg.os_type != kNetware) entries.push_back({kNetwork, true});
    if (cfg.extra.name.empty()) cfg.extra.name = "VirtuozzoVirtualMachine";
    XmlTree& order = cfg.extra.ensure("Settings/Startup/BootingOrder");
    for (std::size_t i = 0; i < entries.size(); ++i) {
        XmlTree& e = order.add_child("BootDevice");
        e.set_attribute("id", std::to_string(i));
        e.set_text_at("Index", "0");
        e.set_text_at("Type", std::to_string(entries[i].first));
        e.set_text_at("BootingNumber", std::to_string(i));
        e.set_text_at("InUse", entries[i].second ? "1" : "0");
    }
}

}  // namespace

VmConfig make_default_config(unsigned os_version, bool with_devices) {
    VmConfig cfg;
    cfg.os_version = os_version;
    cfg.os_type = os_version >> 8;  // PVS_GUEST_VER_* carry their PVS_GUEST_TYPE_* in the high byte
    const bool windows = cfg.os_type == pvs::guest_type_windows;
    cfg.cpu_count = 2;
    cfg.ram_mib = windows ? 2048 : 1024;
    cfg.video_mib = 32;
    if (!with_devices) return cfg;

    // Each on the bus the SDK prefers for the guest, in the first free slot.
    HardDisk hdd;
    hdd.image_path = "harddisk.hdd";
    hdd.friendly_name = "harddisk.hdd";
    hdd.interface_type = preferred_storage_interface(os_version, false);
    hdd.stack_index = 0;
    hdd.size_mib = 65536;
    set_default_scsi_subtype(hdd.extra, hdd.interface_type, os_version);
    cfg.hard_disks.push_back(hdd);

    Device cd;
    cd.kind = DeviceKind::cdrom;
    cd.emulated_type = pvs::emulated_image_file;
    cd.interface_type = preferred_storage_interface(os_version, true);
    cd.stack_index = *cd.interface_type == hdd.interface_type ? 1 : 0;
    set_default_scsi_subtype(cd.extra, *cd.interface_type, os_version);
    cfg.devices.push_back(cd);

    Device net;
    net.kind = DeviceKind::network_adapter;
    net.emulated_type = pvs::net_bridged;
    if (const int model = default_net_adapter_type(os_version)) net.extra.set_text_at("AdapterType", std::to_string(model));
    cfg.devices.push_back(net);

    Device usb;
    usb.kind = DeviceKind::usb;
    cfg.devices.push_back(usb);
    add_default_boot_order(cfg);
    return cfg;
}

Device venet_adapter() {
    Device venet;
    venet.kind = DeviceKind::network_adapter;
    venet.index = venet_index;
    venet.emulated_type = pvs::net_routed;
    venet.system_name = "venet0";
    venet.extra.set_text_at("HostInterfaceName", "venet0");
    return venet;
}

bool is_venet(const Device& d) noexcept { return d.kind == DeviceKind::network_adapter && d.index == venet_index; }

void validate(const VmConfig& cfg) {
    if (!cfg.uuid.empty() && !normalize_uuid(cfg.uuid)) throw Error(Errc::invalid_argument, "invalid VM UUID");
    if (!cfg.server_uuid.empty() && !normalize_uuid(cfg.server_uuid))
        throw Error(Errc::invalid_argument, "invalid server UUID");
    check_text(cfg.name, max_text, "name");
    check_text(cfg.description, max_text, "description");
    check_path(cfg.home_path, "home path");
    if (cfg.cpu_count == 0 || cfg.cpu_count > max_cpu_count) throw Error(Errc::invalid_argument, "CPU count out of range");
    if (cfg.ram_mib > max_ram_mib) throw Error(Errc::invalid_argument, "RAM size out of range");
    if (cfg.hard_disks.size() + cfg.devices.size() > 1024) throw Error(Errc::invalid_argument, "too many devices");
    for (const auto& d : cfg.hard_disks) {
        check_path(d.image_path, "disk image path");
        check_text(d.friendly_name, max_path, "disk name");
        check_text(d.description, max_text, "disk description");
        if (d.size_mib > (std::uint64_t{1} << 32)) throw Error(Errc::invalid_argument, "disk size out of range");
    }
    for (const auto& d : cfg.devices) {
        check_path(d.system_name, "device path");
        check_text(d.friendly_name, max_path, "device name");
        check_text(d.mac, 64, "MAC address");
        check_text(d.description, max_text, "device description");
    }
}

}  // namespace prl::service
