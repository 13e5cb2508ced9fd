/* demo: what the README's first command runs. It initialises the SDK the way
 * existing clients do, logs into the embedded service and prints the SDK
 * version and the backup tree. */
#include <Parallels.h>
#include <stdio.h>
#include <stdlib.h>

static void print_error(const char* what, PRL_RESULT rc) {
    char text[512];
    PRL_UINT32 len = sizeof text;
    if (PRL_FAILED(PrlApi_GetResultDescription(rc, PRL_FALSE, PRL_FALSE, text, &len))) text[0] = 0;
    printf("%s: %s (0x%08X)\n", what, text, (unsigned)rc);
}

/* Waits for a job, frees it, and returns its code; *result gets its result. */
static PRL_RESULT finish(PRL_HANDLE job, PRL_HANDLE* result) {
    PRL_RESULT rc = PrlJob_Wait(job, 60000);
    if (result) {
        *result = PRL_INVALID_HANDLE;
        if (PRL_SUCCEEDED(rc)) PrlJob_GetResult(job, result);
    }
    PrlHandle_Free(job);
    return rc;
}

int main(void) {
    PRL_HANDLE server = PRL_INVALID_HANDLE, result = PRL_INVALID_HANDLE;
    PRL_UINT32 version = 0, len = 0;
    PRL_RESULT rc;
    char* tree;

    rc = PrlApi_InitEx(PARALLELS_API_VER, PAM_SERVER, 0, 0);
    if (PRL_FAILED(rc)) {
        print_error("PrlApi_InitEx", rc);
        return 1;
    }
    PrlApi_GetVersion(&version);
    printf("prlshim: Virtuozzo SDK API version %u.%u\n", version >> 16, version & 0xffff);

    rc = PrlSrv_Create(&server);
    if (PRL_SUCCEEDED(rc)) rc = finish(PrlSrv_LoginLocal(server, NULL, 0, PSL_HIGH_SECURITY), NULL);
    if (PRL_FAILED(rc)) {
        print_error("login to the embedded service", rc);
    } else {
        rc = finish(PrlSrv_GetBackupTree(server, "", "", 0, "", PBT_VM, 0, PRL_FALSE), &result);
        if (PRL_SUCCEEDED(rc) && PRL_SUCCEEDED(PrlResult_GetParamAsString(result, NULL, &len)) &&
            (tree = malloc(len)) != NULL) {
            PrlResult_GetParamAsString(result, tree, &len);
            printf("backup tree:\n%s\n", tree);
            free(tree);
        } else {
            print_error("PrlSrv_GetBackupTree", rc);
        }
        PrlHandle_Free(result);
        finish(PrlSrv_Logoff(server), NULL);
    }
    PrlHandle_Free(server);
    PrlApi_Deinit();
    return 0;
}
