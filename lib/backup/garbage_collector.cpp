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
#include <unistd.h>
#include <unordered_map>

namespace prl::backup {

namespace {

using LiveMap = std::unordered_map<uint64_t, std::vector<bool>>;

void mark(LiveMap& live, const BlockLocation& loc) {
    auto it = live.find(loc.pack);
    if (it == live.end()) return;  // a missing pack: nothing to keep
    if (loc.entry < it->second.size()) it->second[loc.entry] = true;
}

// Marks the blocks of every parseable element in `dir`; removes files none references.
void sweep_chain_dir(const fs::path& dir, const std::string& vm_uuid, const std::string& chain_uuid, LiveMap& live,
                     GcStats& st) {
    std::set<std::string> keep;
    std::vector<ElementMeta> metas;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        uint32_t number = 0;
        const std::string name = it->path().filename().string();
        if (!parse_element_file_name(name, number)) continue;
        keep.insert(name);
        try {
            ElementMeta m = parse_element(read_file_bounded(it->path(), kMaxMetaBytes), it->path().string());
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
                MapReader r(dir / d.map_file, d.map_digest, m.id());
                for (; const MapEntry* e = r.peek(); r.pop())
                    if (!e->zero) mark(live, e->loc);
            }
            if (!m.tree_file.empty()) {
                ManifestReader r(dir / m.tree_file, m.tree_digest, m.id());
                while (r.next_node())
                    while (const MapEntry* e = r.next_block()) mark(live, e->loc);
            }
        } catch (const Error&) {
            st.marked_everything = false;  // cannot tell what it needs: delete no pack
        }
    }
    // A listing cache here was written by an older version (caches are per
    // VM now): it goes like any other file no element names.
    bool empty = true;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (keep.count(name)) {
            empty = false;
            continue;
        }
        if (::unlink(it->path().c_str()) == 0) ++st.files_removed;
    }
    if (empty) ::rmdir(dir.c_str());
}

}  // namespace

GcStats collect_garbage(const Layout& l) {
    GcStats st;
    LiveMap live;
    std::vector<uint64_t> packs;
    std::unordered_map<uint64_t, size_t> stored;  // entries whose frame is still in the pack
    std::error_code ec;
    for (fs::directory_iterator it(l.packs(), ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        uint64_t id = 0;
        if (parse_pack_file_name(name, id)) {
            try {
                PackReader r(it->path(), id);
                live.emplace(id, std::vector<bool>(r.entry_count(), false));
                size_t n = 0;
                r.for_each_entry([&](uint32_t, const PackEntry& e) { n += (e.flags & kEntryDead) ? 0 : 1; });
                stored[id] = n;
                packs.push_back(id);
            } catch (const Error&) {
                // A damaged pack is left alone: restores that need it report it.
            }
        } else if (name.size() > 9 && name.compare(name.size() - 9, 9, ".pack.tmp") == 0) {
            if (::unlink(it->path().c_str()) == 0) ++st.files_removed;
        }
    }
    for (const std::string& vm : list_vm_uuids(l)) {
        for (fs::directory_iterator it(l.vm_dir(vm), ec), end; !ec && it != end; it.increment(ec)) {
            const std::string name = it->path().filename().string();
            auto u = canonical_uuid(name);
            if (u && uuid_dir_name(*u) == name && it->is_directory(ec)) sweep_chain_dir(it->path(), vm, *u, live, st);
        }
        // No listing cache names a chain or element that has gone.
        refresh_catalog_cache(l, vm);
        remove_catalog_cache_temps(l.vm_dir(vm));
    }
    if (!st.marked_everything) return st;
    std::set<uint64_t> changed;  // removed or compacted: their index records must go
    for (uint64_t id : packs) {
        const std::vector<bool>& bits = live[id];
        size_t used = 0;
        for (bool b : bits) used += b ? 1 : 0;
        const fs::path path = l.packs() / pack_file_name(id);
        try {
            if (used == 0) {
                const uint64_t size = fs::file_size(path);
                if (::unlink(path.c_str()) == 0) {
                    changed.insert(id);
                    ++st.packs_removed;
                    st.bytes_freed += size;
                }
            } else if (used * 2 < stored[id]) {
                changed.insert(id);  // even if the rewrite fails half-way: its stamp decides
                const uint64_t freed = compact_pack(l.packs(), id, bits);
                if (freed > 0) ++st.packs_compacted;
                st.bytes_freed += freed;
            }
        } catch (const std::exception&) {
            // Best effort: a pack that cannot be compacted now stays as it is.
        }
    }
    fsync_dir(l.packs());
    // Runs are checked against pack stamps on every use, so a failure here
    // only costs dedup; the next collection or create tries again.
    try {
        reindex_after_gc(l, changed);
    } catch (const Error&) {
    }
    return st;
}

}  // namespace prl::backup
