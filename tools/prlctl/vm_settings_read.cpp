#include "vm_settings.h"

#include "option_values.h"

#include <cstdlib>
#include <sstream>

namespace prlctl {
namespace {

std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
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

}  // namespace

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
            if (!percent) throw bad("memguarantee", v);  // "" is 0, as the product reads it
            g.type = PRL_MEMGUARANTEE_PERCENTS;
            g.value = *percent;
        }
        s.memguarantee = g;
    }
    s.on_window_close = cl.get("on-window-close");
    if (cl.has("system-flags")) s.system_flags = cl.get("system-flags");
    if (cl.has("features") && !cl.get("features").empty()) s.features = read_ct_features(cl.get("features"));
    if (cl.has("hostname")) s.hostname = cl.get("hostname");
    if (!sets_network_adapter(cl)) {  // else they are the adapter's (vm_devices.cpp)
        if (cl.has("nameserver")) s.nameservers = split_words(cl.get("nameserver"), " ,");
        if (cl.has("searchdomain")) s.search_domains = split_words(cl.get("searchdomain"), " ,");
    }
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
    s.config_sample = cl.get("applyconfig");
    s.ct = read_ct_settings(cl);
    if (cl.has("keyboard-optimize")) {
        const int b = on_off(cl.get("keyboard-optimize"));
        if (b == -1) throw bad("keyboard-optimize", cl.get("keyboard-optimize"));
        s.keyboard_optimize = static_cast<PRL_OPTIMIZE_MODIFIERS_MODE>(b);
    }
    // Desktop options the product checks and then never applies.
    for (const char* option : {"sticky-mouse", "auto-share-camera", "auto-share-bluetooth", "support-usb30"})
        if (cl.has(option) && on_off(cl.get(option)) == -1) throw bad(option, cl.get(option));
    for (const char* option : {"sync-host-printers", "sync-default-printer", "smart-mouse-optimize"}) {
        const std::string v = cl.get(option);
        if (cl.has(option) && v != "on" && v != "off" && (v != "auto" || std::string(option) != "smart-mouse-optimize"))
            throw bad(option, v);
    }
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

}  // namespace prlctl
