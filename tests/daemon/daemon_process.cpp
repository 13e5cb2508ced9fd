#include "daemon_process.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <regex>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace daemon_test {
namespace {

pid_t spawn(const std::vector<std::string>& args, int stdin_fd, int stdout_fd,
            const std::vector<std::string>& environment = {}) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (stdin_fd >= 0) posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
    if (stdout_fd >= 0) posix_spawn_file_actions_adddup2(&actions, stdout_fd, 1);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    // The test's environment, where `environment` names a variable: its value.
    auto named = [&](const char* entry) {
        for (const auto& e : environment) {
            const auto eq = e.find('=');
            if (std::strncmp(entry, e.c_str(), eq + 1) == 0) return true;
        }
        return false;
    };
    std::vector<char*> envp;
    for (char** e = environ; *e; ++e)
        if (!named(*e)) envp.push_back(*e);
    for (const auto& e : environment) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, PRLSHIMD_PATH, &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start prlshimd");
    return pid;
}

int wait_for(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
    }
    return status;
}

}  // namespace

DaemonProcess::DaemonProcess(const std::filesystem::path& home, const std::string& listen,
                             const std::vector<std::string>& options, const std::vector<std::string>& environment) {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe");
    std::vector<std::string> args = {"prlshimd", "--home", home.string(), "--listen", listen, "--foreground"};
    args.insert(args.end(), options.begin(), options.end());
    pid_ = spawn(args, -1, out[1], environment);
    close(out[1]);
    // The banner comes once it listens: reading it is waiting for that.
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') banner_ += c;
    close(out[0]);
    std::smatch m;
    if (!std::regex_search(banner_, m, std::regex(R"(:([0-9]+) and )"))) {
        stop();
        throw std::runtime_error("prlshimd did not start: '" + banner_ + "'");
    }
    port_ = static_cast<std::uint16_t>(std::stoul(m[1]));
}

DaemonProcess::~DaemonProcess() { stop(); }

void DaemonProcess::kill_hard() {
    if (pid_ < 0) return;
    ::kill(pid_, SIGKILL);
    wait_for(pid_);
    pid_ = -1;
}

void DaemonProcess::stop() {
    if (pid_ < 0) return;
    ::kill(pid_, SIGTERM);
    ::kill(pid_, SIGCONT);  // a frozen daemon takes its SIGTERM only once thawed
    wait_for(pid_);
    pid_ = -1;
}

void DaemonProcess::freeze() {
    if (pid_ >= 0) ::kill(pid_, SIGSTOP);
}

void DaemonProcess::thaw() {
    if (pid_ >= 0) ::kill(pid_, SIGCONT);
}

void add_user(const std::filesystem::path& home, const std::string& name, const std::string& password) {
    int in[2];
    if (pipe(in) != 0) throw std::runtime_error("pipe");
    const pid_t pid = spawn({"prlshimd", "--home", home.string(), "--add-user", name}, in[0], -1);
    close(in[0]);
    const std::string line = password + "\n";
    if (write(in[1], line.data(), line.size()) != static_cast<ssize_t>(line.size())) throw std::runtime_error("write");
    close(in[1]);
    const int status = wait_for(pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("prlshimd --add-user failed");
}

}  // namespace daemon_test
