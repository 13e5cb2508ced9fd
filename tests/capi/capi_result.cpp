// PrlResult_* through the C API, on the (empty) result of a finished job.
#include "capi.h"

using capi::Handle;

TEST_CASE("an empty result has no parameters to read", "[result]") {
    capi::Api api;
    Handle job(PrlVm_MigrateCancel(PRL_INVALID_HANDLE)), result;
    PrlJob_Wait(job, 1000);
    REQUIRE_PRL_OK(PrlJob_GetResult(job, result.out()));
    Handle again;
    REQUIRE_PRL_OK(PrlJob_GetResult(job, again.out()));
    REQUIRE(again.get() == result.get());  // the same result object, one more reference
    PRL_UINT32 count = 7, len = 0;
    REQUIRE_PRL_OK(PrlResult_GetParamsCount(result, &count));
    REQUIRE(count == 0);
    Handle param;
    REQUIRE_PRL(PrlResult_GetParam(result, param.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlResult_GetParamByIndex(result, 0, param.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlResult_GetParamAsString(result, nullptr, &len), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlResult_GetParamByIndexAsString(result, 0, nullptr, &len), PRL_ERR_INVALID_ARG);
    void* token = nullptr;
    REQUIRE_PRL(PrlResult_GetParamToken(result, 0, &token), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlResult_GetParamsCount(result, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlResult_GetParamToken(result, 0, nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("result functions reject invalid, freed, forged and wrong-type handles", "[result]") {
    capi::Api api;
    Handle job(PrlVm_MigrateCancel(PRL_INVALID_HANDLE));
    PRL_HANDLE freed;
    {
        Handle j2(PrlVm_MigrateCancel(PRL_INVALID_HANDLE));
        REQUIRE_PRL_OK(PrlJob_GetResult(j2, &freed));
        REQUIRE_PRL_OK(PrlHandle_Free(freed));
    }
    PRL_UINT32 n, len = 0;
    PRL_HANDLE h;
    void* token;
    for (PRL_HANDLE bad : {PRL_HANDLE(PRL_INVALID_HANDLE), freed, capi::forged_handle(), job.get()}) {
        REQUIRE_PRL(PrlResult_GetParamsCount(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlResult_GetParamByIndex(bad, 0, &h), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlResult_GetParam(bad, &h), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlResult_GetParamByIndexAsString(bad, 0, nullptr, &len), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlResult_GetParamAsString(bad, nullptr, &len), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlResult_GetParamToken(bad, 0, &token), PRL_ERR_INVALID_ARG);
    }
}

TEST_CASE("a failed job's result carries its error as XML", "[result]") {
    capi::Api api;
    Handle job(PrlVm_MigrateCancel(PRL_INVALID_HANDLE)), result;
    REQUIRE_PRL(PrlJob_Wait(job, 1000), PRL_ERR_UNIMPLEMENTED);
    REQUIRE_PRL_OK(PrlJob_GetResult(job, result.out()));
    void* xml = nullptr;
    REQUIRE_PRL_OK(PrlResult_GetError(result, &xml));
    REQUIRE(xml != nullptr);
    // The text is an event: load it into an event handle and read the code back.
    Handle err;
    REQUIRE_PRL_OK(PrlJob_GetError(job, err.out()));
    REQUIRE_PRL_OK(PrlEvent_FromString(err, static_cast<const char*>(xml)));
    PRL_RESULT code = 0;
    REQUIRE_PRL_OK(PrlEvent_GetErrCode(err, &code));
    REQUIRE(code == PRL_ERR_UNIMPLEMENTED);
    REQUIRE_PRL_OK(PrlBuffer_Free(xml));
    REQUIRE_PRL(PrlResult_GetError(result, nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("a successful job's result has no error", "[result]") {
    capi::Api api;
    Handle target(PrlVm_MigrateCancel(PRL_INVALID_HANDLE));
    Handle cancel(PrlJob_Cancel(target)), result;
    REQUIRE_PRL_OK(PrlJob_Wait(cancel, 1000));
    REQUIRE_PRL_OK(PrlJob_GetResult(cancel, result.out()));
    void* xml = reinterpret_cast<void*>(1);
    REQUIRE_PRL(PrlResult_GetError(result, &xml), PRL_ERR_NO_DATA);
    REQUIRE(xml == nullptr);
}
