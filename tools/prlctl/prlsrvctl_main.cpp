// prlsrvctl: prlshim's prlsrvctl (docs/prlctl.md). Its --help starts with the
// product's version line, which libvirt's vz driver reads.
#include "commands.h"

#include <clocale>
#include <cstdio>
#include <cstring>

using namespace prlctl;

namespace {

void usage(const char* me) {
    std::printf("%s version %s\n", me, PRLCTL_VERSION);
    std::printf(
        "Usage: %s ACTION [OPTIONS]\n"
        "Supported actions are:\n"
        "  info [-j, --json]\n"
        "  set [-m,--mem-limit <auto|size>] [--vcmmd-policy <density|performance>] [--mng-settings <allow|deny>]\n"
        "      [-c,--cep <on|off>] [--verbose-log <on|off>] [-s,--min-security-level <low|normal|high>]\n"
        "      [--backup-path <path>] [--backup-mode <push|push-with-reversed-delta>] [--backup-tmpdir <path>]\n"
        "      [--backup-storage <[user@]server[:port]>] [--backup-timeout <sec>] [--backup-compression <on|off>]\n"
        "      [--backup-tunnel <on|off>] [--log-rotation <on|off>] [--vm-cpulimit-type <full|guest>]\n"
        "      [--require-pwd <create-vm|add-vm|remove-vm|clone-vm>:<on|off>]\n"
        "  user list [-o,--output name[,name...]] [-s,--sort name] [-H,--no-header] [-j,--json]\n"
        "  user set --def-vm-home <path>\n"
        "  net add <vnetwork_id> [-i,--ifname <if>] [-m,--mac <mac_address>] [-t,--type <bridged|host-only|shared>]\n"
        "                   [-d,--description <description>]\n"
        "                   [--ip <addr[/mask]>] [--dhcp-server <on|off>] [--dhcp-ip <ip>]\n"
        "                   [--ip-scope-start <ip>] [--ip-scope-end <ip>]\n"
        "                   [--ip6 <addr[/mask]>] [--dhcp6-server <on|off>] [--dhcp-ip6 <ip>]\n"
        "                   [--ip6-scope-start <ip>] [--ip6-scope-end <ip>]\n"
        "                   [--nat-<tcp|udp>-add <rule_name,<redir_ip|redir_vm>,in_port,redir_port>]\n"
        "  net set <vnetwork_id> (the options of add) [--nat-<tcp|udp>-del <rule_name>]\n"
        "  net del <vnetwork_id>\n"
        "  net info <vnetwork_id> [--no-slave] [-j, --json]\n"
        "  net list [--no-slave] [-j, --json]\n"
        "See prlsrvctl(8).\n",
        me);
}

}  // namespace

int main(int argc, char** argv) {
    std::setlocale(LC_ALL, "");
    const char* me = std::strrchr(argv[0], '/') ? std::strrchr(argv[0], '/') + 1 : argv[0];
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
        usage(me);
        return argc < 2 ? 1 : 0;
    }
    // "user" takes a sub-action; without a known one the product names the
    // word it did not know.
    std::string action = argv[1];
    if (action == "net") return net_action(argc, argv);
    if (action == "set") return server_set(argc, argv);
    int first = 2;
    std::vector<OptionSpec> specs = {{"json", 'j', false}, {"full", 'f', false}, {"license", 0, false}};
    if (action == "user") {
        const std::string sub = argc > 2 ? argv[2] : "";
        if (sub == "list")
            specs = {{"output", 'o', true}, {"all", 'a', false}, {"no-header", 'H', false}, {"sort", 's', true},
                     {"json", 'j', false}};
        else if (sub == "set")
            specs = {{"def-vm-home", 0, true}};
        else {
            std::fprintf(stderr, "Unknown action: %s\n", sub.empty() ? "user" : sub.c_str());
            return 1;
        }
        action += " " + sub;
        first = 3;
    } else if (action != "info") {
        std::fprintf(stderr, "Unknown action: %s\n", action.c_str());
        return 1;
    }
    CommandLine cl;
    try {
        cl = parse(argc, argv, first, specs);
    } catch (const Error& e) {
        std::fprintf(stderr, "%s\n", e.message.c_str());
        return 1;
    }
    if (action != "info" && !cl.id.empty()) {  // these take no operand
        std::fprintf(stderr, "Unrecognized option: %s\n", cl.id.c_str());
        return 1;
    }
    cl.action = action;
    return run_command([&](PRL_HANDLE server) {
        return action == "info" ? server_info(server, cl) : user_action(server, cl);
    });
}
