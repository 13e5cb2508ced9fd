#include "service_codec.h"

#include "store/error.h"
#include "store/power_state.h"

#include <cstdint>

namespace prl::remote {
namespace {

using service::Errc;
using service::Error;

Record nested(const std::string& text) { return Record::parse(text); }

template <class Enum>
Enum enum_in(std::uint64_t value, std::uint64_t last, const char* what) {
    if (value > last) throw Error(Errc::corrupt, std::string("record: bad ") + what);
    return static_cast<Enum>(value);
}

Record encode_disk(const backup::DiskInfo& d) {
    Record r("disk");
    r.add("name", d.name).add("original_path", d.original_path).add_uint("size", d.size);
    return r;
}

Record encode_element(const backup::ElementInfo& e) {
    Record r("element");
    r.add("id", e.id).add_uint("number", e.number).add_uint("kind", static_cast<unsigned>(e.kind));
    r.add_uint("parent_number", e.parent_number).add_int("time", e.time);
    r.add("creator", e.creator).add("host", e.host).add("server_uuid", e.server_uuid);
    r.add("description", e.description).add_uint("stored_size", e.stored_size);
    r.add_uint("original_size", e.original_size).add_uint("flags", e.flags).add_bool("has_config", e.has_config);
    for (const auto& d : e.disks) r.add("disk", encode_disk(d).xml());
    return r;
}

backup::ElementInfo decode_element(const Record& r) {
    backup::ElementInfo e;
    e.id = r.get("id");
    e.number = static_cast<std::uint32_t>(r.get_uint("number"));
    e.kind = enum_in<backup::Kind>(r.get_uint("kind"), 2, "backup kind");
    e.parent_number = static_cast<std::uint32_t>(r.get_uint("parent_number"));
    e.time = r.get_int("time");
    e.creator = r.get("creator");
    e.host = r.get("host");
    e.server_uuid = r.get("server_uuid");
    e.description = r.get("description");
    e.stored_size = r.get_uint("stored_size");
    e.original_size = r.get_uint("original_size");
    e.flags = static_cast<std::uint32_t>(r.get_uint("flags"));
    e.has_config = r.get_bool("has_config");
    for (const auto& text : r.all("disk")) {
        const Record d = nested(text);
        e.disks.push_back({d.get("name"), d.get("original_path"), d.get_uint("size")});
    }
    return e;
}

}  // namespace

Record encode(const service::HostFacts& f) {
    Record r("host");
    r.add("server_uuid", f.server_uuid).add("host_name", f.host_name).add("os_version", f.os_version);
    r.add("product_version", f.product_version).add_uint("ram_mib", f.ram_mib).add_uint("cpu_count", f.cpu_count);
    r.add_uint("start_time", f.start_time).add_uint("start_time_monotonic", f.start_time_monotonic);
    return r;
}

service::HostFacts decode_host_facts(const Record& r) {
    service::HostFacts f;
    f.server_uuid = r.get("server_uuid");
    f.host_name = r.get("host_name");
    f.os_version = r.get("os_version");
    f.product_version = r.get("product_version");
    f.ram_mib = r.get_uint("ram_mib");
    f.cpu_count = static_cast<std::uint32_t>(r.get_uint("cpu_count"));
    f.start_time = r.get_uint("start_time");
    f.start_time_monotonic = r.get_uint("start_time_monotonic");
    return f;
}

Record encode(const service::VmEntry& e) {
    Record r("vm");
    r.add("uuid", e.uuid).add("name", e.name).add_uint("type", static_cast<unsigned>(e.type));
    r.add("bundle", e.bundle.string()).add_int("state", static_cast<int>(e.state));
    r.add_uint("revision", e.revision).add("modified", e.modified).add("moving_from", e.moving_from.string());
    return r;
}

service::VmEntry decode_vm_entry(const Record& r) {
    service::VmEntry e;
    e.uuid = r.get("uuid");
    e.name = r.get("name");
    e.type = enum_in<service::VmType>(r.get_uint("type"), 1, "VM type");
    e.bundle = r.get("bundle");
    e.state = decode_vm_state(r.get_int("state"));
    e.revision = r.get_uint("revision");
    e.modified = r.get("modified");
    e.moving_from = r.get("moving_from");
    return e;
}

std::string encode_list(const std::vector<service::VmEntry>& entries) {
    Record r("vms");
    for (const auto& e : entries) r.add("vm", encode(e).xml());
    return r.xml();
}

std::vector<service::VmEntry> decode_vm_entries(const std::string& text) {
    std::vector<service::VmEntry> out;
    for (const auto& vm : nested(text).all("vm")) out.push_back(decode_vm_entry(nested(vm)));
    return out;
}

Record encode(const service::VmRecord& record) {
    Record r("vm_record");
    r.add("entry", encode(record.entry).xml()).add("config", encode(record.config));
    return r;
}

service::VmRecord decode_vm_record(const Record& r) {
    return {decode_vm_entry(nested(r.get("entry"))), decode_vm_config(r.get("config"))};
}

std::string encode(const service::VmConfig& config) { return service::to_config_pvs(config); }
service::VmConfig decode_vm_config(const std::string& text) { return service::from_config_pvs(text); }

Record encode(const service::RegisterOptions& o) {
    Record r("register");
    r.add("uuid", o.uuid).add_bool("regenerate_uuid", o.regenerate_uuid);
    return r;
}

service::RegisterOptions decode_register_options(const Record& r) {
    return {r.get("uuid"), r.get_bool("regenerate_uuid")};
}

Record encode(const service::CloneRequest& q) {
    Record r("clone");
    r.add("source_uuid", q.source_uuid).add("name", q.name).add("uuid", q.uuid).add("parent", q.parent);
    r.add_bool("to_template", q.to_template).add("linked_snapshot", q.linked_snapshot.string());
    return r;
}

service::CloneRequest decode_clone_request(const Record& r) {
    service::CloneRequest q;
    q.source_uuid = r.get("source_uuid");
    q.name = r.get("name");
    q.uuid = r.get("uuid");
    q.parent = r.get("parent");
    q.to_template = r.get_bool("to_template");
    q.linked_snapshot = r.get("linked_snapshot");
    return q;
}

void add_place(Record& r, const service::BackupPlace& p) {
    r.add("backup_directory", p.directory);
    if (!p.on_node()) return;
    r.add("node_host", p.node.host).add_uint("node_port", p.node.port).add("node_session", p.node.session);
}

service::BackupPlace decode_place(const Record& r) {
    service::BackupPlace p;
    p.directory = r.get("backup_directory");
    if (auto host = r.find("node_host")) {
        p.node.host = *host;
        const std::uint64_t port = r.get_uint("node_port");
        if (port > 65535) throw Error(Errc::corrupt, "record: bad port");
        p.node.port = static_cast<std::uint16_t>(port);
        p.node.session = r.get("node_session");
    }
    return p;
}

Record encode(const service::BackupRequest& q) {
    Record r("backup");
    r.add("vm_uuid", q.vm_uuid).add_uint("kind", static_cast<unsigned>(q.kind)).add_bool("compress", q.compress);
    r.add("description", q.description).add_uint("flags", q.flags);
    add_place(r, q.place);
    return r;
}

service::BackupRequest decode_backup_request(const Record& r) {
    service::BackupRequest q;
    q.vm_uuid = r.get("vm_uuid");
    q.kind = enum_in<backup::Kind>(r.get_uint("kind"), 2, "backup kind");
    q.compress = r.get_bool("compress");
    q.description = r.get("description");
    q.flags = static_cast<std::uint32_t>(r.get_uint("flags"));
    q.place = decode_place(r);
    return q;
}

Record encode(const service::RestoreRequest& q) {
    Record r("restore");
    r.add("vm_uuid", q.vm_uuid).add("backup_id", q.backup_id).add("target_home", q.target_home);
    r.add("target_name", q.target_name).add_bool("to_copy", q.to_copy);
    add_place(r, q.place);
    return r;
}

service::RestoreRequest decode_restore_request(const Record& r) {
    service::RestoreRequest q;
    q.vm_uuid = r.get("vm_uuid");
    q.backup_id = r.get("backup_id");
    q.target_home = r.get("target_home");
    q.target_name = r.get("target_name");
    q.to_copy = r.get_bool("to_copy");
    q.place = decode_place(r);
    return q;
}

Record encode(const service::RestoreOutcome& o) {
    Record r("restored");
    r.add("vm_uuid", o.vm_uuid).add_bool("new_vm", o.new_vm);
    return r;
}

service::RestoreOutcome decode_restore_outcome(const Record& r) { return {r.get("vm_uuid"), r.get_bool("new_vm")}; }

Record encode(const backup::VmEntry& vm) {
    Record r("backup_vm");
    r.add("uuid", vm.uuid).add("name", vm.name).add_uint("type", static_cast<unsigned>(vm.type));
    for (const auto& chain : vm.chains) {
        Record c("chain");
        c.add("uuid", chain.uuid).add("full", encode_element(chain.full).xml()).add_uint("last_number", chain.last_number);
        for (const auto& p : chain.partials) c.add("partial", encode_element(p).xml());
        r.add("chain", c.xml());
    }
    return r;
}

backup::VmEntry decode_backup_vm(const Record& r) {
    backup::VmEntry vm;
    vm.uuid = r.get("uuid");
    vm.name = r.get("name");
    vm.type = enum_in<backup::VmType>(r.get_uint("type"), 1, "VM type");
    for (const auto& text : r.all("chain")) {
        const Record c = nested(text);
        backup::ChainInfo chain;
        chain.uuid = c.get("uuid");
        chain.full = decode_element(nested(c.get("full")));
        chain.last_number = static_cast<std::uint32_t>(c.get_uint("last_number"));
        for (const auto& p : c.all("partial")) chain.partials.push_back(decode_element(nested(p)));
        vm.chains.push_back(std::move(chain));
    }
    return vm;
}

service::VmState decode_vm_state(std::int64_t value) {
    const auto state = value >= INT32_MIN && value <= INT32_MAX
                           ? service::state_from_int(static_cast<int>(value))
                           : std::nullopt;
    if (!state) throw Error(Errc::corrupt, "record: bad VM state");
    return *state;
}

std::string encode(const service::XmlTree& tree) { return tree.empty() ? std::string() : service::serialize_tree(tree); }

service::XmlTree decode_xml_tree(const std::string& text) {
    return text.empty() ? service::XmlTree{} : service::parse_tree(text, "record tree");
}

Record encode(const service::DispSection& s) {
    Record r("section");
    r.add("tree", encode(s.tree)).add_uint("revision", s.revision);
    return r;
}

service::DispSection decode_disp_section(const Record& r) {
    return {decode_xml_tree(r.get("tree")), r.get_uint("revision")};
}

}  // namespace prl::remote
