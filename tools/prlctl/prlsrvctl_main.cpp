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
    const std::string action = argv[1];
    if (action != "info") {
        std::fprintf(stderr, "Unknown action: %s\n", action.c_str());
        return 1;
    }
    CommandLine cl;
    try {
        cl = parse(argc, argv, 2, {{"json", 'j', false}, {"full", 'f', false}, {"license", 0, false}});
    } catch (const Error& e) {
        std::fprintf(stderr, "%s\n", e.message.c_str());
        return 1;
    }
    return run_command([&](PRL_HANDLE server) { return server_info(server, cl); });
}
