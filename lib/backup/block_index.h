// The on-disk dedup index as one operation sees it: the runs of store/index
// opened, their fences and Bloom filters in memory within a fixed budget, the
// records themselves left on disk. A lookup of a block the store does not
// have is answered by the filters alone (no I/O but for their false
// positives); a hit reads one page (or a few, for huge indexes) of one run.
// Only packs whose current stamp (id and size) matches the run's are
// trusted, so a run can never point into a removed or compacted pack.
// find() is for one thread at a time (an operation's ordered part).
#pragma once
#include "block_map.h"
#include "index_run.h"

#include <atomic>
#include <memory>
#include <unordered_map>

namespace prl::backup {

constexpr size_t kDefaultIndexBudget = size_t(16) << 20;

using PackSet = std::unordered_map<uint64_t, uint64_t>;  // committed pack id -> file size

struct BlockIndexStats {
    uint64_t lookups = 0;          // find() calls
    uint64_t filter_passes = 0;    // runs whose filter said "maybe"
    uint64_t page_reads = 0;       // reads of record pages
    uint64_t hits = 0;
};

class BlockIndex {
public:
    BlockIndex() = default;
    // Takes runs opened by RunReader; `packs` are the packs that exist now.
    // Runs whose summary fails its checksum are left out (see damaged()).
    BlockIndex(std::vector<std::unique_ptr<RunReader>> runs, const PackSet& packs, size_t budget = kDefaultIndexBudget);
    BlockIndex(const BlockIndex&) = delete;
    BlockIndex& operator=(const BlockIndex&) = delete;

    std::optional<BlockLocation> find(const IndexKey& k) const;

    // Bytes this object holds: filters, fences, pack tables, bookkeeping.
    size_t memory_bytes() const { return memory_; }
    size_t run_count() const { return runs_.size(); }
    uint64_t record_count() const { return records_; }
    size_t fence_step() const { return fence_step_; }
    BlockIndexStats stats() const;
    // Runs found damaged (on open or on a later page read); the caller may delete them.
    std::vector<std::string> damaged() const;  // their object names

private:
    struct Run {
        std::unique_ptr<RunReader> reader;
        std::vector<IndexKey> fences;  // first key of every fence_step-th page
        BloomFilter filter;
        std::vector<bool> trusted;     // per pack slot: the stamp matches the pack as it is now
        mutable std::vector<uint64_t> verified;  // per page: checksum already checked
        mutable std::atomic<bool> broken{false};
    };
    static size_t run_overhead(const RunReader& r);
    std::vector<std::unique_ptr<Run>> runs_;
    std::vector<std::string> damaged_on_open_;
    size_t memory_ = 0;
    uint64_t records_ = 0;
    size_t fence_step_ = 1;
    mutable std::atomic<uint64_t> lookups_{0}, passes_{0}, reads_{0}, hits_{0};
};

}  // namespace prl::backup
