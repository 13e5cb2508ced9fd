/* demo: what the README's first command runs, as an SDK client would write it.
 * It logs into the embedded service, creates a VM with a 64 MiB disk and puts
 * data on it, lists the VMs, makes a full and an incremental backup showing
 * their progress, prints the backup tree, restores the incremental backup as a
 * new VM and checks that its disk matches the original byte for byte. */
#include <Parallels.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DISK_MB 64

static int fail(const char* what, PRL_RESULT rc) {
    char text[512];
    PRL_UINT32 len = sizeof text;
    if (PRL_FAILED(PrlApi_GetResultDescription(rc, PRL_FALSE, PRL_FALSE, text, &len))) text[0] = 0;
    fprintf(stderr, "%s failed: %s (0x%08X)\n", what, text, (unsigned)rc);
    return 1;
}

/* Progress events arrive on a library thread; print one line per 20%. */
static PRL_RESULT on_event(PRL_HANDLE h, PRL_VOID_PTR user) {
    PRL_EVENT_TYPE type;
    PRL_HANDLE param = PRL_INVALID_HANDLE;
    PRL_UINT32 percent = 0;
    (void)user;
    if (PRL_SUCCEEDED(PrlEvent_GetType(h, &type)) &&
        (type == PET_DSP_EVT_BACKUP_PROGRESS_CHANGED || type == PET_DSP_EVT_RESTORE_PROGRESS_CHANGED) &&
        PRL_SUCCEEDED(PrlEvent_GetParamByName(h, "progress_changed", &param)) &&
        PRL_SUCCEEDED(PrlEvtPrm_ToUint32(param, &percent)) && percent % 20 == 0)
        printf("  %s %u%%\n", type == PET_DSP_EVT_BACKUP_PROGRESS_CHANGED ? "backup" : "restore", percent);
    PrlHandle_Free(param);
    PrlHandle_Free(h);
    return PRL_ERR_SUCCESS;
}

/* Waits for a job; returns its code and (optionally) its result. */
static PRL_RESULT finish(PRL_HANDLE job, PRL_HANDLE* result) {
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

static char* read_all(const char* path, long* size) {
    FILE* f = fopen(path, "rb");
    char* data;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *size = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = malloc((size_t)*size);
    if (data && fread(data, 1, (size_t)*size, f) != (size_t)*size) {
        free(data);
        data = NULL;
    }
    fclose(f);
    return data;
}

static void write_at(const char* path, long offset, const char* data, size_t n) {
    FILE* f = fopen(path, "r+b");
    if (!f) return;
    fseek(f, offset, SEEK_SET);
    fwrite(data, 1, n, f);
    fclose(f);
}

static PRL_RESULT image_of(PRL_HANDLE vm, char* path, PRL_UINT32 size) {
    PRL_HANDLE disk = PRL_INVALID_HANDLE;
    PRL_RESULT rc = PrlVmCfg_GetHardDisk(vm, 0, &disk);
    if (PRL_SUCCEEDED(rc)) rc = PrlVmDev_GetImagePath(disk, path, &size);
    PrlHandle_Free(disk);
    return rc;
}

static PRL_RESULT backup(PRL_HANDLE server, const char* uuid, PRL_UINT32 flags, char* id, PRL_UINT32 size) {
    PRL_HANDLE result, backup_result = PRL_INVALID_HANDLE;
    PRL_RESULT rc = finish(PrlSrv_CreateVmBackup(server, uuid, "", 0, "", "demo", flags, 0, PRL_FALSE), &result);
    if (PRL_SUCCEEDED(rc)) rc = PrlResult_GetParamByIndex(result, 1, &backup_result);
    if (PRL_SUCCEEDED(rc)) rc = PrlBackupResult_GetBackupUuid(backup_result, id, &size);
    PrlHandle_Free(backup_result);
    PrlHandle_Free(result);
    return rc;
}

int main(void) {
    PRL_HANDLE server = PRL_INVALID_HANDLE, result, srv_cfg = PRL_INVALID_HANDLE, vm = PRL_INVALID_HANDLE;
    PRL_HANDLE disk = PRL_INVALID_HANDLE, copy = PRL_INVALID_HANDLE;
    PRL_UINT32 version = 0, count = 0, len, i;
    PRL_RESULT rc;
    char uuid[64], image[4096], copy_image[4096], full_id[64], incr_id[64], name[256], block[65536];
    char *tree, *original, *restored;
    long original_size = 0, restored_size = 0;

    if (PRL_FAILED(rc = PrlApi_InitEx(PARALLELS_API_VER, PAM_SERVER, 0, 0))) return fail("PrlApi_InitEx", rc);
    PrlApi_GetVersion(&version);
    printf("prlshim: Virtuozzo SDK API version %u.%u\n", version >> 16, version & 0xffff);
    PrlSrv_Create(&server);
    if (PRL_FAILED(rc = finish(PrlSrv_LoginLocal(server, NULL, 0, PSL_HIGH_SECURITY), NULL)))
        return fail("login to the embedded service", rc);
    PrlSrv_RegEventHandler(server, on_event, NULL);

    /* A VM with a disk, created the way real clients do it. */
    finish(PrlSrv_GetSrvConfig(server), &result);
    PrlResult_GetParam(result, &srv_cfg);
    PrlHandle_Free(result);
    PrlSrv_CreateVm(server, &vm);
    PrlVmCfg_SetDefaultConfig(vm, srv_cfg, PVS_GUEST_VER_LIN_OTHER, PRL_FALSE);
    snprintf(name, sizeof name, "demo-vm-%ld", (long)time(NULL));
    PrlVmCfg_SetName(vm, name);
    PrlVmCfg_CreateVmDev(vm, PDE_HARD_DISK, &disk);
    PrlVmDevHd_SetDiskSize(disk, DISK_MB);
    PrlVmDev_SetImagePath(disk, "harddisk.hdd");
    PrlHandle_Free(disk);
    if (PRL_FAILED(rc = finish(PrlVm_Reg(vm, "", PRL_TRUE), NULL))) return fail("PrlVm_Reg", rc);
    len = sizeof uuid;
    PrlVmCfg_GetUuid(vm, uuid, &len);
    image_of(vm, image, sizeof image);
    printf("created VM %s %s, disk %s\n", name, uuid, image);

    finish(PrlSrv_GetVmList(server), &result);
    PrlResult_GetParamsCount(result, &count);
    printf("VMs registered: %u\n", count);
    PrlHandle_Free(result);

    /* Data on the disk: 8 MiB of varied bytes, the rest stays sparse. */
    for (i = 0; i < 128; ++i) {
        size_t k;
        for (k = 0; k < sizeof block; ++k) block[k] = (char)(k * 31u + i * 7u + (k >> 9));
        write_at(image, (long)i * (long)sizeof block, block, sizeof block);
    }
    printf("full backup:\n");
    if (PRL_FAILED(rc = backup(server, uuid, PBT_FULL, full_id, sizeof full_id))) return fail("full backup", rc);
    write_at(image, 40L << 20, "changed after the full backup", 29);
    printf("incremental backup:\n");
    if (PRL_FAILED(rc = backup(server, uuid, PBT_INCREMENTAL, incr_id, sizeof incr_id)))
        return fail("incremental backup", rc);
    printf("backups: %s and %s\n", full_id, incr_id);

    if (PRL_FAILED(rc = finish(PrlSrv_GetBackupTree(server, "", "", 0, "", PBT_VM, 0, PRL_FALSE), &result)))
        return fail("PrlSrv_GetBackupTree", rc);
    PrlResult_GetParamAsString(result, NULL, &len);
    tree = malloc(len);
    PrlResult_GetParamAsString(result, tree, &len);
    printf("backup tree:\n%s\n", tree);
    free(tree);
    PrlHandle_Free(result);

    printf("restore %s as a copy:\n", incr_id);
    snprintf(name + strlen(name), sizeof name - strlen(name), "-restored");
    if (PRL_FAILED(rc = finish(PrlSrv_RestoreVmBackup(server, uuid, incr_id, "", 0, "", "", name, PBT_RESTORE_TO_COPY,
                                                      0, PRL_FALSE), NULL)))
        return fail("restore", rc);
    finish(PrlSrv_GetVmConfig(server, name, PGVC_SEARCH_BY_NAME), &result);
    PrlResult_GetParam(result, &copy);
    PrlHandle_Free(result);
    image_of(copy, copy_image, sizeof copy_image);
    original = read_all(image, &original_size);
    restored = read_all(copy_image, &restored_size);
    if (!original || !restored || original_size != restored_size || memcmp(original, restored, (size_t)original_size)) {
        fprintf(stderr, "the restored disk differs from the original\n");
        return 1;
    }
    printf("restored VM %s: its %ld-byte disk matches the original byte for byte\n", name, restored_size);
    free(original);
    free(restored);

    PrlSrv_UnregEventHandler(server, on_event, NULL);
    PrlHandle_Free(copy);
    PrlHandle_Free(vm);
    PrlHandle_Free(srv_cfg);
    finish(PrlSrv_Logoff(server), NULL);
    PrlHandle_Free(server);
    PrlApi_Deinit();
    return 0;
}
