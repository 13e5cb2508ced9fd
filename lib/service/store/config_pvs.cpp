// config.pvs reading and writing (element names as the product writes them).
#include "error.h"
#include "file_ops.h"
#include "uuid_text.h"
#include "vm_config.h"
#include "xml_doc.h"

#include <limits>

namespace prl::service {
namespace {

constexpr const char* root_current = "VirtuozzoVirtualMachine";
constexpr const char* root_legacy = "ParallelsVirtualMachine";  // before the 2020 rename

// ---- writing ----

xmlNode* add_device_head(xmlNode* hw, const char* element, unsigned index, bool enabled, bool connected,
                         int emulated, const std::string& system_name, const std::string& friendly) {
    xmlNode* n = xml::add(hw, element);
    xml::set_attribute(n, "id", std::to_string(index));
    xml::add(n, "Index", static_cast<long long>(index));
    xml::add(n, "Enabled", enabled ? 1 : 0);
    xml::add(n, "Connected", connected ? 1 : 0);
    xml::add(n, "EmulatedType", emulated);
    xml::add(n, "SystemName", system_name);
    xml::add(n, "UserFriendlyName", friendly);
    xml::add(n, "Remote", 0);
    return n;
}

void write_hdd(xmlNode* hw, const HardDisk& d) {
    xmlNode* n = add_device_head(hw, "Hdd", d.index, d.enabled, d.connected, d.emulated_type, d.image_path,
                                 d.friendly_name);
    xml::add(n, "InterfaceType", d.interface_type);
    xml::add(n, "StackIndex", d.stack_index);
    xml::add(n, "DiskType", d.disk_type);
    xml::add(n, "Size", static_cast<long long>(d.size_mib));
    xml::add(n, "SizeOnDisk", 0);
    xml::add(n, "Passthrough", 0);
    xml::add(n, "Splitted", 0);
    xml::add(n, "DeviceDescription", d.description);
}

void write_device(xmlNode* hw, const Device& d) {
    xmlNode* n = add_device_head(hw, element_name(d.kind), d.index, d.enabled, d.connected, d.emulated_type,
                                 d.system_name, d.friendly_name);
    if (d.interface_type) xml::add(n, "InterfaceType", *d.interface_type);
    if (d.stack_index) xml::add(n, "StackIndex", *d.stack_index);
    if (d.kind == DeviceKind::network_adapter) xml::add(n, "MAC", d.mac);
    xml::add(n, "DeviceDescription", d.description);
}

// ---- reading ----

long long int_in(const xmlNode* parent, const char* name, long long fallback, long long lo, long long hi) {
    auto v = xml::child_int(parent, name);
    if (!v) return fallback;
    if (*v < lo || *v > hi) throw Error(Errc::corrupt, std::string("element ") + name + " out of range");
    return *v;
}

unsigned device_index(const xmlNode* n) {
    if (auto v = xml::child_int(n, "Index")) {
        if (*v < 0 || *v > 65535) throw Error(Errc::corrupt, "device Index out of range");
        return static_cast<unsigned>(*v);
    }
    for (const char* attr : {"id", "index"}) {  // current files use id=, older ones index=
        if (auto a = xml::attribute(n, attr)) {
            try {
                long v = std::stol(*a);
                if (v >= 0 && v <= 65535) return static_cast<unsigned>(v);
            } catch (const std::exception&) {
            }
            throw Error(Errc::corrupt, "device index attribute is not a small number");
        }
    }
    return 0;
}

HardDisk read_hdd(const xmlNode* n) {
    HardDisk d;
    d.index = device_index(n);
    d.enabled = int_in(n, "Enabled", 1, 0, 1) != 0;
    d.connected = int_in(n, "Connected", 1, 0, 1) != 0;
    d.emulated_type = static_cast<int>(int_in(n, "EmulatedType", d.emulated_type, 0, 255));
    d.image_path = xml::child_text(n, "SystemName").value_or("");
    d.friendly_name = xml::child_text(n, "UserFriendlyName").value_or("");
    d.interface_type = static_cast<int>(int_in(n, "InterfaceType", d.interface_type, 0, 255));
    d.stack_index = static_cast<int>(int_in(n, "StackIndex", 0, 0, 65535));
    d.disk_type = static_cast<int>(int_in(n, "DiskType", d.disk_type, 0, 255));
    d.size_mib = static_cast<std::uint64_t>(int_in(n, "Size", 0, 0, std::numeric_limits<long long>::max()));
    d.description = xml::child_text(n, "DeviceDescription").value_or("");
    return d;
}

Device read_device(const xmlNode* n, DeviceKind kind) {
    Device d;
    d.kind = kind;
    d.index = device_index(n);
    d.enabled = int_in(n, "Enabled", 1, 0, 1) != 0;
    d.connected = int_in(n, "Connected", 1, 0, 1) != 0;
    d.emulated_type = static_cast<int>(int_in(n, "EmulatedType", 0, 0, 255));
    d.system_name = xml::child_text(n, "SystemName").value_or("");
    d.friendly_name = xml::child_text(n, "UserFriendlyName").value_or("");
    if (kind == DeviceKind::cdrom) {
        if (xml::child_int(n, "InterfaceType")) d.interface_type = static_cast<int>(int_in(n, "InterfaceType", 0, 0, 255));
        if (xml::child_int(n, "StackIndex")) d.stack_index = static_cast<int>(int_in(n, "StackIndex", 0, 0, 65535));
    }
    if (kind == DeviceKind::network_adapter) d.mac = xml::child_text(n, "MAC").value_or("");
    d.description = xml::child_text(n, "DeviceDescription").value_or("");
    return d;
}

bool device_kind_of(const xmlNode* n, DeviceKind& kind) {
    for (DeviceKind k : {DeviceKind::floppy, DeviceKind::cdrom, DeviceKind::serial, DeviceKind::parallel,
                         DeviceKind::network_adapter, DeviceKind::sound, DeviceKind::usb}) {
        if (xml::is(n, element_name(k))) {
            kind = k;
            return true;
        }
    }
    return false;
}

}  // namespace

std::string to_config_pvs(const VmConfig& cfg) {
    validate(cfg);
    xml::Doc doc = xml::new_doc(root_current);
    xmlNode* root = xmlDocGetRootElement(doc.get());
    xml::set_attribute(root, "schemaVersion", "1.0");
    xml::add(root, "AppVersion", "prlshim");
    xml::add(root, "VmType", static_cast<int>(cfg.type));

    xmlNode* ident = xml::add(root, "Identification");
    xml::add(ident, "VmUuid", cfg.uuid);
    xml::add(ident, "VmName", cfg.name);
    xml::add(ident, "ServerUuid", cfg.server_uuid);
    xml::add(ident, "ServerHost", "");
    if (!cfg.home_path.empty()) xml::add(ident, "VmHome", cfg.home_path);

    xmlNode* settings = xml::add(root, "Settings");
    xmlNode* general = xml::add(settings, "General");
    xml::add(general, "OsType", static_cast<long long>(cfg.os_type));
    xml::add(general, "OsNumber", static_cast<long long>(cfg.os_version));
    xml::add(general, "VmDescription", cfg.description);

    xmlNode* hw = xml::add(root, "Hardware");
    xml::add(xml::add(hw, "Cpu"), "Number", static_cast<long long>(cfg.cpu_count));
    xml::add(xml::add(hw, "Memory"), "RAM", static_cast<long long>(cfg.ram_mib));
    xmlNode* video = xml::add(hw, "Video");
    xml::add(video, "Enabled", 1);
    xml::add(video, "VideoMemorySize", static_cast<long long>(cfg.video_mib));
    // The product groups devices by kind in this order: Fdd, CdRom, Hdd, Serial, ...
    auto write_kind = [&](DeviceKind k) {
        for (const auto& d : cfg.devices)
            if (d.kind == k) write_device(hw, d);
    };
    write_kind(DeviceKind::floppy);
    write_kind(DeviceKind::cdrom);
    for (const auto& d : cfg.hard_disks) write_hdd(hw, d);
    for (DeviceKind k : {DeviceKind::serial, DeviceKind::parallel, DeviceKind::network_adapter, DeviceKind::sound,
                         DeviceKind::usb})
        write_kind(k);
    return xml::serialize(doc);
}

VmConfig from_config_pvs(const std::string& text) {
    xml::Doc doc = xml::parse(text, xml::Limits{max_config_pvs_bytes, 64}, "config.pvs");
    const xmlNode* root = xmlDocGetRootElement(doc.get());
    if (!xml::is(root, root_current) && !xml::is(root, root_legacy))
        throw Error(Errc::corrupt, "config.pvs: root element is not a VM configuration");

    VmConfig cfg;
    cfg.type = int_in(root, "VmType", 0, 0, 1) == 1 ? VmType::ct : VmType::vm;
    const xmlNode* ident = xml::child(root, "Identification");
    cfg.uuid = xml::child_text(ident, "VmUuid").value_or("");
    cfg.name = xml::child_text(ident, "VmName").value_or("");
    cfg.server_uuid = xml::child_text(ident, "ServerUuid").value_or("");
    cfg.home_path = xml::child_text(ident, "VmHome").value_or("");

    const xmlNode* general = xml::child(xml::child(root, "Settings"), "General");
    cfg.os_type = static_cast<unsigned>(int_in(general, "OsType", cfg.os_type, 0, 0xFFFF));
    cfg.os_version = static_cast<unsigned>(int_in(general, "OsNumber", cfg.os_version, 0, 0xFFFF));
    cfg.description = xml::child_text(general, "VmDescription").value_or("");

    const xmlNode* hw = xml::child(root, "Hardware");
    cfg.cpu_count = static_cast<unsigned>(int_in(xml::child(hw, "Cpu"), "Number", cfg.cpu_count, 1, 4096));
    cfg.ram_mib = static_cast<unsigned>(int_in(xml::child(hw, "Memory"), "RAM", cfg.ram_mib, 0, 1LL << 30));
    cfg.video_mib = static_cast<unsigned>(int_in(xml::child(hw, "Video"), "VideoMemorySize", cfg.video_mib, 0, 1 << 20));
    for (const xmlNode* n : xml::children(hw)) {
        DeviceKind kind;
        if (xml::is(n, "Hdd")) cfg.hard_disks.push_back(read_hdd(n));
        else if (device_kind_of(n, kind)) cfg.devices.push_back(read_device(n, kind));
    }
    if (cfg.hard_disks.size() + cfg.devices.size() > 1024) throw Error(Errc::corrupt, "config.pvs: too many devices");
    // Canonical UUID spelling, so lookups match whatever case the file used.
    if (!cfg.uuid.empty()) {
        auto u = normalize_uuid(cfg.uuid);
        if (!u) throw Error(Errc::corrupt, "config.pvs: VmUuid is not a UUID");
        cfg.uuid = *u;
    }
    auto server = normalize_uuid(cfg.server_uuid);  // informational only; drop junk
    cfg.server_uuid = server ? *server : std::string();
    try {
        validate(cfg);
    } catch (const Error& e) {
        throw Error(Errc::corrupt, std::string("config.pvs: ") + e.what());
    }
    return cfg;
}

VmConfig load_config_pvs(const std::filesystem::path& file) {
    std::string text;
    try {
        text = read_file_bounded(file, max_config_pvs_bytes);
    } catch (const Error& e) {
        if (e.code() == Errc::not_found) throw Error(Errc::not_a_bundle, "no config.pvs at " + file.string());
        throw;
    }
    return from_config_pvs(text);
}

void save_config_pvs(const std::filesystem::path& file, const VmConfig& cfg) {
    atomic_write_file(file, to_config_pvs(cfg), 0644);
}

}  // namespace prl::service
