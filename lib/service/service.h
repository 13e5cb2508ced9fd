// Service: what the core asks of the place VMs live. LocalService (the
// embedded one, state on local disk) implements it now; a RemoteService
// talking to prlshimd will implement it later. Methods throw
// prl::service::Error (see store/error.h); the core maps them to PRL_RESULT.
#pragma once

#include "backups.h"
#include "clones.h"
#include "external_backup.h"
#include "snapshots.h"
#include "store/disp_config.h"
#include "store/inventory.h"
#include "store/net_config.h"
#include "store/power_state.h"
#include "store/vm_config.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace prl::service {

struct HostFacts {
    std::string server_uuid;      // "{...}", persistent per state root
    std::string host_name;
    std::string os_version;       // e.g. "Linux 6.1.0 x86_64"
    std::string product_version;  // prlshim's version, "9.0.41" style
    std::uint64_t ram_mib = 0;
    std::uint32_t cpu_count = 0;
    std::uint64_t start_time = 0;            // seconds since the epoch, when the service started
    std::uint64_t start_time_monotonic = 0;  // microseconds, CLOCK_MONOTONIC
};

class Service {
public:
    virtual ~Service() = default;

    virtual HostFacts host_facts() const = 0;
    virtual std::string new_session() = 0;  // a session UUID "{...}"

    virtual std::vector<VmEntry> list(std::optional<VmType> type) const = 0;
    virtual std::optional<VmEntry> find(const std::string& uuid_or_name) const = 0;
    virtual VmRecord config(const std::string& uuid) const = 0;
    virtual VmEntry create(VmConfig config, const std::string& parent) = 0;
    virtual VmEntry register_bundle(const std::string& path, const RegisterOptions& options) = 0;
    virtual void unregister(const std::string& uuid) = 0;
    virtual void remove(const std::string& uuid) = 0;
    virtual VmEntry update_config(const std::string& uuid, const VmConfig& config, std::uint64_t revision) = 0;

    // Clones (clones.h) and moves (Inventory::move_bundle); docs/clones.md.
    virtual VmEntry clone(const CloneRequest& request) = 0;
    // A clone whose disks are the source's snapshot `snapshot_id` (made for it).
    virtual VmEntry linked_clone(CloneRequest request, const std::string& snapshot_id) = 0;
    virtual VmEntry move(const std::string& uuid, const std::string& new_parent) = 0;

    virtual VmState power_state(const std::string& uuid) const = 0;
    virtual bool compare_and_set_power_state(const std::string& uuid, VmState expected, VmState next) = 0;

    // Backups (throw prl::backup::Error or prl::service::Error).
    virtual std::string create_backup(const BackupRequest& request, const backup::Progress& progress) = 0;
    virtual std::vector<backup::VmEntry> list_backups(const BackupPlace& place) = 0;
    virtual RestoreOutcome restore_backup(const RestoreRequest& request, const backup::Progress& progress) = 0;
    virtual void remove_backup(const BackupPlace& place, const std::string& vm_uuid,
                               const std::string& id, bool keep_chain) = 0;

    // The external (changed-block) backup of a registered VM: freezes a view
    // of its disks (external_backup.h; docs/external-backup.md).
    virtual std::shared_ptr<ExternalBackup> begin_external_backup(const std::string& vm_uuid, bool keep_hashes) = 0;
    // Snapshots (snapshots.h; throw prl::service::Error).
    virtual std::string create_snapshot(const std::string& uuid, const std::string& name,
                                        const std::string& description) = 0;
    virtual SnapshotTree snapshot_tree(const std::string& uuid) = 0;
    virtual SnapshotSwitch switch_to_snapshot(const std::string& uuid, const std::string& id) = 0;
    virtual std::vector<std::string> delete_snapshot(const std::string& uuid, const std::string& id,
                                                     bool with_children) = 0;
    virtual void update_snapshot(const std::string& uuid, const std::string& id, const std::string& name,
                                 const std::string& description) = 0;

    // The network document (virtual networks, classes, shaping, private
    // networks; docs/virtual-networks.md), and one change to it made under the
    // writers' lock; `change` throws to refuse (the document stays as it was).
    virtual XmlTree network_config() const = 0;
    virtual XmlTree update_network_config(const std::function<void(XmlTree&)>& change) = 0;
    // The dispatcher configuration (store/disp_config.h): common preferences
    // and users. The update calls return false on an edit conflict.
    virtual DispSection common_prefs() const = 0;
    virtual bool update_common_prefs(const XmlTree& prefs, std::uint64_t based_on) = 0;
    virtual std::vector<XmlTree> users() const = 0;
    virtual DispSection current_user() const = 0;
    virtual bool update_user(const XmlTree& user, std::uint64_t based_on) = 0;
};

// The embedded service of the state root ($PRLSHIM_HOME, else the XDG data
// directory); one instance per root and process, shared by every server handle.
std::shared_ptr<Service> local_service();

}  // namespace prl::service
