// A client process for tests/daemon: logs in to the state root's service
// ($PRLSHIM_HOME), starts a full backup of the VM named on the command line
// and waits for it. The test kills it midway.
#include <Virtuozzo.h>

#include <cstdio>

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    if (PRL_FAILED(PrlApi_InitEx(PARALLELS_API_VER, PAM_SERVER, 0, 0))) return 1;
    PRL_HANDLE server = PRL_INVALID_HANDLE;
    PrlSrv_Create(&server);
    PRL_HANDLE login = PrlSrv_LoginLocal(server, nullptr, 0, PSL_HIGH_SECURITY);
    PRL_RESULT rc = PRL_ERR_UNINITIALIZED;
    if (PRL_FAILED(PrlJob_Wait(login, 60000)) || PRL_FAILED(PrlJob_GetRetCode(login, &rc)) || PRL_FAILED(rc)) return 1;
    PRL_HANDLE backup = PrlSrv_CreateVmBackup(server, argv[1], "", 0, "", "killed midway", PBT_FULL, 0, PRL_TRUE);
    std::puts("started");
    std::fflush(stdout);
    PrlJob_Wait(backup, 600000);
    return 0;
}
