// config.pvs reading and writing (element names as the product writes them).
#include "error.h"
#include "file_ops.h"
#include "uuid_text.h"
#include "vm_config.h"
#include "xml_doc.h"
#include "xml_tree.h"

#include <algorithm>

#include <limits>

namespace prl::service {
namespace {

constexpr const char* root_current = "VirtuozzoVirtualMachine";
constexpr const char* root_legacy = "ParallelsVirtualMachine";  // before the 2020 rename

// ---- writing ----
// The modelled fields are written over the tree kept from the file (or left
// by table-driven setters), so every element we do not model survives a
// commit, in place.

void put(XmlTree& t, const char* path, const std::string& value) { t.set_text_at(path, value); }
void put(XmlTree& t, const char* path, long long value) { t.set_text_at(path, std::to_string(value)); }

XmlTree device_head(const XmlTree& kept, const char* element, unsigned index, bool enabled, bool connected,
                    int emulated, const std::string& system_name, const std::string& friendly) {
    XmlTree n = kept;
    n.name = element;
    n.set_attribute("id", std::to_string(index));
    put(n, "Index", static_cast<long long>(index));
    put(n, "Enabled", enabled ? 1 : 0);
    put(n, "Connected", connected ? 1 : 0);
    put(n, "EmulatedType", emulated);
    put(n, "SystemName", system_name);
    put(n, "UserFriendlyName", friendly);
    if (!n.find("Remote")) put(n, "Remote", 0);
    return n;
}

XmlTree hdd_tree(const HardDisk& d) {
    XmlTree n = device_head(d.extra, "Hdd", d.index, d.enabled, d.connected, d.emulated_type, d.image_path,
                            d.friendly_name);
    put(n, "InterfaceType", d.interface_type);
    put(n, "StackIndex", d.stack_index);
    put(n, "DiskType", d.disk_type);
    put(n, "Size", static_cast<long long>(d.size_mib));
    for (const char* zero : {"SizeOnDisk", "Passthrough", "Splitted"})
        if (!n.find(zero)) put(n, zero, 0);
    put(n, "DeviceDescription", d.description);
    return n;
}

XmlTree device_tree(const Device& d) {
    XmlTree n = device_head(d.extra, element_name(d.kind), d.index, d.enabled, d.connected, d.emulated_type,
                            d.system_name, d.friendly_name);
    if (d.interface_type) put(n, "InterfaceType", *d.interface_type);
    if (d.stack_index) put(n, "StackIndex", *d.stack_index);
    if (d.kind == DeviceKind::network_adapter) put(n, "MAC", d.mac);
    put(n, "DeviceDescription", d.description);
    return n;
}

bool is_device_element(const std::string& name) {
    if (name == "Hdd") return true;
    for (DeviceKind k : {DeviceKind::floppy, DeviceKind::cdrom, DeviceKind::serial, DeviceKind::parallel,
                         DeviceKind::network_adapter, DeviceKind::sound, DeviceKind::usb})
        if (name == element_name(k)) return true;
    return false;
}

// ---- reading ----

long long int_in(const xmlNode* parent, const char* name, long long fallback, long long lo, long long hi) {
    auto v = xml::child_int(parent, name);
    if (!v) return fallback;
    if (*v < lo || *v > hi) throw Error(Errc::corrupt, std::string("element ") + name + " out of range");
    return *v;
}

// Indexes are small, but for a container's venet0 (venet_index), which only
// a network adapter may have.
bool valid_index(long long v, bool network) { return (v >= 0 && v <= 65535) || (network && v == venet_index); }

unsigned device_index(const xmlNode* n, bool network = false) {
    if (auto v = xml::child_int(n, "Index")) {
        if (!valid_index(*v, network)) throw Error(Errc::corrupt, "device Index out of range");
        return static_cast<unsigned>(*v);
    }
    for (const char* attr : {"id", "index"}) {  // current files use id=, older ones index=
        if (auto a = xml::attribute(n, attr)) {
            try {
                long long v = std::stoll(*a);
                if (valid_index(v, network)) return static_cast<unsigned>(v);
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
    d.index = device_index(n, kind == DeviceKind::network_adapter);
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
    XmlTree root = cfg.extra;
    if (root.name != root_legacy) root.name = root_current;
    if (!root.attribute("schemaVersion")) root.set_attribute("schemaVersion", "1.0");
    if (!root.find("AppVersion")) put(root, "AppVersion", "prlshim");
    put(root, "VmType", static_cast<int>(cfg.type));

    put(root, "Identification/VmUuid", cfg.uuid);
    put(root, "Identification/VmName", cfg.name);
    put(root, "Identification/ServerUuid", cfg.server_uuid);
    if (!root.find("Identification/ServerHost")) put(root, "Identification/ServerHost", "");
    if (!cfg.home_path.empty()) put(root, "Identification/VmHome", cfg.home_path);

    put(root, "Settings/General/OsType", static_cast<long long>(cfg.os_type));
    put(root, "Settings/General/OsNumber", static_cast<long long>(cfg.os_version));
    put(root, "Settings/General/VmDescription", cfg.description);

    put(root, "Hardware/Cpu/Number", static_cast<long long>(cfg.cpu_count));
    put(root, "Hardware/Memory/RAM", static_cast<long long>(cfg.ram_mib));
    if (!root.find("Hardware/Video/Enabled")) put(root, "Hardware/Video/Enabled", 1);
    put(root, "Hardware/Video/VideoMemorySize", static_cast<long long>(cfg.video_mib));

    // Devices live in the model; the product groups them by kind in this
    // order: Fdd, CdRom, Hdd, Serial, Parallel, NetworkAdapter, Sound, USB.
    XmlTree& hw = root.ensure("Hardware");
    hw.children.erase(std::remove_if(hw.children.begin(), hw.children.end(),
                                     [](const XmlTree& c) { return is_device_element(c.name); }),
                      hw.children.end());
    auto place = [&](XmlTree node) { hw.add_child(node.name) = std::move(node); };
    auto write_kind = [&](DeviceKind k) {
        for (const auto& d : cfg.devices)
            if (d.kind == k) place(device_tree(d));
    };
    write_kind(DeviceKind::floppy);
    write_kind(DeviceKind::cdrom);
    for (const auto& d : cfg.hard_disks) place(hdd_tree(d));
    for (DeviceKind k : {DeviceKind::serial, DeviceKind::parallel, DeviceKind::network_adapter, DeviceKind::sound,
                         DeviceKind::usb})
        write_kind(k);
    return serialize_tree(root);
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
        else continue;
        (xml::is(n, "Hdd") ? cfg.hard_disks.back().extra : cfg.devices.back().extra) = tree_from_xml(n);
    }
    // Everything else is kept as it is (devices live in the model above).
    cfg.extra = tree_from_xml(root);
    if (XmlTree* kept_hw = cfg.extra.find("Hardware"))
        kept_hw->children.erase(std::remove_if(kept_hw->children.begin(), kept_hw->children.end(),
                                               [](const XmlTree& c) { return is_device_element(c.name); }),
                                kept_hw->children.end());
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
    write_file_atomic(file, to_config_pvs(cfg), 0644);
}

}  // namespace prl::service
