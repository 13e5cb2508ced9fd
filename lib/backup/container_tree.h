// File-level backup and restore of a container's private area.
#pragma once
#include "pack_file.h"
#include "progress.h"
#include "store_writer.h"
#include "tree_manifest.h"

#include <functional>
#include <memory>

namespace prl::backup {

struct TreeTotals {
    uint64_t file_bytes = 0;  // sum of regular file sizes
    uint64_t nodes = 0;
};
// Errc::invalid_argument unless `root` is a directory (a container's private area).
void check_tree_root(const fs::path& root);
// Walks the tree once for sizes (for progress).
TreeTotals measure_tree(const fs::path& root);

// Where a walk of a tree puts what it finds, in manifest order: each node,
// and after a file's node its non-zero blocks in order. A local backup
// stores them (StoreTreeSink); a source sends them to a backup node.
class TreeSink {
public:
    virtual ~TreeSink() = default;
    virtual void node(const TreeNode& n) = 0;
    // A block read from the file: kBlockSize bytes (zero-padded at its end).
    virtual void block(uint64_t index, const Digest& hash, const uint8_t* data) = 0;
    // A file unchanged since the parent element: its node, and its blocks
    // as `parent`'s next_block() gives them.
    virtual void unchanged_file(const TreeNode& n, TreeParent& parent) = 0;
};

class StoreTreeSink final : public TreeSink {
public:
    StoreTreeSink(StoreWriter& store, ManifestWriter& out) : store_(store), out_(out) {}
    void node(const TreeNode& n) override { out_.node(n); }
    void block(uint64_t index, const Digest& hash, const uint8_t* data) override;
    void unchanged_file(const TreeNode& n, TreeParent& parent) override;

private:
    StoreWriter& store_;
    ManifestWriter& out_;
};

// Walks `root` into `sink`. Files whose size, mtime, ctime and inode match
// `parent` (may be null) reuse its block list without reading.
void backup_tree(const fs::path& root, TreeParent* parent, TreeSink& sink, ThreadPool& pool,
                 ProgressReporter& progress);

// Where a restore gets a file's blocks: `out` gets kBlockSize bytes, checked
// against e.hash. Called in manifest order.
class TreeBlocks {
public:
    virtual ~TreeBlocks() = default;
    virtual void read(const TreeNode& file, const MapEntry& e, uint8_t* out) = 0;
};

class PackTreeBlocks final : public TreeBlocks {
public:
    PackTreeBlocks(PackCache& packs, std::string what) : packs_(packs), what_(std::move(what)) {}
    void read(const TreeNode& file, const MapEntry& e, uint8_t* out) override;

private:
    PackCache& packs_;
    std::string what_;
    Sha256 sha_;
};

// The manifest, opened afresh for each pass over it.
using ManifestOpener = std::function<std::unique_ptr<ManifestReader>()>;

// Recreates the tree in the empty directory `dest` (already created).
void restore_tree(const ManifestOpener& manifest, TreeBlocks& blocks, const fs::path& dest, ProgressReporter& progress);

// The whole restore of a tree to `target`, a directory that is new or
// empty: built beside it, and renamed into place once complete (a failure
// leaves nothing there).
void restore_tree_into(const fs::path& target, const ManifestOpener& manifest, TreeBlocks& blocks,
                       ProgressReporter& progress);

}  // namespace prl::backup
