#include "session_registry.h"

namespace prl::daemon {

void SessionRegistry::add(const std::string& session, SessionLogin login) {
    std::lock_guard lock(mutex_);
    sessions_[session] = std::move(login);
}

void SessionRegistry::remove(const std::string& session) {
    std::lock_guard lock(mutex_);
    sessions_.erase(session);
}

std::optional<SessionLogin> SessionRegistry::find(const std::string& session) const {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(session);
    if (it == sessions_.end()) return std::nullopt;
    return it->second;
}

}  // namespace prl::daemon
