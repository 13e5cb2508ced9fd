// Mark and sweep over the whole repository; runs only with the store lock
// held exclusively (no create, remove or restore is running anywhere).
//  1. In each chain directory, objects no listed element references (maps and
//     manifests of unfinished or removed elements) and what dead writers
//     left are deleted.
//     Each VM's listing cache is brought up to date.
//  2. Every block reference of every listed element marks its pack entry.
//  3. Packs with no marked entry are deleted; packs with less than half of
//     their stored bytes live are rewritten without the dead frames (entry
//     numbers stay, dead entries are flagged), atomically (Storage::put).
//  4. What dead pack writers left is deleted.
//  5. Index runs covering removed or compacted packs are rewritten without
//     them; packs left uncovered (the compacted ones) are indexed again.
// If any listed element cannot be read, steps 3 is skipped: never delete
// data that something might still need.
#pragma once
#include "layout.h"

namespace prl::backup {

struct GcStats {
    uint64_t files_removed = 0;
    uint64_t packs_removed = 0;
    uint64_t packs_compacted = 0;
    uint64_t bytes_freed = 0;
    bool marked_everything = true;
};

GcStats collect_garbage(const Layout& l);

}  // namespace prl::backup
