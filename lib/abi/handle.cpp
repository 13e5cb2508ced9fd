// PrlHandle_*: reference counting and type of any handle.
#include "boundary.h"

#include "core/event_bus.h"

using namespace prl;
using namespace prl::abi;

extern "C" {

PRL_RESULT PrlHandle_AddRef(PRL_HANDLE handle) {
    return sync([&] {
        return HandleTable::instance().add_ref(from_handle(handle)) ? PRL_ERR_SUCCESS : PRL_ERR_INVALID_ARG;
    });
}

PRL_RESULT PrlHandle_Free(PRL_HANDLE handle) {
    return sync([&] {
        return HandleTable::instance().release(from_handle(handle)) ? PRL_ERR_SUCCESS : PRL_ERR_INVALID_ARG;
    });
}

PRL_RESULT PrlHandle_GetType(PRL_HANDLE handle, PRL_HANDLE_TYPE_PTR type) {
    return sync([&] {
        PRL_HANDLE_TYPE t;
        if (!type || !HandleTable::instance().type_of(from_handle(handle), &t)) return PRL_ERR_INVALID_ARG;
        *type = t;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlHandle_RegEventHandler(PRL_HANDLE hObj, PRL_EVENT_HANDLER_PTR handler, PRL_VOID_PTR userData) {
    return sync([&] {
        auto object = handle_cast<Object>(hObj);
        auto registry = object->handlers();
        require(registry != nullptr, PRL_ERR_INVALID_ARG, "this handle type has no events");
        return registry->add(handler, userData);
    });
}

PRL_RESULT PrlHandle_UnregEventHandler(PRL_HANDLE hObj, PRL_EVENT_HANDLER_PTR handler, PRL_VOID_PTR userData) {
    return sync([&] {
        auto object = handle_cast<Object>(hObj);
        auto registry = object->handlers();
        require(registry != nullptr, PRL_ERR_INVALID_ARG, "this handle type has no events");
        return registry->remove(handler, userData);
    });
}

PRL_RESULT PrlHandle_GetPackageId(PRL_HANDLE hObj, PRL_UINT64_PTR id) {
    return sync([&] {
        auto object = handle_cast<Object>(hObj);
        out_ptr(id);
        // Only requests (jobs) have a package; the original says the same of others.
        if (object->type() != PHT_JOB) return PRL_ERR_UNIMPLEMENTED;
        *id = static_cast<Job*>(&*object)->package_id();
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
