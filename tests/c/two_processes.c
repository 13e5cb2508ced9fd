/* Two processes share one state root while creating and listing VMs at the
 * same time: afterwards every VM either created is listed exactly once, with
 * its name and UUID intact, and a fresh process sees them all. */
#include "check.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PER_PROCESS 12

static PRL_RESULT run(PRL_HANDLE job, PRL_HANDLE* result) {
    /* PrlJob_Wait tells only whether the job finished; its own code is GetRetCode's. */
    PRL_RESULT rc = PrlJob_Wait(job, 60000);
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

static PRL_HANDLE login(void) {
    PRL_HANDLE server = PRL_INVALID_HANDLE;
    CHECK_OK(PrlApi_InitEx(PARALLELS_API_VER, PAM_SERVER, 0, 0));
    CHECK_OK(PrlSrv_Create(&server));
    CHECK_OK(run(PrlSrv_LoginLocal(server, NULL, 0, PSL_HIGH_SECURITY), NULL));
    return server;
}

static PRL_UINT32 count_vms(PRL_HANDLE server) {
    PRL_HANDLE result;
    PRL_UINT32 count = 0;
    CHECK_OK(run(PrlSrv_GetVmListEx(server, PVTF_VM | PVTF_CT), &result));
    CHECK_OK(PrlResult_GetParamsCount(result, &count));
    PrlHandle_Free(result);
    return count;
}

/* A child: creates PER_PROCESS VMs, listing after each; exits 0 when all went well. */
static int child(char tag) {
    PRL_HANDLE server = login();
    int i;
    for (i = 0; i < PER_PROCESS; ++i) {
        PRL_HANDLE vm = PRL_INVALID_HANDLE;
        char name[64];
        snprintf(name, sizeof name, "vm-%c-%02d", tag, i);
        CHECK_OK(PrlSrv_CreateVm(server, &vm));
        CHECK_OK(PrlVmCfg_SetName(vm, name));
        CHECK_OK(run(PrlVm_Reg(vm, "", PRL_TRUE), NULL));
        CHECK(count_vms(server) >= (PRL_UINT32)(i + 1));
        PrlHandle_Free(vm);
    }
    run(PrlSrv_Logoff(server), NULL);
    PrlHandle_Free(server);
    PrlApi_Deinit();
    return check_failed ? 1 : 0;
}

int main(void) {
    char home[] = "/tmp/prlshim-two-XXXXXX", cmd[128];
    pid_t a, b;
    int status_a = 0, status_b = 0, i;
    PRL_HANDLE server, result;
    PRL_UINT32 count = 0, k;
    char seen[2][PER_PROCESS] = {{0}};

    if (!mkdtemp(home)) return 2;
    setenv("PRLSHIM_HOME", home, 1);
    a = fork();
    if (a == 0) _exit(child('a'));
    b = fork();
    if (b == 0) _exit(child('b'));
    waitpid(a, &status_a, 0);
    waitpid(b, &status_b, 0);
    CHECK(WIFEXITED(status_a) && WEXITSTATUS(status_a) == 0);
    CHECK(WIFEXITED(status_b) && WEXITSTATUS(status_b) == 0);

    server = login();
    CHECK_OK(run(PrlSrv_GetVmListEx(server, PVTF_VM | PVTF_CT), &result));
    CHECK_OK(PrlResult_GetParamsCount(result, &count));
    CHECK(count == 2 * PER_PROCESS);
    for (k = 0; k < count; ++k) {
        PRL_HANDLE vm = PRL_INVALID_HANDLE;
        char name[64], uuid[64];
        PRL_UINT32 len = sizeof name;
        CHECK_OK(PrlResult_GetParamByIndex(result, k, &vm));
        CHECK_OK(PrlVmCfg_GetName(vm, name, &len));
        len = sizeof uuid;
        CHECK_OK(PrlVmCfg_GetUuid(vm, uuid, &len));
        CHECK(strlen(uuid) == 38);
        if (strlen(name) == 7 && (name[3] == 'a' || name[3] == 'b')) {
            i = atoi(name + 5);
            if (i >= 0 && i < PER_PROCESS) {
                CHECK(!seen[name[3] - 'a'][i]); /* listed once */
                seen[name[3] - 'a'][i] = 1;
            }
        }
        PrlHandle_Free(vm);
    }
    for (i = 0; i < PER_PROCESS; ++i) CHECK(seen[0][i] && seen[1][i]);
    PrlHandle_Free(result);
    run(PrlSrv_Logoff(server), NULL);
    PrlHandle_Free(server);
    PrlApi_Deinit();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", home);
    CHECK(system(cmd) == 0);
    return check_summary();
}
