#include "dispatch.h"

#include "remote/service_codec.h"

#include "store/error.h"

#include <functional>
#include <map>
#include <optional>
#include <set>

namespace prl::daemon {
namespace {

using namespace prl::service;
using remote::Record;
using remote::decode_vm_entry;

using Handler = std::function<void(Service&, const Record& call, const backup::Progress&, Record& answer)>;

Record parse(const std::string& text) { return Record::parse(text); }
void put_vm(Record& a, const VmEntry& e) { a.add("vm", remote::encode(e).xml()); }

// A replaced network document that was not the one the client edited.
struct StaleDocument {};

const std::map<std::string, Handler>& handlers() {
    static const std::map<std::string, Handler> table = {
        // Does nothing: a client's keep-alive, and the measure of a round trip.
        {"ping", [](Service&, const Record&, auto&, Record&) {}},
        {"host_facts", [](Service& s, const Record&, auto&, Record& a) { a.add("host", remote::encode(s.host_facts()).xml()); }},
        {"new_session", [](Service& s, const Record&, auto&, Record& a) { a.add("session", s.new_session()); }},
        {"list", [](Service& s, const Record& q, auto&, Record& a) {
             std::optional<VmType> type;
             if (q.find("type")) type = q.get_uint("type") == 1 ? VmType::ct : VmType::vm;
             a.add("vms", remote::encode_list(s.list(type)));
         }},
        {"find", [](Service& s, const Record& q, auto&, Record& a) {
             if (auto vm = s.find(q.get("key"))) put_vm(a, *vm);
         }},
        {"config", [](Service& s, const Record& q, auto&, Record& a) {
             a.add("record", remote::encode(s.config(q.get("uuid"))).xml());
         }},
        {"create", [](Service& s, const Record& q, auto&, Record& a) {
             put_vm(a, s.create(remote::decode_vm_config(q.get("config")), q.get("parent")));
         }},
        {"register_bundle", [](Service& s, const Record& q, auto&, Record& a) {
             put_vm(a, s.register_bundle(q.get("path"), remote::decode_register_options(parse(q.get("options")))));
         }},
        {"unregister", [](Service& s, const Record& q, auto&, Record&) { s.unregister(q.get("uuid")); }},
        {"remove", [](Service& s, const Record& q, auto&, Record&) { s.remove(q.get("uuid")); }},
        {"update_config", [](Service& s, const Record& q, auto&, Record& a) {
             put_vm(a, s.update_config(q.get("uuid"), remote::decode_vm_config(q.get("config")), q.get_uint("revision")));
         }},
        {"clone", [](Service& s, const Record& q, auto&, Record& a) {
             put_vm(a, s.clone(remote::decode_clone_request(parse(q.get("request")))));
         }},
        {"linked_clone", [](Service& s, const Record& q, auto&, Record& a) {
             put_vm(a, s.linked_clone(remote::decode_clone_request(parse(q.get("request"))), q.get("snapshot_id")));
         }},
        {"move", [](Service& s, const Record& q, auto&, Record& a) { put_vm(a, s.move(q.get("uuid"), q.get("new_parent"))); }},
        {"power_state", [](Service& s, const Record& q, auto&, Record& a) {
             a.add_int("state", static_cast<int>(s.power_state(q.get("uuid"))));
         }},
        {"compare_and_set_power_state", [](Service& s, const Record& q, auto&, Record& a) {
             a.add_bool("set", s.compare_and_set_power_state(q.get("uuid"), remote::decode_vm_state(q.get_int("expected")),
                                                             remote::decode_vm_state(q.get_int("next"))));
         }},
        {"create_backup", [](Service& s, const Record& q, const backup::Progress& p, Record& a) {
             a.add("id", s.create_backup(remote::decode_backup_request(parse(q.get("request"))), p));
         }},
        {"list_backups", [](Service& s, const Record& q, auto&, Record& a) {
             for (const auto& vm : s.list_backups(remote::decode_place(q))) a.add("vm", remote::encode(vm).xml());
         }},
        {"restore_backup", [](Service& s, const Record& q, const backup::Progress& p, Record& a) {
             a.add("outcome", remote::encode(s.restore_backup(remote::decode_restore_request(parse(q.get("request"))), p)).xml());
         }},
        {"remove_backup", [](Service& s, const Record& q, auto&, Record&) {
             s.remove_backup(remote::decode_place(q), q.get("vm_uuid"), q.get("id"), q.get_bool("keep_chain"));
         }},
        {"create_snapshot", [](Service& s, const Record& q, auto&, Record& a) {
             a.add("id", s.create_snapshot(q.get("uuid"), q.get("name"), q.get("description")));
         }},
        {"snapshot_tree", [](Service& s, const Record& q, auto&, Record& a) { a.add("tree", s.snapshot_tree(q.get("uuid")).to_xml()); }},
        {"switch_to_snapshot", [](Service& s, const Record& q, auto&, Record& a) {
             a.add("vm_state", s.switch_to_snapshot(q.get("uuid"), q.get("id")).vm_state);
         }},
        {"delete_snapshot", [](Service& s, const Record& q, auto&, Record& a) {
             for (const auto& id : s.delete_snapshot(q.get("uuid"), q.get("id"), q.get_bool("with_children"))) a.add("id", id);
         }},
        {"update_snapshot", [](Service& s, const Record& q, auto&, Record&) {
             s.update_snapshot(q.get("uuid"), q.get("id"), q.get("name"), q.get("description"));
         }},
        {"network_config", [](Service& s, const Record&, auto&, Record& a) { a.add("tree", remote::encode(s.network_config())); }},
        {"replace_network_config", [](Service& s, const Record& q, auto&, Record& a) {
             const XmlTree expected = remote::decode_xml_tree(q.get("expected"));
             const XmlTree replacement = remote::decode_xml_tree(q.get("tree"));
             try {
                 const XmlTree now = s.update_network_config([&](XmlTree& doc) {
                     if (doc != expected) throw StaleDocument{};
                     doc = replacement;
                 });
                 a.add_bool("replaced", true).add("tree", remote::encode(now));
             } catch (const StaleDocument&) {
                 a.add_bool("replaced", false);
             }
         }},
        {"common_prefs", [](Service& s, const Record&, auto&, Record& a) { a.add("section", remote::encode(s.common_prefs()).xml()); }},
        {"update_common_prefs", [](Service& s, const Record& q, auto&, Record& a) {
             a.add_bool("updated", s.update_common_prefs(remote::decode_xml_tree(q.get("tree")), q.get_uint("based_on")));
         }},
        {"users", [](Service& s, const Record&, auto&, Record& a) {
             for (const auto& u : s.users()) a.add("user", remote::encode(u));
         }},
        {"current_user", [](Service& s, const Record&, auto&, Record& a) { a.add("section", remote::encode(s.current_user()).xml()); }},
        {"update_user", [](Service& s, const Record& q, auto&, Record& a) {
             a.add_bool("updated", s.update_user(remote::decode_xml_tree(q.get("tree")), q.get_uint("based_on")));
         }},
    };
    return table;
}

}  // namespace

bool runs_long(const std::string& op) {
    static const std::set<std::string> long_ops = {
        "create", "remove", "clone", "linked_clone", "move", "create_backup", "list_backups", "restore_backup",
        "remove_backup", "create_snapshot", "switch_to_snapshot", "delete_snapshot"};
    return long_ops.count(op) != 0;
}

std::string task_subject(const Record& call) noexcept {
    try {
        std::optional<std::string> vm = call.find("uuid");
        if (!vm) vm = call.find("vm_uuid");
        if (!vm) {
            if (const auto request = call.find("request")) vm = parse(*request).find("vm_uuid");
        }
        return vm ? "vm " + *vm : std::string();
    } catch (...) {
        return {};
    }
}

std::string task_vm(const std::string& description) {
    return description.rfind("vm ", 0) == 0 ? description.substr(3) : std::string();
}

Record dispatch(Service& service, const Record& call, const backup::Progress& progress) {
    if (call.element() != "call") throw Error(Errc::corrupt, "expected a <call>, got <" + call.element() + ">");
    const auto it = handlers().find(call.op());
    if (it == handlers().end()) throw Error(Errc::unimplemented, "prlshimd serves no operation '" + call.op() + "'");
    Record answer("result");
    it->second(service, call, progress, answer);
    return answer;
}

}  // namespace prl::daemon
