#include "local_repository.h"

#include "directory_storage.h"
#include "error_guard.h"
#include "garbage_collector.h"
#include "pack_file.h"
#include "repository_common.h"
#include "thread_pool.h"
#include "txn_marker.h"

#include <algorithm>

namespace prl::backup {

namespace {
constexpr const char* kFormatText = "prlshim-backup-repository 1\n";
}

BackupId require_backup_id(const std::string& id) {
    auto parsed = parse_backup_id(id);
    if (!parsed) throw Error(Errc::invalid_argument, "not a backup id: '" + (is_xml_safe_utf8(id) && id.size() < 100 ? id : std::string("<unprintable>")) + "'");
    return *parsed;
}

std::string require_vm_uuid(const std::string& uuid) {
    auto u = canonical_uuid(uuid);
    if (!u || uuid.size() != u->size()) throw Error(Errc::invalid_argument, "not a VM uuid (\"{...}\")");
    return *u;
}

std::unique_ptr<StorageLock> lock_vm_for_writing(const Layout& l, const std::string& vm_uuid) {
    auto lock = l.store().lock(l.vm_lock(vm_uuid), LockMode::exclusive, false);
    if (!lock) throw Error(Errc::locked, "VM " + vm_uuid + " is locked by another backup operation");
    return lock;
}

bool try_collect_garbage(const Layout& l) {
    auto ex = l.store().lock(l.store_lock(), LockMode::exclusive, false);
    if (!ex) return false;
    const GcStats st = collect_garbage(l);
    (void)st;
    clear_markers(l);
    return true;
}

namespace {

void prepare_repository(const Layout& l) {
    const std::optional<std::string> format = l.store().get(l.format_file(), 4096);
    if (!format) {
        l.store().put(l.format_file(), kFormatText);
    } else if (*format != kFormatText) {
        throw Error(Errc::corrupted, l.store().describe() + " is not a backup repository of a known format");
    }
    // Leftovers of operations that died: only when nothing runs right now.
    try {
        auto ex = l.store().lock(l.store_lock(), LockMode::exclusive, false);
        if (!ex) return;
        // A marker whose writing was cut short is no marker yet, but its
        // temporary is still there.
        l.store().remove_unfinished(l.txns());
        if (has_stale_markers(l)) {
            collect_garbage(l);
            clear_markers(l);
        }
    } catch (const std::exception&) {
        // Cleanup is best effort; the repository stays consistent without it.
    }
}

// The listing's entry of a VM from its chains; none when it has no chain.
std::optional<VmEntry> vm_entry(const std::string& vm, const std::vector<Chain>& chains) {
    if (chains.empty()) return std::nullopt;
    VmEntry v;
    v.uuid = vm;
    const ElementMeta* newest = nullptr;  // its name and type describe the VM
    for (const Chain& c : chains) {
        ChainInfo ci;
        ci.uuid = c.uuid;
        ci.full = c.base().info();
        ci.last_number = c.latest().number;
        ci.partials.reserve(c.elements.size() - 1);
        for (auto it = std::next(c.elements.begin()); it != c.elements.end(); ++it) ci.partials.push_back(it->second.info());
        for (const auto& [n, m] : c.elements)
            if (!newest || m.time >= newest->time) newest = &m;
        v.chains.push_back(std::move(ci));
    }
    v.name = newest->vm_name;
    v.type = newest->vm_type;
    return v;
}

// More threads than cores: a listing whose files are not in the page cache
// (the first after a boot) waits on the disk for each small file, and many
// reads at once are served faster than one at a time. Measured on 100,000
// elements in 500 VMs: 2 threads 5.9-6.6 s, 8 2.9 s, 16 2.1-2.3 s, 32 2.3 s;
// from the listing caches 0.84-0.99 s with 2, 0.55-0.57 s with 16; files
// in the page cache, the same either way.
constexpr std::size_t kListingThreads = 16;

std::vector<VmEntry> list_vms(const Layout& l) {
    // VMs are read on the pool's threads: a listing without caches is mostly
    // opening and parsing small files (docs/backup-engine.md, Limits). Each
    // thread also makes the VM's entry and drops its chains: what a thread
    // frees it allocated, so threads do not contend for each other's malloc
    // arenas.
    const std::vector<std::string> vms = list_vm_uuids(l);
    ThreadPool pool(static_cast<unsigned>(std::min<std::size_t>(kListingThreads, vms.size() + 1)));
    std::vector<std::future<std::optional<VmEntry>>> loads;
    loads.reserve(vms.size());
    for (const std::string& vm : vms) loads.push_back(pool.submit([&l, &vm] { return vm_entry(vm, load_vm_chains(l, vm)); }));
    std::vector<VmEntry> out;
    out.reserve(vms.size());
    for (auto& load : loads)
        if (std::optional<VmEntry> v = load.get()) out.push_back(std::move(*v));
    return out;
}

}  // namespace

std::unique_ptr<Repository> Repository::open(const fs::path& dir) {
    return guard_errors([&] {
        return open(open_directory_storage(dir));
    });
}

std::unique_ptr<Repository> Repository::open(std::shared_ptr<Storage> storage) {
    return guard_errors([&] {
        Layout l{std::move(storage)};
        prepare_repository(l);
        return std::unique_ptr<Repository>(new LocalRepository(std::move(l)));
    });
}

std::vector<VmEntry> LocalRepository::list() const {
    return guard_errors([&] { return list_vms(layout_); });
}

}  // namespace prl::backup
