#include "login_throttle.h"

#include <algorithm>

namespace prl::daemon {

namespace {
constexpr std::size_t kMaxTracked = 65536;  // addresses remembered; past it the oldest knowledge goes
constexpr unsigned kMaxShift = 5;           // 250 ms << 5 = 8 s by default
}  // namespace

std::chrono::milliseconds LoginThrottle::failed(const std::string& address) {
    std::lock_guard lock(mutex_);
    if (failures_.size() >= kMaxTracked && !failures_.count(address)) failures_.clear();
    const unsigned n = ++failures_[address];
    return base_ * (1u << std::min(n - 1, kMaxShift));
}

void LoginThrottle::succeeded(const std::string& address) {
    std::lock_guard lock(mutex_);
    failures_.erase(address);
}

}  // namespace prl::daemon
