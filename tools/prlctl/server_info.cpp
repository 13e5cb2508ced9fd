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

std::string cpu_limit_word(PRL_HANDLE prefs) {
    PRL_UINT32 t = PRL_VM_CPULIMIT_FULL;
    PrlDispCfg_GetVmCpuLimitType(prefs, &t);
    return t == PRL_VM_CPULIMIT_GUEST ? "guest" : "full";
}

std::string vcmmd_policy(PRL_HANDLE server, PRL_UINT32 flags) {
    try {
        Handle cfg = wait_param(PrlSrv_GetVcmmdConfig(server, flags), "PrlSrv_GetVcmmdConfig");
        return text_of(PrlVcmmdConfig_GetPolicy, cfg);
    } catch (const Error& e) {
        std::fprintf(stderr, "%s\n", e.message.c_str());
        return {};
    }
}

bool shaping_enabled(PRL_HANDLE server) {
    try {
        Handle cfg = wait_param(PrlSrv_GetNetworkShapingConfig(server, 0), "PrlSrv_GetNetworkShapingConfig");
        PRL_BOOL on = PRL_FALSE;
        return PRL_SUCCEEDED(PrlNetworkShapingConfig_IsEnabled(cfg, &on)) && on;
    } catch (const Error&) {
        return false;
    }
}

void license(Report& r, PRL_HANDLE server) {
    PRL_RESULT state = PRL_ERR_LICENSE_NOT_VALID;
    std::string name, company, key;
    try {
        Handle lic = wait_param(PrlSrv_GetLicenseInfo(server), "PrlSrv_GetLicenseInfo");
        PrlLic_GetStatus(lic, &state);
        key = text_of(PrlLic_GetLicenseKey, lic);
        name = text_of(PrlLic_GetUserName, lic);
        company = text_of(PrlLic_GetCompanyName, lic);
    } catch (const Error& e) {
        std::fprintf(stderr, "PrlSrv_GetLicenseInfo: %s\n", e.message.c_str());
    }
    r.group("License");
    if (state == PRL_ERR_LICENSE_VALID || state == PRL_ERR_LICENSE_GRACED) {
        r.str("state", state == PRL_ERR_LICENSE_GRACED ? "graced" : "valid", true, Report::kQuoted);
        if (!name.empty()) r.str("name", name, true, Report::kQuoted);
        if (!company.empty()) r.str("company", company, true, Report::kQuoted);
        if (!key.empty()) r.str("key", key, true, Report::kQuoted);
    } else {
        r.str("state", "not installed", true, Report::kQuoted);
    }
    r.end(true);
    r.str("Hardware Id", "", false, Report::kQuoted);
}

// The host's devices: "hdd", "net", ... with their id and name.
void hardware(Report& r, PRL_HANDLE srv) {
    using Count = PRL_RESULT (*)(PRL_HANDLE, PRL_UINT32_PTR);
    using Get = PRL_RESULT (*)(PRL_HANDLE, PRL_UINT32, PRL_HANDLE_PTR);
    struct Kind {
        const char* word;
        Count count;
        Get get;
    };
    const Kind kinds[] = {
        {"hdd", PrlSrvCfg_GetHardDisksCount, PrlSrvCfg_GetHardDisk},
        {"cdrom", PrlSrvCfg_GetOpticalDisksCount, PrlSrvCfg_GetOpticalDisk},
        {"fdd", PrlSrvCfg_GetFloppyDisksCount, PrlSrvCfg_GetFloppyDisk},
        {"net", PrlSrvCfg_GetNetAdaptersCount, PrlSrvCfg_GetNetAdapter},
        {"usb", PrlSrvCfg_GetUsbDevsCount, PrlSrvCfg_GetUsbDev},
        {"serial", PrlSrvCfg_GetSerialPortsCount, PrlSrvCfg_GetSerialPort},
        {"parallel", PrlSrvCfg_GetParallelPortsCount, PrlSrvCfg_GetParallelPort},
        {"pci", PrlSrvCfg_GetGenericPciDevicesCount, PrlSrvCfg_GetGenericPciDevice},
    };
    r.section("Hardware info");
    for (const Kind& k : kinds) {
        PRL_UINT32 n = 0;
        if (PRL_FAILED(k.count(srv, &n))) continue;
        for (PRL_UINT32 i = 0; i < n; ++i) {
            Handle dev;
            if (PRL_FAILED(k.get(srv, i, dev.out()))) continue;
            const bool disk = std::string(k.word) == "hdd";
            const std::string id = disk ? text_of(PrlSrvCfgHdd_GetDevId, dev) : text_of(PrlSrvCfgDev_GetId, dev);
            const std::string name = disk ? text_of(PrlSrvCfgHdd_GetDevName, dev) : text_of(PrlSrvCfgDev_GetName, dev);
            r.host_device(id, name, k.word);
            if (!disk) continue;
            PRL_UINT32 parts = 0;
            PrlSrvCfgHdd_GetPartsCount(dev, &parts);
            for (PRL_UINT32 p = 0; p < parts; ++p) {
                Handle part;
                if (PRL_FAILED(PrlSrvCfgHdd_GetPart(dev, p, part.out()))) continue;
                r.host_device(text_of(PrlSrvCfgHddPart_GetSysName, part), text_of(PrlSrvCfgHddPart_GetName, part),
                              "hdd-part");
            }
        }
    }
    r.end(false);
}

}  // namespace

int server_info(PRL_HANDLE server, const CommandLine& cl) {
    Report r(cl.has("json"));
    const bool full = cl.has("full");
    r.begin_object();
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
    r.group("Vcmmd policy");
    r.str("runtime", vcmmd_policy(server, PRL_UINT32(VCMMD_COMMAND_RUNTIME)), true, Report::kHidden);
    r.str("config", vcmmd_policy(server, 0), true);
    r.end(true);
    r.str("Minimal security level", security_word(level));
    PRL_BOOL can = PRL_FALSE;
    PrlDispCfg_CanChangeDefaultSettings(prefs, &can);
    r.str("Manage settings for new users", can ? "allow" : "deny");
    // "user@server", shown only when a server is set.
    if (const std::string storage = text_of(PrlDispCfg_GetDefaultBackupServer, prefs); !storage.empty())
        r.str("Default backup storage", text_of(PrlDispCfg_GetBackupUserLogin, prefs) + "@" + storage);
    r.str("Backup path", text_of(PrlDispCfg_GetDefaultBackupDirectory, prefs));
    r.str("Backup temporary directory", text_of(PrlDispCfg_GetBackupTmpDir, prefs));
    PRL_VM_BACKUP_MODE mode = PBM_PUSH;
    PrlDispCfg_GetBackupMode(prefs, &mode);
    r.str("Backup mode", mode == PBM_PUSH_REVERSED_DELTA ? "push-with-reversed-delta" : "push");
    PRL_UINT32 timeout = 0;
    PrlDispCfg_GetBackupTimeout(prefs, &timeout);
    r.num("Backup timeout", timeout);
    Handle srv = server_config(server);
    if (full) {
        PRL_BOOL b = PRL_TRUE;
        PrlDispCfg_IsBackupCompressionEnabled(prefs, &b);
        r.str("Backup compression", b ? "enabled" : "disabled");
        b = PRL_TRUE;
        PrlDispCfg_IsBackupTunnelEnabled(prefs, &b);
        r.str("Backup tunnel", b ? "enabled" : "disabled");
    }
    r.str("Traffic shaping", shaping_enabled(server) ? "on" : "off");
    if (full) {
        r.str("CPU model", text_of(PrlSrvCfg_GetCpuModel, srv));
        // prlshim's host CPU description carries no feature lists (docs/prlctl.md).
        r.str("CPU features", "");
        r.str("VM guest CPU limit type", cpu_limit_word(prefs));
        r.str("CPU unmaskable features", "");
        r.str("CPU masked features", "");
    }
    PRL_BOOL verbose = PRL_FALSE;
    PrlDispCfg_IsVerboseLogEnabled(prefs, &verbose);
    r.str("Verbose log", verbose ? "on" : "off");
    license(r, server);
    hardware(r, srv);
    r.end_object();
    std::fputs(r.text().c_str(), stdout);
    if (r.json()) std::fputs("\n", stdout);
    return 0;
}

}  // namespace prlctl
