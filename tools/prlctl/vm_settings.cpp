// prlctl set: a VM's settings, checked and applied as the product's prlctl
// does (docs/prlctl.md): every value is checked before the VM is looked up;
// the changes are applied in the product's order (not the command line's),
// each with its message; a failure is followed by "Failed to configure the
// virtual machine."; the configuration is committed once.
#include "vm_settings.h"

#include "commands.h"
#include "confirmations.h"

#include <cstdio>

namespace prlctl {
namespace {

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
    apply_capabilities(vm, s.ct);
    apply_resources(vm, s.ct);
    set_guest_network(cfg, s);
    if (s.device_change && s.device_change->add) add_device(server, vm, *s.device_change);
    if (s.removed_devices) remove_devices(cfg, *s.removed_devices);
    if (s.device_change && !s.device_change->add) configure_device(server, cfg, *s.device_change);
    if (s.boot_order) set_boot_order(cfg, *s.boot_order);
    apply_vnc(cfg, s.vnc);
    for (const char* option : {"usedefanswers", "tools-autoupdate", "smart-mount"}) apply_toggle(cfg, s.toggles, option);
    if (s.rates) set_rates(cfg, *s.rates);
    apply_toggle(cfg, s.toggles, "ratebound");
    if (s.keyboard_optimize)
        check(PrlVmCfg_SetOptimizeModifiersMode(cfg, *s.keyboard_optimize), "PrlVmCfg_SetOptimizeModifiersMode");
    for (const char* option : {"efi-boot", "select-boot-device"}) apply_toggle(cfg, s.toggles, option);
    if (!s.external_boot_device.empty())
        check(PrlVmCfg_SetExternalBootDevice(cfg, s.external_boot_device.c_str()), "PrlVmCfg_SetExternalBootDevice");
    apply_app_templates(cfg, s.ct);
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
    if (!settings.config_sample.empty()) {  // a configuration sample first, as the product applies it
        if (const PRL_RESULT rc = PrlVmCfg_ApplyConfigSample(vm.cfg, settings.config_sample.c_str())) {
            report(rc, "PrlVmCfg_ApplyConfigSample: " + result_text(rc));
            return report(rc, "Failed to configure the virtual machine.");
        }
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
