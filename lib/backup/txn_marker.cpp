#include "txn_marker.h"

#include "error.h"

namespace prl::backup {

// The object first, then its lock: a directory's lock file is the object's
// own file, which a later put would replace.
TxnMarker::TxnMarker(const Layout& l)
    : storage_(l.store()), name_(Layout::join(l.txns(), random_hex(8) + ".txn")) {
    storage_.put(name_, "");
    lock_ = storage_.lock(name_, LockMode::exclusive, true);
}

TxnMarker::~TxnMarker() {
    if (dirty_) return;  // released with the lock: a kept marker is now visibly stale
    try {
        storage_.remove(name_);
    } catch (...) {
        // A marker left behind only costs a garbage collection.
    }
}

bool has_stale_markers(const Layout& l) {
    for (const ObjectInfo& o : l.store().list(l.txns())) {
        if (o.is_directory) continue;
        if (l.store().lock(Layout::join(l.txns(), o.name), LockMode::exclusive, false)) return true;
    }
    return false;
}

void clear_markers(const Layout& l) {
    for (const ObjectInfo& o : l.store().list(l.txns()))
        if (!o.is_directory) l.store().remove(Layout::join(l.txns(), o.name));
}

}  // namespace prl::backup
