// The commands that ask for a password before they run (a VM's or the
// server's confirmations list), edited as the product's tools edit it.
#pragma once

#include "common.h"

#include <utility>
#include <vector>

namespace prlctl {

// Adds each command marked true that `list` (a PrlOpTypeList) lacks and
// removes each marked false that it has; throws Error("<Fn>: <text>").
void edit_confirmations(PRL_HANDLE list, const std::vector<std::pair<PRL_ALLOWED_VM_COMMAND, bool>>& changes);

}  // namespace prlctl
