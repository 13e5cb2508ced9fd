#include "backup_node_protocol.h"

#include "error_record.h"

#include "store/error.h"

#include <atomic>

namespace prl::remote::backup_node {

namespace {

using service::Errc;
using service::Error;

constexpr std::uint64_t kMaxDisks = 256;

std::string next_id() {
    static std::atomic<std::uint64_t> counter{0};
    return std::to_string(++counter);
}

Packet receive_packet(FramedChannel& channel) {
    auto frame = channel.receive();
    if (!frame) throw Error(Errc::connection_lost, "the backup node's peer closed the connection");
    if (frame->kind != FrameKind::control) throw Error(Errc::corrupt, "a data frame where a packet was expected");
    return parse_packet(frame->payload);
}

std::string packet_of(const std::string& id, const char* target, const Record& r) {
    return packet_xml(Packet{id, protocol_version, false, false, target, "backupnode", r.xml()});
}

}  // namespace

void send_call(FramedChannel& channel, const Record& call) {
    channel.send(FrameKind::control, packet_of(next_id(), kTarget, call));
}

Record receive_reply(FramedChannel& channel) {
    const Packet p = receive_packet(channel);
    if (p.target != "reply") throw Error(Errc::corrupt, "the backup node sent '" + p.target + "' for a reply");
    Record r = Record::parse(p.data);
    if (r.element() == "error") throw_error_record(r);
    if (r.element() != "result") throw Error(Errc::corrupt, "the backup node's reply is not a result");
    return r;
}

Record receive_call(FramedChannel& channel, std::string& id) {
    const Packet p = receive_packet(channel);
    if (p.target != kTarget) throw Error(Errc::corrupt, "a backup source sent '" + p.target + "'");
    Record r = Record::parse(p.data);
    if (r.element() != "call") throw Error(Errc::corrupt, "a backup source sent something else than a call");
    id = p.id;
    return r;
}

void send_reply(FramedChannel& channel, const std::string& id, const Record& answer) {
    channel.send(FrameKind::control, packet_of(id, "reply", answer));
}

void send_data(FramedChannel& channel, std::string_view bytes) { channel.send(FrameKind::data, bytes); }

std::string receive_data(FramedChannel& channel) {
    auto frame = channel.receive();
    if (!frame) throw Error(Errc::connection_lost, "the connection ended inside a transfer");
    if (frame->kind != FrameKind::data) throw Error(Errc::corrupt, "a packet where data was announced");
    return std::move(frame->payload);
}

Record encode_create(const CreatePlan& plan) {
    const backup::Source& s = plan.source;
    const backup::CreateOptions& o = plan.options;
    Record call("call", "create");
    call.add("vm_uuid", s.vm_uuid).add("vm_name", s.vm_name).add_uint("kind", static_cast<unsigned>(o.kind));
    call.add_bool("compress", o.compress).add("description", o.description).add("creator", o.creator);
    call.add("host", o.host).add("server_uuid", o.server_uuid).add_uint("flags", o.flags);
    if (s.config) call.add("config", *s.config);
    if (s.type == backup::VmType::ct) call.add("type", "ct").add_uint("tree_bytes", plan.tree_bytes);
    for (std::size_t i = 0; i < s.disks.size(); ++i) {
        Record d("disk");
        d.add("name", s.disks[i].name).add("path", s.disks[i].path.string()).add_uint("size", plan.disk_sizes.at(i));
        call.add("disk", d.xml());
    }
    return call;
}

CreatePlan decode_create(const Record& call) {
    CreatePlan plan;
    backup::Source& s = plan.source;
    backup::CreateOptions& o = plan.options;
    s.vm_uuid = call.get("vm_uuid");
    s.vm_name = call.get("vm_name");
    const std::string type = call.find("type").value_or("vm");
    if (type != "vm" && type != "ct") throw Error(Errc::corrupt, "record: bad backup type");
    s.type = type == "ct" ? backup::VmType::ct : backup::VmType::vm;
    if (s.type == backup::VmType::ct) plan.tree_bytes = call.get_uint("tree_bytes");
    const std::uint64_t kind = call.get_uint("kind");
    if (kind > static_cast<unsigned>(backup::Kind::differential)) throw Error(Errc::corrupt, "record: bad backup kind");
    o.kind = static_cast<backup::Kind>(kind);
    o.compress = call.get_bool("compress");
    o.description = call.get("description");
    o.creator = call.get("creator");
    o.host = call.get("host");
    o.server_uuid = call.get("server_uuid");
    const std::uint64_t flags = call.get_uint("flags");
    if (flags > UINT32_MAX) throw Error(Errc::corrupt, "record: bad flags");
    o.flags = static_cast<std::uint32_t>(flags);
    s.config = call.find("config");
    const auto disks = call.all("disk");
    if (s.type == backup::VmType::ct && !disks.empty()) throw Error(Errc::corrupt, "record: a container has no disks");
    if (disks.size() > kMaxDisks) throw Error(Errc::corrupt, "record: too many disks");
    for (const std::string& text : disks) {
        const Record d = Record::parse(text);
        s.disks.push_back(backup::DiskSource{d.get("name"), d.get("path")});
        plan.disk_sizes.push_back(d.get_uint("size"));
    }
    return plan;
}

}  // namespace prl::remote::backup_node
