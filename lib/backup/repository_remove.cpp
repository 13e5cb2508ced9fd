// Repository::remove and remove_all. Elements are removed newest first, so
// a crash part-way leaves a chain whose every element still has its parents.
// keep_chain rewrites the dependants of the removed element first (each by
// an atomic replacement of its metadata), and only then removes it.
#include "disk_image.h"
#include "local_repository.h"
#include "error_guard.h"
#include "repository_common.h"
#include "txn_marker.h"

namespace prl::backup {

namespace {

// Makes element `number` a delta against `new_parent` (0: a complete base).
ElementMeta rebase(Storage& storage, const Chain& chain, uint32_t number, uint32_t new_parent) {
    ElementMeta m = chain.elements.at(number);
    const std::string tag = std::to_string(number) + "-" + random_hex(4);
    for (size_t i = 0; i < m.disks.size(); ++i) {
        DiskRecord& d = m.disks[i];
        std::unique_ptr<LayeredView> to = open_disk_view(storage, chain, number, d.name);
        std::unique_ptr<LayeredView> from =
            new_parent ? open_disk_view(storage, chain, new_parent, d.name) : std::make_unique<LayeredView>();
        const std::string file = tag + ".r" + std::to_string(i) + ".map";
        // Unfinished, it is never visible; finished but unused, GC removes it.
        MapWriter w(storage, Layout::join(chain.dir, file), d.size);
        write_delta(*from, *to, w);
        d.map_digest = w.finish();
        d.map_file = file;
    }
    // Container manifests are complete in every element: only the parent changes.
    m.parent = new_parent;
    if (new_parent == 0) m.kind = Kind::full;
    return m;
}

void remove_elements_from(Storage& storage, const Chain& chain, uint32_t first) {
    for (auto it = chain.elements.rbegin(); it != chain.elements.rend() && it->first >= first; ++it)
        storage.remove(Layout::join(chain.dir, element_file_name(it->first)));
}

}  // namespace

namespace {
void remove_element(const Layout& l, const std::string& id_str, bool keep_chain) {
    Storage& storage = l.store();
    const BackupId id = require_backup_id(id_str);
    auto found = find_chain(l, id.chain);
    if (!found || !found->chain.elements.count(id.number)) throw Error(Errc::not_found, "no backup " + id.str());
    auto vm_lock = lock_vm_for_writing(l, found->vm_uuid);
    std::unique_ptr<TxnMarker> txn;
    {
        auto store_lock = l.store().lock(l.store_lock(), LockMode::shared, true);
        txn = std::make_unique<TxnMarker>(l);
        txn->mark_dirty();  // unreferenced files stay until garbage collection runs
        // Re-read under the lock: another writer may have changed the chain.
        const Chain chain = load_chain(l, found->vm_uuid, id.chain);
        if (!chain.elements.count(id.number)) throw Error(Errc::not_found, "no backup " + id.str());
        const ElementMeta& victim = chain.elements.at(id.number);
        if (!keep_chain) {
            remove_elements_from(storage, chain, id.number);
        } else {
            std::vector<uint32_t> dependants;
            for (const auto& [n, e] : chain.elements)
                if (e.parent == id.number) dependants.push_back(n);
            // Views are read through the old maps, which stay on disk until
            // garbage collection, so every rebase sees the original states.
            auto publish = [&](ElementMeta m, bool heir) {
                if (heir) m.stored_size += victim.stored_size;  // the victim's data lives on in it
                storage.sync_directory(chain.dir);  // its new maps
                storage.put(Layout::join(chain.dir, element_file_name(m.number)), serialize_element(m));
            };
            if (victim.parent != 0) {
                for (size_t i = 0; i < dependants.size(); ++i) publish(rebase(storage, chain, dependants[i], victim.parent), i == 0);
            } else if (!dependants.empty()) {
                // Removing the full: its first dependant becomes the chain's full.
                const uint32_t heir = dependants.front();
                publish(rebase(storage, chain, heir, 0), true);
                for (size_t i = 1; i < dependants.size(); ++i) publish(rebase(storage, chain, dependants[i], heir), false);
            }
            storage.remove(Layout::join(chain.dir, element_file_name(id.number)));
        }
        refresh_catalog_cache(l, found->vm_uuid, id.chain);
    }
    if (try_collect_garbage(l)) txn->mark_clean();
}

void remove_vm(const Layout& l, const std::string& vm_uuid) {
    const std::string vm = require_vm_uuid(vm_uuid);
    if (load_vm_chains(l, vm).empty()) throw Error(Errc::not_found, "no backups of VM " + vm);
    auto vm_lock = lock_vm_for_writing(l, vm);
    std::unique_ptr<TxnMarker> txn;
    {
        auto store_lock = l.store().lock(l.store_lock(), LockMode::shared, true);
        txn = std::make_unique<TxnMarker>(l);
        txn->mark_dirty();
        for (const Chain& c : load_vm_chains(l, vm)) remove_elements_from(l.store(), c, 0);
        refresh_catalog_cache(l, vm);
    }
    if (try_collect_garbage(l)) txn->mark_clean();
}

}  // namespace

void LocalRepository::remove(const std::string& id, bool keep_chain) {
    guard_errors([&] { remove_element(layout_, id, keep_chain); });
}

void LocalRepository::remove_all(const std::string& vm_uuid) {
    guard_errors([&] { remove_vm(layout_, vm_uuid); });
}

}  // namespace prl::backup
