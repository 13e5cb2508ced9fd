// Slows down password guessing: after each failed login from an address,
// that address's next answer comes later (250 ms, doubling, at most 32 times that).
// Only the guessing connection waits; other clients are not slowed.
#pragma once
#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace prl::daemon {

class LoginThrottle {
public:
    // `base`: the delay after a first failure (0: none, for tests that fail on purpose).
    explicit LoginThrottle(std::chrono::milliseconds base = std::chrono::milliseconds(250)) : base_(base) {}

    // How long to hold back the answer to a failed login from `address`
    // (counting this failure).
    std::chrono::milliseconds failed(const std::string& address);
    void succeeded(const std::string& address);

private:
    const std::chrono::milliseconds base_;
    std::mutex mutex_;
    std::map<std::string, unsigned> failures_;  // bounded: see failed()
};

}  // namespace prl::daemon
