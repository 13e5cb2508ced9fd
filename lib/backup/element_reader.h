// A committed element opened to read its disks' block states or its tree: what a
// backup node serves a restore from (reading the blocks from the packs). It
// holds the store lock shared, so garbage collection keeps every pack the
// element needs while it is open.
#pragma once
#include "catalog.h"
#include "pack_file.h"
#include "tree_manifest.h"

#include <memory>

namespace prl::backup {

class ElementReader {
public:
    // Errc::invalid_argument for a malformed id, not_found for an unknown one.
    ElementReader(std::shared_ptr<Storage> storage, const std::string& id_text);
    const ElementMeta& meta() const { return *meta_; }
    // The complete block state of disk `name`; Errc::vm_mismatch when the
    // element has no such disk.
    std::unique_ptr<LayeredView> disk_view(const std::string& name) const;
    // A container element's manifest, its checksum checked; Errc::vm_mismatch for a VM's.
    std::unique_ptr<ManifestReader> tree() const;
    // That manifest as stored, unchecked (for sending: its checksum is meta().tree_digest).
    std::unique_ptr<ObjectReader> tree_object() const;

private:
    Layout layout_;
    std::unique_ptr<StorageLock> store_lock_;
    Chain chain_;
    const ElementMeta* meta_ = nullptr;
};

}  // namespace prl::backup
