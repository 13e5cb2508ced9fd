/* prlctl's container commands, replayed call by call:
 *   create ct1 --vmtype ct, create ct2 --vmtype ct --ostemplate T --config S,
 *   status ct1, delete ct1, delete ct2.
 * Outcomes: the private area under cts/, its config.pvs, the registry. */
#include "client.h"

/* prlctl create NAME --vmtype ct [--ostemplate T] [--config S] (PrlSrv::create_ct) */
static int cmd_create(const char* name, const char* ostemplate, const char* sample) {
    PRL_HANDLE srv, result, vm;
    PRL_GET_VM_CONFIG_PARAM_DATA param;
    PRL_UINT32 count = 0;
    PRL_VM_TYPE type;
    if (cl_login(&srv)) return 1;
    param.nVmType = PVT_CT;
    param.sConfigSample = sample;
    param.nOsVersion = 0;
    JOB(PrlSrv_GetDefaultVmConfig(srv, &param, 0), &result);
    MUST(PrlResult_GetParamsCount(result, &count));
    MUST(PrlResult_GetParam(result, &vm));
    PrlHandle_Free(result);
    MUST(PrlVmCfg_SetVmType(vm, PVT_CT));
    if (*ostemplate) TRY(PrlVmCfg_SetOsTemplate(vm, ostemplate));   /* result unchecked by the client */
    if (*sample) TRY(PrlVmCfg_ApplyConfigSample(vm, sample));       /* likewise */
    cl_vm_ctor(vm, NULL);
    MUST(PrlVmCfg_SetName(vm, name));
    TRY(PrlSrv_RegEventHandler(srv, cl_on_event, NULL));
    JOB(PrlVm_RegEx(vm, "", PACF_NON_INTERACTIVE_MODE), NULL);
    TRY(PrlSrv_UnregEventHandler(srv, cl_on_event, NULL));
    PrlHandle_Free(vm);

    if (cl_get_vm(srv, name, &vm)) return 1;
    MUST(PrlVmCfg_GetVmType(vm, &type));
    EXPECT(type == PVT_CT);
    if (*ostemplate) EXPECT(strcmp(cl_str(PrlVmCfg_GetOsTemplate, vm), ostemplate) == 0);
    PrlHandle_Free(vm);
    cl_logoff(srv);
    EXPECT(cl_exists(cl_path("cts/%s/config.pvs", name)));
    EXPECT(cl_file_has(cl_path("inventory.xml"), "<Type>ct</Type>"));
    return 0;
}

/* prlctl status ct1 */
static int cmd_status(const char* name) {
    PRL_HANDLE srv, vm;
    PRL_VM_TYPE type;
    VIRTUAL_MACHINE_STATE state;
    if (cl_login(&srv)) return 1;
    if (cl_get_vm(srv, name, &vm)) return 1;
    MUST(PrlVmCfg_GetVmType(vm, &type));
    if (cl_update_state(vm, &state)) return 1;
    EXPECT(type == PVT_CT);
    EXPECT(state == VMS_STOPPED);
    PrlHandle_Free(vm);
    cl_logoff(srv);
    return 0;
}

/* prlctl delete NAME (PrlVm::destroy) */
static int cmd_delete(const char* name) {
    PRL_HANDLE srv, vm;
    if (cl_open_vm(&srv, name, &vm, NULL)) return 1;
    JOB(PrlVm_Delete(vm, PRL_INVALID_HANDLE), NULL);
    PrlHandle_Free(vm);
    EXPECT(cl_job(PrlSrv_GetVmConfig(srv, name, PGVC_SEARCH_BY_NAME), NULL) == PRL_ERR_VM_UUID_NOT_FOUND);
    cl_logoff(srv);
    EXPECT(!cl_exists(cl_path("cts/%s", name)));
    return 0;
}

int main(void) {
    if (cl_init("ct")) return 2;
    COMMAND("prlctl create ct1 --vmtype ct", cmd_create("ct1", "", ""));
    COMMAND("prlctl create ct2 --vmtype ct --ostemplate centos-7-x86_64 --config basic",
            cmd_create("ct2", "centos-7-x86_64", "basic"));
    COMMAND("prlctl status ct1", cmd_status("ct1"));
    COMMAND("prlctl delete ct1", cmd_delete("ct1"));
    COMMAND("prlctl delete ct2", cmd_delete("ct2"));
    return cl_finish();
}
