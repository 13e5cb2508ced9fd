// prl::backup — the backup engine behind PrlSrv_CreateVmBackup,
// PrlSrv_GetBackupTree, PrlSrv_RestoreVmBackup and PrlSrv_RemoveVmBackup.
//
// A Repository is a directory holding backups of any number of VMs and
// containers. Each backup is a chain element: a full backup (id "{chain}"),
// then incremental (changes since the previous element) or differential
// (changes since the full) ones (id "{chain}.N", the full being element 1).
// Disk images are backed up per 4 KiB block, container trees per file; blocks
// are SHA-256 addressed, stored once per repository, zstd-compressed. The
// on-disk format is described in docs/backup-format.md, the design and its
// guarantees in docs/backup-engine.md.
//
// Guarantees:
//  - An element is listed only once its data and metadata are durable; a
//    crash, kill, full disk or cancel at any point leaves every listed element
//    restorable bit for bit. Leftovers are removed by the next open().
//  - Writers (create, remove, remove_all) take a per-VM lock without waiting:
//    a second writer on the same VM gets Errc::locked. list() and restore()
//    work while a backup of the same VM is being written.
//  - Restore verifies every block; on any failure the targets are untouched.
//  - Only prl::backup::Error (and std::bad_alloc) is thrown.
//  - Thread-safe: a Repository may be used from several threads at once, and
//    several processes may open the same directory.
#pragma once
#include "backup_types.h"
#include "error.h"
#include "progress.h"
#include "storage.h"

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace prl::backup {

// A raw (possibly sparse) disk image file of a VM.
struct DiskSource {
    std::string name;  // unique within the VM; the key for restore
    std::filesystem::path path;
};

struct Source {
    std::string vm_uuid;  // "{...}"
    std::string vm_name;
    VmType type = VmType::vm;
    std::vector<DiskSource> disks;   // VM
    std::filesystem::path ct_root;   // container private area (CT)
    // The VM's configuration (its config.pvs) as it is now, kept with the
    // element and given back by read_config(); at most kMaxConfigBytes.
    std::optional<std::string> config;
};

struct CreateOptions {
    // incremental/differential for a VM with no backup yet makes a full one.
    Kind kind = Kind::full;
    bool compress = true;  // false: PBT_UNCOMPRESSED
    std::string description, creator, host, server_uuid;
    uint32_t flags = 0;    // raw SDK flags, recorded as-is
};

struct RestoreTarget {
    // VM: disk name -> destination image path. Disks not named are not
    // restored; an unknown name is Errc::vm_mismatch.
    std::map<std::string, std::filesystem::path> disks;
    // CT: destination directory; must not exist or be empty.
    std::filesystem::path directory;
};

// The operations on a repository. Repository::open gives the local one (a
// directory); a backup node's (lib/remote/backup_node_client.h) has the same
// operations and guarantees, carried out on another host.
class Repository {
public:
    virtual ~Repository() = default;

    // Creates `dir` if needed; removes leftovers of unfinished operations
    // (when no operation is running on the repository at that moment).
    static std::unique_ptr<Repository> open(const std::filesystem::path& dir);
    // The same on any storage (storage.h: a directory, a RADOS pool).
    static std::unique_ptr<Repository> open(std::shared_ptr<Storage> storage);

    // Backs up `src`; returns the new element's id.
    virtual std::string create(const Source& src, const CreateOptions& opt, const Progress& progress = {}) = 0;

    // Every VM with committed elements, chains sorted by time.
    virtual std::vector<VmEntry> list() const = 0;

    // Restores element `id` (and what it depends on) to `target`.
    virtual void restore(const std::string& id, const RestoreTarget& target, const Progress& progress = {}) const = 0;

    // The configuration kept with element `id`, verified (length and
    // SHA-256; Errc::corrupted otherwise); nullopt for an element made
    // without one (older repositories). Unknown id: Errc::not_found.
    virtual std::optional<std::string> read_config(const std::string& id) const = 0;

    // Removes element `id` and the later elements of its chain. With
    // keep_chain only `id` goes: the elements that depended on it are
    // rewritten to depend on its parent (removing the full makes the next
    // element the chain's full; ids never change). Unreferenced data is reclaimed.
    virtual void remove(const std::string& id, bool keep_chain) = 0;

    // Removes every backup of the VM `vm_uuid`.
    virtual void remove_all(const std::string& vm_uuid) = 0;
};

}  // namespace prl::backup
