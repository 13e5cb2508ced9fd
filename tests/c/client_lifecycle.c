/* What a real client does, start to end, in plain C99: initialise, log in,
 * listen to events, create a VM (with a disk) and a container, list them,
 * find them by name and UUID, run the VM through start / pause / resume /
 * stop watching its state events arrive in order, edit and commit a
 * configuration, unregister one and delete the other, log off and
 * deinitialise — leaking no handle (the library's leak report stays empty). */
#include "check.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_STATES 64

static void sleep_us(long us) {
    struct timespec ts;
    ts.tv_sec = us / 1000000;
    ts.tv_nsec = (us % 1000000) * 1000;
    nanosleep(&ts, NULL);
}

static struct {
    pthread_mutex_t lock;
    int states[MAX_STATES];
    int count;
    int added, deleted, unregistered, config_changed, jobs;
} seen = {PTHREAD_MUTEX_INITIALIZER, {0}, 0, 0, 0, 0, 0, 0};

static PRL_RESULT on_event(PRL_HANDLE h, PRL_VOID_PTR user) {
    PRL_HANDLE_TYPE type;
    PRL_EVENT_TYPE event_type;
    (void)user;
    if (PRL_SUCCEEDED(PrlHandle_GetType(h, &type)) && type == PHT_EVENT &&
        PRL_SUCCEEDED(PrlEvent_GetType(h, &event_type))) {
        pthread_mutex_lock(&seen.lock);
        if (event_type == PET_DSP_EVT_VM_STATE_CHANGED) {
            PRL_HANDLE param = PRL_INVALID_HANDLE;
            PRL_INT32 state = 0;
            if (PRL_SUCCEEDED(PrlEvent_GetParamByName(h, "vminfo_vm_state", &param)) &&
                PRL_SUCCEEDED(PrlEvtPrm_ToInt32(param, &state)) && seen.count < MAX_STATES)
                seen.states[seen.count++] = state;
            PrlHandle_Free(param);
        } else if (event_type == PET_DSP_EVT_VM_ADDED) {
            ++seen.added;
        } else if (event_type == PET_DSP_EVT_VM_DELETED) {
            ++seen.deleted;
        } else if (event_type == PET_DSP_EVT_VM_UNREGISTERED) {
            ++seen.unregistered;
        } else if (event_type == PET_DSP_EVT_VM_CONFIG_CHANGED) {
            ++seen.config_changed;
        }
        pthread_mutex_unlock(&seen.lock);
    } else if (PRL_SUCCEEDED(PrlHandle_GetType(h, &type)) && type == PHT_JOB) {
        pthread_mutex_lock(&seen.lock);
        ++seen.jobs;
        pthread_mutex_unlock(&seen.lock);
    }
    PrlHandle_Free(h); /* the callback owns its reference */
    return PRL_ERR_SUCCESS;
}

/* Waits for a job, checks its code, hands back its result if asked, frees it. */
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

static void get_uuid(PRL_HANDLE vm, char* out, PRL_UINT32 size) {
    PRL_UINT32 len = size;
    CHECK_OK(PrlVmCfg_GetUuid(vm, out, &len));
}

static PRL_HANDLE make_vm(PRL_HANDLE server, PRL_HANDLE srv_cfg, const char* name, PRL_VM_TYPE type) {
    PRL_HANDLE vm = PRL_INVALID_HANDLE, disk = PRL_INVALID_HANDLE;
    CHECK_OK(PrlSrv_CreateVm(server, &vm));
    CHECK_OK(PrlVmCfg_SetDefaultConfig(vm, srv_cfg, PVS_GUEST_VER_LIN_OTHER, PRL_FALSE));
    CHECK_OK(PrlVmCfg_SetName(vm, name));
    CHECK_OK(PrlVmCfg_SetVmType(vm, type));
    CHECK_OK(PrlVmCfg_SetDescription(vm, "made by client_lifecycle"));
    if (type == PVT_VM) {
        CHECK_OK(PrlVmCfg_CreateVmDev(vm, PDE_HARD_DISK, &disk));
        CHECK_OK(PrlVmDevHd_SetDiskSize(disk, 64));
        CHECK_OK(PrlVmDev_SetImagePath(disk, "harddisk.hdd"));
        PrlHandle_Free(disk);
    }
    CHECK_OK(run(PrlVm_Reg(vm, "", PRL_TRUE), NULL));
    return vm;
}

static PRL_HANDLE find(PRL_HANDLE server, const char* key, PRL_UINT32 flags, PRL_RESULT want) {
    PRL_HANDLE result = PRL_INVALID_HANDLE, vm = PRL_INVALID_HANDLE;
    CHECK_RC(run(PrlSrv_GetVmConfig(server, key, flags), &result), want);
    if (PRL_SUCCEEDED(want)) CHECK_OK(PrlResult_GetParam(result, &vm));
    PrlHandle_Free(result);
    return vm;
}

static void wait_for_states(int n) {
    int i;
    for (i = 0; i < 2000; ++i) {
        int count;
        pthread_mutex_lock(&seen.lock);
        count = seen.count;
        pthread_mutex_unlock(&seen.lock);
        if (count >= n) return;
        sleep_us(1000);
    }
}

int main(void) {
    char home[] = "/tmp/prlshim-client-XXXXXX", log_path[512], uuid[64], ct_uuid[64], name[256];
    PRL_HANDLE server = PRL_INVALID_HANDLE, job, result = PRL_INVALID_HANDLE, login = PRL_INVALID_HANDLE;
    PRL_HANDLE srv_cfg = PRL_INVALID_HANDLE, vm, ct, found, info = PRL_INVALID_HANDLE;
    PRL_UINT32 count = 0, len, ram = 0;
    PRL_BOOL connected = PRL_FALSE;
    VIRTUAL_MACHINE_STATE state = VMS_UNKNOWN;
    FILE* log;
    char line[1024];
    int leaks = 0, i;
    static const int expected[] = {VMS_STARTING, VMS_RUNNING, VMS_PAUSING, VMS_PAUSED,
                                   VMS_CONTINUING, VMS_RUNNING, VMS_STOPPING, VMS_STOPPED};

    if (!mkdtemp(home)) return 2;
    setenv("PRLSHIM_HOME", home, 1);
    snprintf(log_path, sizeof log_path, "%s/client.log", home);

    CHECK_OK(PrlApi_InitEx(PARALLELS_API_VER, PAM_SERVER, 0, 0));
    CHECK_OK(PrlApi_SetLogPath(log_path));
    CHECK_OK(PrlSrv_Create(&server));
    CHECK_RC(run(PrlSrv_GetVmList(server), NULL), PRL_ERR_NOT_CONNECTED_TO_DISPATCHER);
    job = PrlSrv_LoginLocalEx(server, NULL, 0, PSL_HIGH_SECURITY, PACF_NON_INTERACTIVE_MODE);
    CHECK_OK(run(job, &result));
    CHECK_OK(PrlResult_GetParam(result, &login));
    len = sizeof uuid;
    CHECK_OK(PrlLoginResponse_GetSessionUuid(login, uuid, &len));
    CHECK(uuid[0] == '{' && strlen(uuid) == 38);
    PrlHandle_Free(login);
    PrlHandle_Free(result);
    CHECK_OK(PrlSrv_IsConnected(server, &connected, NULL));
    CHECK(connected == PRL_TRUE);
    CHECK_OK(PrlSrv_RegEventHandler(server, on_event, NULL));

    CHECK_OK(run(PrlSrv_GetSrvConfig(server), &result));
    CHECK_OK(PrlResult_GetParam(result, &srv_cfg));
    PrlHandle_Free(result);

    vm = make_vm(server, srv_cfg, "client-vm", PVT_VM);
    ct = make_vm(server, srv_cfg, "client-ct", PVT_CT);
    get_uuid(vm, uuid, sizeof uuid);
    get_uuid(ct, ct_uuid, sizeof ct_uuid);
    CHECK(strcmp(uuid, ct_uuid) != 0);
    CHECK_RC(run(PrlVm_Reg(vm, "", PRL_TRUE), NULL), PRL_ERR_VM_ALREADY_REGISTERED_VM_UUID);

    /* Listing: VMs only by default, both with PVTF_VM | PVTF_CT. */
    CHECK_OK(run(PrlSrv_GetVmList(server), &result));
    CHECK_OK(PrlResult_GetParamsCount(result, &count));
    CHECK(count == 1);
    PrlHandle_Free(result);
    CHECK_OK(run(PrlSrv_GetVmListEx(server, PVTF_VM | PVTF_CT), &result));
    CHECK_OK(PrlResult_GetParamsCount(result, &count));
    CHECK(count == 2);
    PrlHandle_Free(result);

    /* Finding, by name and by UUID. */
    found = find(server, "client-vm", PGVC_SEARCH_BY_NAME, PRL_ERR_SUCCESS);
    len = sizeof name;
    CHECK_OK(PrlVmCfg_GetUuid(found, name, &len));
    CHECK(strcmp(name, uuid) == 0);
    PrlHandle_Free(found);
    found = find(server, ct_uuid, PGVC_SEARCH_BY_UUID, PRL_ERR_SUCCESS);
    len = sizeof name;
    CHECK_OK(PrlVmCfg_GetName(found, name, &len));
    CHECK(strcmp(name, "client-ct") == 0);
    PrlHandle_Free(found);
    find(server, "{00000000-0000-0000-0000-000000000000}", PGVC_SEARCH_BY_UUID, PRL_ERR_VM_UUID_NOT_FOUND);

    /* Power: the state events arrive in order. */
    CHECK_RC(run(PrlVm_Pause(vm, PRL_FALSE), NULL), PRL_ERR_DISP_VM_IS_NOT_STARTED);
    CHECK_OK(run(PrlVm_Start(vm), NULL));
    CHECK_OK(run(PrlVm_Pause(vm, PRL_FALSE), NULL));
    CHECK_OK(run(PrlVm_Resume(vm), NULL));
    CHECK_OK(run(PrlVm_GetState(vm), &result));
    CHECK_OK(PrlResult_GetParam(result, &info));
    CHECK_OK(PrlVmInfo_GetState(info, &state));
    CHECK(state == VMS_RUNNING);
    PrlHandle_Free(info);
    PrlHandle_Free(result);
    CHECK_RC(run(PrlVm_Delete(vm, PRL_INVALID_HANDLE), NULL), PRL_ERR_DISP_VM_IS_NOT_STOPPED);
    CHECK_OK(run(PrlVm_Stop(vm, PRL_FALSE), NULL));
    wait_for_states(8);
    pthread_mutex_lock(&seen.lock);
    CHECK(seen.count == 8);
    for (i = 0; i < 8 && i < seen.count; ++i) CHECK(seen.states[i] == expected[i]);
    pthread_mutex_unlock(&seen.lock);

    /* Edit and commit; a second handle sees the change after a refresh. */
    CHECK_OK(run(PrlVm_BeginEdit(vm), NULL));
    CHECK_OK(PrlVmCfg_SetRamSize(vm, 2048));
    CHECK_OK(run(PrlVm_Commit(vm), NULL));
    found = find(server, uuid, PGVC_SEARCH_BY_UUID, PRL_ERR_SUCCESS);
    CHECK_OK(PrlVmCfg_GetRamSize(found, &ram));
    CHECK(ram == 2048);
    PrlHandle_Free(found);

    /* Unregister the container (its files stay), delete the VM (its files go). */
    CHECK_OK(run(PrlVm_Unreg(ct), NULL));
    CHECK_OK(run(PrlVm_Delete(vm, PRL_INVALID_HANDLE), NULL));
    CHECK_OK(run(PrlSrv_GetVmListEx(server, PVTF_VM | PVTF_CT), &result));
    CHECK_OK(PrlResult_GetParamsCount(result, &count));
    CHECK(count == 0);
    PrlHandle_Free(result);
    {
        char path[600];
        struct stat st;
        snprintf(path, sizeof path, "%s/cts/client-ct", home);
        CHECK(stat(path, &st) == 0); /* unregistered, not deleted */
        snprintf(path, sizeof path, "%s/vms/client-vm.pvm", home);
        CHECK(stat(path, &st) != 0); /* deleted */
    }

    sleep_us(100000); /* let the last events reach the handler */
    CHECK_OK(PrlSrv_UnregEventHandler(server, on_event, NULL));
    pthread_mutex_lock(&seen.lock);
    CHECK(seen.added == 2);
    CHECK(seen.unregistered == 1);
    CHECK(seen.deleted == 1);
    CHECK(seen.config_changed == 1);
    CHECK(seen.jobs > 0); /* finished jobs reach server handlers too */
    pthread_mutex_unlock(&seen.lock);

    PrlHandle_Free(vm);
    PrlHandle_Free(ct);
    PrlHandle_Free(srv_cfg);
    CHECK_OK(run(PrlSrv_Logoff(server), NULL));
    CHECK_OK(PrlSrv_IsConnected(server, &connected, NULL));
    CHECK(connected == PRL_FALSE);
    PrlHandle_Free(server);
    CHECK_OK(PrlApi_Deinit());

    log = fopen(log_path, "r");
    while (log && fgets(line, sizeof line, log))
        if (strstr(line, "leaked")) {
            ++leaks;
            printf("%s", line);
        }
    if (log) fclose(log);
    CHECK(leaks == 0);
    {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", home);
        CHECK(system(cmd) == 0);
    }
    return check_summary();
}
