// LocalService: the embedded service. A thin layer over the inventory (which
// owns locking and durability), plus the facts about this host.
#include "service.h"

#include "backup/ids.h"

#include <mutex>
#include <map>

#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

namespace prl::service {
namespace {

std::uint64_t seconds_now() { return static_cast<std::uint64_t>(::time(nullptr)); }

std::uint64_t monotonic_us() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000u + static_cast<std::uint64_t>(ts.tv_nsec) / 1000u;
}

class LocalService final : public Service {
public:
    explicit LocalService(StateRoot root)
        : inventory_(std::move(root)), backups_(inventory_), snapshots_(inventory_), networks_(inventory_.root()),
          dispatcher_(inventory_.root()), started_(seconds_now()), started_monotonic_(monotonic_us()) {}

    HostFacts host_facts() const override {
        HostFacts f;
        f.server_uuid = inventory_.root().server_uuid();
        utsname u{};
        if (uname(&u) == 0) {
            f.host_name = u.nodename;
            f.os_version = std::string(u.sysname) + " " + u.release + " " + u.machine;
        }
        f.product_version = PRLSHIM_PRODUCT_VERSION;
        const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
        f.ram_mib = pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page) >> 20 : 0;
        const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        f.cpu_count = cpus > 0 ? static_cast<std::uint32_t>(cpus) : 1;
        f.start_time = started_;
        f.start_time_monotonic = started_monotonic_;
        return f;
    }

    std::string new_session() override { return backup::new_uuid(); }

    std::vector<VmEntry> list(std::optional<VmType> type) const override { return inventory_.list(type); }
    std::optional<VmEntry> find(const std::string& key) const override { return inventory_.find(key); }
    VmRecord config(const std::string& uuid) const override { return inventory_.get_config(uuid); }
    VmEntry create(VmConfig config, const std::string& parent) override {
        return inventory_.create(std::move(config), parent);
    }
    VmEntry register_bundle(const std::string& path, const RegisterOptions& options) override {
        return inventory_.register_bundle(path, options);
    }
    void unregister(const std::string& uuid) override { inventory_.unregister(uuid); }
    void remove(const std::string& uuid) override { inventory_.remove(uuid); }
    VmEntry update_config(const std::string& uuid, const VmConfig& config, std::uint64_t revision) override {
        return inventory_.update_config(uuid, config, revision);
    }
    VmEntry clone(const CloneRequest& request) override { return clone_vm(inventory_, request); }
    VmEntry linked_clone(CloneRequest request, const std::string& snapshot_id) override {
        request.linked_snapshot = snapshots_.files_of(request.source_uuid, snapshot_id);
        return clone_vm(inventory_, request);
    }
    VmEntry move(const std::string& uuid, const std::string& new_parent) override {
        return inventory_.move_bundle(uuid, new_parent);
    }
    VmState power_state(const std::string& uuid) const override { return inventory_.power_state(uuid); }
    bool compare_and_set_power_state(const std::string& uuid, VmState expected, VmState next) override {
        return inventory_.compare_and_set_power_state(uuid, expected, next);
    }

    std::string create_backup(const BackupRequest& request, const backup::Progress& progress) override {
        return backups_.create(request, progress);
    }
    std::vector<backup::VmEntry> list_backups(const BackupPlace& place) override { return backups_.list(place); }
    RestoreOutcome restore_backup(const RestoreRequest& request, const backup::Progress& progress) override {
        return backups_.restore(request, progress);
    }
    void remove_backup(const BackupPlace& place, const std::string& vm_uuid, const std::string& id,
                       bool keep_chain) override {
        backups_.remove(place, vm_uuid, id, keep_chain);
    }

    std::shared_ptr<ExternalBackup> begin_external_backup(const std::string& vm_uuid, bool keep_hashes) override {
        VmRecord record = inventory_.get_config(vm_uuid);
        return ExternalBackup::begin(record.entry, record.config, keep_hashes);
    }

    std::string create_snapshot(const std::string& uuid, const std::string& name,
                                const std::string& description) override {
        return snapshots_.create(uuid, name, description);
    }
    SnapshotTree snapshot_tree(const std::string& uuid) override { return snapshots_.tree(uuid); }
    SnapshotSwitch switch_to_snapshot(const std::string& uuid, const std::string& id) override {
        return snapshots_.switch_to(uuid, id);
    }
    std::vector<std::string> delete_snapshot(const std::string& uuid, const std::string& id,
                                             bool with_children) override {
        return snapshots_.remove(uuid, id, with_children);
    }
    void update_snapshot(const std::string& uuid, const std::string& id, const std::string& name,
                         const std::string& description) override {
        snapshots_.update(uuid, id, name, description);
    }

    XmlTree network_config() const override { return networks_.read(); }
    XmlTree update_network_config(const std::function<void(XmlTree&)>& change) override {
        return networks_.update(change);
    }
    DispSection common_prefs() const override { return dispatcher_.common_prefs(); }
    bool update_common_prefs(const XmlTree& prefs, std::uint64_t based_on) override {
        return dispatcher_.update_common_prefs(prefs, based_on);
    }
    std::vector<XmlTree> users() const override { return dispatcher_.users(); }
    DispSection current_user() const override { return dispatcher_.current_user(); }
    bool update_user(const XmlTree& user, std::uint64_t based_on) override {
        return dispatcher_.update_user(user, based_on);
    }

private:
    Inventory inventory_;
    Backups backups_;
    Snapshots snapshots_;
    NetworkConfigFile networks_;
    DispConfigStore dispatcher_;
    const std::uint64_t started_;
    const std::uint64_t started_monotonic_;
};

}  // namespace

std::shared_ptr<Service> local_service() {
    // One service per state root: $PRLSHIM_HOME may differ between logins.
    static std::mutex mutex;
    static std::map<std::string, std::weak_ptr<Service>> services;
    const std::string path = StateRoot::resolve_path().string();
    std::lock_guard<std::mutex> lock(mutex);
    if (auto existing = services[path].lock()) return existing;
    auto created = std::make_shared<LocalService>(StateRoot::open());
    services[path] = created;
    return created;
}

}  // namespace prl::service
