/* backup_progress: back up a VM (creating one if there is none), following
 * the backup's progress through an event callback. Usage: backup_progress [NAME] */
#include "common.h"

#include <string.h>

/* Runs on a library thread; owns `h` and frees it. */
static PRL_RESULT on_event(PRL_HANDLE h, PRL_VOID_PTR user) {
    PRL_EVENT_TYPE type;
    (void)user;
    if (PRL_SUCCEEDED(PrlEvent_GetType(h, &type)) && type == PET_DSP_EVT_BACKUP_PROGRESS_CHANGED) {
        PRL_HANDLE param = PRL_INVALID_HANDLE;
        PRL_UINT32 percent = 0;
        if (PRL_SUCCEEDED(PrlEvent_GetParamByName(h, "progress_changed", &param)) &&
            PRL_SUCCEEDED(PrlEvtPrm_ToUint32(param, &percent)))
            printf("progress %3u%%\n", percent);
        PrlHandle_Free(param);
    }
    PrlHandle_Free(h);
    return PRL_ERR_SUCCESS;
}

int main(int argc, char** argv) {
    const char* name = argc > 1 ? argv[1] : "example-vm";
    PRL_HANDLE server = PRL_INVALID_HANDLE, result, vm = PRL_INVALID_HANDLE, backup = PRL_INVALID_HANDLE;
    char uuid[64], id[64];
    PRL_UINT32 len;
    PRL_RESULT rc = connect_local(&server);
    if (PRL_FAILED(rc)) return report("login", rc);

    rc = wait_job(PrlSrv_GetVmConfig(server, name, PGVC_SEARCH_BY_NAME), &result);
    if (rc == PRL_ERR_VM_UUID_NOT_FOUND) { /* create it, with a 32 MiB disk */
        PRL_HANDLE disk = PRL_INVALID_HANDLE;
        PrlSrv_CreateVm(server, &vm);
        PrlVmCfg_SetName(vm, name);
        PrlVmCfg_CreateVmDev(vm, PDE_HARD_DISK, &disk);
        PrlVmDevHd_SetDiskSize(disk, 32);
        PrlHandle_Free(disk);
        if (PRL_FAILED(rc = wait_job(PrlVm_Reg(vm, "", PRL_TRUE), NULL))) return report("PrlVm_Reg", rc);
    } else if (PRL_FAILED(rc)) {
        return report("PrlSrv_GetVmConfig", rc);
    } else {
        PrlResult_GetParam(result, &vm);
        PrlHandle_Free(result);
    }
    len = sizeof uuid;
    PrlVmCfg_GetUuid(vm, uuid, &len);

    PrlSrv_RegEventHandler(server, on_event, NULL);
    rc = wait_job(PrlSrv_CreateVmBackup(server, uuid, "", 0, "", "example", PBT_INCREMENTAL, 0, PRL_FALSE), &result);
    PrlSrv_UnregEventHandler(server, on_event, NULL); /* waits for a callback in flight */
    if (PRL_FAILED(rc)) return report("PrlSrv_CreateVmBackup", rc);
    PrlResult_GetParamByIndex(result, 1, &backup); /* index 0 is the VM's id */
    len = sizeof id;
    PrlBackupResult_GetBackupUuid(backup, id, &len);
    printf("backed up %s as %s\n", name, id);

    PrlHandle_Free(backup);
    PrlHandle_Free(result);
    PrlHandle_Free(vm);
    wait_job(PrlSrv_Logoff(server), NULL);
    PrlHandle_Free(server);
    PrlApi_Deinit();
    return 0;
}
