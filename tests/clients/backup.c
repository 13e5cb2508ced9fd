/* prlctl's backup commands, replayed call by call (PrlBackup.cpp):
 *   backup vm1 -f, backup vm1 -i, backup-list, restore vm1, restore vm1 -n
 *   vm1copy, backup-delete -t ID --keep-chain, backup-delete vm1.
 * Outcomes: the repository under backups/ (docs/backup-format.md), the
 * restored configuration, the copy's bundle. */
#include "client.h"

#define VM "vm1"

static char vm_uuid[64], full_id[128], incr_id[128];
static PRL_UINT32 cpus_backed_up; /* vm1's CPU count when backed up */

/* PrlSrv::get_min_security_level(): the common preferences; failures tolerated. */
static PRL_UINT32 min_security_level(PRL_HANDLE srv) {
    PRL_HANDLE result = PRL_INVALID_HANDLE, prefs = PRL_INVALID_HANDLE;
    PRL_SECURITY_LEVEL level = PSL_LOW_SECURITY;
    TRY_JOB(PrlSrv_GetCommonPrefs(srv), &result);
    if (result != PRL_INVALID_HANDLE && PRL_SUCCEEDED(PrlResult_GetParam(result, &prefs))) {
        TRY(PrlDispCfg_GetMinSecurityLevel(prefs, &level));
        PrlHandle_Free(prefs);
    }
    PrlHandle_Free(result);
    return (PRL_UINT32)level;
}

/* The chain directory of a backup id "{chain}" or "{chain}.N". */
static const char* chain_dir(const char* id) {
    char chain[64], vm[64];
    snprintf(chain, sizeof chain, "%.36s", id + 1);
    snprintf(vm, sizeof vm, "%.36s", vm_uuid + 1);
    return cl_path("backups/vms/%s/%s", vm, chain);
}

/* prlctl backup vm1 -f|-i (PrlSrv::backup_vm -> do_vm_backup) */
static int cmd_backup(PRL_UINT32 kind, char* id_out) {
    PRL_HANDLE srv, vm, job, result, param;
    PRL_BACKUP_PARAM extra;
    PRL_UINT32 count = 0, len;
    if (cl_open_vm(&srv, VM, &vm, NULL)) return 1;
    PrlHandle_Free(vm);
    if (cl_get_vm(srv, VM, &vm)) return 1; /* backup_vm looks it up again */
    len = sizeof vm_uuid;
    MUST(PrlVmCfg_GetUuid(vm, vm_uuid, &len));
    PrlHandle_Free(vm);
    extra.backup_directory = "";
    job = PrlSrv_CreateVmBackupEx(srv, vm_uuid, "", 0, "", "", kind | min_security_level(srv), 0, PRL_TRUE, &extra);
    TRY(PrlSrv_RegEventHandler(srv, cl_on_event, vm_uuid));
    JOB(job, &result);
    MUST(PrlResult_GetParamsCount(result, &count));
    EXPECT(count >= 2); /* 1: the VM, 2: the backup */
    MUST(PrlResult_GetParamByIndex(result, 1, &param));
    len = 128;
    MUST(PrlBackupResult_GetBackupUuid(param, id_out, &len));
    PrlHandle_Free(param);
    PrlHandle_Free(result);
    TRY(PrlSrv_UnregEventHandler(srv, cl_on_event, vm_uuid));
    cl_logoff(srv);
    EXPECT(id_out[0] == '{');
    EXPECT(cl_exists(cl_path("backups/FORMAT")));
    {
        char path[1100];
        snprintf(path, sizeof path, "%s/%s", chain_dir(id_out), kind == PBT_FULL ? "00000001.xml" : "00000002.xml");
        EXPECT(cl_exists(path));
    }
    return 0;
}

/* prlctl backup-list (PrlSrv::backup_list -> get_backup_tree) */
static int cmd_backup_list(void) {
    PRL_HANDLE srv, result;
    PRL_BACKUP_PARAM extra;
    PRL_UINT32 count = 0, len = 0, flags;
    char* xml;
    EXPECT(full_id[0] && incr_id[0]); /* both backups were made */
    if (cl_login(&srv)) return 1;
    flags = min_security_level(srv) | PBT_VM | PBT_CT;
    extra.backup_directory = "";
    JOB(PrlSrv_GetBackupTreeEx(srv, "", "", 0, "", flags, 0, PRL_TRUE, &extra), &result);
    MUST(PrlResult_GetParamsCount(result, &count));
    EXPECT(count > 0);
    MUST(PrlResult_GetParamAsString(result, NULL, &len)); /* size first, as the client does */
    xml = (char*)malloc(len + 1);
    MUST(PrlResult_GetParamAsString(result, xml, &len));
    PrlHandle_Free(result);
    cl_logoff(srv);
    EXPECT(strstr(xml, vm_uuid) != NULL);
    EXPECT(strstr(xml, full_id) != NULL);
    EXPECT(strstr(xml, incr_id) != NULL);
    free(xml);
    return 0;
}

/* prlctl restore vm1 [-n NAME] (PrlSrv::restore_vm) */
static int cmd_restore(const char* new_name) {
    PRL_HANDLE srv, vm, job;
    PRL_BACKUP_PARAM extra;
    PRL_VM_TYPE type;
    PRL_UINT32 flags;
    EXPECT(full_id[0]);
    if (cl_login(&srv)) return 1;
    flags = min_security_level(srv);
    if (cl_get_vm(srv, VM, &vm)) return 1;
    MUST(PrlVmCfg_GetVmType(vm, &type));
    PrlHandle_Free(vm);
    if (*new_name) flags |= PBT_RESTORE_TO_COPY;
    extra.backup_directory = "";
    job = PrlSrv_RestoreVmBackupEx(srv, vm_uuid, "", "", 0, "", "", new_name, flags, 0, PRL_FALSE, &extra);
    TRY(PrlSrv_RegEventHandler(srv, cl_on_event, vm_uuid));
    JOB(job, NULL);
    TRY(PrlSrv_UnregEventHandler(srv, cl_on_event, NULL));
    if (*new_name) { /* a new VM with the backed-up configuration */
        PRL_UINT32 cpus = 0;
        if (cl_get_vm(srv, new_name, &vm)) return 1;
        EXPECT(strcmp(cl_str(PrlVmCfg_GetUuid, vm), vm_uuid) != 0);
        MUST(PrlVmCfg_GetCpuCount(vm, &cpus));
        EXPECT(cpus == cpus_backed_up);
        EXPECT(strcmp(cl_str(PrlVmCfg_GetDescription, vm), "changed after backup") != 0);
        PrlHandle_Free(vm);
        EXPECT(cl_exists(cl_path("vms/%s.pvm/config.pvs", new_name)));
        EXPECT(!cl_file_has(cl_path("vms/%s.pvm/config.pvs", new_name), "changed after backup"));
        EXPECT(cl_file_has(cl_path("vms/%s.pvm/config.pvs", new_name), new_name));
    } else { /* the CPU count and description changed after the backup are back to the backed-up ones */
        PRL_UINT32 cpus = 0;
        if (cl_get_vm(srv, VM, &vm)) return 1;
        EXPECT(strcmp(cl_str(PrlVmCfg_GetDescription, vm), "changed after backup") != 0);
        EXPECT(strcmp(cl_str(PrlVmCfg_GetUuid, vm), vm_uuid) == 0);
        MUST(PrlVmCfg_GetCpuCount(vm, &cpus));
        EXPECT(cpus == cpus_backed_up);
        PrlHandle_Free(vm);
        EXPECT(!cl_file_has(cl_path("vms/%s.pvm/config.pvs", VM), "changed after backup"));
        EXPECT(cl_file_has(cl_path("vms/%s.pvm/config.pvs", VM), vm_uuid));
    }
    cl_logoff(srv);
    return 0;
}

/* prlctl backup-delete -t ID --keep-chain | backup-delete vm1 (PrlSrv::backup_delete) */
static int cmd_backup_delete(int keep_chain, const char* backup_id) {
    PRL_HANDLE srv, vm, job;
    PRL_BACKUP_PARAM extra;
    PRL_UINT32 flags;
    const char* vm_id = "";
    char chain[1024];
    EXPECT(full_id[0] && (!keep_chain || backup_id[0]));
    if (cl_login(&srv)) return 1;
    flags = min_security_level(srv);
    if (keep_chain) {
        flags |= PBT_KEEP_CHAIN;
    } else {
        if (cl_get_vm(srv, VM, &vm)) return 1;
        PrlHandle_Free(vm);
        vm_id = vm_uuid;
    }
    snprintf(chain, sizeof chain, "%s", chain_dir(full_id));
    extra.backup_directory = "";
    job = PrlSrv_RemoveVmBackupEx(srv, vm_id, backup_id, "", 0, "", flags, 0, PRL_TRUE, &extra);
    TRY(PrlSrv_RegEventHandler(srv, cl_on_event, (PRL_VOID_PTR)vm_id));
    JOB(job, NULL);
    TRY(PrlSrv_UnregEventHandler(srv, cl_on_event, NULL));
    cl_logoff(srv);
    if (keep_chain) { /* the incremental goes, the full one stays */
        char path[1100];
        snprintf(path, sizeof path, "%s/00000002.xml", chain);
        EXPECT(!cl_exists(path));
        snprintf(path, sizeof path, "%s/00000001.xml", chain);
        EXPECT(cl_exists(path));
    } else {
        EXPECT(!cl_exists(chain));
    }
    return 0;
}

/* Not a prlctl command: changes the description and CPU count so 'restore' has something to undo. */
static int change_description(void) {
    PRL_HANDLE srv, vm;
    if (cl_login(&srv)) return 1;
    if (cl_get_vm(srv, VM, &vm)) return 1;
    MUST(PrlVmCfg_GetCpuCount(vm, &cpus_backed_up));
    JOB(PrlVm_BeginEdit(vm), NULL);
    MUST(PrlVmCfg_SetDescription(vm, "changed after backup"));
    MUST(PrlVmCfg_SetCpuCount(vm, cpus_backed_up + 2));
    JOB(PrlVm_CommitEx(vm, 0), NULL);
    PrlHandle_Free(vm);
    cl_logoff(srv);
    return 0;
}

int main(void) {
    if (cl_init("backup")) return 2;
    COMMAND("prlctl create vm1 --vmtype vm", cl_create_vm(VM));
    COMMAND("prlctl backup vm1 -f", cmd_backup(PBT_FULL, full_id));
    COMMAND("prlctl backup vm1 -i", cmd_backup(PBT_INCREMENTAL, incr_id));
    COMMAND("prlctl backup-list", cmd_backup_list());
    COMMAND("(setup) change vm1's description and CPU count", change_description());
    COMMAND("prlctl restore vm1", cmd_restore(""));
    COMMAND("prlctl restore vm1 -n vm1copy", cmd_restore("vm1copy"));
    COMMAND("prlctl backup-delete -t <incremental id> --keep-chain", cmd_backup_delete(1, incr_id));
    COMMAND("prlctl backup-delete vm1", cmd_backup_delete(0, ""));
    return cl_finish();
}
