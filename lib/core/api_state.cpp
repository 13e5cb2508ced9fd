#include "api_state.h"

#include "event_bus.h"
#include "executor.h"
#include "handle_table.h"
#include "log.h"

#include <PrlApiVersion.h>

#include <mutex>
#include <string>
#include <vector>

namespace prl {
namespace {

std::mutex& state_mutex() {
    static std::mutex m;
    return m;
}

std::vector<std::function<void()>>& shutdown_hooks() {
    static std::vector<std::function<void()>> hooks;
    return hooks;
}

}  // namespace

ApiState& ApiState::instance() {
    static ApiState* state = new ApiState;  // outlives static destructors
    return *state;
}

PRL_RESULT ApiState::init(std::uint32_t version, PRL_APPLICATION_MODE mode, std::uint32_t flags) {
    std::lock_guard<std::mutex> lock(state_mutex());
    // The top three bits carry a client sequence number, not the version.
    if ((version & ~0xE0000000u) > VIRTUOZZO_API_VER) return PRL_ERR_API_INCOMPATIBLE;
    if (ref_count_++ > 0) return PRL_ERR_SUCCESS;
    version_ = version;
    mode_ = mode;
    log::debug("PrlApi_Init: version " + std::to_string(version) + ", mode " + std::to_string(mode) +
               ", flags " + std::to_string(flags));
    initialized_.store(true, std::memory_order_release);
    return PRL_ERR_SUCCESS;
}

void ApiState::add_shutdown_hook(std::function<void()> hook) {
    std::lock_guard<std::mutex> lock(state_mutex());
    shutdown_hooks().push_back(std::move(hook));
}

PRL_RESULT ApiState::deinit() {
    std::vector<std::function<void()>> hooks;
    {
        std::lock_guard<std::mutex> lock(state_mutex());
        if (ref_count_ == 0) return PRL_ERR_API_WASNT_INITIALIZED;
        if (--ref_count_ > 0) return PRL_ERR_SUCCESS;
        initialized_.store(false, std::memory_order_release);
        hooks.swap(shutdown_hooks());
    }
    for (auto it = hooks.rbegin(); it != hooks.rend(); ++it) (*it)();
    Executor::instance().quiesce();
    EventBus::instance().quiesce();
    const auto leaked = HandleTable::instance().release_all();
    std::size_t total = 0;
    std::string detail;
    for (const auto& [type, count] : leaked) {
        total += count;
        detail += " type " + std::to_string(type) + ": " + std::to_string(count) + ";";
    }
    if (total) log::warning("PrlApi_Deinit: the client leaked " + std::to_string(total) + " handle(s):" + detail);
    return PRL_ERR_SUCCESS;
}

}  // namespace prl
