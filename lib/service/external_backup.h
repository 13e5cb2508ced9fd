// The external, changed-block backup of a VM (PrlVm_BeginBackup and the
// PHT_BACKUP object; docs/external-backup.md): a point-in-time view of each
// hard disk kept privately in the bundle, changes maps against earlier
// committed external backups, and the per-block hashes a commit keeps.
#pragma once
#include "block_hashes.h"
#include "store/file_ops.h"
#include "store/registry.h"
#include "store/vm_config.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace prl::service {

// The bundle's directory of external backups: their records, kept views, lock.
constexpr const char* kExternalBackupDir = ".prlshim-cbt";

constexpr std::uint32_t kExternalBackupGranularity = 64 * 1024;  // bytes per map bit (the product's 128 sectors)

struct ChangesMap {
    std::uint32_t granularity = kExternalBackupGranularity;
    std::uint32_t bits = 0;     // blocks of the disk
    std::string bytes;          // bit n is bit (n % 8) of byte n / 8
};

class ExternalBackup {
public:
    struct Disk {
        std::filesystem::path image;  // the VM's image
        std::string relative;         // its path as config.pvs keeps it (the key of its hashes)
        std::filesystem::path view;   // the frozen view, inside the bundle
        std::uint64_t size = 0;
        CloneMethod method = CloneMethod::sparse_copy;  // how the view was made
        struct stat_facts {
            std::uint64_t ino = 0, mtime_ns = 0, ctime_ns = 0, size = 0;
            bool settled = false;  // no write in the second before the view was taken
        } before;                  // the image as it was just before the view was taken
    };

    // Freezes a view of each image hard disk of the VM (registered, running
    // or not). One external backup per VM at a time: another one running
    // (in any process) → Errc::busy. `keep_hashes`: a commit records the
    // block hashes (PBMBF_CREATE_MAP), so later maps can be made against it.
    static std::shared_ptr<ExternalBackup> begin(const VmEntry& vm, const VmConfig& config, bool keep_hashes);

    ~ExternalBackup();  // an unfinished backup is rolled back
    ExternalBackup(const ExternalBackup&) = delete;
    ExternalBackup& operator=(const ExternalBackup&) = delete;

    const std::string& uuid() const { return uuid_; }
    const std::string& vm_uuid() const { return vm_uuid_; }
    std::size_t disk_count() const { return disks_.size(); }
    const Disk& disk(std::size_t i) const { return disks_.at(i); }

    // The blocks of disk `i` whose content differs from what committed
    // external backup `since` read; an empty `since` marks every non-zero
    // block. An unknown, malformed or rolled-back UUID → Errc::no_data.
    ChangesMap changes(std::size_t i, const std::string& since);

    // Commit keeps the hashes (durably) and drops the views — except, on a
    // reflink filesystem, the views of the latest committed backup, which
    // cost only what the VM rewrites since and let the next map skip every
    // extent still shared with them. Rollback drops them and leaves no trace. Either again, or after the other → not_found.
    void commit();
    void rollback();
    bool finished() const;

private:
    ExternalBackup() = default;
    const std::vector<BlockDigest>& hashes_locked(std::size_t i);
    void drop_views_locked();
    void keep_reflinked_views_locked();

    std::string uuid_, vm_uuid_;
    std::filesystem::path bundle_, root_;  // root_: <bundle>/.prlshim-cbt
    std::vector<Disk> disks_;
    bool keep_hashes_ = false;
    mutable std::mutex mutex_;
    bool finished_ = false;
    bool owner_ = false;  // holds the lock: the views are this backup's
    FileLock lock_;  // on root_/lock while the backup runs
    std::vector<std::optional<std::vector<BlockDigest>>> hashes_;
};

// Validates a caller's backup UUID ("{…}" or bare, any case); the braced
// lower-case form, or Errc::invalid_argument.
std::string checked_backup_uuid(const std::string& text);

}  // namespace prl::service
