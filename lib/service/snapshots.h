// The embedded service's snapshots of a VM (docs/snapshots.md). A snapshot is
// a directory <bundle>/Snapshots/<uuid>/ holding the VM's config.pvs and a
// copy of each hard-disk image, taken by clone_file (a reflink where the
// filesystem shares extents, else a copy of the data extents); the tree is
// <bundle>/Snapshots.xml in the product's format. Every change is made under
// the bundle's snapshot lock and is crash-safe: a snapshot is listed only
// once complete, and a switch is journalled and finished by the next
// snapshot operation on that VM if the process died during it.
#pragma once

#include "store/inventory.h"
#include "store/snapshot_tree.h"

#include <string>
#include <vector>

namespace prl::service {

struct SnapshotSwitch {
    std::string vm_state;  // the state recorded in the snapshot ("poweroff", "poweron", ...)
};

class Snapshots {
public:
    explicit Snapshots(Inventory& inventory) : inventory_(inventory) {}

    // Captures the VM's disks and configuration; returns the new snapshot's id.
    // `vm_state` is the VM's power state at that moment (VIRTUAL_MACHINE_STATE).
    std::string create(const std::string& vm_uuid, const std::string& name, const std::string& description);
    SnapshotTree tree(const std::string& vm_uuid);
    // Brings the disks back bit-exact and the configuration as it was (with
    // the VM's current identity); the snapshot becomes current.
    SnapshotSwitch switch_to(const std::string& vm_uuid, const std::string& id);
    // Removes a snapshot (or its whole branch) and frees what only it held.
    // Returns the ids removed.
    std::vector<std::string> remove(const std::string& vm_uuid, const std::string& id, bool with_children);
    void update(const std::string& vm_uuid, const std::string& id, const std::string& name,
                const std::string& description);

private:
    Inventory& inventory_;
};

}  // namespace prl::service
