#include "local_repository.h"

#include "error_guard.h"
#include "garbage_collector.h"
#include "pack_file.h"
#include "repository_common.h"
#include "thread_pool.h"
#include "txn_marker.h"

#include <algorithm>
#include <sys/stat.h>
#include <unistd.h>

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

FileLock lock_vm_for_writing(const Layout& l, const std::string& vm_uuid) {
    const fs::path dir = l.vm_dir(vm_uuid);
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        make_directories(dir);
        fsync_dir(l.vms());
    }
    FileLock lock = try_acquire_lock(l.vm_lock(vm_uuid), FileLock::Mode::exclusive);
    if (!lock) throw Error(Errc::locked, "VM " + vm_uuid + " is locked by another backup operation");
    return lock;
}

bool try_collect_garbage(const Layout& l) {
    FileLock ex = try_acquire_lock(l.store_lock(), FileLock::Mode::exclusive);
    if (!ex) return false;
    const GcStats st = collect_garbage(l);
    (void)st;
    clear_markers(l);
    return true;
}

void unlink_durable(const fs::path& p) {
    unlink_if_exists(p);
    fsync_dir(p.parent_path());
}

namespace {

void prepare_repository(const fs::path& dir) {
    if (dir.empty()) throw Error(Errc::invalid_argument, "empty repository path");
    const Layout l{dir};
    for (const fs::path& d : {l.root, l.packs(), l.index(), l.txns(), l.vms()}) make_directories(d);
    std::error_code ec;
    if (!fs::exists(l.format_file(), ec)) {
        write_file_atomic(l.format_file(), kFormatText);
    } else if (read_file_bounded(l.format_file(), 4096) != kFormatText) {
        throw Error(Errc::corrupted, dir.string() + " is not a backup repository of a known format");
    }
    // Leftovers of operations that died: only when nothing runs right now.
    if (has_stale_markers(l)) {
        try {
            try_collect_garbage(l);
        } catch (const std::exception&) {
            // Cleanup is best effort; the repository stays consistent without it.
        }
    }
}

std::vector<VmEntry> list_vms(const fs::path& root) {
    const Layout l{root};
    std::vector<VmEntry> out;
    // VMs are read on the pool's threads: a listing without caches is mostly
    // opening and parsing small files (docs/backup-engine.md, Limits).
    const std::vector<std::string> vms = list_vm_uuids(l);
    ThreadPool pool(static_cast<unsigned>(std::min<std::size_t>(ThreadPool::default_threads(), vms.size() + 1)));
    std::vector<std::future<std::vector<Chain>>> loads;
    loads.reserve(vms.size());
    for (const std::string& vm : vms) loads.push_back(pool.submit([&l, &vm] { return load_vm_chains(l, vm); }));
    for (std::size_t i = 0; i < vms.size(); ++i) {
        const std::string& vm = vms[i];
        std::vector<Chain> chains = loads[i].get();
        if (chains.empty()) continue;
        VmEntry v;
        v.uuid = vm;
        const ElementMeta* newest = nullptr;  // its name and type describe the VM
        for (const Chain& c : chains) {
            ChainInfo ci;
            ci.uuid = c.uuid;
            ci.full = c.base().info();
            ci.last_number = c.latest().number;
            for (auto it = std::next(c.elements.begin()); it != c.elements.end(); ++it) ci.partials.push_back(it->second.info());
            for (const auto& [n, m] : c.elements)
                if (!newest || m.time >= newest->time) newest = &m;
            v.chains.push_back(std::move(ci));
        }
        v.name = newest->vm_name;
        v.type = newest->vm_type;
        out.push_back(std::move(v));
    }
    return out;
}

}  // namespace

std::unique_ptr<Repository> Repository::open(const fs::path& dir) {
    return guard_errors([&] {
        prepare_repository(dir);
        return std::unique_ptr<Repository>(new LocalRepository(dir));
    });
}

std::vector<VmEntry> LocalRepository::list() const {
    return guard_errors([&] { return list_vms(root_); });
}

}  // namespace prl::backup
