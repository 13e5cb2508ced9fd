// prlctl set: a VM's settings, checked and applied as the product's prlctl
// does (docs/prlctl.md): every value is checked before the VM is looked up;
// the changes are applied in the product's order (not the command line's),
// each with its message; a failure is followed by "Failed to configure the
// virtual machine."; the configuration is committed once.
#include "commands.h"
#include "confirmations.h"
#include "ct_features.h"
#include "option_values.h"
#include "vm_devices.h"
#include "vm_toggles.h"
#include "vm_vnc.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>

namespace prlctl {
namespace {

std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

// What one command line asks for; unset fields are left as they are.
struct VmSettings {
    std::optional<PRL_UINT32> distribution, cpus, sockets, numa_nodes, cpu_units, io_priority, io_limit, iops_limit,
        memsize, videosize, autostart_delay, ha_priority, sg_interval, sg_max_snapshots;
    std::optional<PRL_CPULIMIT_DATA> cpu_limit;
    std::optional<PRL_MEMGUARANTEE_DATA> memguarantee;
    std::optional<PRL_VIDEO_3D_ACCELERATION> acceleration_3d;
    std::optional<std::string> description, name, cpu_mask, node_mask, system_flags, hostname;
    std::string distribution_name, autostart, autostop, startup_view, on_crash, on_shutdown, on_window_close,
        cpu_hotplug, external_boot_device, user_password;
    std::optional<std::vector<std::string>> boot_order, removed_devices, nameservers, search_domains;
    std::optional<std::vector<std::pair<PRL_UINT32, PRL_UINT32>>> rates;  // class id, rate
    std::vector<std::pair<PRL_ALLOWED_VM_COMMAND, bool>> require_password;
    std::optional<DeviceChange> device_change;
    std::optional<CtFeatures> features;
    VncChange vnc;
    Toggles toggles;
    int vertical_sync = -1, mem_hotplug = -1, apply_ip_only = -1, ha_enable = -1;
    bool list_distributions = false, bad_distribution = false, crypted_password = false;
};

// " ," separated words, as the product splits --nameserver and --searchdomain.
std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::string word;
    for (char c : text + ' ') {
        if (c == ' ' || c == ',') {
            if (!word.empty()) out.push_back(word);
            word.clear();
        } else {
            word += c;
        }
    }
    return out;
}

// --require-pwd COMMAND:on|off for a VM: the commands it names.
std::vector<PRL_ALLOWED_VM_COMMAND> password_commands(const std::string& name) {
    if (name == "exit-fullscreen") return {PAR_VM_GUI_VIEW_MODE_CHANGE_ACCESS};
    if (name == "change-vm-state")
        return {PAR_VM_START_ACCESS,   PAR_VM_STOP_ACCESS,   PAR_VM_PAUSE_ACCESS,
                PAR_VM_RESET_ACCESS,   PAR_VM_SUSPEND_ACCESS, PAR_VM_RESUME_ACCESS,
                PAR_VM_DROPSUSPENDEDSTATE_ACCESS, PAR_VM_RESTART_GUEST_ACCESS};
    if (name == "manage-snapshots")
        return {PAR_VM_CREATE_SNAPSHOT_ACCESS, PAR_VM_SWITCH_TO_SNAPSHOT_ACCESS, PAR_VM_DELETE_SNAPSHOT_ACCESS};
    if (name == "change-guest-pwd") return {PAR_VM_CHANGE_GUEST_OS_PASSWORD_ACCESS};
    return {};
}

// The values as the product checks them when it reads its command line.
VmSettings read_settings(const CommandLine& cl) {
    VmSettings s;
    auto bad = [](const std::string& option, const std::string& v) {
        return Error{1, "An incorrect value for --" + option + " is specified: " + v};
    };
    auto number = [&](const char* option, std::optional<PRL_UINT32>& field) {
        if (!cl.has(option)) return;
        if (!(field = unsigned_value(cl.get(option)))) throw bad(option, cl.get(option));
    };
    if (cl.has("distribution")) {
        // "list", or a name the server does not know: the server's list is
        // printed instead of any change (after the message, for a bad name).
        s.distribution_name = cl.get("distribution");
        s.distribution = distribution_version(s.distribution_name);
        s.list_distributions = !*s.distribution;
        s.bad_distribution = !*s.distribution && s.distribution_name != "list";
        if (s.bad_distribution)
            report(0, "An incorrect value for --distribution is specified: " + s.distribution_name);
    }
    if (cl.has("cpus")) s.cpus = static_cast<PRL_UINT32>(std::strtoul(cl.get("cpus").c_str(), nullptr, 10));
    number("cpu-sockets", s.sockets);
    number("cpuunits", s.cpu_units);
    if (s.cpu_units && *s.cpu_units == 0) throw bad("cpuunits", cl.get("cpuunits"));
    if (cl.has("cpulimit")) {
        const std::string v = cl.get("cpulimit");
        char* tail = nullptr;
        PRL_CPULIMIT_DATA limit{};
        limit.value = static_cast<PRL_UINT32>(std::strtoul(v.c_str(), &tail, 10));
        if ((*tail == '%' && !tail[1]) || !*tail) limit.type = PRL_CPULIMIT_PERCENTS;
        else if (std::string(tail) == "m" || std::string(tail) == "mhz") limit.type = PRL_CPULIMIT_MHZ;
        else throw bad("cpulimit", v);
        s.cpu_limit = limit;
    }
    number("ioprio", s.io_priority);
    if (s.io_priority && *s.io_priority > 7) throw bad("ioprio", cl.get("ioprio"));
    if (cl.has("iolimit") && !(s.io_limit = size_value(cl.get("iolimit"), false))) throw bad("iolimit", cl.get("iolimit"));
    number("iopslimit", s.iops_limit);
    number("numa-nodes", s.numa_nodes);
    if (cl.has("cpu-hotplug")) {
        const int b = on_off(cl.get("cpu-hotplug"));
        if (b == -1) throw bad("cpu-hotplug", cl.get("cpu-hotplug"));
        s.cpu_hotplug = b ? "on" : "off";
    }
    if (cl.has("cpumask")) s.cpu_mask = cl.get("cpumask");
    if (cl.has("nodemask")) s.node_mask = cl.get("nodemask");
    if (cl.has("3d-accelerate")) {
        const std::string v = cl.get("3d-accelerate");
        if (v == "off") s.acceleration_3d = P3D_DISABLED;
        else if (v == "highest") s.acceleration_3d = P3D_ENABLED_HIGHEST;
        else if (v == "dx9") s.acceleration_3d = P3D_ENABLED_DX9;
        else throw bad("3d-accelerate", v);
    }
    if (cl.has("vertical-sync")) {  // on or off only: no yes/no here
        const std::string v = cl.get("vertical-sync");
        if (v != "on" && v != "off") throw bad("vertical-sync", v);
        s.vertical_sync = v == "on";
    }
    if (cl.has("mem-hotplug") && (s.mem_hotplug = on_off(cl.get("mem-hotplug"))) == -1)
        throw bad("mem-hotplug", cl.get("mem-hotplug"));
    if (cl.has("memquota")) throw Error{1, "The --memquota is deprecated, please use --memguarantee instead"};
    if (cl.has("memguarantee")) {
        // "auto", or a share of the memory in percent.
        const std::string v = cl.get("memguarantee");
        PRL_MEMGUARANTEE_DATA g{};
        g.type = PRL_MEMGUARANTEE_AUTO;
        if (v != "auto") {
            const auto percent = unsigned_value(v);
            if (!percent || v.empty()) throw bad("memguarantee", v);
            g.type = PRL_MEMGUARANTEE_PERCENTS;
            g.value = *percent;
        }
        s.memguarantee = g;
    }
    s.on_window_close = cl.get("on-window-close");
    if (cl.has("system-flags")) s.system_flags = cl.get("system-flags");
    if (cl.has("features") && !cl.get("features").empty()) s.features = read_ct_features(cl.get("features"));
    if (cl.has("hostname")) s.hostname = cl.get("hostname");
    if (cl.has("nameserver")) s.nameservers = split_list(cl.get("nameserver"));
    if (cl.has("searchdomain")) s.search_domains = split_list(cl.get("searchdomain"));
    if (cl.has("apply-iponly") && (s.apply_ip_only = on_off(cl.get("apply-iponly"))) == -1)
        throw Error{1, "An invalid value was specified for --apply-iponly: " + cl.get("apply-iponly")};
    s.vnc = read_vnc(cl);
    if (cl.has("rate")) {
        // CLASS:RATE, once per class; an empty value clears the list.
        s.rates.emplace();
        for (const std::string& v : cl.all("rate")) {
            if (v.empty()) continue;
            // As the product's sscanf("%u:%u%s") == 2: two numbers, nothing after.
            const auto colon = v.find(':');
            if (colon == std::string::npos || colon == 0 || colon + 1 == v.size()) throw bad("rate", v);
            const auto id = unsigned_value(v.substr(0, colon)), rate = unsigned_value(v.substr(colon + 1));
            if (!id || !rate) throw bad("rate", v);
            s.rates->emplace_back(*id, *rate);
        }
    }
    for (const std::string& v : cl.all("require-pwd")) {
        const auto colon = v.find(':');
        const int b = colon == std::string::npos || v.find(':', colon + 1) != std::string::npos
                          ? -1
                          : on_off(v.substr(colon + 1));
        const auto commands = password_commands(v.substr(0, colon));
        if (b == -1 || commands.empty()) throw bad("require-pwd", v);
        for (PRL_ALLOWED_VM_COMMAND c : commands) s.require_password.emplace_back(c, b == 1);
    }
    s.external_boot_device = cl.get("external-boot-device");
    number("sg-interval", s.sg_interval);
    number("sg-max-snapshots", s.sg_max_snapshots);
    if (cl.has("userpasswd")) {
        s.user_password = cl.get("userpasswd");
        if (s.user_password.find(':') == std::string::npos) throw bad("userpasswd", s.user_password);
    }
    s.crypted_password = cl.has("crypted");
    if (cl.has("memsize")) s.memsize = static_cast<PRL_UINT32>(std::strtoul(cl.get("memsize").c_str(), nullptr, 10));
    if (cl.has("videosize")) {
        s.videosize = size_value(cl.get("videosize"), true);
        if (!s.videosize || !*s.videosize) throw bad("videosize", cl.get("videosize"));
    }
    if (cl.has("description")) s.description = cl.get("description");
    if (cl.has("autostart") || cl.has("onboot")) {
        const std::string v = cl.get(cl.has("autostart") ? "autostart" : "onboot");
        s.autostart = v == "yes" || v == "on" || v == "start-host" ? "on" : v == "no" || v == "off" ? "off" : v;
        if (s.autostart != "on" && s.autostart != "off" && v != "auto" && v != "start-app" && v != "open-window")
            throw bad("onboot", v);
    }
    number("autostart-delay", s.autostart_delay);
    if (cl.has("autostop")) {
        s.autostop = cl.get("autostop");
        if (s.autostop != "stop" && s.autostop != "suspend") throw bad("autostop", s.autostop);
    }
    s.startup_view = cl.get("startup-view");
    s.on_crash = cl.get("on-crash");
    s.on_shutdown = cl.get("on-shutdown");
    if (cl.has("name")) s.name = cl.get("name");
    if (cl.has("device-del")) s.removed_devices = words(cl.get("device-del"));
    s.device_change = read_device_change(cl);
    if (cl.has("device-bootorder")) s.boot_order = words(cl.get("device-bootorder"));
    s.toggles = read_toggles(cl);
    if (cl.has("ha-enable") && (s.ha_enable = on_off(cl.get("ha-enable"))) == -1)
        throw Error{1, "An incorrect value ('" + cl.get("ha-enable") + "') is specified for --ha-enable"};
    if (cl.has("ha-prio") && !(s.ha_priority = unsigned_value(cl.get("ha-prio"))))
        throw Error{1, "An incorrect value ('" + cl.get("ha-prio") + "') is specified for --ha-prio"};
    return s;
}

// ---- applying ----

// Setters whose failure the product reports with -1 (exit status 255).
void check_minus_one(PRL_RESULT rc, const std::string& what) {
    if (PRL_FAILED(rc)) throw ApplyError{-1, what + ": " + result_text(rc)};
}

void set_autostart(PRL_HANDLE cfg, const std::string& mode) {
    const PRL_VM_AUTOSTART_OPTION option = mode == "off"           ? PAO_VM_START_MANUAL
                                           : mode == "on"          ? PAO_VM_START_ON_LOAD
                                           : mode == "auto"        ? PAO_VM_START_ON_RELOAD
                                           : mode == "start-app"   ? PAO_VM_START_ON_GUI_APP_STARTUP
                                                                   : PAO_VM_START_ON_GUI_VM_WINDOW_OPEN;
    check(PrlVmCfg_SetAutoStart(cfg, option), "PrlVmCfg_SetAutoStart");
}

void set_on_crash(PRL_HANDLE cfg, const std::string& mode) {
    // "action[:option]"
    const auto colon = mode.find(':');
    const std::string action = mode.substr(0, colon), option = colon == std::string::npos ? "" : mode.substr(colon + 1);
    const auto unsupported = ApplyError{-1, "The specified on-crash action is not supported: " + mode + "."};
    if ((action != "pause" && action != "restart") || (!option.empty() && option != "no-report")) throw unsupported;
    check(PrlVmCfg_SetActionOnGuestCrash(cfg, action == "pause" ? POCA_PAUSE : POCA_RESTART),
          "PrlVmCfg_SetOnCrashAction");
    check(PrlVmCfg_SetOptionsOnGuestCrash(cfg, option.empty() ? POCO_FULL : 0), "PrlVmCfg_SetOnCrashOptions");
}

void set_on_shutdown(PRL_HANDLE cfg, const std::string& mode) {
    if (mode != "window" && mode != "close" && mode != "quit")
        throw ApplyError{-1, "The specified on shutdown mode is not supported: " + mode + "."};
    check(PrlVmCfg_SetActionOnStopMode(cfg, mode == "window"  ? PAS_KEEP_VM_WINDOW_OPEN
                                            : mode == "close" ? PAS_CLOSE_VM_WINDOW
                                                              : PAS_QUIT_APPLICATION),
          "PrlVmCfg_SetActionOnStopMode");
}

void set_startup_view(PRL_HANDLE cfg, const std::string& mode) {
    if (mode != "same" && mode != "window" && mode != "fullscreen")
        throw ApplyError{-1, "The specified startup view mode is not supported: " + mode + "."};
    check(PrlVmCfg_SetWindowMode(cfg, mode == "same"     ? PWM_DEFAULT_WINDOW_MODE
                                      : mode == "window" ? PWM_WINDOWED_WINDOW_MODE
                                                         : PWM_FULL_SCREEN_WINDOW_MODE),
          "PrlVmCfg_SetWindowMode");
}

PRL_BOOL prl_bool(int b) { return b ? PRL_TRUE : PRL_FALSE; }

// --cpumask / --nodemask: "all" clears the mask.
void set_mask(PRL_HANDLE cfg, const std::optional<std::string>& mask, const std::string& what,
              PRL_RESULT (*setter)(PRL_HANDLE, PRL_CONST_STR)) {
    if (!mask) return;
    say("set " + what + " mask " + *mask);
    if (const PRL_RESULT rc = setter(cfg, *mask == "all" ? "" : mask->c_str()))
        throw ApplyError{-1, "Failed to set " + what + "mask: " +
                                 (rc == PRL_ERR_INVALID_ARG ? "invalid " + what + " mask is specified" : result_text(rc))};
}

void set_on_window_close(PRL_HANDLE cfg, const std::string& mode) {
    const PRL_VM_ACTION_ON_WINDOW_CLOSE action = mode == "suspend"        ? PWC_VM_SUSPEND
                                                 : mode == "shutdown"     ? PWC_VM_SHUTDOWN
                                                 : mode == "stop"         ? PWC_VM_STOP
                                                 : mode == "ask"          ? PWC_VM_ASK_USER
                                                 : mode == "keep-running" ? PWC_VM_DO_NOTHING
                                                                          : PRL_VM_ACTION_ON_WINDOW_CLOSE(-1);
    if (action == PRL_VM_ACTION_ON_WINDOW_CLOSE(-1))
        throw ApplyError{-1, "The specified on close window mode is not supported: " + mode + "."};
    check(PrlVmCfg_SetActionOnWindowClose(cfg, action), "PrlVmCfg_SetActionOnWindowClose");
}

Handle string_list(const std::vector<std::string>& items) {
    Handle list;
    PrlApi_CreateStringsList(list.out());
    for (const std::string& item : items) PrlStrList_AddItem(list, item.c_str());
    return list;
}

// The guest's own network settings: host name, DNS servers and search
// domains, apply-IP-only.
void set_guest_network(PRL_HANDLE cfg, const VmSettings& s) {
    if (s.hostname && !s.hostname->empty()) check(PrlVmCfg_SetHostname(cfg, s.hostname->c_str()), "PrlVmCfg_SetHostname");
    if (s.nameservers && !s.nameservers->empty())
        check(PrlVmCfg_SetDnsServers(cfg, string_list(*s.nameservers)), "PrlVmCfg_SetDnsServers");
    if (s.search_domains)  // an empty list removes them
        check(PrlVmCfg_SetSearchDomains(cfg, string_list(*s.search_domains)), "PrlVmCfg_SetSearchDomains");
    if (s.apply_ip_only != -1)
        check(PrlVmCfg_SetAutoApplyIpOnly(cfg, prl_bool(s.apply_ip_only)), "PrlVmCfg_SetAutoApply");
}

// --rate CLASS:RATE...: the whole list is replaced.
void set_rates(PRL_HANDLE cfg, const std::vector<std::pair<PRL_UINT32, PRL_UINT32>>& rates) {
    Handle list;
    PrlApi_CreateHandlesList(list.out());
    for (const auto& [class_id, rate] : rates) {
        Handle item;
        if (const PRL_RESULT rc = PrlNetworkRate_Create(class_id, rate, item.out()))
            throw ApplyError{-1, "PrlNetworkRate_Create: " + result_text(rc)};
        if (const PRL_RESULT rc = PrlHndlList_AddItem(list, item))
            throw ApplyError{-1, "PrlHndlList_AddItem: " + result_text(rc)};
    }
    if (const PRL_RESULT rc = PrlVmCfg_SetNetworkRateList(cfg, list))
        throw ApplyError{-1, "PrlVmCfg_SetNetworkRates: " + result_text(rc)};
}

void set_password_commands(PRL_HANDLE cfg, const std::vector<std::pair<PRL_ALLOWED_VM_COMMAND, bool>>& changes) {
    Handle list;
    check(PrlVmCfg_GetConfirmationsList(cfg, list.out()), "PrlVmCfg_GetConfirmationsList");
    try {
        edit_confirmations(list, changes);
    } catch (const Error& e) {
        throw ApplyError{e.code, e.message};
    }
    check(PrlVmCfg_SetConfirmationsList(cfg, list), "PrlVmCfg_SetConfirmationsList");
}

// Every change of `s`, in the product's order.
void apply(PRL_HANDLE server, const Vm& vm, VmSettings& s) {
    PRL_HANDLE cfg = vm.cfg;
    const std::string kind = vm.kind();
    if (s.distribution) {
        say("set distribution: " + s.distribution_name);
        check(PrlVmCfg_SetOsVersion(cfg, *s.distribution), ":PrlVmCfg_SetOsVersion");
    }
    PRL_UINT32 host_cpus = 0;
    if (s.cpus || s.sockets) PrlSrvCfg_GetCpuCount(server_config(server), &host_cpus);
    if (s.cpus) {
        if (*s.cpus == 0) throw ApplyError{-1, "An incorrect value for the CPU cores parameter (0)."};
        PRL_UINT32 sockets = 1;
        PrlVmCfg_GetCpuSocketsCount(cfg, &sockets);
        say("set cpu cores(" + std::to_string(host_cpus / (sockets ? sockets : 1)) + "): " + std::to_string(*s.cpus));
        if (const PRL_RESULT rc = PrlVmCfg_SetCpuCount(cfg, *s.cpus))
            throw ApplyError{rc, ":PrlVmCfg_SetCpuCount " + result_text(rc)};
    }
    if (s.sockets) {
        if (*s.sockets == 0)
            throw ApplyError{-1, "An incorrect value for the CPU sockets parameter (" + std::to_string(*s.sockets) + ")."};
        PRL_UINT32 cores = 1;
        PrlVmCfg_GetCpuCount(cfg, &cores);
        say("set cpu sockets(" + std::to_string(host_cpus / (cores ? cores : 1)) + "): " + std::to_string(*s.sockets));
        if (const PRL_RESULT rc = PrlVmCfg_SetCpuSocketsCount(cfg, *s.sockets))
            throw ApplyError{rc, ":PrlVmCfg_SetCpuSocketsCount " + result_text(rc)};
    }
    if (s.numa_nodes) {
        if (const PRL_RESULT rc = PrlVmCfg_SetNumaNodesCount(cfg, *s.numa_nodes))
            throw ApplyError{rc, ":PrlVmCfg_SetNumaNodesCount " + result_text(rc)};
    }
    if (!s.cpu_hotplug.empty()) {
        say(std::string("set cpu hotplug: ") + (s.cpu_hotplug == "on" ? "1" : "0"));
        if (const PRL_RESULT rc = PrlVmCfg_SetCpuHotplugEnabled(cfg, prl_bool(s.cpu_hotplug == "on")))
            throw ApplyError{rc, ":PrlVmCfg_SetCpuHotplugEnabled " + result_text(rc)};
    }
    if (s.cpu_units) {
        say("set cpuunits " + std::to_string(*s.cpu_units));
        check_minus_one(PrlVmCfg_SetCpuUnits(cfg, *s.cpu_units), "PrlVmCfg_SetCpuUnits");
    }
    set_mask(cfg, s.cpu_mask, "cpu", PrlVmCfg_SetCpuMask);
    set_mask(cfg, s.node_mask, "node", PrlVmCfg_SetNodeMask);
    if (s.cpu_limit) {
        say("set cpulimit " + std::to_string(s.cpu_limit->value) + (s.cpu_limit->type == PRL_CPULIMIT_MHZ ? "Mhz" : "%"));
        check_minus_one(PrlVmCfg_SetCpuLimitEx(cfg, &*s.cpu_limit), "PrlVmCfg_SetCpuLimit");
    }
    if (s.io_priority) {
        say("set ioprio " + std::to_string(*s.io_priority));
        check_minus_one(PrlVmCfg_SetIoPriority(cfg, *s.io_priority), "PrlVmCfg_SetIoPriority");
    }
    if (s.io_limit) {
        say("Set up iolimit: " + std::to_string(*s.io_limit));
        PRL_IOLIMIT_DATA limit{};
        limit.type = PRL_IOLIMIT_BS;
        limit.value = *s.io_limit;
        check_minus_one(PrlVmCfg_SetIoLimit(cfg, &limit), "PrlVmCfg_SetIoLimit");
    }
    if (s.iops_limit) {
        say("set IOPS limit " + std::to_string(*s.iops_limit));
        check_minus_one(PrlVmCfg_SetIopsLimit(cfg, *s.iops_limit), "PrlVmCfg_SetIopsLimit");
    }
    if (s.memsize) {
        say("Set the memsize parameter to " + std::to_string(*s.memsize) + "Mb.");
        if (const PRL_RESULT rc = PrlVmCfg_SetRamSize(cfg, *s.memsize))
            throw ApplyError{rc, "PrlVmCfg_SetRamSize " + result_text(rc)};
    }
    if (s.videosize) {
        say("Set the videosize parameter to " + std::to_string(*s.videosize) + "Mb.");
        check(PrlVmCfg_SetVideoRamSize(cfg, *s.videosize), "PrlVmCfg_SetVideoRamSize");
    }
    if (s.acceleration_3d) {
        say("Set 3d acceleration: " + std::to_string(*s.acceleration_3d) + ".");
        check(PrlVmCfg_Set3DAccelerationMode(cfg, *s.acceleration_3d), "PrlVmCfg_Set3DAccelerationMode");
    }
    if (s.vertical_sync != -1) {
        say("Set vertical synchronization: " + std::to_string(s.vertical_sync) + ".");
        check(PrlVmCfg_SetVerticalSynchronizationEnabled(cfg, prl_bool(s.vertical_sync)),
              "PrlVmCfg_SetVerticalSynchronizationEnabled");
    }
    apply_toggle(cfg, s.toggles, "high-resolution");
    if (s.mem_hotplug != -1) {
        say("set mem hotplug: " + std::to_string(s.mem_hotplug));
        if (const PRL_RESULT rc = PrlVmCfg_SetRamHotplugEnabled(cfg, prl_bool(s.mem_hotplug)))
            throw ApplyError{rc, ":PrlVmCfg_SetRamHotplugEnabled " + result_text(rc)};
    }
    if (s.memguarantee) {
        say(s.memguarantee->type == PRL_MEMGUARANTEE_AUTO
                ? std::string("set memguarantee: auto")
                : "set memguarantee: " + std::to_string(s.memguarantee->value) + "%");
        if (const PRL_RESULT rc = PrlVmCfg_SetMemGuaranteeSize(cfg, &*s.memguarantee))
            throw ApplyError{rc, "PrlVmCfg_SetMemGuaranteeSize " + result_text(rc)};
    }
    if (s.description) check(PrlVmCfg_SetDescription(cfg, s.description->c_str()), "PrlVmCfg_SetDescription");
    if (!s.autostart.empty()) set_autostart(cfg, s.autostart);
    if (s.autostart_delay) check(PrlVmCfg_SetAutoStartDelay(cfg, *s.autostart_delay), "PrlVmCfg_SetAutoStartDelay");
    if (!s.autostop.empty())
        check(PrlVmCfg_SetAutoStop(cfg, s.autostop == "stop" ? PAO_VM_STOP : PAO_VM_SUSPEND), "PrlVmCfg_SetAutoStop");
    if (!s.startup_view.empty()) set_startup_view(cfg, s.startup_view);
    if (!s.on_crash.empty()) set_on_crash(cfg, s.on_crash);
    if (!s.on_shutdown.empty()) set_on_shutdown(cfg, s.on_shutdown);
    if (!s.on_window_close.empty()) set_on_window_close(cfg, s.on_window_close);
    if (s.system_flags) check(PrlVmCfg_SetSystemFlags(cfg, s.system_flags->c_str()), "PrlVmCfg_SetSystemFlags");
    if (s.name) {
        say("Set name of " + kind + " to '" + *s.name + "'");
        check(PrlVmCfg_SetName(cfg, s.name->c_str()), "PrlVmCfg_SetName");
    }
    if (s.features) {
        if (vm.type != PVT_CT) throw ApplyError{-1, "Unable to use CT features for " + kind + "."};
        check(PrlVmCfg_SetFeaturesMask(cfg, s.features->on, s.features->known & ~s.features->on),
              "PrlVmCfg_SetFeaturesMask");
        say("set features: " + ct_features_text(*s.features));
    }
    set_guest_network(cfg, s);
    if (s.device_change && s.device_change->add) add_device(server, vm, *s.device_change);
    if (s.removed_devices) remove_devices(cfg, *s.removed_devices);
    if (s.device_change && !s.device_change->add) configure_device(server, cfg, *s.device_change);
    if (s.boot_order) set_boot_order(cfg, *s.boot_order);
    apply_vnc(cfg, s.vnc);
    for (const char* option : {"usedefanswers", "tools-autoupdate", "smart-mount"}) apply_toggle(cfg, s.toggles, option);
    if (s.rates) set_rates(cfg, *s.rates);
    for (const char* option : {"ratebound", "efi-boot", "select-boot-device"}) apply_toggle(cfg, s.toggles, option);
    if (!s.external_boot_device.empty())
        check(PrlVmCfg_SetExternalBootDevice(cfg, s.external_boot_device.c_str()), "PrlVmCfg_SetExternalBootDevice");
    if (s.ha_enable != -1)
        check(PrlVmCfg_SetHighAvailabilityEnabled(cfg, prl_bool(s.ha_enable)), "PrlVmCfg_SetHighAvailabilityEnabled");
    if (s.ha_priority)
        check(PrlVmCfg_SetHighAvailabilityPriority(cfg, *s.ha_priority), "PrlVmCfg_SetHighAvailabilityPriority");
    set_password_commands(cfg, s.require_password);  // the product edits the list every time
    for (const char* option : {"lock-on-suspend", "isolate-vm", "smart-guard", "sg-notify-before-create"})
        apply_toggle(cfg, s.toggles, option);
    if (s.sg_interval && *s.sg_interval)
        check(PrlVmCfg_SetSmartGuardInterval(cfg, *s.sg_interval), "PrlVmCfg_SetSmartGuardInterval");
    if (s.sg_max_snapshots && *s.sg_max_snapshots)
        check(PrlVmCfg_SetSmartGuardMaxSnapshotsCount(cfg, *s.sg_max_snapshots),
              "PrlVmCfg_SetSmartGuardMaxSnapshotsCount");
    for (const char* option : {"faster-vm", "adaptive-hypervisor", "auto-compress", "nested-virt"})
        apply_toggle(cfg, s.toggles, option);
    if (s.toggles.count("nested-virt") && s.toggles.at("nested-virt")) validate(cfg, PVC_CPU, kind);
    for (const char* option : {"pmu-virt", "longer-battery-life", "battery-status", "template"})
        apply_toggle(cfg, s.toggles, option);
}

}  // namespace

int set(PRL_HANDLE server, const CommandLine& cl) {
    VmSettings settings = read_settings(cl);
    Vm vm = find_vm(server, cl.id);
    const std::string kind = vm.kind();
    std::string err;
    if (!settings.user_password.empty()) {
        // USER:PASSWORD, set in the guest before any edit.
        const auto colon = settings.user_password.find(':');
        const std::string user = settings.user_password.substr(0, colon), password = settings.user_password.substr(colon + 1);
        if (const PRL_RESULT rc = wait(Handle(PrlVm_SetUserPasswd(vm.cfg, user.c_str(), password.c_str(),
                                                                  settings.crypted_password ? PSPF_PASSWD_CRYPTED : 0)),
                                       err)) {
            report(rc, err);
            return report(rc, "Failed to configure the virtual machine.");
        }
        say("Authentication tokens updated successfully.");
    }
    if (const PRL_RESULT rc = wait(Handle(PrlVm_BeginEdit(vm.cfg)), err)) {
        report(rc, "failed to apply settings " + err);
        return report(rc, "Failed to configure the virtual machine.");
    }
    if (settings.list_distributions) {
        if (settings.bad_distribution) report(1, "Failed to configure the virtual machine.");
        std::fputs(distribution_list(server).c_str(), stdout);
        return settings.bad_distribution ? 1 : 0;
    }
    try {
        apply(server, vm, settings);
    } catch (const ApplyError& e) {
        if (!e.message.empty()) report(e.code, e.message);
        return report(e.code, "Failed to configure the virtual machine.");
    }
    if (const PRL_RESULT rc = wait(Handle(PrlVm_CommitEx(vm.cfg, 0)), err)) {
        report(rc, "Unable to commit " + kind + " configuration: " + err);
        return report(rc, "Failed to configure the virtual machine.");
    }
    if (settings.device_change) {
        const std::string line = device_line(vm.cfg, settings.device_change->name);
        if (!line.empty()) say((settings.device_change->add ? "Created " : "Configured ") + line);
    }
    say("\nThe " + kind + " has been successfully configured.");
    return 0;
}

}  // namespace prlctl
