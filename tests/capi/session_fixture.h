// A logged-in session on a private state root, and helpers that run a job to
// its end (checking PrlJob_GetRetCode after PrlJob_Wait, so tests hold under
// either PrlJob_Wait semantics).
#pragma once

#include "capi.h"
#include "test_home.h"

#include <string>

namespace capi {

// The job's own code, after waiting for it.
inline PRL_RESULT job_code(PRL_HANDLE job_handle) {
    Handle job(job_handle);
    REQUIRE(job.get() != PRL_INVALID_HANDLE);
    PrlJob_Wait(job, 60000);
    PRL_RESULT rc = PRL_ERR_UNEXPECTED;
    REQUIRE_PRL_OK(PrlJob_GetRetCode(job, &rc));
    return rc;
}

// The job's result, which must have succeeded.
inline Handle job_result(PRL_HANDLE job_handle) {
    Handle job(job_handle);
    REQUIRE(job.get() != PRL_INVALID_HANDLE);
    PrlJob_Wait(job, 60000);
    PRL_RESULT rc = PRL_ERR_UNEXPECTED;
    REQUIRE_PRL_OK(PrlJob_GetRetCode(job, &rc));
    REQUIRE_PRL_OK(rc);
    Handle result;
    REQUIRE_PRL_OK(PrlJob_GetResult(job, result.out()));
    return result;
}

// The first parameter of a job's result, as a handle.
inline Handle job_param(PRL_HANDLE job_handle) {
    Handle result = job_result(job_handle);
    Handle param;
    REQUIRE_PRL_OK(PrlResult_GetParam(result, param.out()));
    return param;
}

inline std::string job_string(PRL_HANDLE job_handle) {
    Handle result = job_result(job_handle);
    return get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlResult_GetParamAsString(result, b, l); });
}

struct Session {
    prl::test::TestHome home;
    Api api;
    Handle server;
    Session() {
        REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
        REQUIRE_PRL_OK(job_code(PrlSrv_LoginLocal(server, nullptr, 0, PSL_HIGH_SECURITY)));
    }
    ~Session() {
        Handle job(PrlSrv_Logoff(server));
        PrlJob_Wait(job, 60000);
    }
};

}  // namespace capi
