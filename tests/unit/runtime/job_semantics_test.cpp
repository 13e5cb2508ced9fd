// PrlJob_* on a job the test holds open: what each call answers while the job
// runs and after it finishes, as the original SDK answers (see
// docs/compatibility.md, "Core semantics audited against the original").
#include "abi/boundary.h"

#include <Virtuozzo.h>

#include <catch2/catch.hpp>

namespace {

struct Api {
    Api() { REQUIRE(PrlApi_InitEx(PARALLELS_API_VER, PAM_SERVER, 0, 0) == PRL_ERR_SUCCESS); }
    ~Api() { PrlApi_Deinit(); }
};

}  // namespace

TEST_CASE("a running job: Wait times out, RetCode is UNINITIALIZED, no error, no result yet", "[job]") {
    Api api;
    auto job = std::make_shared<prl::Job>(PJOC_SRV_GET_VM_LIST);
    PRL_HANDLE h = prl::abi::give_job(job);

    REQUIRE(PrlJob_Wait(h, 20) == PRL_ERR_TIMEOUT);
    REQUIRE(PrlJob_Wait(h, 0) == PRL_ERR_TIMEOUT);
    PRL_JOB_STATUS status = PJS_FINISHED;
    REQUIRE(PrlJob_GetStatus(h, &status) == PRL_ERR_SUCCESS);
    REQUIRE(status == PJS_RUNNING);
    PRL_RESULT code = PRL_ERR_SUCCESS;
    REQUIRE(PrlJob_GetRetCode(h, &code) == PRL_ERR_SUCCESS);
    REQUIRE(code == PRL_ERR_UNINITIALIZED);
    PRL_HANDLE out = PRL_INVALID_HANDLE;
    REQUIRE(PrlJob_GetError(h, &out) == PRL_ERR_NO_DATA);
    REQUIRE(PrlJob_GetResult(h, &out) == PRL_ERR_OPERATION_PENDING);
    PRL_BOOL sent = PRL_FALSE;
    REQUIRE(PrlJob_IsRequestWasSent(h, &sent) == PRL_ERR_SUCCESS);
    REQUIRE(sent == PRL_TRUE);

    // It fails: Wait now says only that it finished; the code and text are
    // RetCode's and GetError's.
    job->finish_error(PRL_ERR_VM_UUID_NOT_FOUND, "no such VM");
    REQUIRE(PrlJob_Wait(h, 0) == PRL_ERR_SUCCESS);
    REQUIRE(PrlJob_Wait(h, 1000) == PRL_ERR_SUCCESS);
    REQUIRE(PrlJob_GetStatus(h, &status) == PRL_ERR_SUCCESS);
    REQUIRE(status == PJS_FINISHED);
    REQUIRE(PrlJob_GetRetCode(h, &code) == PRL_ERR_SUCCESS);
    REQUIRE(code == PRL_ERR_VM_UUID_NOT_FOUND);
    PRL_HANDLE err = PRL_INVALID_HANDLE;
    REQUIRE(PrlJob_GetError(h, &err) == PRL_ERR_SUCCESS);
    PRL_RESULT err_code = PRL_ERR_SUCCESS;
    REQUIRE(PrlEvent_GetErrCode(err, &err_code) == PRL_ERR_SUCCESS);
    REQUIRE(err_code == PRL_ERR_VM_UUID_NOT_FOUND);
    char text[256];
    PRL_UINT32 len = sizeof text;
    REQUIRE(PrlEvent_GetErrString(err, PRL_FALSE, PRL_FALSE, text, &len) == PRL_ERR_SUCCESS);
    REQUIRE(std::string(text) == "no such VM");
    // A failed job still has a result (empty), as the original's.
    PRL_HANDLE result = PRL_INVALID_HANDLE;
    REQUIRE(PrlJob_GetResult(h, &result) == PRL_ERR_SUCCESS);
    PRL_UINT32 count = 7;
    REQUIRE(PrlResult_GetParamsCount(result, &count) == PRL_ERR_SUCCESS);
    REQUIRE(count == 0);
    REQUIRE(PrlHandle_Free(result) == PRL_ERR_SUCCESS);
    REQUIRE(PrlHandle_Free(err) == PRL_ERR_SUCCESS);
    REQUIRE(PrlHandle_Free(h) == PRL_ERR_SUCCESS);
}

TEST_CASE("a job that succeeds has no error event", "[job]") {
    Api api;
    auto job = std::make_shared<prl::Job>(PJOC_SRV_GET_VM_LIST);
    PRL_HANDLE h = prl::abi::give_job(job);
    job->finish(PRL_ERR_SUCCESS);
    REQUIRE(PrlJob_Wait(h, 0) == PRL_ERR_SUCCESS);
    PRL_RESULT code = PRL_ERR_UNINITIALIZED;
    REQUIRE(PrlJob_GetRetCode(h, &code) == PRL_ERR_SUCCESS);
    REQUIRE(code == PRL_ERR_SUCCESS);
    PRL_HANDLE err = PRL_INVALID_HANDLE;
    REQUIRE(PrlJob_GetError(h, &err) == PRL_ERR_NO_DATA);
    PRL_UINT32 size = 0;
    REQUIRE(PrlJob_GetDataPtr(h, nullptr, &size) == PRL_ERR_UNIMPLEMENTED);
    REQUIRE(PrlHandle_Free(h) == PRL_ERR_SUCCESS);
}
