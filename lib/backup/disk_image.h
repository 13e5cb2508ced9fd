// Block-level backup and restore of one disk image.
#pragma once
#include "background_writeback.h"
#include "block_map.h"
#include "catalog.h"
#include "pack_file.h"
#include "progress.h"
#include "repository.h"
#include "store_writer.h"

#include <mutex>

namespace prl::backup {

// The complete block state of disk `name` at element `number` of `chain`.
// Empty when the element (or an ancestor on the way) lacks that disk.
std::unique_ptr<LayeredView> open_disk_view(Storage& storage, const Chain& chain, uint32_t number, const std::string& name);

// A disk image of the VM being backed up, open for reading.
struct SourceDisk {
    UniqueFd fd;
    uint64_t size = 0;
};
// Errc::invalid_argument when it is missing or not a regular file.
SourceDisk open_source_disk(const DiskSource& d);

// Where backup_image puts what changed since the parent, in block order.
class BlockSink {
public:
    virtual ~BlockSink() = default;
    // A block that differs from the parent's; `data` (4 KiB) is valid during the call.
    virtual void block(uint64_t index, const Digest& hash, const uint8_t* data) = 0;
    // A block the parent had that now reads as zeros.
    virtual void zero(uint64_t index) = 0;
};

// A local backup's sink: new blocks to the store, every change to the map.
class StoreSink final : public BlockSink {
public:
    StoreSink(StoreWriter& store, MapWriter& map) : store_(store), map_(map) {}
    void block(uint64_t index, const Digest& hash, const uint8_t* data) override;
    void zero(uint64_t index) override;

private:
    StoreWriter& store_;
    MapWriter& map_;
};

// Reads `fd` (size bytes) and gives `sink` its delta against `parent` (the
// parent's non-zero blocks in index order).
// Returns the number of blocks that changed.
uint64_t backup_image(int fd, uint64_t size, EntryStream& parent, BlockSink& sink, ThreadPool& pool,
                      ProgressReporter& progress, const std::string& what);

// Pack readers for several threads: each task borrows one cache at a time.
class PackCachePool {
public:
    PackCachePool(Storage& storage, std::string dir) : storage_(storage), dir_(std::move(dir)) {}
    std::unique_ptr<PackCache> take();
    void give_back(std::unique_ptr<PackCache> c);

private:
    Storage& storage_;
    std::string dir_;
    std::mutex mu_;
    std::vector<std::unique_ptr<PackCache>> free_;
};

// A disk image being restored, written by one thread in block order (the
// local restore's and a backup node's). Progress is the position reached,
// and writeback starts every 64 MiB, so the final fsync has little left to
// wait for.
class RestoredDiskWriter {
public:
    // `fd` is the image, already `size` bytes long; `what` names it in errors.
    RestoredDiskWriter(int fd, uint64_t size, ProgressReporter& progress, std::string what)
        : fd_(fd), size_(size), progress_(progress), what_(std::move(what)) {}
    // Blocks indices[0..n) (increasing, past those written before) from
    // `data` (4 KiB each), each run of consecutive blocks with one pwrite;
    // the image's last block is cut to its size.
    void write(const uint64_t* indices, size_t n, const uint8_t* data);
    // Reports the whole size done (what follows the last block is a hole).
    void finish_progress();

private:
    int fd_;
    uint64_t size_;
    ProgressReporter& progress_;
    std::string what_;
    uint64_t reported_ = 0;  // bytes reported as restored
    uint64_t flushed_ = 0;   // bytes handed to writeback
    BackgroundWriteback writeback_;  // last: waited for before the rest goes
};

// Writes the image described by `view` (size bytes) to `fd`, which must be
// an empty file: zero blocks are left as holes. Verifies every block; reads,
// decompresses and verifies on the pool while the caller walks the maps.
void restore_image(LayeredView& view, uint64_t size, int fd, PackCachePool& packs, ThreadPool& pool,
                   ProgressReporter& progress, const std::string& what);

}  // namespace prl::backup
