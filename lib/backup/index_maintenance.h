// Keeps store/index in step with store/packs: every committed pack is
// covered by some run (packs without one are indexed), runs are merged when
// there are too many, and garbage collection takes removed and compacted
// packs out of the runs. Runs are immutable: a change writes a new run,
// renames it into place, then unlinks the old ones, so concurrent readers
// (other processes included) always see a consistent set, at worst with a
// pack covered twice. Every function here is safe to call with the store
// lock held shared; only reindex_after_gc needs it exclusive.
#pragma once
#include "block_index.h"
#include "layout.h"

#include <set>

namespace prl::backup {

constexpr size_t kMaxRuns = 8;            // more: merge
constexpr size_t kRunsAfterMerge = 4;     // the smallest runs are merged into one until this many are left
constexpr size_t kMaxMergeInputs = 64;    // runs read at once by one merge (128 KiB of buffers each)
constexpr size_t kPacksPerBuild = 16;     // packs indexed into one run at a time (6 MiB of records sorted in memory)

// Committed packs and their sizes.
PackSet list_packs(const Layout& l);
// Opens every run of store/index; runs that fail their header checks are deleted.
std::vector<std::unique_ptr<RunReader>> open_runs(const Layout& l);
// Writes runs for `packs` (read from their entry tables, dead entries left out).
void index_packs(const Layout& l, const std::vector<uint64_t>& packs);
// Merges `runs` into one run, keeping only records of packs in `packs` with an
// unchanged stamp, then unlinks them. Streams: memory stays bounded.
void merge_runs(const Layout& l, const std::vector<const RunReader*>& runs, const PackSet& packs);

// For a create: indexes uncovered packs and merges if needed (when no other
// process is doing so), then loads the index within `budget`. Never throws
// for a damaged index: the result is then just emptier.
std::unique_ptr<BlockIndex> open_block_index(const Layout& l, size_t budget = kDefaultIndexBudget);
// After a create committed `packs`: writes their run, merges if needed, and
// deletes the runs `used` found damaged (their packs get indexed again). Best effort.
void index_committed_packs(const Layout& l, const std::vector<uint64_t>& packs, const BlockIndex& used);
// Garbage collection (store lock held exclusively) removed or compacted
// `changed`: rewrites the runs covering them, indexes what is left uncovered.
void reindex_after_gc(const Layout& l, const std::set<uint64_t>& changed);

}  // namespace prl::backup
