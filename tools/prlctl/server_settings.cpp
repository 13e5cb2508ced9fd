// prlsrvctl set: the dispatcher's common preferences (memory limit, security
// level, backup defaults, logging...), read and applied as the product's
// prlsrvctl does (docs/prlctl.md): every value checked first, then one edit
// of the preferences, committed with "The Server has been successfully
// configured."
#include "commands.h"
#include "confirmations.h"
#include "option_scanner.h"
#include "option_values.h"
#include "remote_login.h"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>

namespace prlctl {
namespace {

const std::vector<OptionSpec> kSetOptions = {
    {"verbose", 'v', true},
    {"timeout", 0, true},
    {"login", 'l', true},
    {"read-passwd", 'p', true},
    {"compat", 0, false},
    {"mem-limit", 'm', true},
    {"mng-settings", 0, true},
    {"min-security-level", 's', true},
    {"assignment", 0, true},
    {"device", 0, true},
    {"cep", 'c', true},
    {"verbose-log", 0, true},
    {"backup-path", 0, true},
    {"backup-mode", 0, true},
    {"backup-tmpdir", 0, true},
    {"backup-storage", 0, true},
    {"def-backup-storage", 0, true},
    {"default-backup-storage", 0, true},
    {"backup-timeout", 0, true},
    {"backup-compression", 0, true},
    {"backup-tunnel", 0, true},
    {"idle-connection-timeout", 0, true},
    {"add-offsrv", 0, true},
    {"del-offsrv", 0, true},
    {"add-network-class", 0, true},
    {"del-network-class", 0, true},
    {"add-shaping-entry", 0, true},
    {"del-shaping-entry", 0, true},
    {"add-bandwidth-entry", 0, true},
    {"del-bandwidth-entry", 0, true},
    {"shaping", 0, true},
    {"log-rotation", 0, true},
    {"allow-attach-screenshots", 0, true},
    {"require-pwd", 0, true},
    {"lock-edit-settings", 0, true},
    {"advanced-security-mode", 0, true},
    {"cpu-features-mask", 0, true},
    {"vnc-ssl-certificate", 0, true},
    {"vnc-public-key", 0, true},
    {"vnc-ssl-key", 0, true},
    {"vnc-private-key", 0, true},
    {"vm-cpulimit-type", 0, true},
    {"vcmmd-policy", 0, true}};

// What one command line asks for; unset fields are left as they are.
struct Settings {
    std::optional<PRL_UINT32> mem_limit;  // MB; UINT_MAX: "auto"
    std::string vcmmd_policy, min_security_level, backup_path;
    int manage_settings = -1, cep = -1, verbose_log = -1, log_rotation = -1, compression = -1, tunnel = -1;
    int cpu_limit_type = -1;
    std::optional<PRL_VM_BACKUP_MODE> backup_mode;
    PRL_UINT32 backup_timeout = 0;  // 0: unchanged, as in the product
    std::optional<std::string> backup_tmpdir;
    bool change_storage = false;
    Remote storage;
    std::map<std::string, bool> require_password;  // by command name, as the product orders them
};

int on_off_value(const std::string& v, const std::string& message) {
    const int b = on_off(v);
    if (b == -1) throw UsageError{message + v};
    return b;
}

void take_option(Settings& s, const std::string& name, const std::string& v) {
    if (name == "mem-limit") {
        if (v == "auto") s.mem_limit = UINT_MAX;
        else if (!(s.mem_limit = size_value(v, true))) throw UsageError{"An incorrect value for --memory-limit is specified: " + v};
    } else if (name == "vcmmd-policy") {
        if (v != "density" && v != "performance") throw UsageError{"An incorrect value for --vcmmd-policy is specified: " + v};
        s.vcmmd_policy = v;
    } else if (name == "mng-settings") {
        if (v != "allow" && v != "deny") throw UsageError{"An incorrect value for --mng-settings is specified: " + v};
        s.manage_settings = v == "allow";
    } else if (name == "cep") {
        s.cep = on_off_value(v, "An invalid value was specified for --cep: ");
    } else if (name == "verbose-log") {
        s.verbose_log = on_off_value(v, "An incorrect value for --verbose-log is specified: ");
    } else if (name == "min-security-level") {
        s.min_security_level = v;  // checked when applied, as the product does
    } else if (name == "backup-path") {
        s.backup_path = v;
    } else if (name == "backup-mode") {
        if (v == "push-with-reversed-delta") s.backup_mode = PBM_PUSH_REVERSED_DELTA;
        else if (v == "push") s.backup_mode = PBM_PUSH;
        else throw UsageError{"Cannot recognize the backup mode"};
    } else if (name == "backup-timeout" || name == "idle-connection-timeout") {
        const std::optional<PRL_UINT32> n = unsigned_value(v);
        if (!n) throw UsageError{"An incorrect value for --idle-connection-timeout is specified: " + v};
        s.backup_timeout = *n;
    } else if (name == "backup-tmpdir") {
        s.backup_tmpdir = v;
    } else if (name == "vm-cpulimit-type") {
        if (v == "full") s.cpu_limit_type = PRL_VM_CPULIMIT_FULL;
        else if (v == "guest") s.cpu_limit_type = PRL_VM_CPULIMIT_GUEST;
        else throw UsageError{"An incorrect value for --vm-cpulimit-type is specified: " + v};
    } else if (name == "backup-storage" || name == "def-backup-storage" || name == "default-backup-storage") {
        s.storage = Remote{};
        if (!v.empty() && !parse_remote(v, s.storage))
            throw UsageError{"An incorrect value is specified for backup storage: " + v};
        s.change_storage = true;
    } else if (name == "log-rotation") {
        s.log_rotation = on_off_value(v, "An incorrect value for --log-rotation is specified: ");
    } else if (name == "allow-attach-screenshots" || name == "lock-edit-settings") {
        // The product checks these and then applies neither.
        on_off_value(v, "An incorrect value for --" + name + " is specified: ");
    } else if (name == "require-pwd") {
        const auto colon = v.find(':');
        const std::string command = v.substr(0, colon);
        const int b = colon == std::string::npos || v.find(':', colon + 1) != std::string::npos
                          ? -1
                          : on_off(v.substr(colon + 1));
        if (b == -1 || (command != "create-vm" && command != "add-vm" && command != "remove-vm" && command != "clone-vm"))
            throw UsageError{"An incorrect value for --require-pwd is specified: " + v};
        s.require_password.emplace(command, b == 1);
    } else if (name == "backup-compression") {
        s.compression = on_off_value(v, "An incorrect value for --backup-compression is specified: ");
    } else if (name == "backup-tunnel") {
        s.tunnel = on_off_value(v, "An incorrect value for --backup-tunnel is specified: ");
    } else if (name == "login" || name == "read-passwd") {
        throw UsageError{"Only the local server can be managed: --" + name + " is not supported."};
    } else if (name != "verbose" && name != "timeout" && name != "compat") {
        // Offline services, traffic shaping, device assignment, VNC keys,
        // CPU masks: prlshim's service has none of these.
        throw UsageError{"The --" + name + " option is not supported by prlshim."};
    }
}

Settings parse(int argc, char** argv) {
    Settings s;
    OptionScanner scan(argc, argv, 2, kSetOptions);
    for (;;) {
        const OptionScanner::Kind k = scan.next();
        if (k == OptionScanner::kEnd) break;
        if (k == OptionScanner::kMissingValue) throw UsageError{scan.message()};
        if (k == OptionScanner::kUnknown) throw UsageError{"Unrecognized option: " + word_or_null(scan.take_word())};
        take_option(s, scan.option().name, scan.value());
    }
    return s;
}

// A setter's failure: "<setter>: <text>", with the setter's code.
void check(PRL_RESULT rc, const std::string& what) {
    if (PRL_FAILED(rc)) throw Error{rc, what + ": " + result_text(rc)};
}

// The backup setters' failures, worded as the product words them: the
// label (sometimes another function's name), the text, the code.
void check_coded(PRL_RESULT rc, const std::string& label) {
    if (PRL_FAILED(rc)) throw Error{rc, label + " " + result_text(rc) + " [" + std::to_string(rc) + "]"};
}

PRL_BOOL prl_bool(int b) { return b ? PRL_TRUE : PRL_FALSE; }

void set_vcmmd_policy(PRL_HANDLE server, const std::string& policy) {
    Handle cfg = wait_param(PrlSrv_GetVcmmdConfig(server, 0), "PrlSrv_GetVcmmdConfig");
    check(PrlVcmmdConfig_SetPolicy(cfg, policy.c_str()), "PrlVcmmdConfig_SetPolicy");
    std::string err;
    const PRL_RESULT rc = wait(Handle(PrlSrv_SetVcmmdConfig(server, cfg, 0)), err);
    if (rc == PRL_ERR_RUNNING_VM)  // applies when the VMs restart
        report(0, "WARNING: " + err);
    else if (rc)
        throw Error{rc, "Failed to set vcmmd config: " + err};
}

// The commands that ask for the administrator's password: `changes` added
// or removed.
void set_confirmations(PRL_HANDLE prefs, const std::map<std::string, bool>& changes) {
    static const std::map<std::string, PRL_ALLOWED_VM_COMMAND> kCommands = {
        {"create-vm", PAR_VM_CREATE_ACCESS},
        {"add-vm", PAR_VM_REGISTER_ACCESS},
        {"remove-vm", PAR_VM_DELETE_ACCESS},
        {"clone-vm", PAR_VM_CLONE_ACCESS}};
    Handle list;
    check(PrlDispCfg_GetConfirmationsList(prefs, list.out()), "PrlDispCfg_GetConfirmationsList");
    std::vector<std::pair<PRL_ALLOWED_VM_COMMAND, bool>> edits;
    for (const auto& [name, on] : changes) edits.emplace_back(kCommands.at(name), on);
    edit_confirmations(list, edits);
    check(PrlDispCfg_SetConfirmationsList(prefs, list), "PrlDispCfg_SetConfirmationsList");
}

std::string backup_mode_of(PRL_HANDLE prefs) {
    PRL_VM_BACKUP_MODE mode = PBM_PUSH;
    PrlDispCfg_GetBackupMode(prefs, &mode);
    return mode == PBM_PUSH_REVERSED_DELTA ? "push-with-reversed-delta" : "push";
}

// A temporary folder given without --backup-mode: the product warns what
// that means for the mode.
void warn_about_tmpdir(PRL_HANDLE prefs, const std::string& dir) {
    if (dir == text_of(PrlDispCfg_GetBackupTmpDir, prefs)) return;
    const bool reversed = backup_mode_of(prefs) == "push-with-reversed-delta";
    if (!dir.empty()) {
        if (!reversed)
            report(0, "WARNING: The tmpdir option was set without the backup-mode option. The backup mode was "
                      "automatically set to push-with-reversed-delta.");
    } else if (reversed) {
        report(0, "WARNING: An empty tmpdir was set. The backup mode is still push-with-reversed-delta. The delta "
                  "will be created in the home directory of the backed up VM.");
    } else {
        report(0, "WARNING: Empty tmpdir and backup-mode were set. The backup mode will not be changed.");
    }
}

void set_backup_storage(PRL_HANDLE prefs, const Remote& r) {
    if (r.server.empty()) {
        PrlDispCfg_SetDefaultBackupServer(prefs, "");
        return;
    }
    check(PrlDispCfg_SetDefaultBackupServer(prefs, r.server.c_str()), "PrlDispCfg_SetDefaultBackupServer");
    if (!r.user.empty()) check(PrlDispCfg_SetBackupUserLogin(prefs, r.user.c_str()), "PrlDispCfg_SetBackupUserLogin");
    if (r.has_password)
        throw Error{PRL_ERR_FAILURE,
                    "Password authentication for the default backup server is deprecated.\n"
                    "Use public key authentication instead."};
}

PRL_RESULT apply(PRL_HANDLE server, const Settings& s) {
    std::string err;
    if (const PRL_RESULT rc = wait(Handle(PrlSrv_CommonPrefsBeginEdit(server)), err)) return report(rc, err);
    Handle prefs = wait_param(PrlSrv_GetCommonPrefs(server), "PrlSrv_GetCommonPrefs");
    if (s.mem_limit) {
        const bool automatic = *s.mem_limit == UINT_MAX;
        say(automatic ? "Set memory limit: auto" : "Set memory limit: " + std::to_string(*s.mem_limit) + "Mb");
        if (!automatic) check(PrlDispCfg_SetReservedMemLimit(prefs, *s.mem_limit), "PrlDispCfg_GetReservedMemLimit");
        check(PrlDispCfg_SetAdjustMemAuto(prefs, prl_bool(automatic)), "PrlDispCfg_IsAdjustMemAuto");
    }
    if (!s.vcmmd_policy.empty()) set_vcmmd_policy(server, s.vcmmd_policy);
    if (s.manage_settings != -1)
        check(PrlDispCfg_SetCanChangeDefaultSettings(prefs, prl_bool(s.manage_settings)),
              "PrlDispCfg_SetCanChangeDefaultSettings");
    if (s.cep != -1) check(PrlDispCfg_SetSendStatisticReport(prefs, prl_bool(s.cep)), "PrlDispCfg_SetSendStatisticReport");
    if (s.verbose_log != -1)
        check(PrlDispCfg_SetVerboseLogEnabled(prefs, prl_bool(s.verbose_log)), "PrlDispCfg_SetVerboseLogEnabled");
    if (!s.min_security_level.empty()) {
        const std::string& l = s.min_security_level;
        const PRL_SECURITY_LEVEL level = l == "low" ? PSL_LOW_SECURITY
                                         : l == "normal" ? PSL_NORMAL_SECURITY
                                         : l == "high"   ? PSL_HIGH_SECURITY
                                                         : throw Error{-1, "An invalid parameter: " + l};
        check(PrlDispCfg_SetMinSecurityLevel(prefs, level), "PrlDispCfg_SetMinSecurityLevel");
    }
    if (!s.backup_path.empty())
        check_coded(PrlDispCfg_SetDefaultBackupDirectory(prefs, s.backup_path.c_str()), "PrlResult_GetParamsCount ");
    if (s.backup_mode) check_coded(PrlDispCfg_SetBackupMode(prefs, *s.backup_mode), "PrlDispCfg_SetBackupMode");
    if (s.compression != -1)
        check_coded(PrlDispCfg_SetBackupCompression(prefs, static_cast<PRL_UINT32>(s.compression)),
                    "PrlDispCfg_SetBackupTimeout");
    if (s.tunnel != -1)
        check_coded(PrlDispCfg_SetBackupTunnel(prefs, static_cast<PRL_UINT32>(s.tunnel)), "PrlDispCfg_SetBackupTunnel");
    if (s.backup_timeout) check_coded(PrlDispCfg_SetBackupTimeout(prefs, s.backup_timeout), "PrlDispCfg_SetBackupTimeout");
    if (s.change_storage) set_backup_storage(prefs, s.storage);
    if (s.backup_tmpdir) {
        if (!s.backup_mode) warn_about_tmpdir(prefs, *s.backup_tmpdir);
        check_coded(PrlDispCfg_SetBackupTmpDir(prefs, s.backup_tmpdir->c_str()), "PrlDispCfg_SetBackupTmpDir");
    }
    if (s.log_rotation != -1)
        check(PrlDispCfg_SetLogRotationEnabled(prefs, prl_bool(s.log_rotation)), "PrlDispCfg_SetLogRotationEnabled");
    set_confirmations(prefs, s.require_password);
    if (s.cpu_limit_type != -1)
        check(PrlDispCfg_SetVmCpuLimitType(prefs, static_cast<PRL_UINT32>(s.cpu_limit_type)),
              "PrlDispCfg_SetVmCpuLimitType");
    PRL_RESULT rc = wait(Handle(PrlSrv_CommonPrefsCommit(server, prefs)), err);
    if (rc) return report(rc, "Failed to apply new parameters: " + result_text(rc));
    say("The Server has been successfully configured.");
    return 0;
}

}  // namespace

int server_set(int argc, char** argv) {
    Settings s;
    try {
        s = parse(argc, argv);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "%s\n", e.message.c_str());
        return 1;
    }
    return run_command([&](PRL_HANDLE server) { return apply(server, s); });
}

}  // namespace prlctl
