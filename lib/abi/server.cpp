// PrlSrv_*: the server handle and its event handlers. (Login and the calls
// behind it come with the embedded service.)
#include "boundary.h"

#include "core/server.h"
#include "core/vm.h"
#include "core/vm_ops.h"

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

PRL_HANDLE PrlSrv_GetVmList(PRL_HANDLE hServer) {
    return async(PJOC_SRV_GET_VM_LIST, [&] {
        auto server = handle_cast<Server>(hServer).share();
        return give_job(server->start_job(PJOC_SRV_GET_VM_LIST, [server](Job&) {
            return vm_ops::list(*server, service::VmType::vm);
        }));
    });
}

PRL_HANDLE PrlSrv_GetVmListEx(PRL_HANDLE hServer, PRL_UINT32 nFlags) {
    return async(PJOC_SRV_GET_VM_LIST, [&] {
        auto server = handle_cast<Server>(hServer).share();
        // PVTF_VM, PVTF_CT or both; neither means VMs, as PrlSrv_GetVmList.
        std::optional<service::VmType> type = service::VmType::vm;
        if ((nFlags & PVTF_VM) && (nFlags & PVTF_CT))
            type.reset();
        else if (nFlags & PVTF_CT)
            type = service::VmType::ct;
        return give_job(server->start_job(PJOC_SRV_GET_VM_LIST, [server, type](Job&) {
            return vm_ops::list(*server, type);
        }));
    });
}

PRL_HANDLE PrlSrv_GetVmConfig(PRL_HANDLE hServer, PRL_CONST_STR sSearchId, PRL_UINT32 nFlags) {
    return async(PJOC_SRV_GET_VM_CONFIG, [&] {
        auto server = handle_cast<Server>(hServer).share();
        require(sSearchId != nullptr && *sSearchId != '\0');
        bool by_uuid = nFlags & PGVC_SEARCH_BY_UUID, by_name = nFlags & PGVC_SEARCH_BY_NAME;
        if (!by_uuid && !by_name) by_uuid = true;
        const std::string key = sSearchId;
        return give_job(server->start_job(PJOC_SRV_GET_VM_CONFIG, [server, key, by_uuid, by_name](Job&) {
            return vm_ops::find(*server, key, by_uuid, by_name);
        }));
    });
}

namespace {
PRL_HANDLE register_vm(PRL_HANDLE hServer, PRL_CONST_STR path, PRL_CONST_STR uuid, bool new_uuid) {
    return async(PJOC_SRV_REGISTER_VM, [&] {
        auto server = handle_cast<Server>(hServer).share();
        require(path != nullptr && *path != '\0');
        const std::string p = path, u = uuid ? uuid : "";
        return give_job(server->start_job(PJOC_SRV_REGISTER_VM, [server, p, u, new_uuid](Job&) {
            return vm_ops::register_bundle(*server, p, u, new_uuid);
        }, RTT_RUNNING_TASK_REGISTER_VM));
    });
}
}  // namespace

PRL_HANDLE PrlSrv_RegisterVm(PRL_HANDLE hServer, PRL_CONST_STR strVmDirPath, PRL_BOOL) {
    return register_vm(hServer, strVmDirPath, nullptr, false);
}

PRL_HANDLE PrlSrv_RegisterVmEx(PRL_HANDLE hServer, PRL_CONST_STR strVmDirPath, PRL_UINT32 nFlags) {
    return register_vm(hServer, strVmDirPath, nullptr, (nFlags & PRVF_REGENERATE_VM_UUID) != 0);
}

PRL_HANDLE PrlSrv_RegisterVmWithUuid(PRL_HANDLE hServer, PRL_CONST_STR strVmDirPath, PRL_CONST_STR strVmUuid,
                                     PRL_UINT32 nFlags) {
    return register_vm(hServer, strVmDirPath, strVmUuid, (nFlags & PRVF_REGENERATE_VM_UUID) != 0);
}

}  // extern "C"
