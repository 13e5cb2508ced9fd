// The embedded service's backups: what to back up for a VM or container,
// where to restore it, and which repository (docs/backup-service.md).
#pragma once

#include "backup/backup_types.h"
#include "backup/progress.h"
#include "backup/repository.h"
#include "store/inventory.h"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace prl::service {

// A backup node (docs/backup-node.md): another host's prlshimd keeping the
// backups, reached with a session its client opened there.
struct BackupNode {
    std::string host;  // empty: none, this host's repository
    std::uint16_t port = 0;
    std::string session;
};

// Where backups go and come from: a repository directory (empty: the
// server's default, docs/dispatcher-config.md) on this host or on a node.
struct BackupPlace {
    std::string directory;
    BackupNode node;
    bool on_node() const { return !node.host.empty(); }
};

// Opens a node's repository. The service cannot reach the network itself:
// the SDK and prlshimd install lib/remote's (backup_node_client.h) at start.
using BackupNodeOpener = std::function<std::unique_ptr<backup::Repository>(const BackupPlace& place)>;
void set_backup_node_opener(BackupNodeOpener opener);

struct BackupRequest {
    std::string vm_uuid;
    backup::Kind kind = backup::Kind::full;
    bool compress = true;
    std::string description;
    std::uint32_t flags = 0;      // the SDK flags, recorded as-is
    BackupPlace place;
};

struct RestoreRequest {
    std::string vm_uuid;      // may be empty when backup_id is given
    std::string backup_id;    // empty: the VM's latest backup
    std::string target_home;  // parent directory of a new VM's bundle
    std::string target_name;  // name of a new VM
    bool to_copy = false;     // PBT_RESTORE_TO_COPY: a new VM with a new UUID
    BackupPlace place;
};

struct RestoreOutcome {
    std::string vm_uuid;  // the VM restored (new or existing)
    bool new_vm = false;
};

// The server's default backup directory (common preferences,
// BackupTargetPreferences/DefaultBackupDirectory; else the root's backups/).
std::filesystem::path default_backup_directory(const StateRoot& root);

class Backups {
public:
    explicit Backups(Inventory& inventory) : inventory_(inventory) {}

    std::string create(const BackupRequest& request, const backup::Progress& progress);
    std::vector<backup::VmEntry> list(const BackupPlace& place);
    RestoreOutcome restore(const RestoreRequest& request, const backup::Progress& progress);
    // An id removes that element (and, unless keep_chain, the rest of its
    // chain); an empty id removes every backup of `vm_uuid`.
    void remove(const BackupPlace& place, const std::string& vm_uuid, const std::string& id, bool keep_chain);

private:
    // This host's repository (opened once) or a node's (for one operation).
    std::shared_ptr<backup::Repository> repository(const BackupPlace& place);
    RestoreOutcome restore_over(const backup::VmEntry& vm, const backup::ElementInfo& element,
                                const backup::Repository& repo, const backup::Progress& progress);
    RestoreOutcome restore_new(const backup::VmEntry& vm, const backup::ElementInfo& element,
                               const RestoreRequest& request, const backup::Repository& repo,
                               const backup::Progress& progress);

    Inventory& inventory_;
    std::mutex mutex_;
    std::map<std::string, std::shared_ptr<backup::Repository>> repositories_;
};

}  // namespace prl::service
