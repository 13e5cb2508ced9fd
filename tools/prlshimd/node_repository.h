// The repository prlshimd serves as a backup node (--repository): a
// directory, or a Ceph RADOS pool (rados:POOL[/NAMESPACE], with the cluster
// of $CEPH_CONF or /etc/ceph/ceph.conf) when built with librados.
#pragma once
#include "daemon/backup_node.h"

#include <filesystem>
#include <string>

namespace prl::prlshimd {

// Connects to a RADOS pool at once (a node that cannot reach its cluster
// does not start). Throws backup::Error (invalid_argument for a spec that is
// neither an absolute path nor rados:..., io_error/not_found from Ceph).
daemon::BackupStorageOpener node_repository(const std::string& spec, const std::filesystem::path& home);

}  // namespace prl::prlshimd
