#include "store_writer.h"

namespace prl::backup {

bool StoreWriter::commit() {
    SharedPacks::Visible v = packs_->make_visible(session_);
    ended_ = true;
    made_visible_ = std::move(v.made);
    return v.orphans;
}

bool StoreWriter::abandon() {
    if (ended_) return false;
    ended_ = true;
    try {
        return packs_->abandon(session_);
    } catch (...) {
        return true;  // unknown: let garbage collection look
    }
}

}  // namespace prl::backup
