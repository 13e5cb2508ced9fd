// A marker file under store/txn for each running write operation, held with
// flock. A marker that nobody holds means an operation died (or gave up with
// final-named files around): the next open runs garbage collection.
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
    fs::path path_;
    UniqueFd fd_;
    bool dirty_ = false;
};

// True when some marker is not held by a live operation.
bool has_stale_markers(const Layout& l);
// Removes every marker; only with the store lock held exclusively.
void clear_markers(const Layout& l);

}  // namespace prl::backup
