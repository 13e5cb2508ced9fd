#include "access_rights.h"

#include <PrlEnums.h>

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

namespace prl {
namespace {

// What another user may do with a VM shared at a level (PRL_VM_ACCESS_FOR_OTHERS).
bool allowed_for_others(long long level, long long command) {
    switch (level) {
    case PAO_VM_SHARED_ON_FULL_ACCESS: return true;
    case PAO_VM_SHARED_ON_VIEW_AND_RUN:
        switch (command) {
        case PAR_VM_START_ACCESS:
        case PAR_VM_STOP_ACCESS:
        case PAR_VM_PAUSE_ACCESS:
        case PAR_VM_RESET_ACCESS:
        case PAR_VM_SUSPEND_ACCESS:
        case PAR_VM_RESUME_ACCESS:
        case PAR_VM_START_EX_ACCESS:
        case PAR_VM_RESTART_GUEST_ACCESS: return true;
        default: break;
        }
        [[fallthrough]];
    case PAO_VM_SHARED_ON_VIEW:
        return command == PAR_VM_GETCONFIG_ACCESS || command == PAR_VM_GET_VMINFO_ACCESS ||
               command == PAR_VM_GETSTATISTICS_ACCESS || command == PAR_VM_GET_TOOLS_INFO;
    default: return false;
    }
}

long long number_or(const service::XmlTree* t, const char* path, long long fallback) {
    if (!t) return fallback;
    auto text = t->text_at(path);
    if (!text || text->empty()) return fallback;
    char* end = nullptr;
    const long long v = std::strtoll(text->c_str(), &end, 10);
    return end && *end == '\0' ? v : fallback;
}

}  // namespace

std::string current_user_name() {
    const uid_t uid = geteuid();
    std::vector<char> buf(16384);
    struct passwd pw {};
    struct passwd* found = nullptr;
    if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found && found->pw_name)
        return found->pw_name;
    return std::to_string(uid);
}

AclFacts acl_from_security(const service::XmlTree* security, const std::string& me) {
    AclFacts f;
    auto owner = security ? security->text_at("Owner") : std::nullopt;
    f.owner = owner && !owner->empty() ? *owner : me;
    f.is_owner = f.owner == me;
    f.access_for_others = number_or(security, "AccessForOthers", PAO_VM_NOT_SHARED);
    if (const service::XmlTree* acl = security ? security->find("AccessControlList") : nullptr) {
        for (const service::XmlTree* item : acl->all("AccessControl")) {
            char* end = nullptr;
            const long long v = std::strtoll(item->text.c_str(), &end, 10);
            if (end && *end == '\0' && !item->text.empty()) f.allowed.push_back(v);
        }
    }
    if (f.allowed.empty()) {
        for (long long c = 0; c < PAR_MAX; ++c)
            if (f.is_owner || allowed_for_others(f.access_for_others, c)) f.allowed.push_back(c);
    }
    return f;
}

}  // namespace prl
