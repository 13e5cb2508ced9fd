// What a non-admin login of prlshimd may see and do (docs/daemon.md,
// "Who may do what"): the Service of the state root, seen through the
// product's VM security (config.pvs <Security>: Owner, AccessForOthers).
//
// - A VM is the user's when its Owner is the user; VMs they create, clone or
//   restore as new become theirs. Another user's VM is visible only when
//   its AccessForOthers shares it (view; view and run; full access), and
//   does not exist for them otherwise (Errc::not_found, as an unknown UUID).
// - Seeing it allows reading it; starting and stopping it needs "view and
//   run"; changing, backing up, restoring or removing it needs ownership
//   or "full access" (Errc::access_denied).
// - Paths are the daemon's: a non-admin names none (a new VM's parent, a
//   bundle to register, a move's target, a backup directory), and changes
//   no host-wide setting (networks, preferences, users).
#pragma once
#include "service/service.h"

#include <memory>
#include <string>

namespace prl::daemon {

// `owner_of_unowned`: whose a VM with no Owner element is (the daemon's
// user: VMs made before owners were recorded, or by the embedded service).
std::shared_ptr<service::Service> authorized_service(std::shared_ptr<service::Service> inner, std::string user,
                                                     std::string owner_of_unowned);

}  // namespace prl::daemon
