/* Small helpers shared by the C examples: wait for a job, print an error. */
#ifndef PRLSHIM_EXAMPLE_COMMON_H
#define PRLSHIM_EXAMPLE_COMMON_H

#include <Parallels.h>
#include <stdio.h>

/* Prints what failed with the SDK's own text; returns 1 for main(). */
static int report(const char* what, PRL_RESULT rc) {
    char text[512];
    PRL_UINT32 len = sizeof text;
    if (PRL_FAILED(PrlApi_GetResultDescription(rc, PRL_FALSE, PRL_FALSE, text, &len))) text[0] = 0;
    fprintf(stderr, "%s: %s (0x%08X)\n", what, text, (unsigned)rc);
    return 1;
}

/* Waits for an asynchronous call; gives its result (if `result`) and frees the job. */
static PRL_RESULT wait_job(PRL_HANDLE job, PRL_HANDLE* result) {
    /* PrlJob_Wait tells only whether the job finished; its own code is GetRetCode's. */
    PRL_RESULT rc = PrlJob_Wait(job, 600000);
    if (PRL_SUCCEEDED(rc)) {
        PRL_RESULT code = PRL_ERR_UNINITIALIZED;
        rc = PrlJob_GetRetCode(job, &code);
        if (PRL_SUCCEEDED(rc)) rc = code;
    }
    if (result) {
        *result = PRL_INVALID_HANDLE;
        if (PRL_SUCCEEDED(rc)) PrlJob_GetResult(job, result);
    }
    PrlHandle_Free(job);
    return rc;
}

/* PrlApi_InitEx + PrlSrv_Create + PrlSrv_LoginLocal. */
static PRL_RESULT connect_local(PRL_HANDLE* server) {
    PRL_RESULT rc = PrlApi_InitEx(PARALLELS_API_VER, PAM_SERVER, 0, 0);
    if (PRL_SUCCEEDED(rc)) rc = PrlSrv_Create(server);
    if (PRL_SUCCEEDED(rc)) rc = wait_job(PrlSrv_LoginLocal(*server, NULL, 0, PSL_HIGH_SECURITY), NULL);
    return rc;
}

#endif
