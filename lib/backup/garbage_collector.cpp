#include "garbage_collector.h"

#include "catalog.h"
#include "catalog_cache.h"
#include "element_meta.h"
#include "error.h"
#include "ids.h"
#include "index_maintenance.h"
#include "pack_file.h"
#include "tree_manifest.h"

#include <set>
#include <unordered_map>

namespace prl::backup {

namespace {

using LiveMap = std::unordered_map<uint64_t, std::vector<bool>>;

void mark(LiveMap& live, const BlockLocation& loc) {
    auto it = live.find(loc.pack);
    if (it == live.end()) return;  // a missing pack: nothing to keep
    if (loc.entry < it->second.size()) it->second[loc.entry] = true;
}

// Marks the blocks of every parseable element in `dir`; removes objects none references.
void sweep_chain_dir(Storage& storage, const std::string& dir, const std::string& vm_uuid,
                     const std::string& chain_uuid, LiveMap& live, GcStats& st) {
    std::set<std::string> keep;
    std::vector<ElementMeta> metas;
    const std::vector<ObjectInfo> files = storage.list(dir);
    for (const ObjectInfo& f : files) {
        uint32_t number = 0;
        if (f.is_directory || !parse_element_file_name(f.name, number)) continue;
        keep.insert(f.name);
        try {
            const std::string name = Layout::join(dir, f.name);
            std::optional<std::string> text = storage.get(name, kMaxMetaBytes);
            if (!text) continue;
            ElementMeta m = parse_element(*text, name);
            if (m.chain != chain_uuid || m.vm_uuid != vm_uuid || m.number != number) continue;
            for (const auto& d : m.disks) keep.insert(d.map_file);
            if (!m.tree_file.empty()) keep.insert(m.tree_file);
            if (!m.config_file.empty()) keep.insert(m.config_file);
            metas.push_back(std::move(m));
        } catch (const Error&) {
        }
    }
    for (const ElementMeta& m : metas) {
        try {
            for (const auto& d : m.disks) {
                MapReader r(storage, Layout::join(dir, d.map_file), d.map_digest, m.id());
                for (; const MapEntry* e = r.peek(); r.pop())
                    if (!e->zero) mark(live, e->loc);
            }
            if (!m.tree_file.empty()) {
                ManifestReader r(storage, Layout::join(dir, m.tree_file), m.tree_digest, m.id());
                while (r.next_node())
                    while (const MapEntry* e = r.next_block()) mark(live, e->loc);
            }
        } catch (const Error&) {
            st.marked_everything = false;  // cannot tell what it needs: delete no pack
        }
    }
    // A listing cache here was written by an older version (caches are per
    // VM now): it goes like any other file no element names.
    storage.remove_unfinished(dir);
    bool empty = true;
    for (const ObjectInfo& f : files) {
        if (keep.count(f.name) || f.is_directory) {
            empty = false;
            continue;
        }
        try {
            if (storage.remove(Layout::join(dir, f.name), false)) ++st.files_removed;
        } catch (const Error&) {
            empty = false;
        }
    }
    if (empty) storage.remove_directory(dir);
}

}  // namespace

GcStats collect_garbage(const Layout& l) {
    Storage& storage = l.store();
    GcStats st;
    LiveMap live;
    std::vector<uint64_t> packs;
    std::unordered_map<uint64_t, size_t> stored;  // entries whose frame is still in the pack
    storage.remove_unfinished(l.packs());
    for (const ObjectInfo& o : storage.list(l.packs())) {
        uint64_t id = 0;
        if (o.is_directory || !parse_pack_file_name(o.name, id)) continue;
        try {
            PackReader r(storage, l.pack(id), id);
            live.emplace(id, std::vector<bool>(r.entry_count(), false));
            size_t n = 0;
            r.for_each_entry([&](uint32_t, const PackEntry& e) { n += (e.flags & kEntryDead) ? 0 : 1; });
            stored[id] = n;
            packs.push_back(id);
        } catch (const Error&) {
            // A damaged pack is left alone: restores that need it report it.
        }
    }
    for (const std::string& vm : list_vm_uuids(l)) {
        const std::string vm_dir = l.vm_dir(vm);
        for (const ObjectInfo& o : storage.list(vm_dir)) {
            auto u = canonical_uuid(o.name);
            if (o.is_directory && u && uuid_dir_name(*u) == o.name)
                sweep_chain_dir(storage, Layout::join(vm_dir, o.name), vm, *u, live, st);
        }
        // No listing cache names a chain or element that has gone.
        refresh_catalog_cache(l, vm);
        storage.remove_unfinished(vm_dir);
    }
    if (!st.marked_everything) return st;
    std::set<uint64_t> changed;  // removed or compacted: their index records must go
    for (uint64_t id : packs) {
        const std::vector<bool>& bits = live[id];
        size_t used = 0;
        for (bool b : bits) used += b ? 1 : 0;
        try {
            if (used == 0) {
                const std::optional<ObjectInfo> info = storage.stat(l.pack(id));
                if (info && storage.remove(l.pack(id), false)) {
                    changed.insert(id);
                    ++st.packs_removed;
                    st.bytes_freed += info->size;
                }
            } else if (used * 2 < stored[id]) {
                changed.insert(id);  // even if the rewrite fails half-way: its stamp decides
                const uint64_t freed = compact_pack(storage, l.packs(), id, bits);
                if (freed > 0) ++st.packs_compacted;
                st.bytes_freed += freed;
            }
        } catch (const std::exception&) {
            // Best effort: a pack that cannot be compacted now stays as it is.
        }
    }
    if (st.packs_removed > 0) storage.sync_directory(l.packs());  // the removals, at once
    // Runs are checked against pack stamps on every use, so a failure here
    // only costs dedup; the next collection or create tries again.
    try {
        reindex_after_gc(l, changed);
    } catch (const Error&) {
    }
    return st;
}

}  // namespace prl::backup
