#include "remote_service.h"

#include "service_codec.h"

#include "store/error.h"

namespace prl::remote {
namespace {

using namespace service;

Record call_of(const char* op) { return Record("call", op); }

class RemoteService final : public Service {
public:
    RemoteService(std::shared_ptr<Connection> c, ServiceFactory disks_here)
        : c_(std::move(c)), disks_here_(std::move(disks_here)) {}

    HostFacts host_facts() const override {
        return decode_host_facts(Record::parse(call(call_of("host_facts")).get("host")));
    }
    std::string new_session() override { return call(call_of("new_session")).get("session"); }

    std::vector<VmEntry> list(std::optional<VmType> type) const override {
        Record q = call_of("list");
        if (type) q.add_uint("type", static_cast<unsigned>(*type));
        return decode_vm_entries(call(q).get("vms"));
    }
    std::optional<VmEntry> find(const std::string& key) const override {
        const Record a = call(call_of("find").add("key", key));
        if (auto vm = a.find("vm")) return decode_vm_entry(Record::parse(*vm));
        return std::nullopt;
    }
    VmRecord config(const std::string& uuid) const override {
        return decode_vm_record(Record::parse(call(call_of("config").add("uuid", uuid)).get("record")));
    }
    VmEntry create(VmConfig config, const std::string& parent) override {
        return entry(call(call_of("create").add("config", encode(config)).add("parent", parent)));
    }
    VmEntry register_bundle(const std::string& path, const RegisterOptions& options) override {
        return entry(call(call_of("register_bundle").add("path", path).add("options", encode(options).xml())));
    }
    void unregister(const std::string& uuid) override { call(call_of("unregister").add("uuid", uuid)); }
    void remove(const std::string& uuid) override { call(call_of("remove").add("uuid", uuid)); }
    VmEntry update_config(const std::string& uuid, const VmConfig& config, std::uint64_t revision) override {
        return entry(call(call_of("update_config").add("uuid", uuid).add("config", encode(config)).add_uint("revision", revision)));
    }
    VmEntry clone(const CloneRequest& request) override {
        return entry(call(call_of("clone").add("request", encode(request).xml())));
    }
    VmEntry linked_clone(CloneRequest request, const std::string& snapshot_id) override {
        return entry(call(call_of("linked_clone").add("request", encode(request).xml()).add("snapshot_id", snapshot_id)));
    }
    VmEntry move(const std::string& uuid, const std::string& new_parent) override {
        return entry(call(call_of("move").add("uuid", uuid).add("new_parent", new_parent)));
    }

    VmState power_state(const std::string& uuid) const override {
        return decode_vm_state(call(call_of("power_state").add("uuid", uuid)).get_int("state"));
    }
    bool compare_and_set_power_state(const std::string& uuid, VmState expected, VmState next) override {
        Record q = call_of("compare_and_set_power_state");
        q.add("uuid", uuid).add_int("expected", static_cast<int>(expected)).add_int("next", static_cast<int>(next));
        return call(q).get_bool("set");
    }

    std::string create_backup(const BackupRequest& request, const backup::Progress& progress) override {
        return call(call_of("create_backup").add("request", encode(request).xml()), progress).get("id");
    }
    std::vector<backup::VmEntry> list_backups(const BackupPlace& place) override {
        std::vector<backup::VmEntry> out;
        Record q = call_of("list_backups");
        add_place(q, place);
        for (const auto& vm : call(q).all("vm"))
            out.push_back(decode_backup_vm(Record::parse(vm)));
        return out;
    }
    RestoreOutcome restore_backup(const RestoreRequest& request, const backup::Progress& progress) override {
        const Record a = call(call_of("restore_backup").add("request", encode(request).xml()), progress);
        return decode_restore_outcome(Record::parse(a.get("outcome")));
    }
    void remove_backup(const BackupPlace& place, const std::string& vm_uuid, const std::string& id,
                       bool keep_chain) override {
        Record q = call_of("remove_backup");
        add_place(q, place);
        q.add("vm_uuid", vm_uuid).add("id", id).add_bool("keep_chain", keep_chain);
        call(q);
    }

    // The view of the disks is made and read where they are: on this
    // machine, by the embedded service of the same root; a client of a
    // daemon elsewhere cannot read them through it yet (docs/protocol.md).
    std::shared_ptr<ExternalBackup> begin_external_backup(const std::string& vm_uuid, bool keep_hashes) override {
        if (disks_here_) return disks_here_()->begin_external_backup(vm_uuid, keep_hashes);
        throw Error(Errc::unimplemented, "external backups are not yet served by a prlshimd on another host");
    }

    std::string create_snapshot(const std::string& uuid, const std::string& name,
                                const std::string& description) override {
        return call(call_of("create_snapshot").add("uuid", uuid).add("name", name).add("description", description)).get("id");
    }
    SnapshotTree snapshot_tree(const std::string& uuid) override {
        return SnapshotTree::from_xml(call(call_of("snapshot_tree").add("uuid", uuid)).get("tree"));
    }
    SnapshotSwitch switch_to_snapshot(const std::string& uuid, const std::string& id) override {
        return {call(call_of("switch_to_snapshot").add("uuid", uuid).add("id", id)).get("vm_state")};
    }
    std::vector<std::string> delete_snapshot(const std::string& uuid, const std::string& id,
                                             bool with_children) override {
        return call(call_of("delete_snapshot").add("uuid", uuid).add("id", id).add_bool("with_children", with_children)).all("id");
    }
    void update_snapshot(const std::string& uuid, const std::string& id, const std::string& name,
                         const std::string& description) override {
        call(call_of("update_snapshot").add("uuid", uuid).add("id", id).add("name", name).add("description", description));
    }

    XmlTree network_config() const override { return decode_xml_tree(call(call_of("network_config")).get("tree")); }
    // The change is made here, on a copy, and committed only if the daemon's
    // document is still the one it was made from; else made again on the newer one.
    XmlTree update_network_config(const std::function<void(XmlTree&)>& change) override {
        for (int attempt = 0; attempt < 16; ++attempt) {
            const XmlTree before = network_config();
            XmlTree after = before;
            change(after);
            const Record a = call(call_of("replace_network_config").add("expected", encode(before)).add("tree", encode(after)));
            if (a.get_bool("replaced")) return decode_xml_tree(a.get("tree"));
        }
        throw Error(Errc::edit_conflict, "the network configuration kept changing while it was edited");
    }
    DispSection common_prefs() const override {
        return decode_disp_section(Record::parse(call(call_of("common_prefs")).get("section")));
    }
    bool update_common_prefs(const XmlTree& prefs, std::uint64_t based_on) override {
        return call(call_of("update_common_prefs").add("tree", encode(prefs)).add_uint("based_on", based_on)).get_bool("updated");
    }
    std::vector<XmlTree> users() const override {
        std::vector<XmlTree> out;
        for (const auto& u : call(call_of("users")).all("user")) out.push_back(decode_xml_tree(u));
        return out;
    }
    DispSection current_user() const override {
        return decode_disp_section(Record::parse(call(call_of("current_user")).get("section")));
    }
    bool update_user(const XmlTree& user, std::uint64_t based_on) override {
        return call(call_of("update_user").add("tree", encode(user)).add_uint("based_on", based_on)).get_bool("updated");
    }

private:
    Record call(const Record& q) const { return c_->call(q); }
    Record call(const Record& q, const backup::Progress& progress) const {
        CallOptions options;
        options.on_percent = progress.on_percent;
        options.cancel = progress.cancel;
        return c_->call(q, options);
    }
    static VmEntry entry(const Record& a) { return decode_vm_entry(Record::parse(a.get("vm"))); }

    std::shared_ptr<Connection> c_;
    ServiceFactory disks_here_;
};

}  // namespace

std::shared_ptr<service::Service> remote_service(std::shared_ptr<Connection> connection,
                                                 ServiceFactory disks_here) {
    return std::make_shared<RemoteService>(std::move(connection), std::move(disks_here));
}

}  // namespace prl::remote
