// VmLocks: PrlVm_Lock / PrlVm_Unlock, the exclusive lock of a VM by a
// session, as the product's dispatcher keeps it. While a session holds it,
// another session's exclusive operations on the VM (commit, power changes,
// unregister, delete) and its own PrlVm_Lock answer
// PRL_ERR_VM_IS_EXCLUSIVELY_LOCKED; PrlVm_Unlock from another session is
// PRL_ERR_NOT_LOCK_OWNER_SESSION_TRIES_TO_UNLOCK, and of a VM not locked
// PRL_ERR_VM_IS_NOT_LOCKED. A session's locks end with its logoff. Locks
// live in this process, as the embedded service's sessions do.
#pragma once

#include <map>
#include <mutex>
#include <string>

namespace prl {

class VmLocks {
public:
    static VmLocks& instance();

    void lock(const std::string& vm_uuid, const std::string& session);
    void unlock(const std::string& vm_uuid, const std::string& session);
    // Throws PRL_ERR_VM_IS_EXCLUSIVELY_LOCKED when another session holds the VM.
    void check(const std::string& vm_uuid, const std::string& session) const;
    void release_session(const std::string& session);

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::string> owners_;  // VM UUID -> session UUID
};

}  // namespace prl
