// prlshimd as a backup node: a connection whose first call after the login
// has target "backup" is given over to one operation on the node's
// repository (docs/backup-node.md): receive a backup from a source, serve
// a restore, list, read a configuration, remove. Only admins may: the
// repository holds every host's backups.
#pragma once
#include "backup/storage.h"
#include "remote/channel.h"
#include "remote/channel_watch.h"
#include "remote/packet.h"

#include <functional>
#include <memory>

namespace prl::daemon {

// The storage of the node's own repository (a directory, or a RADOS pool).
using BackupStorageOpener = std::function<std::shared_ptr<backup::Storage>()>;

// Runs the operation `first` starts to its end, on the repository its call
// names (`directory`, an absolute path on the node) or else the node's own.
// Every failure is answered as an error record (then the conversation
// ends); what a failed or cut receive wrote is removed, and nothing of it
// was ever listed.
// A source gone silent is cut off after `peer.silence`; the node sends
// keepalives while it works (remote/channel_watch.h).
void serve_backup_node(remote::FramedChannel& channel, const remote::Packet& first, const BackupStorageOpener& default_storage,
                       bool admin, remote::PeerTimeouts peer = remote::PeerTimeouts::from_environment());

}  // namespace prl::daemon
