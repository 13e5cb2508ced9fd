// The manifest of a container backup: every directory, file, symlink and
// fifo under the private area, in depth-first order with siblings sorted by
// name, each with owner, mode and times; regular files carry their block list
// (a complete map of the file). Streamed in both directions.
//
// Record stream: 'N' node header, then 'B' block entries for a file, ...,
// finally 'T' trailer. The SHA-256 of the file is kept in the element metadata.
#pragma once
#include "storage.h"
#include "block_map.h"

#include <ctime>
#include <string_view>

namespace prl::backup {

enum class NodeType : uint8_t { dir = 1, file = 2, symlink = 3, fifo = 4 };

struct TreeNode {
    NodeType type = NodeType::dir;
    std::string path;  // relative, '/'-separated; "" is the root directory
    uint32_t mode = 0; // permission bits (07777)
    uint32_t uid = 0, gid = 0;
    timespec atime{}, mtime{}, ctime{};
    uint64_t ino = 0;
    uint64_t size = 0;        // regular file length
    std::string link_target;  // symlink
};

// Depth-first order of two relative paths (component by component, bytewise).
int compare_tree_paths(const std::string& a, const std::string& b);

// One node as the manifest stores it, and as a backup source sends it to a
// backup node: the fixed head, then the path and the link target, each
// after its 16-bit length.
constexpr size_t kNodeHeadBytes = 66;
std::string encode_tree_node(const TreeNode& n);
// The whole record, nothing after it; checks every field (a safe relative
// path, mode, times, a link target only on a symlink, a size only on a
// file). Errc::corrupted for anything else.
TreeNode decode_tree_node(std::string_view record);

// The order a tree is written in, checked node by node: the root directory
// first, then depth first with siblings sorted, each node inside a
// directory given before it. So a tree that passes can be rebuilt.
class TreeOrder {
public:
    void accept(const TreeNode& n);  // Errc::corrupted when out of place

private:
    std::vector<std::string> open_dirs_;  // the root, then the directories being walked
    std::string last_;
    bool seen_root_ = false;
};

class ManifestWriter {
public:
    ManifestWriter(Storage& storage, const std::string& name);
    void node(const TreeNode& n);
    void block(const MapEntry& e);  // belongs to the last file node
    Digest finish();
    uint64_t bytes_written() const { return written_; }

private:
    void put(const void* p, size_t n);
    void flush();
    std::unique_ptr<ObjectWriter> out_;
    std::vector<uint8_t> buf_;
    Sha256 sha_;
    uint64_t written_ = 0, nodes_ = 0;
    bool have_last_ = false;
    std::string last_path_;
};

// A tree as an element before had it, read in manifest order: what a walk
// compares the files with (container_tree.h).
class TreeParent {
public:
    virtual ~TreeParent() = default;
    // Next node, or nullptr at the end; skips unread blocks of the previous one.
    virtual const TreeNode* next_node() = 0;
    // Next block of the current file node, or nullptr.
    virtual const MapEntry* next_block() = 0;
};

// A parent tree walked alongside a newer one: the parent's node at each
// path asked for, in manifest order (paths only ever increase).
class ParentCursor {
public:
    explicit ParentCursor(TreeParent& parent) : parent_(parent) {}
    // The parent's node at `path`, if it has one (its blocks are read next
    // from the parent); the parent's nodes before it are skipped.
    const TreeNode* seek(const std::string& path);

private:
    TreeParent& parent_;
    const TreeNode* cur_ = nullptr;
    bool done_ = false;
};

// Validates paths (no "..", ".", empty components, NUL or absolute paths),
// ordering, and block entries. Throws Error(corrupted).
class ManifestReader final : public TreeParent {
public:
    ManifestReader(Storage& storage, const std::string& name, const Digest& expected, const std::string& what);
    // A manifest that came another way (a backup node sent it).
    ManifestReader(std::unique_ptr<ObjectReader> in, const Digest& expected, const std::string& what);
    const TreeNode* next_node() override;
    const MapEntry* next_block() override;

private:
    void check(const Digest& expected);
    bool get(void* p, size_t n);
    uint8_t peek_tag();
    [[noreturn]] void bad(const std::string& why) const;
    std::unique_ptr<ObjectReader> in_;
    std::string what_;
    uint64_t size_ = 0, off_ = 0;
    std::vector<uint8_t> buf_;
    size_t pos_ = 0, len_ = 0;
    TreeNode node_;
    MapEntry block_;
    TreeOrder order_;
    bool in_file_ = false, done_ = false;
    uint64_t blocks_limit_ = 0;
    bool have_last_block_ = false;
    uint64_t last_block_ = 0;
};

}  // namespace prl::backup
