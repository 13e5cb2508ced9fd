// System accounts through PAM (prlshimd --pam, service "prlshimd";
// packaging/pam/prlshimd): the password a client sent, checked by the
// host's own authentication stack, then its account rules (expiry, locks).
#pragma once
#include <string>

namespace prl::daemon {

// True when PAM's `service` authenticates `user` with `password` and
// accepts the account; false on any refusal or PAM error. `remote_host` is
// passed as PAM_RHOST. Blocks for as long as the modules take (their own
// failure delays included).
bool pam_verify(const std::string& service, const std::string& user, const std::string& password,
                const std::string& remote_host);

}  // namespace prl::daemon
