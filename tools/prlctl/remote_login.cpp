#include "remote_login.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include <termios.h>
#include <unistd.h>

namespace prlctl {

bool parse_remote(const std::string& text, Remote& r) {
    std::string user = "root";
    std::size_t host = 0;
    const std::size_t at = text.rfind('@');
    if (at != std::string::npos) {
        user = text.substr(0, at);
        host = at + 1;
    }
    std::size_t end = text.size();
    std::size_t colons = 0;
    for (std::size_t i = host; i < text.size(); ++i) colons += text[i] == ':';
    std::size_t port_at = std::string::npos;
    if (host < text.size() && text[host] == '[') {  // "[v6 address]:port"
        const std::size_t close = text.rfind(']');
        if (close == std::string::npos) return false;
        port_at = text.find(':', close);
        ++host;
        --end;
    } else if (colons <= 1) {
        port_at = text.find(':', host);
    }
    std::size_t host_len = end - host;
    if (port_at != std::string::npos) {
        if (port_at + 1 >= text.size()) return false;
        r.port = std::atoi(text.c_str() + port_at + 1);
        host_len = port_at - host;
    }
    if (port_at != std::string::npos && port_at < host) return false;
    if (host_len <= 1) return false;
    r.server = text.substr(host, host_len);
    const std::size_t colon = user.rfind(':');
    if (colon != std::string::npos) {
        r.user = user.substr(0, colon);
        r.password = user.substr(colon + 1);
        r.has_password = true;
    } else {
        r.user = user;
    }
    return !r.user.empty();
}

namespace {

// The password for `r`: asked on the terminal, read from stdin.
std::string ask_password(const Remote& r) {
    if (FILE* tty = std::fopen("/dev/tty", "w")) {
        std::fprintf(tty, "%s@%s's password: ", r.user.c_str(), r.server.c_str());
        std::fclose(tty);
    } else {
        const int e = errno;
        std::fprintf(stderr, "Failed to open /dev/tty: %s (%d)\n", std::strerror(e), e);
    }
    termios saved{};
    const bool echo_off = tcgetattr(STDIN_FILENO, &saved) == 0;
    if (echo_off) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHONL);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::string password;
    std::getline(std::cin, password);
    if (echo_off) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    return password;
}

}  // namespace

Connection connect(const Remote& r) {
    Connection c;
    PRL_RESULT rc = PrlSrv_Create(c.server.out());
    if (PRL_FAILED(rc)) throw Error{rc, "PrlSrv_Create returned the following error: " + result_text(rc)};
    Handle response;
    if (r.local()) {
        response = wait_param(PrlSrv_LoginLocalEx(c.server, nullptr, 0, PSL_HIGH_SECURITY, PACF_NON_INTERACTIVE_MODE),
                              "Login failed");
    } else {
        const std::string password = r.has_password ? r.password : ask_password(r);
        response = wait_param(PrlSrv_LoginEx(c.server, r.server.c_str(), r.user.c_str(), password.c_str(), nullptr,
                                             static_cast<PRL_UINT32>(r.port), 0, PSL_HIGH_SECURITY,
                                             PACF_NON_INTERACTIVE_MODE),
                              "Login failed");
    }
    c.session_id = text_of(PrlLoginResponse_GetSessionUuid, response);
    return c;
}

}  // namespace prlctl
