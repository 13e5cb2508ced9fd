// File-level backup and restore of a container's private area.
#pragma once
#include "pack_file.h"
#include "progress.h"
#include "store_writer.h"
#include "tree_manifest.h"

#include <memory>

namespace prl::backup {

struct TreeTotals {
    uint64_t file_bytes = 0;  // sum of regular file sizes
    uint64_t nodes = 0;
};
// Walks the tree once for sizes (for progress).
TreeTotals measure_tree(const fs::path& root);

// Writes a complete manifest of `root`. Files whose size, mtime, ctime and
// inode match `parent` (may be null) reuse its block list without reading.
void backup_tree(const fs::path& root, ManifestReader* parent, StoreWriter& store, ManifestWriter& out,
                 ThreadPool& pool, ProgressReporter& progress);

// Recreates the tree in the empty directory `dest` (already created).
void restore_tree(Storage& storage, const std::string& manifest, const Digest& digest, const std::string& what, const fs::path& dest,
                  PackCache& packs, ProgressReporter& progress);

}  // namespace prl::backup
