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
        "  user list [-o,--output name[,name...]] [-s,--sort name] [-H,--no-header] [-j,--json]\n"
        "  user set --def-vm-home <path>\n"
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
