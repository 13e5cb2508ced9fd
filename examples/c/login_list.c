/* login_list: log into the embedded service and list VMs and containers. */
#include "common.h"

int main(void) {
    PRL_HANDLE server = PRL_INVALID_HANDLE, result = PRL_INVALID_HANDLE;
    PRL_UINT32 count = 0, i;
    PRL_RESULT rc = connect_local(&server);
    if (PRL_FAILED(rc)) return report("login", rc);

    rc = wait_job(PrlSrv_GetVmListEx(server, PVTF_VM | PVTF_CT), &result);
    if (PRL_FAILED(rc)) return report("PrlSrv_GetVmListEx", rc);
    PrlResult_GetParamsCount(result, &count);
    printf("%u VM(s) and container(s)\n", count);
    for (i = 0; i < count; ++i) {
        PRL_HANDLE vm = PRL_INVALID_HANDLE;
        char name[256], uuid[64];
        PRL_UINT32 len = sizeof name;
        PRL_VM_TYPE type = PVT_VM;
        PrlResult_GetParamByIndex(result, i, &vm);
        PrlVmCfg_GetName(vm, name, &len);
        len = sizeof uuid;
        PrlVmCfg_GetUuid(vm, uuid, &len);
        PrlVmCfg_GetVmType(vm, &type);
        printf("  %s %-3s %s\n", uuid, type == PVT_CT ? "CT" : "VM", name);
        PrlHandle_Free(vm); /* every handle the SDK gives is ours to free */
    }
    PrlHandle_Free(result);
    wait_job(PrlSrv_Logoff(server), NULL);
    PrlHandle_Free(server);
    PrlApi_Deinit();
    return 0;
}
