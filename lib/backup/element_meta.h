// The metadata file of one chain element ("<N>.xml" in the chain directory).
// Its atomic rename into place is what commits the element.
#pragma once
#include "backup_types.h"
#include "sha256.h"

#include <string>
#include <vector>

namespace prl::backup {

constexpr uint32_t kFormatVersion = 1;
constexpr size_t kMaxMetaBytes = 1u << 20;  // metadata files larger than this are rejected

struct DiskRecord {
    std::string name;
    std::string original_path;
    uint64_t size = 0;
    std::string map_file;  // file name in the chain directory
    Digest map_digest{};
};

struct ElementMeta {
    std::string vm_uuid, vm_name;
    VmType vm_type = VmType::vm;
    std::string chain;  // "{uuid}"
    uint32_t number = 1;
    Kind kind = Kind::full;
    uint32_t parent = 0;  // 0: this element is the chain base (complete maps)
    int64_t time = 0;      // UTC seconds
    uint32_t time_ns = 0;  // and nanoseconds: orders elements made within one second
    std::string creator, host, server_uuid, description;
    uint32_t flags = 0;
    uint64_t stored_size = 0, original_size = 0;
    bool compressed = true;
    std::vector<DiskRecord> disks;  // VM
    std::string tree_file;          // CT: manifest file name in the chain directory
    Digest tree_digest{};
    // The VM's configuration (config.pvs) at backup time; empty file name:
    // none (elements made before configurations were kept).
    std::string config_file;
    uint64_t config_size = 0;
    Digest config_digest{};

    std::string id() const;
    ElementInfo info() const;
};

std::string serialize_element(const ElementMeta&);
// Strict: every field checked; throws Error(corrupted) naming `what`.
ElementMeta parse_element(const std::string& xml, const std::string& what);

// File names the engine itself generates for maps and manifests; anything
// else found in metadata is rejected, so metadata cannot point outside.
bool is_safe_data_file_name(const std::string& name);
std::string element_file_name(uint32_t number);  // "00000003.xml"
bool parse_element_file_name(const std::string& name, uint32_t& number);

}  // namespace prl::backup
