// RemoteService: the Service a prlshimd serves, reached over a connection
// (connection.h). Each method is one call; its name and fields are those the
// daemon's dispatcher (lib/daemon/dispatch.cpp) reads, through the shared
// codec (service_codec.h).
#pragma once
#include "connection.h"

#include "service/service.h"

#include <functional>
#include <memory>

namespace prl::remote {

// `disks_here`: for a daemon on this machine (its Unix socket), gives the
// embedded service of the same state root (made on first use), which runs
// what must read the disks where they are (the external backup's views,
// docs/daemon.md); the two share the root safely through the store's
// locks. None for a daemon elsewhere: those calls are refused as
// unimplemented.
using ServiceFactory = std::function<std::shared_ptr<service::Service>()>;
std::shared_ptr<service::Service> remote_service(std::shared_ptr<Connection> connection,
                                                 ServiceFactory disks_here = nullptr);

}  // namespace prl::remote
