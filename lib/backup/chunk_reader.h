// Reads one file (disk image or container file) as a sequence of chunks of
// up to 1 MiB, in order, hashing each 4 KiB block on the thread pool while
// the caller consumes earlier chunks. Holes (found with SEEK_DATA/SEEK_HOLE)
// are reported as hole chunks without reading; all-zero blocks are flagged
// and not hashed.
#pragma once
#include "block_map.h"
#include "thread_pool.h"

#include <deque>
#include <future>
#include <memory>

namespace prl::backup {

struct HashedChunk {
    uint64_t first_block = 0;
    uint64_t nblocks = 0;
    bool hole = false;             // whole range is a hole: nothing read
    std::vector<uint8_t> data;     // nblocks * 4096 bytes (zero padded past EOF)
    std::vector<Digest> hashes;    // valid where !zero[i]
    std::vector<uint8_t> zero;     // 1 if the block is all zeros
    const uint8_t* block(size_t i) const { return data.data() + i * kBlockSize; }
};

class ChunkReader {
public:
    static constexpr uint32_t kChunkBlocks = 256;  // 1 MiB
    ChunkReader(ThreadPool& pool, int fd, uint64_t size, std::string what);
    ~ChunkReader();
    ChunkReader(const ChunkReader&) = delete;
    ChunkReader& operator=(const ChunkReader&) = delete;

    // Next chunk in file order, or nullptr at the end. Valid until the next call.
    const HashedChunk* next();

private:
    struct Range { uint64_t first, count; bool hole; };
    bool next_range(Range& r);
    void fill_queue();
    static void read_and_hash(HashedChunk& c, int fd, uint64_t size, const std::string& what);

    ThreadPool& pool_;
    int fd_;
    uint64_t size_, nblocks_;
    std::string what_;
    uint64_t pos_ = 0;          // next block to describe
    bool seek_works_ = true;
    uint64_t data_end_ = 0;     // end (block) of the data extent pos_ is in
    struct Item { std::unique_ptr<HashedChunk> chunk; std::future<void> done; };
    std::deque<Item> queue_;
    std::vector<std::unique_ptr<HashedChunk>> free_;
    std::unique_ptr<HashedChunk> current_;
    size_t max_inflight_;
};

bool is_zero_block(const uint8_t* p);

}  // namespace prl::backup
