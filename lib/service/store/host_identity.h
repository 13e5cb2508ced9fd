// Who and where this process runs: the names the product records as a
// snapshot's or a backup's creator and a backup's host.
#pragma once
#include <string>

namespace prl::service {

// The effective user's login name (its number when it has none).
std::string current_user_name();
// This machine's host name ("localhost" when it cannot be read).
std::string host_name();

}  // namespace prl::service
