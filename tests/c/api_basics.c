/* Plain C99: start-up, the boundary's codes, stub functions and stub jobs,
 * descriptions and the buffer rule, handle misuse. */
#include "check.h"

#include <string.h>

static void before_init(void) {
    PRL_UINT32 v = 0;
    PRL_HANDLE h = PRL_INVALID_HANDLE;
    char text[256];
    PRL_UINT32 len = sizeof text;
    CHECK_RC(PrlApi_GetVersion(&v), PRL_ERR_API_WASNT_INITIALIZED);
    CHECK_RC(PrlApi_Deinit(), PRL_ERR_API_WASNT_INITIALIZED);
    CHECK_RC(PrlSrv_Create(&h), PRL_ERR_API_WASNT_INITIALIZED);
    CHECK_RC(PrlHandle_Free(h), PRL_ERR_API_WASNT_INITIALIZED);
    CHECK(PrlSrv_LoginLocal(h, "", 0, PSL_HIGH_SECURITY) == PRL_INVALID_HANDLE);
    /* Descriptions work without initialisation. */
    CHECK_OK(PrlApi_GetResultDescription(PRL_ERR_INVALID_ARG, PRL_TRUE, PRL_FALSE, text, &len));
    CHECK(strcmp(text, "Invalid argument.") == 0);
    CHECK_RC(PrlApi_Init(VIRTUOZZO_API_VER + 1), PRL_ERR_API_INCOMPATIBLE);
    CHECK_RC(PrlApi_GetVersion(&v), PRL_ERR_API_WASNT_INITIALIZED);
}

static void init_is_reference_counted(void) {
    PRL_UINT32 v = 0;
    PRL_APPLICATION_MODE mode = PAM_UNKNOWN;
    CHECK_OK(PrlApi_InitEx(PARALLELS_API_VER, PAM_SERVER, 0, 0));
    CHECK_OK(PrlApi_GetVersion(&v));
    CHECK(v == VIRTUOZZO_API_VER);
    CHECK_OK(PrlApi_GetAppMode(&mode));
    CHECK(mode == PAM_SERVER);
    CHECK_RC(PrlApi_GetVersion(NULL), PRL_ERR_INVALID_ARG);
    CHECK_OK(PrlApi_Init(VIRTUOZZO_API_VER_5)); /* a second client in the process */
    CHECK_OK(PrlApi_Deinit());
    CHECK_OK(PrlApi_GetVersion(&v)); /* still initialised */
}

static void stubs(void) {
    PRL_HANDLE h = PRL_INVALID_HANDLE, job, result = PRL_INVALID_HANDLE, err = PRL_INVALID_HANDLE;
    PRL_HANDLE_TYPE type;
    PRL_JOB_STATUS status;
    PRL_RESULT rc = 0;
    PRL_JOB_OPERATION_CODE op = PJOC_JOB_CANCEL;
    PRL_UINT32 progress = 7;

    CHECK_RC(PrlHandle_GetChannelStatistics(h, NULL), PRL_ERR_UNIMPLEMENTED); /* no remote channel to measure */
    job = PrlVm_MigrateCancel(h);
    CHECK(job != PRL_INVALID_HANDLE);
    CHECK_OK(PrlHandle_GetType(job, &type));
    CHECK(type == PHT_JOB);
    /* Wait says the job finished; its own code comes from GetRetCode. */
    CHECK_OK(PrlJob_Wait(job, 1000));
    CHECK_OK(PrlJob_GetStatus(job, &status));
    CHECK(status == PJS_FINISHED);
    CHECK_OK(PrlJob_GetRetCode(job, &rc));
    CHECK(rc == PRL_ERR_UNIMPLEMENTED);
    CHECK_OK(PrlJob_GetOpCode(job, &op));
    CHECK(op == PJOC_UNKNOWN);
    CHECK_OK(PrlJob_GetProgress(job, &progress));
    CHECK(progress == 0);
    CHECK_OK(PrlJob_GetResult(job, &result));
    CHECK_OK(PrlHandle_GetType(result, &type));
    CHECK(type == PHT_RESULT);
    CHECK_OK(PrlJob_GetError(job, &err));
    CHECK_OK(PrlHandle_GetType(err, &type));
    CHECK(type == PHT_EVENT);
    /* Job functions refuse other handle types and null out-pointers. */
    CHECK_RC(PrlJob_Wait(result, 0), PRL_ERR_INVALID_ARG);
    CHECK_RC(PrlJob_GetRetCode(job, NULL), PRL_ERR_INVALID_ARG);
    CHECK_RC(PrlJob_GetStatus(err, &status), PRL_ERR_INVALID_ARG);
    CHECK_OK(PrlHandle_Free(result));
    CHECK_OK(PrlHandle_Free(err));
    CHECK_OK(PrlHandle_Free(job));
    CHECK_RC(PrlHandle_Free(job), PRL_ERR_INVALID_ARG); /* double free */
    CHECK_RC(PrlJob_Wait(job, 0), PRL_ERR_INVALID_ARG); /* use after free */
}

static void handle_misuse(void) {
    PRL_HANDLE_TYPE type;
    PRL_HANDLE job = PrlVm_MigrateCancel(PRL_INVALID_HANDLE);
    PRL_HANDLE forged = (PRL_HANDLE)(size_t)0x123456789abcull;
    CHECK_RC(PrlHandle_Free(PRL_INVALID_HANDLE), PRL_ERR_INVALID_ARG);
    CHECK_RC(PrlHandle_AddRef(PRL_INVALID_HANDLE), PRL_ERR_INVALID_ARG);
    CHECK_RC(PrlHandle_GetType(forged, &type), PRL_ERR_INVALID_ARG);
    CHECK_RC(PrlHandle_Free(forged), PRL_ERR_INVALID_ARG);
    CHECK_RC(PrlHandle_GetType(job, NULL), PRL_ERR_INVALID_ARG);
    CHECK_OK(PrlHandle_AddRef(job));
    CHECK_OK(PrlHandle_Free(job));
    CHECK_OK(PrlHandle_GetType(job, &type)); /* one reference left */
    CHECK_OK(PrlHandle_Free(job));
    CHECK_RC(PrlHandle_GetType(job, &type), PRL_ERR_INVALID_ARG);
}

static void descriptions(void) {
    char text[256];
    PRL_UINT32 len = 0, needed;
    PRL_MESSAGE_TYPE_ENUM mt;
    PRL_BOOL ignorable = PRL_TRUE;

    CHECK_OK(PrlApi_GetResultDescription(PRL_ERR_TIMEOUT, PRL_TRUE, PRL_FALSE, NULL, &len));
    needed = len;
    CHECK(needed == strlen("Timed out.") + 1);
    memset(text, 'x', sizeof text);
    len = needed - 1;
    CHECK_RC(PrlApi_GetResultDescription(PRL_ERR_TIMEOUT, PRL_TRUE, PRL_FALSE, text, &len), PRL_ERR_BUFFER_OVERRUN);
    CHECK(len == needed);
    /* As the original, the buffer holds what fits (here terminated). */
    CHECK(strcmp(text, "Timed out") == 0);
    CHECK(text[needed - 1] == 'x');
    len = needed;
    CHECK_OK(PrlApi_GetResultDescription(PRL_ERR_TIMEOUT, PRL_TRUE, PRL_FALSE, text, &len));
    CHECK(strcmp(text, "Timed out.") == 0);
    len = 0; /* a size query, even with a buffer (as the original) */
    CHECK_OK(PrlApi_GetResultDescription(PRL_ERR_TIMEOUT, PRL_TRUE, PRL_FALSE, text, &len));
    CHECK(len == needed);
    CHECK_RC(PrlApi_GetResultDescription(PRL_ERR_TIMEOUT, PRL_TRUE, PRL_FALSE, text, NULL), PRL_ERR_INVALID_ARG);
    /* A code with no written text gets one derived from its name... */
    len = sizeof text;
    CHECK_OK(PrlApi_GetResultDescription(PRL_ERR_FILE_NOT_FOUND, PRL_TRUE, PRL_FALSE, text, &len));
    CHECK(strcmp(text, "File not found.") == 0);
    len = sizeof text;
    CHECK_OK(PrlApi_GetResultDescription(PRL_ERR_VM_UUID_NOT_FOUND, PRL_TRUE, PRL_FALSE, text, &len));
    CHECK(strcmp(text, "VM not found.") == 0); /* a written text */
    /* ...and an unknown code a generic one with its value. */
    len = sizeof text;
    CHECK_OK(PrlApi_GetResultDescription((PRL_RESULT)0x8FFFFFF1u, PRL_FALSE, PRL_FALSE, text, &len));
    CHECK(strstr(text, "0x8FFFFFF1") != NULL);

    CHECK_OK(PrlApi_GetMessageType(PRL_ERR_INVALID_ARG, &mt));
    CHECK(mt == PMT_CRITICAL);
    CHECK_OK(PrlApi_MsgCanBeIgnored(PRL_ERR_INVALID_ARG, &ignorable));
    CHECK(ignorable == PRL_FALSE);
    CHECK_RC(PrlApi_GetMessageType(PRL_ERR_INVALID_ARG, NULL), PRL_ERR_INVALID_ARG);
    CHECK_RC(PrlApi_SetLogPath(NULL), PRL_ERR_INVALID_ARG);
    CHECK_RC(PrlApi_SetLogPath("/nonexistent-dir/prlshim.log"), PRL_ERR_INVALID_ARG);
    CHECK_OK(PrlApi_SwitchConsoleLogging(PRL_FALSE));
}

static void handles_die_with_deinit(void) {
    PRL_HANDLE_TYPE type;
    PRL_HANDLE job = PrlVm_MigrateCancel(PRL_INVALID_HANDLE);
    PRL_HANDLE job2;
    CHECK_OK(PrlApi_Deinit());
    CHECK_RC(PrlHandle_GetType(job, &type), PRL_ERR_API_WASNT_INITIALIZED);
    CHECK_OK(PrlApi_InitEx(VIRTUOZZO_API_VER, PAM_SERVER, 0, 0));
    CHECK_RC(PrlHandle_GetType(job, &type), PRL_ERR_INVALID_ARG); /* from before Deinit */
    job2 = PrlVm_MigrateCancel(PRL_INVALID_HANDLE);
    CHECK(job2 != job);
    CHECK_OK(PrlHandle_Free(job2));
    CHECK_OK(PrlApi_Deinit());
}

int main(void) {
    before_init();
    init_is_reference_counted();
    stubs();
    handle_misuse();
    descriptions();
    handles_die_with_deinit();
    return check_summary();
}
