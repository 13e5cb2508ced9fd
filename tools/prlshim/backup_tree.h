// The backup tree (PrlSrv_GetBackupTree's XML, docs/backup-tree.xsd) parsed
// with libxml2: no network, no entities, no DTD.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace prlshim {

struct BackupDisk {
    std::string name, original_path;
    std::uint64_t size = 0;
};

// One element of a chain: the full backup or a later partial one.
struct BackupElement {
    std::string id, host, server_uuid, date_time, creator, type, description;
    std::uint64_t size = 0, original_size = 0, flags = 0;
    std::uint32_t number = 1;  // 1 for the full backup
    std::vector<BackupDisk> disks;
    // "full", "incremental" or "differential".
    std::string kind() const;
};

struct BackupChain {
    BackupElement full;
    std::vector<BackupElement> partials;
};

struct BackupVm {
    std::string uuid, name;
    bool container = false;
    std::vector<BackupChain> chains;
};

// Throws Failure when the document is not a BackupTree.
std::vector<BackupVm> parse_backup_tree(const std::string& xml);

}  // namespace prlshim
