// The bytes a backup source and a backup node exchange in data frames
// (docs/backup-node.md): what changed in a disk or a container's tree, which of those blocks the
// node lacks, the blocks themselves in compressed groups, and a disk's
// block state (a parent view, a restore). Pure encoding and checking: the
// conversation itself is lib/daemon/backup_node.cpp (node) and
// lib/remote/backup_node_client.cpp (source). Every decoder treats its
// input as hostile: Errc::corrupted for anything malformed.
#pragma once
#include "block_buffer.h"
#include "block_map.h"
#include "tree_manifest.h"
#include "thread_pool.h"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace prl::backup::node_wire {

constexpr uint32_t kMaxBlocksPerBatch = 1024;  // 4 MiB of data per exchange
constexpr uint32_t kBlocksPerGroup = 64;       // one compressed group
constexpr uint64_t kMaxDiskBytes = uint64_t(1) << 50;  // 1 PiB: block numbers stay small

// A block that changed since the parent: new content (with its hash) or zero.
struct Change {
    uint64_t index = 0;
    bool zero = false;
    Digest hash{};
};
constexpr size_t kChangeBytes = 8 + 1 + 32;
std::string encode_changes(const std::vector<Change>& changes);
// Indices strictly increasing, above `after` (UINT64_MAX: none yet) and
// below `blocks`; at most kMaxBlocksPerBatch.
std::vector<Change> decode_changes(std::string_view bytes, uint64_t after, uint64_t blocks);

// A batch of a container's tree: its nodes in manifest order, and after a
// file's node that file's non-zero blocks (numbered within the file), so
// many small files travel in one exchange. Records: a node as the manifest
// stores it ('N', tree_manifest.h); 'S', the same for a file unchanged since
// the parent element, whose blocks the node takes from the parent's
// manifest; 'C' with a block's number and hash.
constexpr size_t kTreeChangeBytes = 1 + 8 + 32;
constexpr size_t kMaxTreeNodeBytes = size_t(1) << 20;  // of node records per batch (a node is at most 8 KiB)
void append_tree_node(std::string& batch, const TreeNode& n);
void append_tree_same(std::string& batch, const TreeNode& n);
void append_tree_change(std::string& batch, uint64_t index, const Digest& hash);
// The size of the record at the front of `bytes` ('N', 'S' or 'C'), or 0
// when `bytes` is too short to hold it (or to tell); Errc::corrupted for a
// record of another kind. The reader of a batch, or of a stream of them.
size_t tree_record_size(std::string_view bytes);
// A 'C' record (kTreeChangeBytes at p): a non-zero block.
Change tree_change_at(const char* p);
struct TreeBatch {
    std::vector<Change> changes;  // all non-zero
    struct Node {
        size_t before = 0;  // changes before it in the batch
        TreeNode node;
        bool same = false;  // 'S'
    };
    std::vector<Node> nodes;
};
// Splits a batch and decodes its nodes (decode_tree_node's checks); at most
// kMaxBlocksPerBatch changes and kMaxTreeNodeBytes of nodes. Where a node
// may stand and which numbers a change may have is the receiver's to check.
TreeBatch decode_tree_batch(std::string_view bytes);

// The SHA-256 of a whole tree in 'N' and 'C' records, end to end (each
// file's blocks after it): how a source knows the tree it kept is the
// node's parent.
Digest tree_stream_digest(TreeParent& tree);

// One bit per change: the node lacks that block and wants it sent.
std::string encode_bitmap(const std::vector<bool>& bits);
std::vector<bool> decode_bitmap(std::string_view bytes, size_t count);

// Blocks (4 KiB each) in groups of up to kBlocksPerGroup, each zstd-
// compressed when that makes it smaller (and `compress`).
std::string encode_blocks(const uint8_t* data, size_t nblocks, bool compress);
// One group as it came: its payload, and which of the blocks it holds.
struct Group {
    std::string_view payload;
    bool compressed = false;
    size_t first = 0, count = 0;
};
// The groups of exactly hashes.size() blocks, each decompressed (on the
// pool's threads when given, into a buffer each thread keeps) and checked
// against its hash, so a source cannot store data under another block's
// name. The blocks are not kept: the groups are stored as they came.
std::vector<Group> check_blocks(std::string_view bytes, const std::vector<Digest>& hashes, ThreadPool* pool = nullptr);
// A group's blocks into dst[0..count * 4 KiB); Errc::corrupted when it does
// not decompress to them.
void group_blocks(const Group& g, uint8_t* dst);

// A disk's non-zero blocks with their hashes, in index order (a parent
// view for the source; the blocks to write for a restore).
struct Present {
    uint64_t index = 0;
    Digest hash{};
};
constexpr size_t kPresentBytes = 8 + 32;
std::string encode_present(const std::vector<Present>& entries);
// One entry at p[0..kPresentBytes), unchecked (from bytes decode_present accepted).
Present present_at(const char* p);
std::vector<Present> decode_present(std::string_view bytes, uint64_t after, uint64_t blocks);

// A restore batch as the packs store its blocks: the frames that hold them,
// each as PackReader::read_frame_raw gives it (sent as stored: the node
// neither decompresses nor compresses again), and for each block in order
// its number, its frame in the batch, its slot there and its hash.
struct Wanted {
    uint64_t index = 0;
    uint32_t frame = 0;
    uint16_t slot = 0;
    Digest hash{};
};
constexpr uint32_t kMaxFramesPerBatch = 1024;
// Frame i is frame_sizes[i] bytes, which read_frame(i, to) puts in place
// (no copy of the batch's megabyte on the way).
BlockBuffer encode_restore_batch(const std::vector<size_t>& frame_sizes, const std::vector<Wanted>& wanted,
                                 const std::function<void(size_t, uint8_t*)>& read_frame);
// `after`/`blocks` as for decode_changes. Each frame is decompressed once
// (on the pool's threads when given) and every block checked against its
// hash; `data` gets them in order.
std::vector<Present> decode_restore_batch(std::string_view bytes, uint64_t after, uint64_t blocks,
                                          BlockBuffer& data, ThreadPool* pool = nullptr);

}  // namespace prl::backup::node_wire
