// prlshim: a prlctl-style command-line client of the Virtuozzo SDK C API.
#include "commands.h"
#include "interrupt.h"

#include <clocale>
#include <iostream>

int main(int argc, char** argv) {
    using namespace prlshim;
    std::setlocale(LC_ALL, "");

    CLI::App app{"prlshim: manage VMs, containers and their backups through the Virtuozzo SDK API.\n"
                 "State lives in $PRLSHIM_HOME (default ~/.local/share/prlshim).",
                 "prlshim"};
    app.require_subcommand(1);
    app.fallthrough(false);
    app.set_version_flag("--version", std::string("prlshim ") + PRLSHIM_VERSION);
    app.footer("Run 'prlshim COMMAND --help' for a command's options. See prlshim(1).");

    std::string log_path;
    app.add_option("--log", log_path, "Append the SDK's log to this file (level: $PRLSHIM_LOG_LEVEL)");

    Registry registry;
    add_vm_commands(app, registry);
    add_backup_commands(app, registry);
    add_misc_commands(app, registry);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);  // prints help (0) or the usage error
        return rc == 0 ? kOk : kUsage;
    }

    interrupt::install();
    for (auto& [sub, action] : registry) {
        if (!sub->parsed()) continue;
        try {
            Api api(log_path);
            Session session;
            return action(session);
        } catch (const Failure& f) {
            std::cout.flush();
            std::cerr << "prlshim: " << f.what() << std::endl;
            return f.exit_status();
        } catch (const std::exception& e) {
            std::cout.flush();
            std::cerr << "prlshim: " << e.what() << std::endl;
            return kFailed;
        }
    }
    return kUsage;
}
