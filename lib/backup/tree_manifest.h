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

// Validates paths (no "..", ".", empty components, NUL or absolute paths),
// ordering, and block entries. Throws Error(corrupted).
class ManifestReader {
public:
    ManifestReader(Storage& storage, const std::string& name, const Digest& expected, const std::string& what);
    // Next node, or nullptr at the end; skips unread blocks of the previous one.
    const TreeNode* next_node();
    // Next block of the current file node, or nullptr.
    const MapEntry* next_block();

private:
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
    bool have_node_ = false, in_file_ = false, done_ = false;
    uint64_t blocks_limit_ = 0;
    bool have_last_block_ = false;
    uint64_t last_block_ = 0;
};

}  // namespace prl::backup
