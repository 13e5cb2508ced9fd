// The conversation between a backup source and a backup node
// (docs/backup-node.md): a connection of its own, logged in, then one
// operation of target "backup" in lock-step calls and replies, with the
// bulk bytes (node_wire.h) in data frames after the packet that announces
// them. Both ends use these helpers, so each message is written once.
#pragma once
#include "channel.h"
#include "packet.h"
#include "record.h"

#include "backup/repository.h"

#include <string>
#include <utility>

namespace prl::remote::backup_node {

constexpr const char* kTarget = "backup";

// A call of the conversation (the source's side).
void send_call(FramedChannel& channel, const Record& call);
// The node's answer to the last call: its result, or its error thrown
// (error_record.h). The end of the stream: service::Error(connection_lost).
Record receive_reply(FramedChannel& channel);

// The next call (the node's side); `id` gets its packet id for the reply.
// Anything but a call of target "backup" is corrupt.
Record receive_call(FramedChannel& channel, std::string& id);
void send_reply(FramedChannel& channel, const std::string& id, const Record& answer);

// Bulk bytes: one data frame each. receive_data refuses a control frame
// where data was announced (corrupt) and the end of the stream (connection_lost).
void send_data(FramedChannel& channel, std::string_view bytes);
std::string receive_data(FramedChannel& channel);

// The create call: what is backed up (a VM's disks by name, path and size,
// or a container's tree; its configuration) and how.
struct CreatePlan {
    backup::Source source;  // disks' paths are the source host's, for the record
    std::vector<std::uint64_t> disk_sizes;
    std::uint64_t tree_bytes = 0;  // a container's: its files' bytes
    backup::CreateOptions options;
};
Record encode_create(const CreatePlan& plan);
CreatePlan decode_create(const Record& call);

}  // namespace prl::remote::backup_node
