#include "block_index.h"

#include "error.h"

#include <algorithm>
#include <unistd.h>

namespace prl::backup {

namespace {

constexpr size_t kFenceBytes = sizeof(IndexKey);

}  // namespace

// What a run costs whatever its filter and fences: its pack table (and the
// trust bit of each pack), a bit per page, bookkeeping.
size_t BlockIndex::run_overhead(const RunReader& r) {
    return sizeof(Run) + sizeof(RunReader) + r.packs().size() * (sizeof(PackStamp) + 1) +
           static_cast<size_t>((r.pages() + 63) / 64) * 8;
}

BlockIndex::BlockIndex(std::vector<std::unique_ptr<RunReader>> readers, const PackSet& packs, size_t budget) {
    // What every run costs regardless of its size: its pack table and bookkeeping.
    size_t fixed = sizeof(*this);
    uint64_t total_pages = 0;
    for (const auto& r : readers) {
        fixed += run_overhead(*r);
        records_ += r->records();
        total_pages += r->pages();
    }
    const size_t rest = budget > fixed ? budget - fixed : 0;
    // Fences get at most an eighth: one per page at first, then every
    // second, fourth... page (a hit then reads that many pages).
    const size_t fence_budget = rest / 8;
    auto fence_bytes = [&](size_t step) {
        size_t n = 0;
        for (const auto& r : readers) n += static_cast<size_t>((r->pages() + step - 1) / step) * kFenceBytes;
        return n;
    };
    while (fence_step_ < total_pages && fence_bytes(fence_step_) > fence_budget) fence_step_ *= 2;
    const size_t filter_budget = rest - std::min(rest, fence_bytes(fence_step_));

    memory_ = fixed;
    for (auto& r : readers) {
        // Each run's filter gets its share of the budget by its record count
        // (folded when the file's is bigger).
        const double share = records_ ? double(filter_budget) * double(r->records()) / double(records_) : 0;
        const size_t blocks = std::min(r->filter_blocks(), static_cast<size_t>(share / BloomFilter::kBlockBytes));
        auto run = std::make_unique<Run>();
        run->filter = BloomFilter(r->filter_blocks(), std::max<size_t>(1, blocks));
        try {
            r->load_summary(fence_step_, run->fences, run->filter);
        } catch (const Error&) {
            damaged_on_open_.push_back(r->name());
            records_ -= r->records();
            memory_ -= run_overhead(*r);
            continue;
        }
        run->fences.shrink_to_fit();
        run->trusted.resize(r->packs().size());
        for (size_t i = 0; i < r->packs().size(); ++i) {
            const PackStamp& s = r->packs()[i];
            auto it = packs.find(s.id);
            run->trusted[i] = it != packs.end() && it->second == s.size;
        }
        run->verified.assign(static_cast<size_t>((r->pages() + 63) / 64), 0);
        memory_ += run->filter.bytes() + run->fences.capacity() * kFenceBytes;
        run->reader = std::move(r);
        runs_.push_back(std::move(run));
    }
}

std::optional<BlockLocation> BlockIndex::find(const IndexKey& k) const {
    lookups_.fetch_add(1, std::memory_order_relaxed);
    for (const auto& run : runs_) {
        if (run->broken.load(std::memory_order_relaxed) || !run->filter.may_contain(k)) continue;
        passes_.fetch_add(1, std::memory_order_relaxed);
        const auto it = std::upper_bound(run->fences.begin(), run->fences.end(), k);
        if (it == run->fences.begin()) continue;  // below the run's first key
        const uint64_t first = static_cast<uint64_t>(it - run->fences.begin() - 1) * fence_step_;
        const uint64_t n = std::min<uint64_t>(fence_step_, run->reader->pages() - first);
        try {
            reads_.fetch_add(1, std::memory_order_relaxed);
            const auto rec = run->reader->find_in_pages(first, n, k, &run->verified);
            if (rec && run->trusted[rec->pack_slot]) {
                hits_.fetch_add(1, std::memory_order_relaxed);
                return BlockLocation{run->reader->packs()[rec->pack_slot].id, rec->entry};
            }
        } catch (const Error&) {
            // A damaged page: this run gives no more answers (dedup may miss; nothing is wrong).
            run->broken.store(true);
        }
    }
    return std::nullopt;
}

BlockIndexStats BlockIndex::stats() const {
    BlockIndexStats s;
    s.lookups = lookups_.load();
    s.filter_passes = passes_.load();
    s.page_reads = reads_.load();
    s.hits = hits_.load();
    return s;
}

std::vector<std::string> BlockIndex::damaged() const {
    std::vector<std::string> out = damaged_on_open_;
    for (const auto& run : runs_)
        if (run->broken.load()) out.push_back(run->reader->name());
    return out;
}

}  // namespace prl::backup
