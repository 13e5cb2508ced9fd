#include "backups.h"

#include "store/bundle_files.h"
#include "store/disp_config.h"
#include "store/error.h"
#include "store/file_ops.h"
#include "store/host_identity.h"

#include <algorithm>
#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace prl::service {
namespace {

backup::VmType backup_type(VmType t) { return t == VmType::ct ? backup::VmType::ct : backup::VmType::vm; }

// The name a disk is known by in its backups: its image's file name, made
// unique within the VM.
std::vector<backup::DiskSource> disk_sources(const VmConfig& config) {
    std::vector<backup::DiskSource> disks;
    std::set<std::string> used;
    for (const HardDisk& d : config.hard_disks) {
        std::string name = fs::path(d.image_path).filename().string();
        if (name.empty()) name = "harddisk" + std::to_string(d.index) + ".hdd";
        while (!used.insert(name).second) name = std::to_string(d.index) + "-" + name;
        disks.push_back({name, d.image_path});
    }
    return disks;
}

struct Found {
    const backup::VmEntry* vm = nullptr;
    const backup::ElementInfo* element = nullptr;
};

Found find_element(const std::vector<backup::VmEntry>& vms, const std::string& id) {
    for (const auto& vm : vms)
        for (const auto& chain : vm.chains) {
            if (chain.full.id == id) return {&vm, &chain.full};
            for (const auto& p : chain.partials)
                if (p.id == id) return {&vm, &p};
        }
    throw backup::Error(backup::Errc::not_found, "no backup " + id);
}

Found latest_element(const std::vector<backup::VmEntry>& vms, const std::string& vm_uuid) {
    for (const auto& vm : vms) {
        if (vm.uuid != vm_uuid || vm.chains.empty()) continue;
        const backup::ChainInfo& chain = vm.chains.back();  // chains are sorted by time
        return {&vm, chain.partials.empty() ? &chain.full : &chain.partials.back()};
    }
    throw backup::Error(backup::Errc::not_found, "the VM " + vm_uuid + " has no backup");
}

// Restores a container tree next to `dir` and swaps it in, so that a failed
// or cancelled restore leaves the old tree as it was.
void restore_tree_in_place(const backup::Repository& repo, const std::string& id, const fs::path& dir,
                           const backup::Progress& progress) {
    const fs::path fresh = dir.string() + ".restoring";
    const fs::path old = dir.string() + ".replaced";
    std::error_code ec;
    fs::remove_all(fresh, ec);
    fs::remove_all(old, ec);
    backup::RestoreTarget target;
    target.directory = fresh;
    try {
        repo.restore(id, target, progress);
    } catch (...) {
        fs::remove_all(fresh, ec);
        throw;
    }
    fs::rename(dir, old);
    fs::rename(fresh, dir);
    fs::remove_all(old, ec);
}

}  // namespace

fs::path default_backup_directory(const StateRoot& root) {
    return DispConfigStore(root)
        .common_prefs()
        .tree.text_at("BackupTargetPreferences/DefaultBackupDirectory")
        .value_or(root.default_backup_dir().string());
}

namespace {
std::mutex g_opener_mutex;
BackupNodeOpener g_opener;
}  // namespace

void set_backup_node_opener(BackupNodeOpener opener) {
    std::lock_guard<std::mutex> lock(g_opener_mutex);
    g_opener = std::move(opener);
}

std::shared_ptr<backup::Repository> Backups::repository(const BackupPlace& place) {
    if (place.on_node()) {
        BackupNodeOpener opener;
        {
            std::lock_guard<std::mutex> lock(g_opener_mutex);
            opener = g_opener;
        }
        if (!opener) throw Error(Errc::unimplemented, "this program cannot reach a backup node");
        return opener(place);
    }
    // No directory given: the server's default backup directory (common
    // preferences, BackupTargetPreferences/DefaultBackupDirectory), which is
    // the root's backups/ unless prlsrvctl set --backup-path changed it.
    const std::string& directory = place.directory;
    fs::path dir = directory.empty() ? default_backup_directory(inventory_.root()) : fs::path(directory);
    if (!dir.is_absolute()) throw Error(Errc::invalid_argument, "a backup directory must be an absolute path");
    dir = dir.lexically_normal();
    std::lock_guard<std::mutex> lock(mutex_);
    auto& repo = repositories_[dir.string()];
    if (!repo) repo = backup::Repository::open(dir);
    return repo;
}

std::string Backups::create(const BackupRequest& request, const backup::Progress& progress) {
    const VmRecord record = inventory_.get_config(request.vm_uuid);
    backup::Source source;
    source.vm_uuid = record.entry.uuid;
    source.vm_name = record.entry.name;
    source.type = backup_type(record.entry.type);
    if (record.entry.type == VmType::ct)
        source.ct_root = record.entry.bundle;
    else
        source.disks = disk_sources(record.config);
    // The configuration as stored (docs/backup-service.md), brought back by a restore.
    source.config = read_file_bounded(record.entry.bundle / "config.pvs", max_config_pvs_bytes);
    backup::CreateOptions options;
    options.kind = request.kind;
    options.compress = request.compress;
    options.description = request.description;
    options.creator = current_user_name();
    options.host = host_name();
    options.server_uuid = inventory_.root().server_uuid();
    options.flags = request.flags;
    return repository(request.place)->create(source, options, progress);
}

std::vector<backup::VmEntry> Backups::list(const BackupPlace& place) {
    return repository(place)->list();
}

RestoreOutcome Backups::restore(const RestoreRequest& request, const backup::Progress& progress) {
    const std::shared_ptr<backup::Repository> held = repository(request.place);
    const backup::Repository& repo = *held;
    const std::vector<backup::VmEntry> vms = repo.list();
    if (request.backup_id.empty() && request.vm_uuid.empty())
        throw Error(Errc::invalid_argument, "restore needs a backup id or a VM UUID");
    const Found found =
        request.backup_id.empty() ? latest_element(vms, request.vm_uuid) : find_element(vms, request.backup_id);
    if (!request.vm_uuid.empty() && found.vm->uuid != request.vm_uuid)
        throw backup::Error(backup::Errc::not_found, "backup " + found.element->id + " is not of VM " + request.vm_uuid);

    const bool original_registered = inventory_.find_by_uuid(found.vm->uuid).has_value();
    const bool new_vm =
        request.to_copy || !request.target_name.empty() || !request.target_home.empty() || !original_registered;
    if (new_vm) return restore_new(*found.vm, *found.element, request, repo, progress);
    return restore_over(*found.vm, *found.element, repo, progress);
}

RestoreOutcome Backups::restore_over(const backup::VmEntry& vm, const backup::ElementInfo& element,
                                     const backup::Repository& repo, const backup::Progress& progress) {
    const VmRecord record = inventory_.get_config(vm.uuid);
    if (record.entry.state != VmState::stopped)
        throw Error(Errc::restore_running, "the VM " + vm.uuid + " must be stopped to restore over it");
    // The backed-up configuration, verified and parsed before anything is
    // touched (elements of older repositories have none: disks only).
    std::optional<VmConfig> backed;
    if (auto text = repo.read_config(element.id)) {
        backed = bundle_config_from_text(record.entry.bundle, *text);
        if (backed->type != record.entry.type)
            throw backup::Error(backup::Errc::vm_mismatch, "backup " + element.id + " is of another VM type");
    }
    if (record.entry.type == VmType::ct) {
        restore_tree_in_place(repo, element.id, record.entry.bundle, progress);
    } else {
        // Each backed-up disk goes back to the image it came from (or, when the
        // configuration no longer has it, to where the backed-up configuration
        // had it, or to a file of that name in the bundle).
        std::map<std::string, fs::path> current, kept;
        for (const auto& d : disk_sources(record.config)) current[d.name] = d.path;
        if (backed)
            for (const auto& d : disk_sources(*backed)) kept[d.name] = d.path;
        backup::RestoreTarget target;
        for (const backup::DiskInfo& d : element.disks) {
            auto it = current.find(d.name);
            auto k = kept.find(d.name);
            target.disks[d.name] = it != current.end() ? it->second
                                   : k != kept.end()   ? k->second
                                                       : record.entry.bundle / d.name;
        }
        repo.restore(element.id, target, progress);
        if (backed) {  // its disks are the images just restored
            const std::vector<backup::DiskSource> names = disk_sources(*backed);
            for (size_t i = 0; i < backed->hard_disks.size(); ++i) {
                auto t = target.disks.find(names[i].name);
                if (t == target.disks.end()) continue;
                HardDisk& disk = backed->hard_disks[i];
                if (disk.friendly_name == disk.image_path) disk.friendly_name = t->second.string();
                disk.image_path = t->second.string();
            }
        }
    }
    if (backed) inventory_.replace_config(vm.uuid, std::move(*backed));
    return {vm.uuid, false};
}

RestoreOutcome Backups::restore_new(const backup::VmEntry& vm, const backup::ElementInfo& element,
                                    const RestoreRequest& request, const backup::Repository& repo,
                                    const backup::Progress& progress) {
    // The new VM's configuration: the backed-up one when the backup kept it
    // (as the product restores it); else the original's when it is still
    // registered, else one rebuilt from what the backup records (name, type, disks).
    VmConfig config;
    const std::optional<std::string> text = repo.read_config(element.id);
    const bool original_registered = inventory_.find_by_uuid(vm.uuid).has_value();
    std::vector<HardDisk> disks;
    if (text) {
        config = from_config_pvs(*text);
        if (config.type != (vm.type == backup::VmType::ct ? VmType::ct : VmType::vm))
            throw backup::Error(backup::Errc::vm_mismatch, "backup " + element.id + " is of another VM type");
        // Its disks, each at its backup name in the new bundle.
        const std::vector<backup::DiskSource> names = disk_sources(config);
        for (size_t i = 0; i < config.hard_disks.size(); ++i) {
            HardDisk disk = config.hard_disks[i];
            bool in_backup = false;
            for (const backup::DiskInfo& d : element.disks) in_backup = in_backup || d.name == names[i].name;
            if (!in_backup) continue;
            if (disk.friendly_name == disk.image_path) disk.friendly_name = names[i].name;
            disk.image_path = names[i].name;
            disks.push_back(std::move(disk));
        }
    } else if (original_registered) {
        config = inventory_.get_config(vm.uuid).config;
    } else {
        config = make_default_config(config.os_version, false);
        config.type = vm.type == backup::VmType::ct ? VmType::ct : VmType::vm;
    }
    if (!request.target_name.empty()) config.name = request.target_name;
    else if (!text || config.name.empty()) config.name = vm.name;
    config.uuid = (request.to_copy || original_registered) ? std::string() : vm.uuid;
    config.home_path.clear();
    // The backed-up configuration's disks keep their settings and indices;
    // a backed-up disk it does not describe gets a plain one. (A container's
    // disks, if any, live in its tree and come back with it.)
    if (!(text && config.type == VmType::ct)) config.hard_disks = std::move(disks);
    unsigned next_index = 0;
    for (const HardDisk& h : config.hard_disks) next_index = std::max(next_index, h.index + 1);
    for (const backup::DiskInfo& d : element.disks) {
        if (std::any_of(config.hard_disks.begin(), config.hard_disks.end(),
                        [&](const HardDisk& h) { return h.image_path == d.name; }))
            continue;
        HardDisk disk;
        disk.index = next_index++;
        disk.image_path = d.name;  // inside the new bundle
        disk.size_mib = (d.size + (1u << 20) - 1) >> 20;
        config.hard_disks.push_back(disk);
    }
    // The new VM is built aside and registered only once its contents are
    // restored and verified: a failed, cancelled or killed restore leaves no VM.
    const VmEntry created = inventory_.create_filled(
        config, request.target_home, [&](const fs::path& staging, const VmConfig& staged) {
            if (staged.type == VmType::ct) {
                restore_tree_in_place(repo, element.id, staging, progress);  // its config.pvs is rewritten after
                return;
            }
            backup::RestoreTarget target;
            for (const HardDisk& d : staged.hard_disks)
                target.disks[fs::path(d.image_path).filename().string()] = d.image_path;
            repo.restore(element.id, target, progress);
        });
    return {created.uuid, true};
}

void Backups::remove(const BackupPlace& place, const std::string& vm_uuid, const std::string& id, bool keep_chain) {
    const std::shared_ptr<backup::Repository> held = repository(place);
    backup::Repository& repo = *held;
    if (!id.empty()) {
        repo.remove(id, keep_chain);
        return;
    }
    if (vm_uuid.empty()) throw Error(Errc::invalid_argument, "remove needs a backup id or a VM UUID");
    latest_element(repo.list(), vm_uuid);  // not_found when the VM has no backup
    repo.remove_all(vm_uuid);
}

}  // namespace prl::service
