// What a backup source remembers of the disks it sent to a backup node
// (docs/backup-node.md): for each VM disk, the complete block state (block
// numbers and hashes) of the last element it committed there. An
// incremental compares the disk with it instead of fetching the parent's
// state from the node, so little more than the changed blocks travels. For
// a container, the same for its tree (backup_node_tree.h): an incremental
// reads only the files changed since.
//
// A view is used only when its SHA-256 equals the one the node computes
// for the parent: a view that is stale, damaged or of another node is
// never trusted. Views live under <state root>/backup-views/ (40 bytes per
// non-zero block: 10 MiB for a full 1 GiB disk); only the newest of each
// disk is kept.
#pragma once
#include "backup/block_map.h"
#include "backup/node_wire.h"

#include <filesystem>
#include <optional>
#include <string>

namespace prl::remote {

// A file no other process sees (O_TMPFILE, else made and unlinked at once)
// in the temporary directory, for what a backup source holds while it runs.
backup::UniqueFd anonymous_file();

// A disk's block state in a file of node_wire Present entries, read in
// order (backup_image's parent) with pread, so several may share one file.
class ViewFile final : public backup::EntryStream {
public:
    ViewFile(int fd, std::uint64_t size);  // `fd` stays the caller's
    const backup::MapEntry* peek() override;
    void pop() override;

private:
    int fd_;
    std::uint64_t size_ = 0, read_ = 0;
    std::string buf_;
    std::size_t pos_ = 0;
    backup::MapEntry cur_;
    bool have_ = false;
};

// A view file being written: the entries in order, and their SHA-256
// (which is the view's identity, as the node computes it).
class ViewWriter {
public:
    explicit ViewWriter(const std::filesystem::path& path);
    void add(const backup::node_wire::Present& e);
    void append_encoded(const std::string& bytes);  // entries already encoded and checked
    backup::Digest finish();                        // flushes and fsyncs
    std::uint64_t bytes() const { return size_; }

private:
    void flush();
    std::filesystem::path path_;
    backup::UniqueFd fd_;
    std::string buf_;
    std::uint64_t size_ = 0;
    backup::Sha256 sha_;
};

class ViewCache {
public:
    // Views of the repository at `node` (host, port, directory) for this
    // process's state root.
    explicit ViewCache(const std::string& node);
    // The view of `disk` of `vm` whose SHA-256 is `digest`, verified, if
    // kept: its open file and size.
    struct Found {
        backup::UniqueFd fd;
        std::uint64_t size = 0;
    };
    // A view is whole records of `record_bytes` (a disk's Present entries;
    // 1 for a tree's records, which vary).
    std::optional<Found> find(const std::string& vm, const std::string& disk, const backup::Digest& digest,
                              std::size_t record_bytes = backup::node_wire::kPresentBytes) const;
    // A new view of `disk` of `vm`: written to a temporary file by the
    // caller, then kept with keep() (replacing the disk's older views).
    std::filesystem::path temporary(const std::string& vm, const std::string& disk) const;
    void keep(const std::string& vm, const std::string& disk, const std::filesystem::path& temporary,
              const backup::Digest& digest) const noexcept;

private:
    std::filesystem::path dir_of(const std::string& vm, const std::string& disk) const;
    std::filesystem::path root_;
};

}  // namespace prl::remote
