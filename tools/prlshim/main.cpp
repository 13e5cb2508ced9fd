// prlshim: a prlctl-style command-line client of the Virtuozzo SDK C API.
#include "commands.h"
#include "interrupt.h"

#include <termios.h>
#include <unistd.h>

#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace {

// $PRLSHIM_PASSWORD, else asked on the terminal without echo.
std::string login_password(const std::string& user, const std::string& host) {
    if (const char* p = std::getenv("PRLSHIM_PASSWORD")) return p;
    std::FILE* tty = std::fopen("/dev/tty", "r+");
    if (!tty) throw prlshim::Failure(PRL_ERR_INVALID_ARG, "no PRLSHIM_PASSWORD and no terminal to ask for it", prlshim::kUsage);
    std::fprintf(tty, "Password for %s@%s: ", user.c_str(), host.c_str());
    std::fflush(tty);
    termios saved{};
    const bool quiet = tcgetattr(fileno(tty), &saved) == 0;
    if (quiet) {
        termios silent = saved;
        silent.c_lflag &= static_cast<tcflag_t>(~ECHO);
        tcsetattr(fileno(tty), TCSAFLUSH, &silent);
    }
    std::string password;
    for (int c; (c = std::fgetc(tty)) != EOF && c != '\n';) password.push_back(static_cast<char>(c));
    if (quiet) tcsetattr(fileno(tty), TCSAFLUSH, &saved);
    std::fputc('\n', tty);
    std::fclose(tty);
    return password;
}

}  // namespace

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

    std::string log_path, host, user;
    app.add_option("--log", log_path, "Append the SDK's log to this file (level: $PRLSHIM_LOG_LEVEL)");
    app.add_option("--host", host,
                   "Work on the prlshimd at HOST[:PORT] (default port 64000) over TLS instead of this machine's "
                   "service (docs/daemon.md)");
    app.add_option("--user", user, "With --host: the user to log in as (password: $PRLSHIM_PASSWORD, else asked)")
        ->needs(app.get_option("--host"));

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
            LoginTarget target;
            if (!host.empty()) {
                target = parse_host(host);
                target.user = user;
                target.password = login_password(user, target.host);
            }
            Session session(target);
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
