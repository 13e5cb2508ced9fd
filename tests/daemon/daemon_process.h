// A prlshimd run by a test: started in the foreground on a state root of the
// test's, on a port the kernel picks, and stopped (or killed) at the end.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace daemon_test {

class DaemonProcess {
public:
    // `listen` defaults to 127.0.0.1 on a free port.
    // `environment`: NAME=value entries added to the test's own.
    explicit DaemonProcess(const std::filesystem::path& home, const std::string& listen = "127.0.0.1:0",
                           const std::vector<std::string>& options = {},
                           const std::vector<std::string>& environment = {});
    ~DaemonProcess();
    DaemonProcess(const DaemonProcess&) = delete;
    DaemonProcess& operator=(const DaemonProcess&) = delete;

    std::uint16_t port() const { return port_; }
    pid_t pid() const { return pid_; }
    const std::string& banner() const { return banner_; }  // its first line: where it serves, its certificate
    void kill_hard();  // SIGKILL, as a crash
    void stop();       // SIGTERM, waited for
    void freeze();     // SIGSTOP: there, connected, and silent, as a host that hangs
    void thaw();       // SIGCONT

private:
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
    std::string banner_;
};

// `prlshimd --home HOME --add-user NAME`, the password on standard input.
void add_user(const std::filesystem::path& home, const std::string& name, const std::string& password);

}  // namespace daemon_test
