// PrlSrv_*: the server handle and its event handlers. (Login and the calls
// behind it come with the embedded service.)
#include "boundary.h"

#include "core/server.h"
#include "core/vm.h"

using namespace prl;
using namespace prl::abi;

extern "C" {

PRL_RESULT PrlSrv_Create(PRL_HANDLE_PTR handle) {
    return sync([&] {
        give(std::make_shared<Server>(), out_ptr(handle));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrv_RegEventHandler(PRL_HANDLE hServer, PRL_EVENT_HANDLER_PTR handler, PRL_VOID_PTR userData) {
    return sync([&] { return handle_cast<Server>(hServer)->handlers()->add(handler, userData); });
}

PRL_RESULT PrlSrv_UnregEventHandler(PRL_HANDLE hServer, PRL_EVENT_HANDLER_PTR handler, PRL_VOID_PTR userData) {
    return sync([&] { return handle_cast<Server>(hServer)->handlers()->remove(handler, userData); });
}

PRL_RESULT PrlSrv_CreateVm(PRL_HANDLE hServer, PRL_HANDLE_PTR phVm) {
    return sync([&] {
        auto server = handle_cast<Server>(hServer);
        // A new VM exists only in the client until PrlVm_Reg; no login needed.
        give(server->new_vm(), out_ptr(phVm));
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
