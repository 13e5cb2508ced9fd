// The embedded service's backups: what to back up for a VM or container,
// where to restore it, and which repository (docs/backup-service.md).
#pragma once

#include "backup/backup_types.h"
#include "backup/progress.h"
#include "backup/repository.h"
#include "store/inventory.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace prl::service {

struct BackupRequest {
    std::string vm_uuid;
    backup::Kind kind = backup::Kind::full;
    bool compress = true;
    std::string description;
    std::uint32_t flags = 0;      // the SDK flags, recorded as-is
    std::string backup_directory;  // empty: the server's default (docs/dispatcher-config.md)
};

struct RestoreRequest {
    std::string vm_uuid;      // may be empty when backup_id is given
    std::string backup_id;    // empty: the VM's latest backup
    std::string target_home;  // parent directory of a new VM's bundle
    std::string target_name;  // name of a new VM
    bool to_copy = false;     // PBT_RESTORE_TO_COPY: a new VM with a new UUID
    std::string backup_directory;
};

struct RestoreOutcome {
    std::string vm_uuid;  // the VM restored (new or existing)
    bool new_vm = false;
};

class Backups {
public:
    explicit Backups(Inventory& inventory) : inventory_(inventory) {}

    std::string create(const BackupRequest& request, const backup::Progress& progress);
    std::vector<backup::VmEntry> list(const std::string& backup_directory);
    RestoreOutcome restore(const RestoreRequest& request, const backup::Progress& progress);
    // An id removes that element (and, unless keep_chain, the rest of its
    // chain); an empty id removes every backup of `vm_uuid`.
    void remove(const std::string& backup_directory, const std::string& vm_uuid, const std::string& id,
                bool keep_chain);

private:
    backup::Repository& repository(const std::string& directory);
    RestoreOutcome restore_over(const backup::VmEntry& vm, const backup::ElementInfo& element,
                                const backup::Repository& repo, const backup::Progress& progress);
    RestoreOutcome restore_new(const backup::VmEntry& vm, const backup::ElementInfo& element,
                               const RestoreRequest& request, const backup::Repository& repo,
                               const backup::Progress& progress);

    Inventory& inventory_;
    std::mutex mutex_;
    std::map<std::string, std::unique_ptr<backup::Repository>> repositories_;
};

}  // namespace prl::service
