// One new chain element being written: the VM's writer lock, where the
// element goes (a new chain, or the VM's latest chain), the store writer for
// its new blocks, its files, and the commit that publishes it. A local
// create drives it from the disks it reads (repository_create.cpp); a backup
// node drives it from the blocks a source sends (docs/backup-node.md).
//
// Until commit() nothing is visible; destroying an uncommitted writer
// deletes every file it made, and what a crash leaves the next open removes.
#pragma once
#include "block_map.h"
#include "catalog.h"
#include "progress.h"
#include "repository.h"
#include "store_writer.h"
#include "tree_manifest.h"
#include "txn_marker.h"

#include <memory>

namespace prl::backup {

class ElementWriter {
public:
    // Checks the texts and disk names of `src` (not its files), takes the
    // VM's writer lock (Errc::locked when another writer holds it) and
    // decides the element's chain, number and parent.
    ElementWriter(const Layout& layout, const Source& src, const CreateOptions& opt);
    ~ElementWriter();
    ElementWriter(const ElementWriter&) = delete;
    ElementWriter& operator=(const ElementWriter&) = delete;

    const ElementMeta& meta() const { return m_; }
    ThreadPool& pool() { return *pool_; }
    StoreWriter& store() { return *store_; }

    // The complete block state of disk `name` at the parent element (empty
    // for a full backup, or when the parent lacks that disk).
    std::unique_ptr<LayeredView> parent_disk_view(const std::string& name) const;
    // The parent element's container manifest (null for a full backup).
    std::unique_ptr<ManifestReader> parent_manifest() const;

    // Disks, in order: the map of each is written between begin and end.
    MapWriter& begin_disk(const std::string& name, const std::string& original_path, uint64_t size);
    void end_disk();
    // A container's manifest, written between begin and end.
    ManifestWriter& begin_tree();
    void end_tree();
    void set_original_size(uint64_t bytes) { m_.original_size = bytes; }

    // Makes every byte durable, then publishes the element by committing its
    // metadata object; returns its id. The last cancel point is at its start.
    std::string commit(ProgressReporter& pr);

    // For an element that will not be committed (its source went away):
    // the blocks stored so far join the store, unreferenced, so that a retry
    // finds them and need not send them again. Garbage collection reclaims
    // them if nothing comes to reference them. Best effort.
    void keep_stored_blocks() noexcept;

private:
    std::string new_file(const std::string& name);

    Layout layout_;
    std::unique_ptr<StorageLock> vm_lock_, store_lock_;
    std::unique_ptr<TxnMarker> txn_;
    std::vector<Chain> chains_;
    const Chain* chain_ = nullptr;  // the chain extended, or null for a new one
    ElementMeta m_;
    std::string chain_dir_;
    std::string tag_;  // prefix of the element's data files
    // The objects of the unfinished element, removed unless it commits; a
    // member declared before the writers, so they go first, and after the
    // locks, so those are still held.
    struct Leftovers {
        Storage* storage = nullptr;
        std::vector<std::string> files;
        std::string made_dir;  // removed if it stayed empty
        ~Leftovers();
        void dismiss() { files.clear(); made_dir.clear(); }
    } leftovers_;
    std::unique_ptr<ThreadPool> pool_;
    std::unique_ptr<StoreWriter> store_;
    std::unique_ptr<MapWriter> map_;
    std::unique_ptr<ManifestWriter> manifest_;
    uint64_t meta_bytes_ = 0;
};

}  // namespace prl::backup
