// A backup node's repository, as a backup source uses it: the operations
// of backup::Repository carried out by a prlshimd on another host
// (docs/backup-node.md). Each operation opens its own connection, logged in
// with a session the caller's client opened on the node (the SDK's
// sTargetSessionId), and closes it when done; a cancel or a failure closes
// it midway, and the node then removes what it had received. A node that
// goes silent is cut off (channel_watch.h), and a cancel is honoured while
// it is.
#pragma once
#include "channel_watch.h"
#include "tls.h"

#include "backup/repository.h"

#include <chrono>
#include <memory>
#include <string>

namespace prl::remote {

struct BackupNodeAddress {
    std::string host;
    std::uint16_t port = 0;  // 0: the default port
    std::string session;     // a session of the node's, opened by the caller's client
    std::string directory;   // the repository on the node; empty: its default
    TrustPolicy trust;
    std::chrono::milliseconds timeout{30000};  // to connect and log in
    PeerTimeouts peer = PeerTimeouts::from_environment();  // a node gone silent (channel_watch.h)
};

// Backups of VMs and of containers.
std::unique_ptr<backup::Repository> backup_node_repository(BackupNodeAddress address);

// Lets this process's service reach backup nodes (service::set_backup_node_
// opener), trusting them as client_trust() says. Idempotent.
void install_backup_node_opener();

}  // namespace prl::remote
