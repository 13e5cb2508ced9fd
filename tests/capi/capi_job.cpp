// PrlJob_* through the public API, on jobs the library makes itself.
#include "capi.h"

using capi::Handle;

TEST_CASE("an unimplemented async call gives a finished job with PRL_ERR_UNIMPLEMENTED", "[job]") {
    capi::Api api;
    Handle job(PrlVm_MigrateCancel(PRL_INVALID_HANDLE));
    REQUIRE(job.get() != PRL_INVALID_HANDLE);
    // Wait says the job finished, whatever its own code (as the original).
    REQUIRE_PRL_OK(PrlJob_Wait(job, 0));
    PRL_RESULT code = PRL_ERR_SUCCESS;
    REQUIRE_PRL_OK(PrlJob_GetRetCode(job, &code));
    REQUIRE(code == PRL_ERR_UNIMPLEMENTED);
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
        REQUIRE_PRL(capi::wait_code(cancel, 1000), PRL_ERR_INVALID_ARG);
    }
}

TEST_CASE("a job failed by the entry point's own checks: request not sent, cancel has nothing to do", "[job]") {
    capi::Api api;
    Handle job(PrlVm_MigrateCancel(PRL_INVALID_HANDLE));
    REQUIRE_PRL_OK(PrlJob_Wait(job, 1000));
    PRL_BOOL sent = PRL_TRUE;
    REQUIRE_PRL_OK(PrlJob_IsRequestWasSent(job, &sent));
    REQUIRE(sent == PRL_FALSE);
    // The original's cancel of a job that never reached a server finishes with
    // PRL_ERR_UNINITIALIZED.
    Handle cancel(PrlJob_Cancel(job));
    REQUIRE_PRL(capi::wait_code(cancel, 1000), PRL_ERR_UNINITIALIZED);
    // No job carries raw data: PRL_ERR_UNIMPLEMENTED, as the original's server jobs.
    PRL_UINT32 size = 0;
    REQUIRE_PRL(PrlJob_GetDataPtr(job, nullptr, &size), PRL_ERR_UNIMPLEMENTED);
}

TEST_CASE("a failed server call: Wait succeeds, the code and text come from GetRetCode and GetError", "[job]") {
    capi::Api api;
    Handle server;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    Handle job(PrlSrv_GetVmList(server));  // not logged in: the job fails
    REQUIRE_PRL_OK(PrlJob_Wait(job, 10000));
    PRL_RESULT code = PRL_ERR_SUCCESS;
    REQUIRE_PRL_OK(PrlJob_GetRetCode(job, &code));
    REQUIRE(code == PRL_ERR_NOT_CONNECTED_TO_DISPATCHER);
    Handle err;
    REQUIRE_PRL_OK(PrlJob_GetError(job, err.out()));
    PRL_RESULT err_code = PRL_ERR_SUCCESS;
    REQUIRE_PRL_OK(PrlEvent_GetErrCode(err, &err_code));
    REQUIRE(err_code == PRL_ERR_NOT_CONNECTED_TO_DISPATCHER);
    const std::string text = capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) {
        return PrlEvent_GetErrString(err, PRL_FALSE, PRL_FALSE, b, l);
    });
    REQUIRE_FALSE(text.empty());
}
