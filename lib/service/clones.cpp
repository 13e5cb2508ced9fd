#include "clones.h"

#include "external_backup.h"

#include "store/bundle_files.h"
#include "store/error.h"
#include "store/file_clone.h"
#include "store/file_ops.h"
#include "store/net_address.h"
#include "store/tree_clone.h"

#include <optional>

namespace prl::service {

namespace fs = std::filesystem;

namespace {

constexpr const char* template_path = "Settings/General/IsTemplate";

// A file a writer leaves only while it works (atomic_write_file, clone_file,
// a restore): never part of a clone.
bool is_transient(const fs::path& relative) {
    const std::string name = relative.filename().string();
    if (name.find(".prl-restore-") != std::string::npos) return true;
    return !name.empty() && name[0] == '.' &&
           (name.find(".tmp.") != std::string::npos || name.find(".clone.") != std::string::npos);
}

std::set<std::string> macs_of_all(const Inventory& inventory) {
    std::set<std::string> macs;
    for (const VmEntry& e : inventory.list()) {
        try {
            for (const Device& d : inventory.get_config(e.uuid).config.devices)
                if (d.kind == DeviceKind::network_adapter && !d.mac.empty()) macs.insert(mac_digits(d.mac));
        } catch (const Error&) {
            // Gone or unreadable meanwhile: it holds no address worth avoiding.
        }
    }
    return macs;
}

}  // namespace

bool is_template(const VmConfig& config) { return config.extra.text_at(template_path).value_or("") == "true"; }

VmConfig clone_config(const VmRecord& source, const CloneRequest& request, std::set<std::string>& macs_in_use) {
    VmConfig cfg = source.config;
    cfg.uuid = request.uuid;
    cfg.name = request.name;
    if (request.to_template || cfg.extra.find(template_path))
        cfg.extra.set_text_at(template_path, request.to_template ? "true" : "false");
    for (const char* p : {"Identification/LinkedVmUuid", "Identification/VmUptimeInSeconds",
                          "Identification/VmUptimeStartDateTime"})
        cfg.extra.erase(p);
    for (Device& d : cfg.devices) {
        if (d.kind != DeviceKind::network_adapter || is_venet(d)) continue;
        std::string mac;
        do mac = random_mac();
        while (!macs_in_use.insert(mac).second);
        d.mac = mac;
        d.extra.erase("HostInterfaceName");
        d.extra.erase("StaticAddress");
        if (request.to_template) d.extra.remove_all("NetAddress");
    }
    if (!request.linked_snapshot.empty()) cfg.extra.set_text_at("Identification/LinkedVmUuid", source.entry.uuid);
    make_paths_relative(source.entry.bundle, cfg);
    return cfg;
}

VmEntry clone_vm(Inventory& inventory, const CloneRequest& request) {
    const VmRecord source = inventory.get_config(request.source_uuid);
    std::set<std::string> macs = macs_of_all(inventory);
    const VmConfig cfg = clone_config(source, request, macs);
    const fs::path from = source.entry.bundle;
    // Each disk's relative path, in the order of the configuration.
    std::vector<fs::path> disks;
    for (const HardDisk& d : cfg.hard_disks) disks.push_back(fs::path(d.image_path).lexically_normal());
    const std::set<fs::path> disk_set(disks.begin(), disks.end());

    return inventory.create_filled(cfg, request.parent, [&](const fs::path& staging, const VmConfig& staged) {
        // A snapshot switch rewrites the disks under the bundle's snapshot
        // lock: hold it (shared) so the copy sees them before or after.
        std::optional<FileLock> snapshot_lock;
        if (is_directory_nofollow(from / "Snapshots")) snapshot_lock = acquire_lock(from / "Snapshots" / ".lock", FileLock::Mode::shared);
        // Everything else in the bundle (device files, a container's private
        // area), then each disk over the empty image made for it. Snapshots
        // stay with the source: theirs are its configurations (MACs, disks);
        // so does its external-backup history.
        clone_tree(from, staging, [&](const fs::path& rel) {
            return rel == "config.pvs" || rel == "Snapshots" || rel == "Snapshots.xml" || rel == kExternalBackupDir ||
                   disk_set.count(rel.lexically_normal()) || is_transient(rel);
        });
        // A linked clone's disks are its parent's snapshot (shared extents on
        // a reflink filesystem); a disk the snapshot lacks comes from the live one.
        for (std::size_t i = 0; i < staged.hard_disks.size() && i < disks.size(); ++i) {
            const fs::path base = request.linked_snapshot / disks[i];
            const bool in_snapshot = !request.linked_snapshot.empty() && fs::exists(fs::symlink_status(base));
            replace_with_clone(in_snapshot ? base : from / disks[i], staged.hard_disks[i].image_path);
        }
    });
}

}  // namespace prl::service
