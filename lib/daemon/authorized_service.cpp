#include "authorized_service.h"

#include "store/error.h"


namespace prl::daemon {
namespace {

using namespace service;

// PRL_VM_ACCESS_FOR_OTHERS (PrlEnums.h), as config.pvs stores it.
enum class Access { none = 0, view = 1, view_and_run = 2, full = 3 };

class AuthorizedService final : public Service {
public:
    AuthorizedService(std::shared_ptr<Service> inner, std::string user, std::string owner_of_unowned)
        : inner_(std::move(inner)), user_(std::move(user)), unowned_(std::move(owner_of_unowned)) {}

    HostFacts host_facts() const override { return inner_->host_facts(); }
    std::string new_session() override { return inner_->new_session(); }

    std::vector<VmEntry> list(std::optional<VmType> type) const override {
        std::vector<VmEntry> out;
        for (auto& e : inner_->list(type))
            if (access_to(e.uuid) >= Access::view) out.push_back(std::move(e));
        return out;
    }
    std::optional<VmEntry> find(const std::string& uuid_or_name) const override {
        auto e = inner_->find(uuid_or_name);
        if (e && access_to(e->uuid) < Access::view) return std::nullopt;
        return e;
    }
    VmRecord config(const std::string& uuid) const override {
        VmRecord r = inner_->config(uuid);
        if (access_of(r.config) < Access::view) throw unknown(uuid);
        return r;
    }
    VmEntry create(VmConfig config, const std::string& parent) override {
        no_path(parent, "a new VM's parent directory");
        config.extra.set_text_at("Security/Owner", user_);  // the creator's
        return inner_->create(std::move(config), parent);
    }
    VmEntry register_bundle(const std::string&, const RegisterOptions&) override {
        throw Error(Errc::access_denied, "registering a bundle names a path of the daemon's: an administrator's call");
    }
    void unregister(const std::string& uuid) override {
        require(uuid, Access::full);
        inner_->unregister(uuid);
    }
    void remove(const std::string& uuid) override {
        require(uuid, Access::full);
        inner_->remove(uuid);
    }
    VmEntry update_config(const std::string& uuid, const VmConfig& config, std::uint64_t revision) override {
        const VmRecord now = inner_->config(uuid);
        require_on(now.config, uuid, Access::full);
        // Only the owner shares the VM, and nobody gives it away but an administrator.
        VmConfig changed = config;
        changed.extra.set_text_at("Security/Owner", owner_of(now.config));
        if (owner_of(now.config) != user_)
            changed.extra.set_text_at("Security/AccessForOthers",
                                      now.config.extra.text_at("Security/AccessForOthers").value_or("0"));
        return inner_->update_config(uuid, changed, revision);
    }
    VmEntry clone(const CloneRequest& request) override {
        require(request.source_uuid, Access::full);
        no_path(request.parent, "a clone's parent directory");
        return make_mine(inner_->clone(request));
    }
    VmEntry linked_clone(CloneRequest request, const std::string& snapshot_id) override {
        require(request.source_uuid, Access::full);
        no_path(request.parent, "a clone's parent directory");
        return make_mine(inner_->linked_clone(std::move(request), snapshot_id));
    }
    VmEntry move(const std::string&, const std::string&) override {
        throw Error(Errc::access_denied, "moving a VM names a path of the daemon's: an administrator's call");
    }
    VmState power_state(const std::string& uuid) const override {
        require(uuid, Access::view);
        return inner_->power_state(uuid);
    }
    bool compare_and_set_power_state(const std::string& uuid, VmState expected, VmState next) override {
        require(uuid, Access::view_and_run);
        return inner_->compare_and_set_power_state(uuid, expected, next);
    }

    std::string create_backup(const BackupRequest& request, const backup::Progress& progress) override {
        no_path(request.place.directory, "a backup directory");
        require(request.vm_uuid, Access::full);
        return inner_->create_backup(request, progress);
    }
    std::vector<backup::VmEntry> list_backups(const BackupPlace& place) override {
        no_path(place.directory, "a backup directory");
        std::vector<backup::VmEntry> out;
        for (auto& vm : inner_->list_backups(place))
            if (exists(vm.uuid) && access_to(vm.uuid) >= Access::view) out.push_back(std::move(vm));
        return out;
    }
    RestoreOutcome restore_backup(const RestoreRequest& request, const backup::Progress& progress) override {
        no_path(request.place.directory, "a backup directory");
        no_path(request.target_home, "a restored VM's parent directory");
        // The backup's VM must be one the user may change, as for a backup.
        require(request.vm_uuid.empty() ? vm_of_backup(request.backup_id) : request.vm_uuid, Access::full);
        RestoreOutcome outcome = inner_->restore_backup(request, progress);
        if (outcome.new_vm) make_mine(inner_->config(outcome.vm_uuid).entry);
        return outcome;
    }
    void remove_backup(const BackupPlace& place, const std::string& vm_uuid, const std::string& id,
                       bool keep_chain) override {
        no_path(place.directory, "a backup directory");
        require(vm_uuid.empty() ? vm_of_backup(id) : vm_uuid, Access::full);
        inner_->remove_backup(place, vm_uuid, id, keep_chain);
    }
    std::shared_ptr<ExternalBackup> begin_external_backup(const std::string& vm_uuid, bool keep_hashes) override {
        require(vm_uuid, Access::full);
        return inner_->begin_external_backup(vm_uuid, keep_hashes);
    }

    std::string create_snapshot(const std::string& uuid, const std::string& name,
                                const std::string& description) override {
        require(uuid, Access::full);
        return inner_->create_snapshot(uuid, name, description);
    }
    SnapshotTree snapshot_tree(const std::string& uuid) override {
        require(uuid, Access::view);
        return inner_->snapshot_tree(uuid);
    }
    SnapshotSwitch switch_to_snapshot(const std::string& uuid, const std::string& id) override {
        require(uuid, Access::full);
        return inner_->switch_to_snapshot(uuid, id);
    }
    std::vector<std::string> delete_snapshot(const std::string& uuid, const std::string& id,
                                             bool with_children) override {
        require(uuid, Access::full);
        return inner_->delete_snapshot(uuid, id, with_children);
    }
    void update_snapshot(const std::string& uuid, const std::string& id, const std::string& name,
                         const std::string& description) override {
        require(uuid, Access::full);
        inner_->update_snapshot(uuid, id, name, description);
    }

    XmlTree network_config() const override { return inner_->network_config(); }
    XmlTree update_network_config(const std::function<void(XmlTree&)>&) override { throw admins_only("the networks"); }
    DispSection common_prefs() const override { return inner_->common_prefs(); }
    bool update_common_prefs(const XmlTree&, std::uint64_t) override { throw admins_only("the preferences"); }
    std::vector<XmlTree> users() const override { return inner_->users(); }
    DispSection current_user() const override { return inner_->current_user(); }
    bool update_user(const XmlTree&, std::uint64_t) override { throw admins_only("the users' profiles"); }

private:
    static Error unknown(const std::string& uuid) { return Error(Errc::not_found, "no VM " + uuid); }
    static Error admins_only(const std::string& what) {
        return Error(Errc::access_denied, "only an administrator changes " + what);
    }
    static void no_path(const std::string& path, const char* what) {
        if (!path.empty()) throw Error(Errc::access_denied, std::string("only an administrator names ") + what);
    }

    std::string owner_of(const VmConfig& c) const {
        const auto owner = c.extra.text_at("Security/Owner");
        return owner && !owner->empty() ? *owner : unowned_;
    }
    Access access_of(const VmConfig& c) const {
        if (owner_of(c) == user_) return Access::full;
        const std::string level = c.extra.text_at("Security/AccessForOthers").value_or("0");
        if (level == "1") return Access::view;
        if (level == "2") return Access::view_and_run;
        if (level == "3") return Access::full;
        return Access::none;
    }
    Access access_to(const std::string& uuid) const {
        try {
            return access_of(inner_->config(uuid).config);
        } catch (const Error& e) {
            if (e.code() == Errc::not_found) return Access::none;
            throw;
        }
    }
    bool exists(const std::string& uuid) const { return inner_->find(uuid).has_value(); }
    // Not visible: it does not exist for this user; visible: allowed or not.
    void require_on(const VmConfig& c, const std::string& uuid, Access needed) const {
        const Access a = access_of(c);
        if (a < Access::view) throw unknown(uuid);
        if (a < needed) throw Error(Errc::access_denied, "the VM " + uuid + " is shared with " + user_ + " for less than that");
    }
    void require(const std::string& uuid, Access needed) const {
        if (uuid.empty()) throw unknown(uuid);
        require_on(inner_->config(uuid).config, uuid, needed);
    }
    // The VM a backup id belongs to ("{vm}.N" or a bare id) in the default repository.
    std::string vm_of_backup(const std::string& id) const {
        for (const auto& vm : inner_->list_backups(BackupPlace{})) {
            for (const auto& chain : vm.chains) {
                if (chain.full.id == id) return vm.uuid;
                for (const auto& element : chain.partials)
                    if (element.id == id) return vm.uuid;
            }
        }
        throw Error(Errc::not_found, "no backup " + id);
    }
    // A VM this user just made (a clone, a restored copy) is theirs.
    VmEntry make_mine(const VmEntry& made) {
        VmRecord r = inner_->config(made.uuid);
        if (owner_of(r.config) == user_) return made;
        r.config.extra.set_text_at("Security/Owner", user_);
        r.config.extra.set_text_at("Security/AccessForOthers", "0");
        return inner_->update_config(made.uuid, r.config, r.entry.revision);
    }

    std::shared_ptr<Service> inner_;
    std::string user_, unowned_;
};

}  // namespace

std::shared_ptr<Service> authorized_service(std::shared_ptr<Service> inner, std::string user,
                                            std::string owner_of_unowned) {
    return std::make_shared<AuthorizedService>(std::move(inner), std::move(user), std::move(owner_of_unowned));
}

}  // namespace prl::daemon
