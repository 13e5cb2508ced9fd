#include "host_identity.h"

#include <pwd.h>
#include <unistd.h>

#include <vector>

namespace prl::service {

std::string current_user_name() {
    const uid_t uid = ::geteuid();
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buf(16384);
    if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found && found->pw_name) return found->pw_name;
    return std::to_string(uid);
}

std::string host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0) return "localhost";
    return name;
}

}  // namespace prl::service
