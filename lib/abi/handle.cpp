// PrlHandle_*: reference counting and type of any handle.
#include "boundary.h"

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

}  // extern "C"
