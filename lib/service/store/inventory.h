// The embedded service's inventory of VMs and containers under a state root.
// Several processes may share one root: every call takes the root's lock
// (shared to read, exclusive to change), re-reads the registry, and writes it
// back atomically, so each process sees the others' changes.
#pragma once
#include "registry.h"
#include "state_root.h"
#include "vm_config.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace prl::service {

// A registered VM's configuration together with the registry revision it was
// read at; pass that revision back to update_config.
struct VmRecord {
    VmEntry entry;
    VmConfig config;  // identity from the registry; image paths absolute
};

struct RegisterOptions {
    std::string uuid;              // register under this UUID instead of the file's
    bool regenerate_uuid = false;  // register under a fresh UUID
};

class Inventory {
public:
    explicit Inventory(StateRoot root);
    const StateRoot& root() const { return root_; }

    // Creates a bundle and registers it: <parent>/<name>.pvm for a VM, the
    // private area <parent>/<name> for a container (parent defaults to the
    // root's vms/ or cts/ directory; a caller's parent must be an existing
    // absolute directory). Writes config.pvs and, for each hard disk, a raw
    // sparse image of its size (relative image paths go inside the bundle;
    // an empty one becomes "harddisk<N>.hdd"). An empty UUID gets a new one.
    VmEntry create(VmConfig config, const std::string& parent = {});
    // Like create, but the bundle is built as <bundle>.partial-<pid> and handed
    // to `fill` (with the configuration whose image paths point into it) before
    // it is moved into place and registered: a VM whose contents are still
    // being written (a restore) is never listed, and if `fill` throws or the
    // process dies, no VM appears (leftovers of dead processes are swept).
    using Filler = std::function<void(const std::filesystem::path& staging, const VmConfig& staged)>;
    VmEntry create_filled(VmConfig config, const std::string& parent, const Filler& fill);

    // Registers an existing bundle directory (or its config.pvs). The bundle's
    // files are not modified.
    VmEntry register_bundle(const std::string& path, const RegisterOptions& options = {});

    void unregister(const std::string& uuid);  // keeps the files
    void remove(const std::string& uuid);      // unregisters, then deletes the bundle

    std::vector<VmEntry> list(std::optional<VmType> type = std::nullopt) const;
    std::optional<VmEntry> find_by_uuid(const std::string& uuid) const;
    std::optional<VmEntry> find_by_name(const std::string& name) const;
    std::optional<VmEntry> find(const std::string& uuid_or_name) const;
    VmEntry get(const std::string& uuid) const;  // throws not_found

    VmRecord get_config(const std::string& uuid) const;
    // Stores `config` if the entry is still at `based_on_revision` (else
    // edit_conflict); bumps the revision. Renames must stay unique. New hard
    // disks whose image does not exist yet get a sparse image.
    VmEntry update_config(const std::string& uuid, const VmConfig& config, std::uint64_t based_on_revision);

    // Stores `config` as the VM's configuration whatever was saved meanwhile,
    // keeping the VM's identity (UUID, current name, type): a restore or a
    // snapshot switch. An edit landing between the read and the write
    // (another process) is retried against the newer revision.
    VmEntry replace_config(const std::string& uuid, VmConfig config);

    VmState power_state(const std::string& uuid) const;
    void set_power_state(const std::string& uuid, VmState state);
    // Sets `next` only if the state is still `expected`; false otherwise.
    bool compare_and_set_power_state(const std::string& uuid, VmState expected, VmState next);

private:
    // A new VM's checked configuration, parent directory and bundle path.
    struct NewBundle {
        VmConfig config;
        std::filesystem::path parent, bundle;
    };
    NewBundle prepare_new(VmConfig config, const std::string& parent) const;

    StateRoot root_;
};

}  // namespace prl::service
