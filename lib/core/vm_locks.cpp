#include "vm_locks.h"

#include "error.h"

#include <PrlErrors.h>

namespace prl {

VmLocks& VmLocks::instance() {
    static VmLocks locks;
    return locks;
}

void VmLocks::lock(const std::string& vm_uuid, const std::string& session) {
    std::lock_guard<std::mutex> guard(mutex_);
    // The dispatcher's lock is an exclusive operation: a second one conflicts,
    // whoever asks.
    require(!owners_.count(vm_uuid), PRL_ERR_VM_IS_EXCLUSIVELY_LOCKED, "the VM is exclusively locked");
    owners_.emplace(vm_uuid, session);
}

void VmLocks::unlock(const std::string& vm_uuid, const std::string& session) {
    std::lock_guard<std::mutex> guard(mutex_);
    const auto it = owners_.find(vm_uuid);
    require(it != owners_.end(), PRL_ERR_VM_IS_NOT_LOCKED, "the VM is not locked");
    require(it->second == session, PRL_ERR_NOT_LOCK_OWNER_SESSION_TRIES_TO_UNLOCK,
            "the VM is locked by another session");
    owners_.erase(it);
}

void VmLocks::check(const std::string& vm_uuid, const std::string& session) const {
    std::lock_guard<std::mutex> guard(mutex_);
    const auto it = owners_.find(vm_uuid);
    require(it == owners_.end() || it->second == session, PRL_ERR_VM_IS_EXCLUSIVELY_LOCKED,
            "the VM is exclusively locked by another session");
}

void VmLocks::release_session(const std::string& session) {
    std::lock_guard<std::mutex> guard(mutex_);
    for (auto it = owners_.begin(); it != owners_.end();)
        it = it->second == session ? owners_.erase(it) : std::next(it);
}

}  // namespace prl
