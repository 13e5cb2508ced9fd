#include "progress.h"

#include "error.h"

namespace prl::backup {

ProgressReporter::ProgressReporter(const Progress& p, uint64_t total_bytes) : p_(p), total_(total_bytes) {
    report(0);
}

void ProgressReporter::report(unsigned pct) {
    if (static_cast<int>(pct) <= last_) return;
    last_ = static_cast<int>(pct);
    if (p_.on_percent) p_.on_percent(pct);
}

void ProgressReporter::add(uint64_t bytes) {
    done_ += bytes;
    if (total_ == 0) return;
    const uint64_t pct = std::min<uint64_t>(99, (std::min(done_, total_) * 100) / total_);
    if (static_cast<int>(pct) > last_) report(static_cast<unsigned>(pct));
}

void ProgressReporter::check_cancel() const {
    if (p_.cancel && p_.cancel->load(std::memory_order_relaxed)) throw Error(Errc::cancelled, "operation cancelled");
}

void ProgressReporter::done() { report(100); }

}  // namespace prl::backup
