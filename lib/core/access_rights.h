// AccessRights (PHT_ACCESS_RIGHTS): a VM's security as the client sees it —
// its owner, whether the session's user is that owner, how the VM is shared
// with other users and which commands the session may run on it
// (PrlVmCfg_GetAccessRights, PrlVmInfo_GetAccessRights, PrlAcl_*). A copy:
// PrlAcl_SetAccessForOthers changes only this object.
#pragma once

#include "object.h"

#include "service/store/xml_tree.h"

#include <mutex>
#include <string>
#include <vector>

namespace prl {

struct AclFacts {
    std::string owner;
    bool is_owner = true;
    long long access_for_others = 0;  // PAO_VM_NOT_SHARED
    std::vector<long long> allowed;   // PRL_ALLOWED_VM_COMMAND values
};

// The user the embedded service runs as (every VM of the state root is theirs).
std::string current_user_name();

// The facts of a config.pvs <Security> element for the session's user `me`:
// the file's owner if it names one, else `me`; commands the element lists,
// else all of them for the owner and, for another user, those the VM's
// sharing level gives.
AclFacts acl_from_security(const service::XmlTree* security, const std::string& me);

class AccessRights : public Object {
public:
    explicit AccessRights(AclFacts facts) : Object(PHT_ACCESS_RIGHTS), facts_(std::move(facts)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_ACCESS_RIGHTS; }

    AclFacts facts() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return facts_;
    }
    void set_access_for_others(long long value) {
        std::lock_guard<std::mutex> lock(mutex_);
        facts_.access_for_others = value;
    }

private:
    mutable std::mutex mutex_;
    AclFacts facts_;
};

}  // namespace prl
