// PrlHandle_* and event-handler registration through the C API.
#include "capi.h"

#include <atomic>

using capi::Handle;

namespace {
PRL_RESULT ignore_event(PRL_HANDLE h, PRL_VOID_PTR) {
    PrlHandle_Free(h);
    return PRL_ERR_SUCCESS;
}
PRL_RESULT other_handler(PRL_HANDLE h, PRL_VOID_PTR) {
    PrlHandle_Free(h);
    return PRL_ERR_SUCCESS;
}
}  // namespace

TEST_CASE("event handlers register on servers, not on other handle types", "[handle]") {
    capi::Api api;
    Handle server, list;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    PRL_HANDLE_TYPE type;
    REQUIRE_PRL_OK(PrlHandle_GetType(server, &type));
    REQUIRE(type == PHT_SERVER);
    int tag = 0;
    REQUIRE_PRL_OK(PrlSrv_RegEventHandler(server, ignore_event, &tag));
    REQUIRE_PRL_OK(PrlHandle_RegEventHandler(server, other_handler, nullptr));
    // As the original, removing a handler that is not registered succeeds and changes nothing.
    REQUIRE_PRL_OK(PrlSrv_UnregEventHandler(server, ignore_event, nullptr));  // wrong user data
    REQUIRE_PRL_OK(PrlSrv_UnregEventHandler(server, ignore_event, &tag));
    REQUIRE_PRL_OK(PrlSrv_UnregEventHandler(server, ignore_event, &tag));  // already gone
    REQUIRE_PRL_OK(PrlHandle_UnregEventHandler(server, other_handler, nullptr));
    REQUIRE_PRL(PrlSrv_RegEventHandler(server, nullptr, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlApi_CreateStringsList(list.out()));
    REQUIRE_PRL(PrlHandle_RegEventHandler(list, ignore_event, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrv_RegEventHandler(list, ignore_event, nullptr), PRL_ERR_INVALID_ARG);
    for (PRL_HANDLE bad : {PRL_HANDLE(PRL_INVALID_HANDLE), capi::forged_handle()}) {
        REQUIRE_PRL(PrlHandle_RegEventHandler(bad, ignore_event, nullptr), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlHandle_UnregEventHandler(bad, ignore_event, nullptr), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlSrv_RegEventHandler(bad, ignore_event, nullptr), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlSrv_UnregEventHandler(bad, ignore_event, nullptr), PRL_ERR_INVALID_ARG);
    }
    REQUIRE_PRL(PrlSrv_Create(nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("package ids: jobs have increasing ones, other handles none", "[handle]") {
    capi::Api api;
    Handle a(PrlVm_MigrateCancel(PRL_INVALID_HANDLE)), b(PrlVm_MigrateCancel(PRL_INVALID_HANDLE)), list;
    PRL_UINT64 ida = 0, idb = 0;
    REQUIRE_PRL_OK(PrlHandle_GetPackageId(a, &ida));
    REQUIRE_PRL_OK(PrlHandle_GetPackageId(b, &idb));
    REQUIRE(idb > ida);
    REQUIRE_PRL(PrlHandle_GetPackageId(a, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlApi_CreateStringsList(list.out()));
    REQUIRE_PRL(PrlHandle_GetPackageId(list, &ida), PRL_ERR_UNIMPLEMENTED);
    REQUIRE_PRL(PrlHandle_GetPackageId(capi::forged_handle(), &ida), PRL_ERR_INVALID_ARG);
}

TEST_CASE("PrlApi_Deinit frees what the client leaked and invalidates every handle", "[handle]") {
    PRL_HANDLE list;
    {
        capi::Api api;
        REQUIRE_PRL_OK(PrlApi_CreateStringsList(&list));  // leaked on purpose
    }
    capi::Api again;
    PRL_HANDLE_TYPE type;
    REQUIRE_PRL(PrlHandle_GetType(list, &type), PRL_ERR_INVALID_ARG);
}
