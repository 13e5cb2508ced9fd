// Storage in a Ceph RADOS pool (docs/backup-storage.md): an object is a RADOS
// object of the same name, made visible by one atomic operation that sets
// its generation xattr; each directory is an index object whose omap names
// its entries; a lock is a cls_lock with a lease its holder renews.
#pragma once
#include "backup/storage.h"

#include <chrono>
#include <memory>
#include <string>

namespace prl::backup {

struct RadosTarget {
    std::string pool;
    std::string name_space;  // "" = the pool's default namespace
    std::string conf_file;  // "" = librados's search ($CEPH_CONF, /etc/ceph/ceph.conf, ...)
    std::string client_id;  // "" = "admin"
    // A dead holder's lock lapses after this; a live one renews it every
    // third of it, and may not commit once a renewal is overdue.
    std::chrono::seconds lock_lease{30};
};

// "rados:POOL" or "rados:POOL/NAMESPACE" (several repositories in one pool),
// either with "USER@" before the pool (the Ceph user client.USER rather
// than client.admin) → true; anything else → false. A malformed one is
// invalid_argument.
bool parse_rados_uri(const std::string& uri, RadosTarget& target);

// Connects (io_error with librados's message when it cannot; not_found when
// the pool does not exist).
std::unique_ptr<Storage> connect_rados_storage(const RadosTarget& target);

}  // namespace prl::backup
