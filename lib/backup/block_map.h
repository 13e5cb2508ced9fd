// Block maps: for one disk image (or one container file) of one chain element,
// the sorted list of 4 KiB blocks that element records, each with its SHA-256
// and where the store keeps it. A full element's map is complete (every
// non-zero block); a later element's map is a delta against its parent element
// (changed blocks, plus "zero" tombstones for blocks that became zero). Maps
// are streamed in both directions, so memory stays flat for any disk size.
#pragma once
#include "platform_io.h"
#include "storage.h"
#include "sha256.h"

#include <memory>
#include <optional>
#include <vector>

namespace prl::backup {

constexpr uint32_t kBlockSize = 4096;

struct BlockLocation {
    uint64_t pack = 0;   // pack id (file name in hex)
    uint32_t entry = 0;  // entry number inside the pack
    bool operator==(const BlockLocation& o) const { return pack == o.pack && entry == o.entry; }
};

struct MapEntry {
    uint64_t index = 0;  // block number: byte offset / 4096
    bool zero = false;   // tombstone: the block reads as zeros from here on
    Digest hash{};
    BlockLocation loc;
};

inline uint64_t blocks_for(uint64_t bytes) { return (bytes + kBlockSize - 1) / kBlockSize; }

// Writes a map file: entries then a trailer; SHA-256 of the whole file is the
// map's identity recorded in the element metadata.
class MapWriter {
public:
    MapWriter(Storage& storage, const std::string& name, uint64_t logical_size);
    void add(const MapEntry& e);
    // Flushes, writes the trailer, commits (the caller syncs the directory
    // before anything names it); returns the file digest.
    Digest finish();
    uint64_t entries() const { return count_; }
    uint64_t bytes_written() const { return written_; }

private:
    void flush();
    std::unique_ptr<ObjectWriter> out_;
    uint64_t logical_size_;
    uint64_t count_ = 0;
    uint64_t written_ = 0;
    bool have_last_ = false;
    uint64_t last_index_ = 0;
    std::vector<uint8_t> buf_;
    Sha256 sha_;
};

// Reads and validates a map file. The whole file is checked against its
// recorded digest on open, so later reads cannot see tampered entries.
class MapReader {
public:
    MapReader(Storage& storage, const std::string& name, const Digest& expected, const std::string& what);
    uint64_t logical_size() const { return logical_size_; }
    uint64_t entry_count() const { return count_; }
    const MapEntry* peek();  // nullptr at end
    void pop();

private:
    bool fill();
    std::unique_ptr<ObjectReader> in_;
    std::string what_;
    uint64_t logical_size_ = 0;
    uint64_t count_ = 0;
    uint64_t next_ = 0;  // entries consumed from the file so far
    std::vector<uint8_t> buf_;
    size_t buf_pos_ = 0, buf_len_ = 0;
    MapEntry cur_;
    bool have_cur_ = false;
    bool have_last_ = false;
    uint64_t last_index_ = 0;
};

// A stream of entries in index order.
class EntryStream {
public:
    virtual ~EntryStream() = default;
    virtual const MapEntry* peek() = 0;
    virtual void pop() = 0;
};

// The complete state of a disk at one element: the base map overlaid with
// the delta maps of the elements on the path to it. Yields non-zero blocks only.
class LayeredView : public EntryStream {
public:
    // layers[0] is the chain base (complete map); later layers win.
    // A layer's size also cuts off every older layer's blocks at or past it
    // (a disk that shrank and grew again reads zeros in between).
    explicit LayeredView(std::vector<std::unique_ptr<MapReader>> layers);
    LayeredView() = default;  // empty: every block zero
    const MapEntry* peek() override;
    void pop() override;
    // Entry at `index` if it is non-zero; advances past smaller indices.
    // Calls must use non-decreasing indices.
    const MapEntry* seek(uint64_t index);

private:
    bool advance();
    std::vector<std::unique_ptr<MapReader>> layers_;
    MapEntry cur_;
    std::vector<uint64_t> cut_;  // cut_[i]: blocks of layer i and above must be below this
    bool have_cur_ = false;
    bool done_ = false;
};

// Writes to `out` the delta that turns `from` into `to` (both complete views).
void write_delta(EntryStream& from, EntryStream& to, MapWriter& out);

}  // namespace prl::backup
