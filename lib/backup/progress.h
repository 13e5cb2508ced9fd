// Progress and cancellation as the caller supplies them, and the reporter
// that turns byte counts into at most one callback per percent.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>

namespace prl::backup {

struct Progress {
    // Called at most once per percent, 0..100, never decreasing; 100 only on success.
    std::function<void(unsigned percent)> on_percent;
    // Polled often; when it becomes true the operation stops within a second
    // with Errc::cancelled and leaves nothing behind.
    const std::atomic<bool>* cancel = nullptr;
};

class ProgressReporter {
public:
    ProgressReporter(const Progress& p, uint64_t total_bytes);
    void add(uint64_t bytes);  // work done; reports up to 99
    void check_cancel() const; // throws Error(cancelled)
    void done();               // reports 100

private:
    void report(unsigned pct);
    const Progress& p_;
    uint64_t total_, done_ = 0;
    int last_ = -1;
};

}  // namespace prl::backup
