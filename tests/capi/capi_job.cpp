// PrlJob_* through the public API, on jobs the library makes itself.
#include "capi.h"

using capi::Handle;

TEST_CASE("an unimplemented async call gives a finished job with PRL_ERR_UNIMPLEMENTED", "[job]") {
    capi::Api api;
    Handle job(PrlVm_MigrateCancel(PRL_INVALID_HANDLE));
    REQUIRE(job.get() != PRL_INVALID_HANDLE);
    REQUIRE_PRL(PrlJob_Wait(job, 0), PRL_ERR_UNIMPLEMENTED);
    PRL_JOB_STATUS status;
    REQUIRE_PRL_OK(PrlJob_GetStatus(job, &status));
    REQUIRE(status == PJS_FINISHED);
    Handle err;
    REQUIRE_PRL_OK(PrlJob_GetError(job, err.out()));
    PRL_HANDLE_TYPE type;
    REQUIRE_PRL_OK(PrlHandle_GetType(err, &type));
    REQUIRE(type == PHT_EVENT);
}

TEST_CASE("PrlJob_* reject invalid, freed, forged and wrong-type handles", "[job]") {
    capi::Api api;
    Handle other(PrlVm_MigrateCancel(PRL_INVALID_HANDLE));
    Handle result;
    REQUIRE_PRL_OK(PrlJob_GetResult(other, result.out()));
    PRL_HANDLE freed = PrlVm_MigrateCancel(PRL_INVALID_HANDLE);
    REQUIRE_PRL_OK(PrlHandle_Free(freed));
    for (PRL_HANDLE bad : {PRL_HANDLE(PRL_INVALID_HANDLE), freed, capi::forged_handle(), result.get()}) {
        PRL_UINT32 u;
        PRL_RESULT rc;
        PRL_JOB_STATUS st;
        PRL_JOB_OPERATION_CODE op;
        PRL_BOOL b;
        PRL_HANDLE h;
        REQUIRE_PRL(PrlJob_Wait(bad, 0), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlJob_GetStatus(bad, &st), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlJob_GetProgress(bad, &u), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlJob_GetRetCode(bad, &rc), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlJob_GetResult(bad, &h), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlJob_GetError(bad, &h), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlJob_GetOpCode(bad, &op), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlJob_IsRequestWasSent(bad, &b), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlJob_GetDataPtr(bad, nullptr, &u), PRL_ERR_INVALID_ARG);
        Handle cancel(PrlJob_Cancel(bad));
        REQUIRE_PRL(PrlJob_Wait(cancel, 1000), PRL_ERR_INVALID_ARG);
    }
}
