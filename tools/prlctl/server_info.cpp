// prlsrvctl info: the server's identity and its dispatcher settings.
#include "commands.h"
#include "report.h"

#include <cstdio>

namespace prlctl {
namespace {

std::string security_word(PRL_SECURITY_LEVEL l) {
    switch (l) {
        case PSL_LOW_SECURITY: return "low";
        case PSL_NORMAL_SECURITY: return "normal";
        case PSL_HIGH_SECURITY: return "high";
        default: return "unknown";
    }
}

}  // namespace

int server_info(PRL_HANDLE server, const CommandLine& cl) {
    Report r(cl.has("json"));
    if (r.json()) std::printf("{\n");
    Handle info;
    std::string uuid, host, version;
    if (PRL_SUCCEEDED(PrlSrv_GetServerInfo(server, info.out()))) {
        uuid = text_of(PrlSrvInfo_GetServerUuid, info);
        version = text_of(PrlSrvInfo_GetProductVersion, info);
        host = text_of(PrlSrvInfo_GetHostName, info);
    }
    r.uuid("ID", uuid);
    r.str("Hostname", host);
    r.str("Version", "Server " + version);
    Handle prefs = wait_param(PrlSrv_GetCommonPrefs(server), "PrlSrv_GetCommonPrefs");
    r.str("VM home", text_of(PrlDispCfg_GetDefaultVmDir, prefs));
    PRL_SECURITY_LEVEL level = PSL_LOW_SECURITY;
    PrlDispCfg_GetMinSecurityLevel(prefs, &level);
    r.str("Minimal security level", security_word(level));
    PRL_BOOL can = PRL_FALSE;
    PrlDispCfg_CanChangeDefaultSettings(prefs, &can);
    r.str("Manage settings for new users", can ? "allow" : "deny");
    r.str("Backup path", text_of(PrlDispCfg_GetDefaultBackupDirectory, prefs));
    r.str("Backup temporary directory", text_of(PrlDispCfg_GetBackupTmpDir, prefs));
    PRL_VM_BACKUP_MODE mode = PBM_PUSH;
    PrlDispCfg_GetBackupMode(prefs, &mode);
    r.str("Backup mode", mode == PBM_PUSH_REVERSED_DELTA ? "push-with-reversed-delta" : "push");
    PRL_UINT32 timeout = 0;
    PrlDispCfg_GetBackupTimeout(prefs, &timeout);
    r.num("Backup timeout", timeout);
    PRL_BOOL verbose = PRL_FALSE;
    PrlDispCfg_IsVerboseLogEnabled(prefs, &verbose);
    r.str("Verbose log", verbose ? "on" : "off");
    std::fputs(r.text().c_str(), stdout);
    if (r.json()) std::printf("\n}\n");
    return 0;
}

}  // namespace prlctl
