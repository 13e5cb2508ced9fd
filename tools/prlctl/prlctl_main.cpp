// prlctl: prlshim's prlctl, the product's syntax and output over prlshim's
// session code (docs/prlctl.md).
#include "commands.h"
#include "interrupt.h"

#include <clocale>
#include <cstdio>
#include <cstring>

using namespace prlctl;

namespace {

void usage(const char* me) {
    std::printf("%s version %s\n", me, PRLCTL_VERSION);
    std::printf(
        "Usage: %s ACTION <ID | NAME> [OPTIONS]\n"
        "Supported actions are:\n"
        "  list [-a,--all] [-o,--output name[,name...]] [-s,--sort [-]name] [-H,--no-header] [-j,--json] [-L]\n"
        "  list -i,--info [-f,--full] [-j,--json] [<ID | NAME>]\n"
        "  create <NAME> [-o,--ostype <name> | -d,--distribution <name>] [--dst <path>] [--no-hdd]\n"
        "         [--chipset piix|q35] [--uuid <UUID>]\n"
        "  create <NAME> --vmtype ct [--ostemplate <name>] [--config <sample>] [--dst <path>] [--no-hdd]\n"
        "  create <NAME> --ostemplate <VM template> [--dst <path>]\n"
        "  register <PATH> [--preserve-uuid | --uuid <UUID>] [--regenerate-src-uuid] [--force]\n"
        "  set <ID | NAME> [--name <name>] [--cpus <N>] [--cpu-sockets <N>] [--memsize <MB>] [--videosize <MB>]\n"
        "         [--description <desc>] [-d,--distribution <name>] [--cpuunits <N>] [--cpulimit <N[%%|m]>]\n"
        "         [--ioprio <0-7>] [--iolimit <size>] [--iopslimit <N>] [--autostart <on|off|auto>]\n"
        "         [--autostart-delay <sec>] [--autostop <stop|suspend>] [--on-crash <pause|restart>[:no-report]]\n"
        "         [--on-shutdown <window|close|quit>] [--startup-view <same|window|fullscreen>]\n"
        "         [--device-del <name ...>] [--device-bootorder \"<name ...>\"] [--tools-autoupdate <on|off>]\n"
        "         [--efi-boot <on|off>] [--select-boot-device <on|off>] [--ha-enable <yes|no>] [--ha-prio <N>]\n"
        "         [--template <on|off>] [--numa-nodes <N>] [--cpu-hotplug <on|off>] [--mem-hotplug <on|off>]\n"
        "         [--cpumask <mask|all>] [--nodemask <mask|all>] [--memguarantee <auto|percent>]\n"
        "         [--3d-accelerate <off|highest|dx9>] [--vertical-sync <on|off>] [--high-resolution <on|off>]\n"
        "         [--on-window-close <suspend|shutdown|stop|ask|keep-running>] [--system-flags <flags>]\n"
        "         [--hostname <name>] [--nameserver <addr ...>] [--searchdomain <name ...>] [--apply-iponly <on|off>]\n"
        "         [--vnc-mode <off|auto|manual>] [--vnc-port <port>] [--vnc-address <addr>]\n"
        "         [--vnc-passwd <passwd|-> | --vnc-nopasswd] [--rate <class:rate>] [--ratebound <on|off>]\n"
        "         [--require-pwd <exit-fullscreen|change-vm-state|manage-snapshots|change-guest-pwd>:<on|off>]\n"
        "         [--external-boot-device <name>] [--applyconfig <sample>] [--userpasswd <user:passwd> [--crypted]]\n"
        "         [--smart-guard <on|off>] [--sg-notify-before-create <on|off>] [--sg-interval <N>]\n"
        "         [--sg-max-snapshots <N>] [--usedefanswers <on|off>] [--lock-on-suspend <on|off>]\n"
        "         [--isolate-vm <on|off>] [--faster-vm <on|off>] [--adaptive-hypervisor <on|off>]\n"
        "         [--auto-compress <on|off>] [--nested-virt <on|off>] [--pmu-virt <on|off>]\n"
        "         [--longer-battery-life <on|off>] [--battery-status <on|off>] [--keyboard-optimize <on|off>]\n"
        "         [--features <name:on|off>[,...]] [--swappages <barrier[:limit]>] [--swap <size[:size]>]\n"
        "         [--quotaugidlimit <N>] [--capability <name:on|off>[,...]] [--apptemplate <name>]\n"
        "         [--device-set <netN> [--network <id>] [--mac <mac|auto>] [--ipadd <addr[/mask]>] [--ipdel <addr|all>]\n"
        "                              [--dhcp <yes|no>] [--dhcp6 <yes|no>] [--gw <addr>] [--gw6 <addr>]\n"
        "                              [--adapter-type <virtio|e1000|hyperv|rtl>] [--configure <on|off>]\n"
        "                              [--nameserver <addr ...>] [--searchdomain <name ...>]\n"
        "                              [--ipfilter <on|off>] [--macfilter <on|off>] [--preventpromisc <on|off>]\n"
        "                              [--fw <on|off>] [--fw-policy <accept|deny>] [--fw-direction <in|out>]\n"
        "                              [--fw-rule \"<proto> <local ip> <local port> <remote ip> <remote port>\"]]\n"
        "         [--device-add net [--network <id> | --type routed] [--mac <mac|auto>] [--ipadd ...]]\n"
        "         [--device-add hdd [--size <size>] [--image <path>]] [--device-add cdrom --image <path>]\n"
        "         [--device-set <cdromN> [--image <path>]] [--device-set <name> [--connect | --disconnect]\n"
        "                                                    [--enable | --disable]]\n"
        "         [--device-add fdd [--image <path> [--recreate] | --device <name>]]\n"
        "         [--device-add serial {--output <file> | --socket <path> | --socket-tcp <host:port>\n"
        "                               | --socket-udp <host:port>} [--socket-mode server|client]]\n"
        "         [--device-add parallel --output <file>] [--device-add sound | usb]\n"
        "         [--device-set <hddN> [--size <size>] [--image <path> [--recreate]] [--iface ide|scsi|virtio]\n"
        "                              [--subtype <type>] [--position <n>]]\n"
        "  clone <ID | NAME> -n,--name <NEW_NAME> [-t,--template] [--linked] [--dst <path>] [--changesid]\n"
        "  start | pause | resume | suspend | restart | reset | status | unregister | delete <ID | NAME>\n"
        "  stop <ID | NAME> [--kill | --noforce]\n"
        "  exec <ID | NAME> <command> [arg ...]\n"
        "  enter <ID | NAME>\n"
        "  capture <ID | NAME> [--file <path>]\n"
        "  snapshot <ID | NAME> [-n,--name <name>] [-d,--description <desc>]\n"
        "  snapshot-delete <ID | NAME> -i,--id <snapid> [-c,--children]\n"
        "  snapshot-list <ID | NAME> [-t,--tree] [-i,--id <snapid>] [-H,--no-header]\n"
        "  snapshot-switch <ID | NAME> -i,--id <snapid> [--skip-resume]\n"
        "  backup <ID | NAME> [-f,--full | -i,--incremental] [--description <desc>] [-u,--no-compression]\n"
        "         [--no-tunnel] [-s,--storage <user[[:passwd]@server[:port]>] [--backup-path <path>]\n"
        "  backup <ID | NAME> --abackup-mode --backup-path <path> [-f | --uuid <backup id>]\n"
        "  backup-list [ID | NAME] [-f,--full] [-H,--no-header] [--vmtype ct|vm|all] [--localvms]\n"
        "  backup-delete {<ID | NAME> | -t,--tag <backupid>} [--keep-chain]\n"
        "  restore {<ID | NAME> | -t,--tag <backupid>} [-n,--name <new_name>] [--dst <path>] [--list [-f]]\n"
        "See prlctl(8).\n",
        me);
}

const std::vector<OptionSpec> kListOptions = {
    {"all", 'a', false},    {"output", 'o', true}, {"sort", 's', true},  {"no-header", 'H', false},
    {"json", 'j', false},   {"info", 'i', false},  {"full", 'f', false}, {"list", 'L', false},
    {"vmtype", 0, true},    {"template", 't', false}};
const std::vector<OptionSpec> kCreateOptions = {
    {"ostype", 'o', true}, {"distribution", 'd', true}, {"vmtype", 0, true}, {"dst", 0, true},
    {"no-hdd", 0, false},  {"chipset", 0, true},        {"uuid", 0, true},   {"changesid", 0, false},
    {"location", 0, true}, {"ostemplate", 't', true},   {"config", 'c', true}};
const std::vector<OptionSpec> kRegisterOptions = {
    {"preserve-uuid", 0, false}, {"uuid", 0, true}, {"regenerate-src-uuid", 0, false}, {"force", 0, false}};
const std::vector<OptionSpec> kSetOptions = {
    // VM settings (vm_settings.cpp, vm_toggles.cpp, vm_vnc.cpp)
    {"numa-nodes", 0, true},    {"cpu-hotplug", 0, true},     {"cpumask", 0, true},
    {"nodemask", 0, true},      {"3d-accelerate", 0, true},   {"vertical-sync", 0, true},
    {"high-resolution", 0, true}, {"mem-hotplug", 0, true},   {"memquota", 0, true},
    {"memguarantee", 0, true},  {"on-window-close", 0, true}, {"system-flags", 0, true},
    {"features", 0, true},      {"hostname", 0, true},        {"nameserver", 0, true},
    {"searchdomain", 0, true},  {"apply-iponly", 0, true},    {"vnc-mode", 0, true},
    {"vnc-port", 0, true},      {"vnc-address", 0, true},     {"vnc-passwd", 0, true},
    {"vnc-nopasswd", 0, false}, {"rate", 0, true},            {"ratebound", 0, true},
    {"require-pwd", 0, true},   {"external-boot-device", 0, true}, {"sg-interval", 0, true},
    {"sg-max-snapshots", 0, true}, {"userpasswd", 0, true},   {"crypted", 0, false},
    {"usedefanswers", 0, true}, {"smart-mount", 0, true},     {"lock-on-suspend", 0, true},
    {"isolate-vm", 0, true},    {"smart-guard", 0, true},     {"sg-notify-before-create", 0, true},
    {"faster-vm", 0, true},     {"adaptive-hypervisor", 0, true}, {"auto-compress", 0, true},
    {"nested-virt", 0, true},   {"pmu-virt", 0, true},        {"longer-battery-life", 0, true},
    {"battery-status", 0, true},    {"keyboard-optimize", 0, true}, {"sticky-mouse", 0, true},
    {"auto-share-camera", 0, true}, {"auto-share-bluetooth", 0, true}, {"support-usb30", 0, true},
    {"sync-host-printers", 0, true}, {"sync-default-printer", 0, true}, {"smart-mouse-optimize", 0, true},
    {"swappages", 0, true},     {"swap", 0, true},            {"quotaugidlimit", 0, true},
    {"capability", 0, true},    {"apptemplate", 0, true},     {"applyconfig", 0, true},
    // Network adapters' own options (vm_devices.cpp)
    {"adapter-type", 0, true},  {"configure", 0, true},       {"ipfilter", 0, true},
    {"macfilter", 0, true},     {"preventpromisc", 0, true},  {"fw", 0, true},
    {"fw-policy", 0, true},     {"fw-direction", 0, true},    {"fw-rule", 0, true},
    {"name", 0, true},          {"cpus", 0, true},            {"memsize", 0, true},
    {"description", 0, true},   {"distribution", 'd', true},  {"cpu-sockets", 0, true},
    {"cpuunits", 0, true},      {"cpulimit", 0, true},        {"ioprio", 0, true},
    {"iolimit", 0, true},       {"iopslimit", 0, true},       {"videosize", 0, true},
    {"autostart", 0, true},     {"onboot", 0, true},          {"autostart-delay", 0, true},
    {"autostop", 0, true},      {"startup-view", 0, true},    {"on-crash", 0, true},
    {"on-shutdown", 0, true},   {"device-del", 0, true},      {"device-bootorder", 0, true},
    {"tools-autoupdate", 0, true}, {"efi-boot", 0, true},     {"select-boot-device", 0, true},
    {"ha-enable", 0, true},     {"ha-prio", 0, true},         {"template", 0, true},
    {"device-set", 0, true},    {"network", 0, true},         {"mac", 0, true},
    {"ipadd", 0, true},         {"ipdel", 0, true},           {"dhcp", 0, true},
    {"dhcp6", 0, true},         {"gw", 0, true},              {"gw6", 0, true},
    {"image", 0, true},         {"connect", 'c', false},      {"disconnect", 0, false},
    {"enable", 0, false},       {"disable", 0, false},        {"device-add", 0, true},
    {"type", 0, true},          {"size", 0, true},
    // Device kinds: floppy drives, ports, sound, USB; disk changes (vm_devices_extra.cpp).
    {"device", 0, true},        {"output", 0, true},          {"socket", 0, true},
    {"socket-mode", 0, true},   {"mixer", 0, true},           {"input", 0, true},
    {"iface", 0, true},         {"subtype", 0, true},         {"position", 0, true},
    {"passthr", 0, true},       {"recreate", 0, false},       {"offline", 0, false},
    {"no-fs-resize", 0, false}, {"socket-tcp", 0, true},      {"socket-udp", 0, true}};
const std::vector<OptionSpec> kCloneOptions = {
    {"name", 'n', true},     {"template", 't', false},           {"changesid", 's', false}, {"linked", 0, false},
    {"dst", 0, true},        {"location", 0, true},              {"online", 0, false},
    {"detach-external-hdd", 0, true}};
const std::vector<OptionSpec> kStopOptions = {{"kill", 0, false}, {"noforce", 0, false}, {"acpi", 0, false},
                                              {"force", 0, false}};
const std::vector<OptionSpec> kCaptureOptions = {{"file", 0, true}};
const std::vector<OptionSpec> kSnapshotOptions = {{"name", 'n', true}, {"description", 'd', true}, {"wait", 0, false}};
const std::vector<OptionSpec> kSnapshotSwitchOptions = {{"id", 'i', true}, {"wait", 0, false}, {"skip-resume", 0, false}};
const std::vector<OptionSpec> kSnapshotDeleteOptions = {{"id", 'i', true}, {"children", 'c', false}};
const std::vector<OptionSpec> kSnapshotListOptions = {{"id", 'i', true}, {"tree", 't', false}, {"no-header", 'H', false}};
const std::vector<OptionSpec> kNone = {};

const char* const kVmActions[] = {"start", "stop",       "pause",  "resume",  "suspend", "restart", "reset",
                                  "status", "unregister", "delete", "capture", "exec",    "enter"};

}  // namespace

int main(int argc, char** argv) {
    std::setlocale(LC_ALL, "");
    const char* me = std::strrchr(argv[0], '/') ? std::strrchr(argv[0], '/') + 1 : argv[0];
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
        usage(me);
        return argc < 2 ? 1 : 0;
    }
    if (!std::strcmp(argv[1], "--version") || !std::strcmp(argv[1], "-V")) {
        std::printf("%s version %s\n", me, PRLCTL_VERSION);
        return 0;
    }
    const std::string action = argv[1];
    if (is_backup_action(action)) {
        if (argc < 3 && action != "backup-list") {  // backup-list alone lists everything
            usage(me);
            std::fprintf(stderr, "Invalid usage\n");
            return 1;
        }
        prlshim::interrupt::install();
        return backup_action(argc, argv);
    }
    bool vm_action_name = false;
    for (const char* a : kVmActions) vm_action_name = vm_action_name || action == a;
    const std::vector<OptionSpec>* specs = action == "list"       ? &kListOptions
                                         : action == "create"     ? &kCreateOptions
                                         : action == "register"   ? &kRegisterOptions
                                         : action == "set"        ? &kSetOptions
                                         : action == "clone"      ? &kCloneOptions
                                         : action == "stop"       ? &kStopOptions
                                         : action == "capture"    ? &kCaptureOptions
                                         : action == "snapshot"   ? &kSnapshotOptions
                                         : action == "snapshot-switch" ? &kSnapshotSwitchOptions
                                         : action == "snapshot-delete" ? &kSnapshotDeleteOptions
                                         : action == "snapshot-list"   ? &kSnapshotListOptions
                                         : vm_action_name         ? &kNone
                                                                  : nullptr;
    if (!specs) {
        usage(me);
        if (argc > 2)
            std::fprintf(stderr, "Unknown action: %s\n", action.c_str());
        else
            std::fprintf(stderr, "Invalid usage\n");
        return 1;
    }
    CommandLine cl;
    try {
        cl = parse(argc, argv, 2, *specs, action == "exec");
    } catch (const Error& e) {
        std::fprintf(stderr, "%s\n", e.message.c_str());
        return 1;
    }
    cl.action = action;
    if (action != "list" && cl.id.empty()) {
        usage(me);
        std::fprintf(stderr, "Invalid usage\n");
        return 1;
    }
    prlshim::interrupt::install();
    return run_command([&](PRL_HANDLE server) -> PRL_RESULT {
        if (action == "list") return list(server, cl);
        if (action == "create") return create(server, cl);
        if (action == "register") return register_vm(server, cl);
        if (action == "set") return set(server, cl);
        if (action == "clone") return clone(server, cl);
        if (action.rfind("snapshot", 0) == 0) return snapshot_action(server, cl);
        return vm_action(server, cl);
    });
}
