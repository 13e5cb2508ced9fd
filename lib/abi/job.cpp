// PrlJob_*: waiting for and reading the outcome of asynchronous calls.
#include "boundary.h"

using namespace prl;
using namespace prl::abi;

extern "C" {

PRL_RESULT PrlJob_Wait(PRL_HANDLE hJob, PRL_UINT32 msecs) {
    return sync([&] {
        auto job = handle_cast<Job>(hJob);
        // As the original: whether the job finished, not how. Its own code is
        // PrlJob_GetRetCode's and its error text PrlJob_GetError's.
        return job->wait(msecs) ? PRL_ERR_SUCCESS : PRL_ERR_TIMEOUT;
    });
}

PRL_HANDLE PrlJob_Cancel(PRL_HANDLE hJob) {
    return async(PJOC_JOB_CANCEL, [&] {
        auto job = handle_cast<Job>(hJob);
        // A job whose request never left the client has nothing to cancel; the
        // original's cancel job for it finishes with PRL_ERR_UNINITIALIZED.
        if (!job->request_sent()) return give_job(Job::finished_with(PJOC_JOB_CANCEL, PRL_ERR_UNINITIALIZED));
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
        // The original answers for a running job too, with the code its
        // result starts with: PRL_ERR_UNINITIALIZED.
        *retcode = job->is_finished() ? job->ret_code() : PRL_ERR_UNINITIALIZED;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlJob_GetDataPtr(PRL_HANDLE hJob, PRL_VOID_PTR data_ptr, PRL_UINT32_PTR data_size) {
    return sync([&] {
        auto job = handle_cast<Job>(hJob);
        (void)job;
        (void)data_ptr;
        (void)data_size;
        // No job carries raw data, here or in the original, whose server jobs
        // answer PRL_ERR_UNIMPLEMENTED whatever the arguments.
        return PRL_ERR_UNIMPLEMENTED;
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
        // No error yet (running) or none at all, or one whose code is not a
        // failure: PRL_ERR_NO_DATA, as the original.
        if (!job->is_finished() || !job->error() || PRL_SUCCEEDED(job->error()->data().error_code))
            return PRL_ERR_NO_DATA;
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
        // In-process, a job's request is handed to the service when it is
        // created; a job that failed the entry point's own checks never was.
        *out_ptr(pbIsRequestWasSent) = job->request_sent() ? PRL_TRUE : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
