#include "index_maintenance.h"

#include "error.h"
#include "pack_file.h"

#include <algorithm>
#include <queue>
#include <unistd.h>
#include <unordered_set>

namespace prl::backup {

namespace {

// Packs of `packs` that no run covers with their current stamp.
std::vector<uint64_t> uncovered_packs(const PackSet& packs, const std::vector<std::unique_ptr<RunReader>>& runs) {
    std::unordered_set<uint64_t> covered;
    for (const auto& r : runs)
        for (const PackStamp& s : r->packs()) {
            auto it = packs.find(s.id);
            if (it != packs.end() && it->second == s.size) covered.insert(s.id);
        }
    std::vector<uint64_t> out;
    for (const auto& [id, size] : packs)
        if (!covered.count(id)) out.push_back(id);
    std::sort(out.begin(), out.end());
    return out;
}

bool is_stale(const RunReader& r, const PackSet& packs, const std::set<uint64_t>& changed) {
    for (const PackStamp& s : r.packs()) {
        auto it = packs.find(s.id);
        if (changed.count(s.id) || it == packs.end() || it->second != s.size) return true;
    }
    return false;
}

void remove_quietly(const Layout& l, const std::string& name) {
    try {
        l.store().remove(name, false);
    } catch (const Error&) {
    }
}

// Merges the smallest runs, at most kMaxMergeInputs at a time, until
// kRunsAfterMerge are left.
void merge_smallest(const Layout& l, std::vector<std::unique_ptr<RunReader>>& runs) {
    // Each round removes at least kMaxRuns - kRunsAfterMerge runs; the bound
    // only guards against creates of other processes adding runs as fast.
    for (int round = 0; round < 64 && runs.size() > kMaxRuns; ++round) {
        std::sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) { return a->records() < b->records(); });
        std::vector<const RunReader*> inputs;
        const size_t n = std::min(kMaxMergeInputs, runs.size() - kRunsAfterMerge + 1);
        for (size_t i = 0; i < n; ++i) inputs.push_back(runs[i].get());
        // Listed after the runs: every pack a listed run covers is already committed.
        merge_runs(l, inputs, list_packs(l));
        runs = open_runs(l);
    }
}

// One merge input: its cursor and where its pack slots go in the output.
struct MergeInput {
    const RunReader* run;
    std::unique_ptr<RunCursor> cursor;
    std::vector<int64_t> slot_map;  // input pack slot -> output slot, -1: dropped
};

}  // namespace

PackSet list_packs(const Layout& l) {
    PackSet out;
    for (const ObjectInfo& o : l.store().list(l.packs())) {
        uint64_t id = 0;
        if (!o.is_directory && parse_pack_file_name(o.name, id)) out.emplace(id, o.size);
    }
    return out;
}

std::vector<std::unique_ptr<RunReader>> open_runs(const Layout& l) {
    std::vector<std::unique_ptr<RunReader>> runs;
    // A run may vanish between listing and opening (a merge replaced it):
    // list again, the merged run is then in place.
    for (int attempt = 0; attempt < 4; ++attempt) {
        runs.clear();
        bool vanished = false;
        for (const ObjectInfo& o : l.store().list(l.index())) {
            uint64_t id = 0;
            if (o.is_directory || !parse_run_file_name(o.name, id)) continue;
            const std::string name = Layout::join(l.index(), o.name);
            try {
                runs.push_back(std::make_unique<RunReader>(l.store(), name));
            } catch (const Error& e) {
                if (e.code() == Errc::corrupted) remove_quietly(l, name);  // derived data: rebuilt from the packs
                else if (e.code() == Errc::not_found) vanished = true;
            }
        }
        if (!vanished) break;
    }
    return runs;
}

void index_packs(const Layout& l, const std::vector<uint64_t>& packs) {
    for (size_t first = 0; first < packs.size(); first += kPacksPerBuild) {
        std::vector<PackStamp> stamps;
        std::vector<RunRecord> records;
        const size_t last = std::min(packs.size(), first + kPacksPerBuild);
        records.reserve((last - first) * kEntriesPerPack);
        for (size_t i = first; i < last; ++i) {
            const size_t before = records.size();
            try {
                PackReader r(l.store(), l.pack(packs[i]), packs[i]);
                const auto slot = static_cast<uint32_t>(stamps.size());
                r.for_each_entry([&](uint32_t n, const PackEntry& e) {
                    if (!(e.flags & kEntryDead)) records.push_back(RunRecord{index_key_of(e.hash), slot, n});
                });
                stamps.push_back(PackStamp{packs[i], r.file_size()});
            } catch (const Error&) {
                records.resize(before);  // a damaged or vanished pack is not indexed
            }
        }
        if (stamps.empty()) continue;
        std::sort(records.begin(), records.end(), [](const RunRecord& a, const RunRecord& b) { return a.key < b.key; });
        records.erase(std::unique(records.begin(), records.end(),
                                  [](const RunRecord& a, const RunRecord& b) { return a.key == b.key; }),
                      records.end());
        RunWriter w(l.store(), l.index(), std::move(stamps), records.size());
        for (const RunRecord& r : records) w.add(r);
        w.commit();
    }
}

void merge_runs(const Layout& l, const std::vector<const RunReader*>& runs, const PackSet& packs) {
    std::vector<PackStamp> out_packs;
    std::unordered_map<uint64_t, uint32_t> out_slot;
    std::vector<MergeInput> in(runs.size());
    uint64_t max_records = 0;
    for (size_t i = 0; i < runs.size(); ++i) {
        in[i].run = runs[i];
        for (const PackStamp& s : runs[i]->packs()) {
            auto it = packs.find(s.id);
            if (it == packs.end() || it->second != s.size) {
                in[i].slot_map.push_back(-1);
                continue;
            }
            auto [pos, added] = out_slot.emplace(s.id, static_cast<uint32_t>(out_packs.size()));
            if (added) out_packs.push_back(s);
            in[i].slot_map.push_back(pos->second);
        }
        max_records += runs[i]->records();
    }
    auto drop_inputs = [&] {
        for (const RunReader* r : runs) remove_quietly(l, r->name());
    };
    if (out_packs.empty()) {
        drop_inputs();
        return;
    }
    size_t current = 0;  // the input being read, for blaming damage
    try {
        // A heap of (next key, input): O(log k) per record.
        using Head = std::pair<IndexKey, size_t>;
        auto later = [](const Head& a, const Head& b) { return b.first < a.first || (a.first == b.first && b.second < a.second); };
        std::priority_queue<Head, std::vector<Head>, decltype(later)> heads(later);
        for (current = 0; current < in.size(); ++current) {
            in[current].cursor = std::make_unique<RunCursor>(*in[current].run);
            if (const RunRecord* r = in[current].cursor->peek()) heads.emplace(r->key, current);
        }
        RunWriter w(l.store(), l.index(), std::move(out_packs), max_records);
        std::optional<IndexKey> last;
        while (!heads.empty()) {
            current = heads.top().second;
            heads.pop();
            MergeInput& m = in[current];
            const RunRecord r = *m.cursor->peek();
            // Equal keys (a block stored twice by concurrent creates): keep the first trusted one.
            if ((!last || *last != r.key) && m.slot_map[r.pack_slot] >= 0) {
                w.add(RunRecord{r.key, static_cast<uint32_t>(m.slot_map[r.pack_slot]), r.entry});
                last = r.key;
            }
            m.cursor->pop();
            if (const RunRecord* next = m.cursor->peek()) heads.emplace(next->key, current);
        }
        w.commit();
    } catch (const Error& e) {
        // A damaged input is deleted (its packs get indexed again); the merge is abandoned.
        if (e.code() == Errc::corrupted && current < in.size()) remove_quietly(l, in[current].run->name());
        throw;
    }
    drop_inputs();
}

std::unique_ptr<BlockIndex> open_block_index(const Layout& l, size_t budget) {
    try {
        const PackSet packs = list_packs(l);  // before the runs: see merge_smallest
        auto runs = open_runs(l);
        if (!uncovered_packs(packs, runs).empty() || runs.size() > kMaxRuns) {
            // One process at a time indexes or merges; the others go on with what they have.
            auto lock = l.store().lock(l.index_lock(), LockMode::exclusive, false);
            if (lock) {
                runs = open_runs(l);
                const std::vector<uint64_t> uncovered = uncovered_packs(packs, runs);
                if (!uncovered.empty()) {
                    index_packs(l, uncovered);
                    runs = open_runs(l);
                }
                if (runs.size() > kMaxRuns) {
                    merge_smallest(l, runs);
                    runs = open_runs(l);
                }
            }
        }
        auto index = std::make_unique<BlockIndex>(std::move(runs), packs, budget);
        for (const std::string& name : index->damaged()) remove_quietly(l, name);
        return index;
    } catch (const Error&) {
        // The index only saves space; without it every block is simply stored.
        return std::make_unique<BlockIndex>();
    }
}

void index_committed_packs(const Layout& l, const std::vector<uint64_t>& packs, const BlockIndex& used) {
    try {
        for (const std::string& name : used.damaged()) remove_quietly(l, name);
        if (!packs.empty()) index_packs(l, packs);
        auto runs = open_runs(l);
        if (runs.size() <= kMaxRuns) return;
        auto lock = l.store().lock(l.index_lock(), LockMode::exclusive, false);
        if (!lock) return;
        runs = open_runs(l);
        merge_smallest(l, runs);
    } catch (const Error&) {
        // Packs left without a run are indexed by the next create.
    }
}

void reindex_after_gc(const Layout& l, const std::set<uint64_t>& changed) {
    l.store().remove_unfinished(l.index());
    const PackSet packs = list_packs(l);
    auto runs = open_runs(l);
    for (const auto& r : runs)
        if (is_stale(*r, packs, changed)) merge_runs(l, {r.get()}, packs);  // rewritten without those packs
    runs = open_runs(l);
    const std::vector<uint64_t> uncovered = uncovered_packs(packs, runs);
    if (!uncovered.empty()) index_packs(l, uncovered);
}

}  // namespace prl::backup
