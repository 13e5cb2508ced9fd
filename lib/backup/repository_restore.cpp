// Repository::restore — rebuilds into temp files beside the targets and
// renames them into place only when every block has been verified.
#include "container_tree.h"
#include "disk_image.h"
#include "local_repository.h"
#include "error_guard.h"
#include "repository_common.h"
#include "staged_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace prl::backup {

namespace {
void restore_element(const Layout& l, const std::string& id_str, const RestoreTarget& target, const Progress& progress) {
    const BackupId id = require_backup_id(id_str);
    // Shared: garbage collection cannot delete packs while we read them.
    auto store_lock = l.store().lock(l.store_lock(), LockMode::shared, true);
    auto loc = find_chain(l, id.chain);
    if (!loc || !loc->chain.elements.count(id.number)) throw Error(Errc::not_found, "no backup " + id.str());
    const Chain& chain = loc->chain;
    const ElementMeta& m = chain.elements.at(id.number);
    if (m.vm_type == VmType::vm) {
        if (target.disks.empty()) throw Error(Errc::vm_mismatch, "backup " + id.str() + " is a VM backup: name its disks");
        uint64_t total = 0;
        std::vector<const DiskRecord*> records;
        for (const auto& [name, path] : target.disks) {
            const DiskRecord* rec = nullptr;
            for (const auto& d : m.disks)
                if (d.name == name) rec = &d;
            if (!rec) throw Error(Errc::vm_mismatch, "backup " + id.str() + " has no disk '" + name + "'");
            check_target_parent(path);
            records.push_back(rec);
            total += rec->size;
        }
        ProgressReporter pr(progress, total);
        ThreadPool pool(ThreadPool::default_threads());
        PackCachePool packs(l.store(), l.packs());
        StagedFiles staged;
        size_t i = 0;
        for (const auto& [name, path] : target.disks) {
            const DiskRecord& rec = *records[i++];
            UniqueFd fd = staged.stage(path);
            const std::string what = "backup " + id.str() + " disk '" + name + "'";
            std::unique_ptr<LayeredView> view = open_disk_view(l.store(), chain, id.number, name);
            restore_image(*view, rec.size, fd.get(), packs, pool, pr, what);
        }
        staged.commit();
        pr.done();
        return;
    }

    // Container.
    if (target.directory.empty()) throw Error(Errc::vm_mismatch, "backup " + id.str() + " is a container backup: give a directory");
    ProgressReporter pr(progress, m.original_size);
    PackCache packs(l.store(), l.packs());
    const std::string what = "backup " + id.str();
    PackTreeBlocks blocks(packs, what);
    restore_tree_into(target.directory, [&] {
        return std::make_unique<ManifestReader>(l.store(), Layout::join(chain.dir, m.tree_file), m.tree_digest, what);
    }, blocks, pr);
    pr.done();
}

}  // namespace

void LocalRepository::restore(const std::string& id, const RestoreTarget& target, const Progress& progress) const {
    guard_errors([&] { restore_element(layout_, id, target, progress); });
}

namespace {
std::optional<std::string> read_element_config(const Layout& l, const std::string& id_str) {
    const BackupId id = require_backup_id(id_str);
    auto store_lock = l.store().lock(l.store_lock(), LockMode::shared, true);
    auto loc = find_chain(l, id.chain);
    if (!loc || !loc->chain.elements.count(id.number)) throw Error(Errc::not_found, "no backup " + id.str());
    const ElementMeta& m = loc->chain.elements.at(id.number);
    if (m.config_file.empty()) return std::nullopt;
    const std::string what = "backup " + id.str() + " configuration";
    std::optional<std::string> stored;
    try {
        stored = l.store().get(Layout::join(loc->chain.dir, m.config_file), kMaxConfigBytes);
    } catch (const Error& e) {
        throw Error(e.code() == Errc::not_found ? Errc::corrupted : e.code(), what + ": " + e.what());
    }
    if (!stored) throw Error(Errc::corrupted, what + " is missing");
    const std::string& text = *stored;
    Sha256 sha;
    if (text.size() != m.config_size || sha.digest(text.data(), text.size()) != m.config_digest)
        throw Error(Errc::corrupted, what + " is damaged (size or SHA-256 differs)");
    return text;
}
}  // namespace

std::optional<std::string> LocalRepository::read_config(const std::string& id) const {
    return guard_errors([&] { return read_element_config(layout_, id); });
}

}  // namespace prl::backup
