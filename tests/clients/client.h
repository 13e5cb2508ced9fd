/* Shared scaffolding for the "real client" tests (tests/clients/).
 *
 * Each program replays, command by command, the SDK call sequences the real
 * prlctl / prlsrvctl 9.0.26 make (see docs/compatibility.md, "Real clients"),
 * then checks the outcome — through the API and on disk in the state root.
 *
 * Three kinds of check, mirroring how the client treats a failure:
 *   MUST(call)      a synchronous call whose failure makes the client give up;
 *   JOB(call, &r)   an asynchronous call: PrlJob_Wait, PrlJob_GetRetCode and
 *                   (if r) PrlJob_GetResult must all succeed;
 *   TRY(call)       a call the client makes but whose failure it tolerates
 *                   (logs and goes on): reported as a note, never a failure;
 *   EXPECT(cond)    the outcome of the command (state, config.pvs, files).
 * MUST/JOB/EXPECT return 1 from the enclosing command function; the runner
 * prints which call failed (function, PRL_RESULT, the library's description)
 * and goes on with the next command. Exit status: number of failed commands. */
#ifndef PRLSHIM_TESTS_CLIENTS_CLIENT_H
#define PRLSHIM_TESTS_CLIENTS_CLIENT_H

#include <Virtuozzo.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define JOB_TIMEOUT 30000

static const char* cl_cmd = "";
static int cl_cmds_failed = 0, cl_cmds_passed = 0, cl_notes = 0;
static char cl_home[256];

static void cl_fn_name(const char* expr, char* out, size_t size) {
    size_t i = 0;
    while (expr[i] && expr[i] != '(' && i + 1 < size) {
        out[i] = expr[i];
        ++i;
    }
    out[i] = 0;
}

static const char* cl_desc(PRL_RESULT rc) {
    static char text[512];
    PRL_UINT32 len = sizeof text;
    if (PRL_FAILED(PrlApi_GetResultDescription(rc, PRL_FALSE, PRL_FALSE, text, &len))) text[0] = 0;
    return text;
}

static void cl_report(const char* kind, const char* expr, PRL_RESULT rc, const char* file, int line) {
    char fn[128];
    cl_fn_name(expr, fn, sizeof fn);
    printf("  %s [%s] %s -> PRL_RESULT 0x%08X (%d): %s   (%s:%d)\n", kind, cl_cmd, fn, (unsigned)rc, (int)rc,
           cl_desc(rc), file, line);
}

/* Synchronous call the client cannot do without. */
#define MUST(expr)                                                   \
    do {                                                             \
        PRL_RESULT must_rc_ = (expr);                                \
        if (PRL_FAILED(must_rc_)) {                                  \
            cl_report("FAIL", #expr, must_rc_, __FILE__, __LINE__);  \
            return 1;                                                \
        }                                                            \
    } while (0)

/* Call the client makes but tolerates failing. */
#define TRY(expr)                                                    \
    do {                                                             \
        PRL_RESULT try_rc_ = (expr);                                 \
        if (PRL_FAILED(try_rc_)) {                                   \
            ++cl_notes;                                              \
            cl_report("note", #expr, try_rc_, __FILE__, __LINE__);   \
        }                                                            \
    } while (0)

/* Waits for a job like the client's get_job_retcode(); returns its code. */
static PRL_RESULT cl_job(PRL_HANDLE job, PRL_HANDLE* result) {
    PRL_RESULT rc, retcode = PRL_ERR_SUCCESS;
    if (result) *result = PRL_INVALID_HANDLE;
    rc = PrlJob_Wait(job, JOB_TIMEOUT);
    if (PRL_SUCCEEDED(rc)) rc = PrlJob_GetRetCode(job, &retcode);
    if (PRL_SUCCEEDED(rc)) rc = retcode;
    if (PRL_SUCCEEDED(rc) && result) rc = PrlJob_GetResult(job, result);
    PrlHandle_Free(job);
    return rc;
}

#define JOB(expr, result)                                            \
    do {                                                             \
        PRL_RESULT job_rc_ = cl_job((expr), (result));               \
        if (PRL_FAILED(job_rc_)) {                                   \
            cl_report("FAIL", #expr, job_rc_, __FILE__, __LINE__);   \
            return 1;                                                \
        }                                                            \
    } while (0)

/* A job the client waits for but whose failure it tolerates. */
#define TRY_JOB(expr, result)                                        \
    do {                                                             \
        PRL_RESULT job_rc_ = cl_job((expr), (result));               \
        if (PRL_FAILED(job_rc_)) {                                   \
            ++cl_notes;                                              \
            cl_report("note", #expr, job_rc_, __FILE__, __LINE__);   \
        }                                                            \
    } while (0)

#define EXPECT(cond)                                                               \
    do {                                                                           \
        if (!(cond)) {                                                             \
            printf("  FAIL [%s] outcome: %s   (%s:%d)\n", cl_cmd, #cond, __FILE__, __LINE__); \
            return 1;                                                              \
        }                                                                          \
    } while (0)

/* Runs one client command: prints its name and result, counts it. */
#define COMMAND(text, call)                                          \
    do {                                                             \
        int cmd_rc_;                                                 \
        cl_cmd = (text);                                             \
        cmd_rc_ = (call);                                            \
        printf("%s  %s\n", cmd_rc_ ? "FAILED" : "ok    ", (text));   \
        if (cmd_rc_) ++cl_cmds_failed; else ++cl_cmds_passed;        \
        fflush(stdout);                                              \
    } while (0)

/* ---- the client's process start / login / logoff ---------------------- */

/* Fresh PRLSHIM_HOME, then PrlApi_SwitchConsoleLogging + PrlApi_InitEx as the
 * client's init_sdk_lib() does. */
static int cl_init(const char* tag) {
    snprintf(cl_home, sizeof cl_home, "/tmp/prlshim-clients-%s-XXXXXX", tag);
    if (!mkdtemp(cl_home)) return 1;
    setenv("PRLSHIM_HOME", cl_home, 1);
    PrlApi_SwitchConsoleLogging(PRL_FALSE);
    if (PRL_FAILED(PrlApi_InitEx(PARALLELS_API_VER, PAM_SERVER, 0, 0))) {
        printf("PrlApi_InitEx failed\n");
        return 1;
    }
    return 0;
}

/* PrlApi_Deinit, remove the state root, print the summary. */
static int cl_finish(void) {
    char cmd[400];
    PrlApi_Deinit();
    if (!getenv("PRLSHIM_CLIENTS_KEEP")) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", cl_home);
        if (system(cmd) != 0) printf("could not remove %s\n", cl_home);
    } else {
        printf("state root kept: %s\n", cl_home);
    }
    printf("%d commands passed, %d failed (%d tolerated failures noted)\n", cl_cmds_passed, cl_cmds_failed,
           cl_notes);
    return cl_cmds_failed ? 1 : 0;
}

/* PrlSrv::login() for the local server. */
static int cl_login(PRL_HANDLE* srv) {
    PRL_HANDLE result = PRL_INVALID_HANDLE, resp = PRL_INVALID_HANDLE;
    char buf[64];
    PRL_UINT32 len;
    MUST(PrlSrv_Create(srv));
    JOB(PrlSrv_LoginLocalEx(*srv, NULL, 0, PSL_HIGH_SECURITY, PACF_NON_INTERACTIVE_MODE), &result);
    JOB(PrlSrv_SetNonInteractiveSession(*srv, PRL_TRUE, 0), NULL);
    MUST(PrlResult_GetParam(result, &resp));
    len = sizeof buf;
    MUST(PrlLoginResponse_GetServerUuid(resp, buf, &len));
    len = sizeof buf;
    MUST(PrlLoginResponse_GetSessionUuid(resp, buf, &len));
    PrlHandle_Free(resp);
    PrlHandle_Free(result);
    return 0;
}

/* PrlSrv::logoff(): a failure is only logged by the client. */
static void cl_logoff(PRL_HANDLE srv) {
    if (srv == PRL_INVALID_HANDLE) return;
    TRY_JOB(PrlSrv_Logoff(srv), NULL);
    PrlHandle_Free(srv);
}

/* PrlSrv::get_srv_config_handle(). */
static int cl_srv_config(PRL_HANDLE srv, PRL_HANDLE* cfg) {
    PRL_HANDLE result;
    PRL_UINT32 count = 0;
    JOB(PrlSrv_GetSrvConfig(srv), &result);
    MUST(PrlResult_GetParamsCount(result, &count));
    MUST(PrlResult_GetParam(result, cfg));
    PrlHandle_Free(result);
    return 0;
}

/* The PrlVm object's constructor: every getter's failure is ignored. */
static void cl_vm_ctor(PRL_HANDLE vm, const char* uuid) {
    char buf[4096];
    PRL_UINT32 len;
    PRL_BOOL b;
    if (uuid && *uuid) {
        TRY(PrlVmCfg_SetUuid(vm, uuid));
    } else {
        len = sizeof buf;
        TRY(PrlVmCfg_GetUuid(vm, buf, &len));
    }
    TRY(PrlVmCfg_IsTemplate(vm, &b));
    len = sizeof buf;
    TRY(PrlVmCfg_GetCtId(vm, buf, &len));
    TRY(PrlVmCfg_IsEfiEnabled(vm, &b));
    TRY(PrlVmCfg_IsAllowSelectBootDevice(vm, &b));
    len = sizeof buf;
    TRY(PrlVmCfg_GetExternalBootDevice(vm, buf, &len));
    len = sizeof buf;
    TRY(PrlVmCfg_GetHomePath(vm, buf, &len));
}

/* PrlSrv::vm_from_result(). */
static int cl_vm_from_result(PRL_HANDLE result, PRL_UINT32 i, PRL_HANDLE* vm) {
    char uuid[128], name[4096];
    PRL_UINT32 len;
    PRL_UINT32 ostype;
    MUST(PrlResult_GetParamByIndex(result, i, vm));
    len = sizeof uuid;
    MUST(PrlVmCfg_GetUuid(*vm, uuid, &len));
    len = sizeof name;
    MUST(PrlVmCfg_GetName(*vm, name, &len));
    MUST(PrlVmCfg_GetOsType(*vm, &ostype));
    cl_vm_ctor(*vm, uuid);
    return 0;
}

/* PrlSrv::get_vm_config(id): by UUID or name. */
static int cl_get_vm(PRL_HANDLE srv, const char* id, PRL_HANDLE* vm) {
    PRL_HANDLE result;
    *vm = PRL_INVALID_HANDLE;
    JOB(PrlSrv_GetVmConfig(srv, id, PGVC_SEARCH_BY_UUID | PGVC_SEARCH_BY_NAME), &result);
    if (cl_vm_from_result(result, 0, vm)) return 1;
    PrlHandle_Free(result);
    return 0;
}

/* PrlVm::update_state(): the validity check, then the state. */
static int cl_update_state(PRL_HANDLE vm, VIRTUAL_MACHINE_STATE* state) {
    PRL_RESULT err = PRL_ERR_SUCCESS;
    PRL_BOOL invalid = PRL_FALSE, vnc = PRL_FALSE;
    PRL_HANDLE info = PRL_INVALID_HANDLE, acl = PRL_INVALID_HANDLE;
    char owner[1024];
    PRL_UINT32 len = sizeof owner;
    *state = VMS_UNKNOWN;
    MUST(PrlVmCfg_GetConfigValidity(vm, &err));
    TRY(PrlVmCfg_IsConfigInvalid(err, &invalid));
    EXPECT(invalid == PRL_FALSE);
    MUST(PrlVmCfg_GetVmInfo(vm, &info));
    MUST(PrlVmInfo_GetState(info, state));
    TRY(PrlVmInfo_IsVncServerStarted(info, &vnc));
    TRY(PrlVmInfo_GetAccessRights(info, &acl));
    TRY(PrlAcl_GetOwnerName(acl, owner, &len));
    PrlHandle_Free(acl);
    PrlHandle_Free(info);
    return 0;
}

/* Start of every per-VM command (PrlSrv::run_action): login, find the VM,
 * update its state. */
static int cl_open_vm(PRL_HANDLE* srv, const char* id, PRL_HANDLE* vm, VIRTUAL_MACHINE_STATE* state) {
    VIRTUAL_MACHINE_STATE s;
    if (cl_login(srv)) return 1;
    if (cl_get_vm(*srv, id, vm)) return 1;
    return cl_update_state(*vm, state ? state : &s);
}

/* A handle's string property into a static buffer ("" on failure). */
typedef PRL_RESULT (*cl_str_getter)(PRL_HANDLE, PRL_STR, PRL_UINT32_PTR);
static const char* cl_str(cl_str_getter fn, PRL_HANDLE h) {
    static char buf[4][4096];
    static int next = 0;
    char* out = buf[next++ % 4];
    PRL_UINT32 len = 4096;
    if (PRL_FAILED(fn(h, out, &len))) out[0] = 0;
    return out;
}

/* The client's progress / commit event handlers: look at the event, free it. */
static PRL_RESULT cl_on_event(PRL_HANDLE h, PRL_VOID_PTR data) {
    PRL_HANDLE_TYPE type;
    PRL_EVENT_TYPE event_type;
    (void)data;
    if (PRL_SUCCEEDED(PrlHandle_GetType(h, &type)) && type == PHT_EVENT) PrlEvent_GetType(h, &event_type);
    PrlHandle_Free(h);
    return PRL_ERR_SUCCESS;
}

/* PrlVm::get_dev_info(): the device list (count, handles, type, index). */
static int cl_dev_info(PRL_HANDLE vm, PRL_HANDLE* devs, PRL_UINT32* count) {
    PRL_UINT32 n = 0, i, idx;
    PRL_HANDLE_TYPE type;
    MUST(PrlVmCfg_GetDevsCount(vm, &n));
    if (n > *count) n = *count;
    *count = n;
    if (n == 0) return 0;
    MUST(PrlVmCfg_GetDevsList(vm, devs, count));
    for (i = 0; i < *count; ++i) {
        TRY(PrlHandle_GetType(devs[i], &type));
        TRY(PrlVmDev_GetIndex(devs[i], &idx));
    }
    return 0;
}

static void cl_free_all(PRL_HANDLE* h, PRL_UINT32 n) {
    PRL_UINT32 i;
    for (i = 0; i < n; ++i) PrlHandle_Free(h[i]);
}

/* PrlVm::commit_configuration() then load_config(), the end of 'prlctl set'. */
static int cl_commit(PRL_HANDLE srv, PRL_HANDLE vm) {
    TRY(PrlSrv_RegEventHandler(srv, cl_on_event, NULL));
    JOB(PrlVm_CommitEx(vm, PVCF_WAIT_FOR_APPLY | PVCF_DETACH_HDD_BUNDLE), NULL);
    TRY(PrlSrv_UnregEventHandler(srv, cl_on_event, NULL));
    TRY_JOB(PrlVm_RefreshConfig(vm), NULL);
    return 0;
}

/* prlctl create NAME --vmtype vm (PrlSrv::create_vm, default "win" guest). */
static int cl_create_vm(const char* name) {
    PRL_HANDLE srv, vm, cfg;
    PRL_VM_TYPE type;
    if (cl_login(&srv)) return 1;
    MUST(PrlSrv_CreateVm(srv, &vm));
    cl_vm_ctor(vm, NULL);
    TRY(PrlVmCfg_GetVmType(vm, &type));
    if (cl_srv_config(srv, &cfg)) return 1;
    MUST(PrlVmCfg_SetDefaultConfig(vm, cfg, PVS_GUEST_VER_WIN_2012, PRL_TRUE));
    MUST(PrlVmCfg_SetName(vm, name));
    /* set_chipset_type(): its result is ignored by create_vm; the version only follows a success */
    if (PRL_SUCCEEDED(PrlVmCfg_SetChipsetType(vm, CHIP_Q35)))
        TRY(PrlVmCfg_SetChipsetVersion(vm, Q35_DEFAULT));
    else
        TRY(PrlVmCfg_SetChipsetType(vm, CHIP_Q35));
    TRY(PrlSrv_RegEventHandler(srv, cl_on_event, NULL));
    JOB(PrlVm_RegEx(vm, "", PACF_NON_INTERACTIVE_MODE), NULL);
    TRY(PrlSrv_UnregEventHandler(srv, cl_on_event, NULL));
    PrlHandle_Free(cfg);
    PrlHandle_Free(vm);
    cl_logoff(srv);
    return 0;
}

/* ---- on-disk checks ---------------------------------------------------- */

static int cl_exists(const char* path) {
    struct stat st;
    return stat(path, &st) == 0;
}

static long __attribute__((unused)) cl_file_size(const char* path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Whole file into a malloc'ed string (NULL if unreadable). */
static char* cl_read_file(const char* path) {
    FILE* f = fopen(path, "rb");
    char* text;
    long size;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = (char*)malloc((size_t)size + 1);
    if (text && fread(text, 1, (size_t)size, f) != (size_t)size) {
        free(text);
        text = NULL;
    }
    if (text) text[size] = 0;
    fclose(f);
    return text;
}

/* Does the file at path contain needle? */
static int cl_file_has(const char* path, const char* needle) {
    char* text = cl_read_file(path);
    int found = text && strstr(text, needle) != NULL;
    free(text);
    return found;
}

/* Number of occurrences of needle in the file. */
static int __attribute__((unused)) cl_file_count(const char* path, const char* needle) {
    char* text = cl_read_file(path);
    int n = 0;
    const char* p = text;
    while (p && (p = strstr(p, needle)) != NULL) {
        ++n;
        p += strlen(needle);
    }
    free(text);
    return n;
}

/* Path under the state root. */
static const char* cl_path(const char* fmt, ...) {
    static char buf[4][1024];
    static int next = 0;
    char* out = buf[next++ % 4];
    char rel[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rel, sizeof rel, fmt, ap);
    va_end(ap);
    snprintf(out, 1024, "%s/%s", cl_home, rel);
    return out;
}

#endif
