// Server (PHT_SERVER): the client's connection object. It is an event source
// (PrlSrv_RegEventHandler); login and the calls behind it come with the
// service layer.
#pragma once

#include "event_bus.h"
#include "object.h"

namespace prl {

class Server : public Object {
public:
    Server() : Object(PHT_SERVER), handlers_(std::make_shared<HandlerRegistry>()) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_SERVER; }
    std::shared_ptr<HandlerRegistry> handlers() const override { return handlers_; }

private:
    const HandlerRegistryPtr handlers_;
};

}  // namespace prl
