// PrlJob_*: waiting for and reading the outcome of asynchronous calls.
#include "boundary.h"
#include "copy_out.h"

using namespace prl;
using namespace prl::abi;

extern "C" {

PRL_RESULT PrlJob_Wait(PRL_HANDLE hJob, PRL_UINT32 msecs) {
    return sync([&] {
        auto job = handle_cast<Job>(hJob);
        if (!job->wait(msecs)) return PRL_ERR_TIMEOUT;
        return job->ret_code();
    });
}

PRL_HANDLE PrlJob_Cancel(PRL_HANDLE hJob) {
    return async(PJOC_JOB_CANCEL, [&] {
        auto job = handle_cast<Job>(hJob);
        job->request_cancel();
        // The request is delivered at once in-process; the cancelled job itself
        // finishes with PRL_ERR_OPERATION_WAS_CANCELED when its task stops.
        return give_job(Job::finished_with(PJOC_JOB_CANCEL, PRL_ERR_SUCCESS));
    });
}

PRL_RESULT PrlJob_GetStatus(PRL_HANDLE hJob, PRL_JOB_STATUS_PTR status) {
    return sync([&] {
        auto job = handle_cast<Job>(hJob);
        *out_ptr(status) = job->is_finished() ? PJS_FINISHED : PJS_RUNNING;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlJob_GetProgress(PRL_HANDLE hJob, PRL_UINT32_PTR percentage) {
    return sync([&] {
        auto job = handle_cast<Job>(hJob);
        *out_ptr(percentage) = job->progress();
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlJob_GetRetCode(PRL_HANDLE hJob, PRL_RESULT_PTR retcode) {
    return sync([&] {
        auto job = handle_cast<Job>(hJob);
        out_ptr(retcode);
        if (!job->is_finished()) return PRL_ERR_OPERATION_PENDING;
        *retcode = job->ret_code();
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlJob_GetDataPtr(PRL_HANDLE hJob, PRL_VOID_PTR data_ptr, PRL_UINT32_PTR data_size) {
    return sync([&] {
        auto job = handle_cast<Job>(hJob);
        out_ptr(data_size);
        if (!job->is_finished()) return PRL_ERR_OPERATION_PENDING;
        // No operation prlshim implements returns raw data through a job.
        return copy_out_bytes({}, data_ptr, data_size) == PRL_ERR_SUCCESS ? PRL_ERR_NO_DATA : PRL_ERR_INVALID_ARG;
    });
}

PRL_RESULT PrlJob_GetResult(PRL_HANDLE hJob, PRL_HANDLE_PTR handle) {
    return sync([&] {
        auto job = handle_cast<Job>(hJob);
        out_ptr(handle);
        if (!job->is_finished()) return PRL_ERR_OPERATION_PENDING;
        give(job->result(), handle);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlJob_GetError(PRL_HANDLE hJob, PRL_HANDLE_PTR phError) {
    return sync([&] {
        auto job = handle_cast<Job>(hJob);
        out_ptr(phError);
        if (!job->is_finished()) return PRL_ERR_OPERATION_PENDING;
        if (!job->error()) return PRL_ERR_NO_DATA;
        give(job->error(), phError);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlJob_GetOpCode(PRL_HANDLE hJob, PRL_JOB_OPERATION_CODE_PTR pnOpCode) {
    return sync([&] {
        auto job = handle_cast<Job>(hJob);
        *out_ptr(pnOpCode) = job->op_code();
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlJob_IsRequestWasSent(PRL_HANDLE hJob, PRL_BOOL_PTR pbIsRequestWasSent) {
    return sync([&] {
        auto job = handle_cast<Job>(hJob);
        // In-process, a job's request is handed to the service when it is created.
        *out_ptr(pbIsRequestWasSent) = PRL_TRUE;
        (void)job;
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
