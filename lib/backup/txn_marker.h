// A marker object under store/txn for each running write operation, locked
// by it. A marker that nobody holds means an operation died (or gave up with
// final-named objects around): the next open runs garbage collection.
#pragma once
#include "layout.h"

namespace prl::backup {

class TxnMarker {
public:
    explicit TxnMarker(const Layout& l);
    ~TxnMarker();
    TxnMarker(const TxnMarker&) = delete;
    TxnMarker& operator=(const TxnMarker&) = delete;

    // From now on a failure may leave final-named garbage: keep the marker.
    void mark_dirty() { dirty_ = true; }
    // The operation reached a consistent end; the marker can go.
    void mark_clean() { dirty_ = false; }

private:
    Storage& storage_;
    std::string name_;
    std::unique_ptr<StorageLock> lock_;
    bool dirty_ = false;
};

// True when some marker is not held by a live operation.
bool has_stale_markers(const Layout& l);
// Removes every marker; only with the store lock held exclusively.
void clear_markers(const Layout& l);

}  // namespace prl::backup
