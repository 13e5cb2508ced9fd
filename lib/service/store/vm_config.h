// The part of a VM's configuration the embedded service keeps, and its
// config.pvs form (the product's VM configuration XML; our subset is listed
// in docs/config-pvs.md).
#pragma once
#include "xml_tree.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace prl::service {

enum class VmType { vm = 0, ct = 1 };  // PVT_VM, PVT_CT

// Numbers as in the SDK (lib/abi/defs/constants.tsv).
namespace pvs {
constexpr unsigned guest_type_windows = 8;       // PVS_GUEST_TYPE_WINDOWS
constexpr unsigned guest_type_linux = 9;         // PVS_GUEST_TYPE_LINUX
constexpr unsigned guest_ver_lin_other = 2559;   // PVS_GUEST_VER_LIN_OTHER
constexpr int emulated_image_file = 1;           // PDT_USE_IMAGE_FILE
constexpr int iface_ide = 0;                     // PMS_IDE_DEVICE
constexpr int iface_sata = 2;                    // PMS_SATA_DEVICE
constexpr int iface_virtio_block = 3;            // PMS_VIRTIO_BLOCK_DEVICE
constexpr int disk_expanding = 1;                // PHD_EXPANDING_HARD_DISK
constexpr int net_bridged = 2;                   // PNA_BRIDGED_NETWORK
constexpr int net_routed = 5;                    // PNA_ROUTED
}  // namespace pvs

// <Hdd> in config.pvs.
struct HardDisk {
    unsigned index = 0;                          // Index
    bool enabled = true;                         // Enabled
    bool connected = true;                       // Connected
    int emulated_type = pvs::emulated_image_file;// EmulatedType
    std::string image_path;                      // SystemName (absolute in memory once loaded from a bundle)
    std::string friendly_name;                   // UserFriendlyName
    int interface_type = pvs::iface_sata;        // InterfaceType
    int stack_index = 0;                         // StackIndex
    int disk_type = pvs::disk_expanding;         // DiskType
    std::uint64_t size_mib = 0;                  // Size
    std::string description;                     // DeviceDescription
    XmlTree extra;  // the whole <Hdd> element as read or as table-driven setters left it
};

// Every other device, kept generically by its config.pvs element name. The
// enum order is the product's element order; config.pvs groups devices by it.
enum class DeviceKind { floppy, cdrom, serial, parallel, network_adapter, sound, usb };
const char* element_name(DeviceKind kind) noexcept;

struct Device {
    DeviceKind kind = DeviceKind::cdrom;
    unsigned index = 0;
    bool enabled = true;
    bool connected = true;
    int emulated_type = 0;
    std::string system_name;
    std::string friendly_name;
    std::optional<int> interface_type;  // CdRom only
    std::optional<int> stack_index;     // CdRom only
    std::string mac;                    // NetworkAdapter only (MAC, 12 hex digits)
    std::string description;
    XmlTree extra;  // the whole device element as read or as table-driven setters left it
};

struct VmConfig {
    std::string uuid;          // Identification/VmUuid, "{...}"
    std::string name;          // Identification/VmName
    VmType type = VmType::vm;  // VmType
    std::string description;   // Settings/General/VmDescription
    std::string server_uuid;   // Identification/ServerUuid
    std::string home_path;     // Identification/VmHome: the config.pvs path, as the product keeps it
    unsigned os_type = pvs::guest_type_linux;        // Settings/General/OsType
    unsigned os_version = pvs::guest_ver_lin_other;  // Settings/General/OsNumber
    unsigned ram_mib = 1024;   // Hardware/Memory/RAM
    unsigned cpu_count = 1;    // Hardware/Cpu/Number
    unsigned video_mib = 32;   // Hardware/Video/VideoMemorySize
    std::vector<HardDisk> hard_disks;
    std::vector<Device> devices;
    // The rest of config.pvs: the whole document as read (its device
    // elements aside, which live in each device's `extra`), where the
    // table-driven properties read and write. The modelled fields above are
    // written over it, so a commit keeps every element it does not model.
    XmlTree extra;
};

bool operator==(const HardDisk& a, const HardDisk& b);
bool operator==(const Device& a, const Device& b);
bool operator==(const VmConfig& a, const VmConfig& b);
inline bool operator!=(const VmConfig& a, const VmConfig& b) { return !(a == b); }

// What PrlVmCfg_SetDefaultConfig sets up for a guest OS version: CPU,
// memory, video, and (if `with_devices`) a hard disk, CD-ROM, network
// adapter and USB controller. Identity is left empty.
VmConfig make_default_config(unsigned os_version, bool with_devices = true);

// A container's venet0: the routed adapter every product container has, at
// index 0xFFFFFFFF (prlctl names it "venet0", its id "net4294967295"). It has
// no MAC and no boot entry.
constexpr unsigned venet_index = 0xFFFFFFFFu;
Device venet_adapter();
bool is_venet(const Device& d) noexcept;

// Throws invalid_argument when a field could not be stored faithfully
// (non-UTF-8 or control characters, bad UUID, absurd sizes).
void validate(const VmConfig& cfg);

// The field rules validate() applies, for setters that refuse a value early.
constexpr std::size_t max_text_bytes = 64 * 1024;  // names, descriptions
constexpr std::size_t max_path_bytes = 4096;       // paths, device names
constexpr unsigned max_cpu_count = 4096;
constexpr unsigned max_ram_mib = 1u << 30;
bool is_storable_text(const std::string& value, std::size_t max_bytes = max_text_bytes);
bool is_storable_path(const std::string& value);  // also no tab/CR/LF

// config.pvs text <-> model. Parsing is hardened (see xml_doc.h) and throws
// Errc::corrupt; other elements are kept in `extra`. The root may be the current
// VirtuozzoVirtualMachine or the older ParallelsVirtualMachine.
std::string to_config_pvs(const VmConfig& cfg);
VmConfig from_config_pvs(const std::string& xml);

constexpr std::size_t max_config_pvs_bytes = 8u << 20;
VmConfig load_config_pvs(const std::filesystem::path& file);  // missing → not_a_bundle
void save_config_pvs(const std::filesystem::path& file, const VmConfig& cfg);  // atomic

}  // namespace prl::service
