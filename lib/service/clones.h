// Clones of VMs and containers (PrlVm_Clone*, docs/clones.md): a new bundle
// holding the same bytes, under a new identity, registered only once complete.
#pragma once

#include "store/inventory.h"

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace prl::service {

struct CloneRequest {
    std::string source_uuid;
    std::string name;
    std::string uuid;          // empty: a new UUID
    std::string parent;        // empty: the default directory of its type
    bool to_template = false;  // PCVF_CLONE_TO_TEMPLATE: the clone is a template; else a normal VM
    // PCVF_LINKED_CLONE: the disks are copied from this snapshot of the
    // source (a directory made by Snapshots::create), and the clone records
    // the source as its parent (LinkedVmUuid).
    std::filesystem::path linked_snapshot;
};

// "Settings/General/IsTemplate" of config.pvs (PrlVmCfg_IsTemplate).
bool is_template(const VmConfig& config);

// The clone's configuration, made from the source's as the product makes it:
// the request's name and UUID, a template only if asked, every network
// adapter a new MAC (none in `macs_in_use`, which gains them) and no
// interface name or static-address mark derived from the old one (a template
// also loses its adapters' IP addresses), no link to a parent VM, no uptime.
// Paths inside the source bundle become bundle-relative, so they name the
// clone's own copies.
VmConfig clone_config(const VmRecord& source, const CloneRequest& request, std::set<std::string>& macs_in_use);

// Builds the clone beside its final place (Inventory::create_filled): the
// source bundle's files are copied with clone_file (reflink where the
// filesystem shares extents, else only the data extents), its config.pvs
// written anew; then it is moved into place and registered. A failure or a
// kill leaves no VM registered and no staging directory once swept.
VmEntry clone_vm(Inventory& inventory, const CloneRequest& request);

}  // namespace prl::service
