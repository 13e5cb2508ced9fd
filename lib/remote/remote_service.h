// RemoteService: the Service a prlshimd serves, reached over a connection
// (connection.h). Each method is one call; its name and fields are those the
// daemon's dispatcher (lib/daemon/dispatch.cpp) reads, through the shared
// codec (service_codec.h).
#pragma once
#include "connection.h"

#include "service/service.h"

#include <memory>

namespace prl::remote {

std::shared_ptr<service::Service> remote_service(std::shared_ptr<Connection> connection);

}  // namespace prl::remote
