// prlctl set: a VM's settings, checked and applied as the product's prlctl
// does (docs/prlctl.md): every value is checked before the VM is looked up;
// the changes are applied in the product's order (not the command line's),
// each with its message; a failure is followed by "Failed to configure the
// virtual machine."; the configuration is committed once.
#include "commands.h"
#include "option_values.h"
#include "vm_devices.h"

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
    std::optional<PRL_UINT32> distribution, cpus, sockets, cpu_units, io_priority, io_limit, iops_limit, memsize,
        videosize, autostart_delay, ha_priority;
    std::optional<PRL_CPULIMIT_DATA> cpu_limit;
    std::optional<std::string> description, name;
    std::string distribution_name, autostart, autostop, startup_view, on_crash, on_shutdown;
    std::optional<std::vector<std::string>> boot_order, removed_devices;
    std::optional<DeviceChange> device_change;
    int tools_autoupdate = -1, efi_boot = -1, select_boot_device = -1, ha_enable = -1, is_template = -1;
    bool list_distributions = false, bad_distribution = false;
};

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
    auto flag = [&](const char* option, int& field, const std::string& message) {
        if (!cl.has(option)) return;
        if ((field = on_off(cl.get(option))) == -1) throw Error{1, message + cl.get(option)};
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
    flag("tools-autoupdate", s.tools_autoupdate, "An invalid value was specified for --tools-autoupdate: ");
    flag("efi-boot", s.efi_boot, "An incorrect value for --efi-boot is specified: ");
    flag("select-boot-device", s.select_boot_device, "An incorrect value for --select-boot-device is specified: ");
    if (cl.has("ha-enable") && (s.ha_enable = on_off(cl.get("ha-enable"))) == -1)
        throw Error{1, "An incorrect value ('" + cl.get("ha-enable") + "') is specified for --ha-enable"};
    if (cl.has("ha-prio") && !(s.ha_priority = unsigned_value(cl.get("ha-prio"))))
        throw Error{1, "An incorrect value ('" + cl.get("ha-prio") + "') is specified for --ha-prio"};
    flag("template", s.is_template, "An incorrect value for --template is specified: ");
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
    if (s.cpu_units) {
        say("set cpuunits " + std::to_string(*s.cpu_units));
        check_minus_one(PrlVmCfg_SetCpuUnits(cfg, *s.cpu_units), "PrlVmCfg_SetCpuUnits");
    }
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
    if (s.description) check(PrlVmCfg_SetDescription(cfg, s.description->c_str()), "PrlVmCfg_SetDescription");
    if (!s.autostart.empty()) set_autostart(cfg, s.autostart);
    if (s.autostart_delay) check(PrlVmCfg_SetAutoStartDelay(cfg, *s.autostart_delay), "PrlVmCfg_SetAutoStartDelay");
    if (!s.autostop.empty())
        check(PrlVmCfg_SetAutoStop(cfg, s.autostop == "stop" ? PAO_VM_STOP : PAO_VM_SUSPEND), "PrlVmCfg_SetAutoStop");
    if (!s.startup_view.empty()) set_startup_view(cfg, s.startup_view);
    if (!s.on_crash.empty()) set_on_crash(cfg, s.on_crash);
    if (!s.on_shutdown.empty()) set_on_shutdown(cfg, s.on_shutdown);
    if (s.name) {
        say("Set name of " + kind + " to '" + *s.name + "'");
        check(PrlVmCfg_SetName(cfg, s.name->c_str()), "PrlVmCfg_SetName");
    }
    if (s.device_change && s.device_change->add) add_device(server, vm, *s.device_change);
    if (s.removed_devices) remove_devices(cfg, *s.removed_devices);
    if (s.device_change && !s.device_change->add) configure_device(server, cfg, *s.device_change);
    if (s.boot_order) set_boot_order(cfg, *s.boot_order);
    if (s.tools_autoupdate != -1)  // the product names another setter in this message
        check(PrlVmCfg_SetToolsAutoUpdateEnabled(cfg, prl_bool(s.tools_autoupdate)), "PrlVmCfg_SetUseDefaultAnswers");
    if (s.efi_boot != -1) check(PrlVmCfg_SetEfiEnabled(cfg, prl_bool(s.efi_boot)), "PrlVmCfg_SetEfiEnabled");
    if (s.select_boot_device != -1)
        check(PrlVmCfg_SetAllowSelectBootDevice(cfg, prl_bool(s.select_boot_device)),
              "PrlVmCfg_SetAllowSelectBootDevice");
    if (s.ha_enable != -1)
        check(PrlVmCfg_SetHighAvailabilityEnabled(cfg, prl_bool(s.ha_enable)), "PrlVmCfg_SetHighAvailabilityEnabled");
    if (s.ha_priority)
        check(PrlVmCfg_SetHighAvailabilityPriority(cfg, *s.ha_priority), "PrlVmCfg_SetHighAvailabilityPriority");
    if (s.is_template != -1) check(PrlVmCfg_SetTemplateSign(cfg, prl_bool(s.is_template)), "PrlVmCfg_SetTemplateSign");
}

}  // namespace

int set(PRL_HANDLE server, const CommandLine& cl) {
    VmSettings settings = read_settings(cl);
    Vm vm = find_vm(server, cl.id);
    const std::string kind = vm.kind();
    std::string err;
    if (const PRL_RESULT rc = wait(Handle(PrlVm_BeginEdit(vm.cfg)), err))
        return report(rc, "failed to apply settings " + err);
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
