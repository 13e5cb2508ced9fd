// Plain value types shared by the repository API and the tree builder.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace prl::backup {

enum class VmType { vm, ct };
enum class Kind { full, incremental, differential };

// The largest VM configuration (config.pvs) a backup keeps.
constexpr uint64_t kMaxConfigBytes = 8u << 20;

struct DiskInfo {
    std::string name;
    std::string original_path;
    uint64_t size = 0;  // bytes of the disk image when backed up
};

// One chain element as listed.
struct ElementInfo {
    std::string id;              // "{chain}" for element 1, "{chain}.N" otherwise
    uint32_t number = 1;         // N
    Kind kind = Kind::full;      // the chain base is always reported as full
    uint32_t parent_number = 0;  // element this one is a delta against; 0 for the base
    int64_t time = 0;            // creation time, UTC seconds since the epoch
    std::string creator, host, server_uuid, description;
    uint64_t stored_size = 0;    // bytes this element added to the repository
    uint64_t original_size = 0;  // bytes of the source (disks or container files)
    uint32_t flags = 0;          // raw SDK flags given at creation, as-is
    bool has_config = false;     // the VM's configuration was kept (Repository::read_config)
    std::vector<DiskInfo> disks;  // empty for containers
};

// A chain: its base (a full backup) and the later elements, by number.
struct ChainInfo {
    std::string uuid;  // "{chain}"
    ElementInfo full;
    std::vector<ElementInfo> partials;
    uint32_t last_number = 1;
};

// Every VM or container with at least one committed element.
struct VmEntry {
    std::string uuid;  // "{vm}"
    std::string name;
    VmType type = VmType::vm;
    std::vector<ChainInfo> chains;  // sorted by the base's time
};

}  // namespace prl::backup
