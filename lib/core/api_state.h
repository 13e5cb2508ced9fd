// The library's start-up state: PrlApi_Init/InitEx/Deinit are reference
// counted like the original SDK's (only the last Deinit tears down).
#pragma once

#include <PrlEnums.h>
#include <PrlErrors.h>

#include <atomic>
#include <cstdint>
#include <functional>

namespace prl {

class ApiState {
public:
    static ApiState& instance();

    bool initialized() const noexcept { return initialized_.load(std::memory_order_acquire); }
    PRL_RESULT init(std::uint32_t version, PRL_APPLICATION_MODE mode, std::uint32_t flags);
    PRL_RESULT deinit();
    std::uint32_t version() const noexcept { return version_; }
    PRL_APPLICATION_MODE app_mode() const noexcept { return mode_; }

    // Run by the last Deinit, newest first (services register theirs); then
    // running jobs are cancelled and awaited, undelivered events dropped, and
    // every handle released.
    void add_shutdown_hook(std::function<void()> hook);

private:
    std::atomic<bool> initialized_{false};
    int ref_count_ = 0;
    std::uint32_t version_ = 0;
    PRL_APPLICATION_MODE mode_ = PAM_SERVER;
};

}  // namespace prl
