#include "sockets.h"

#include "store/error.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace prl::remote {
namespace {

using service::Errc;
using service::Error;

std::string endpoint(const std::string& host, std::uint16_t port) {
    // An IPv6 literal gets brackets, so the port stays readable.
    if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
    return host + ":" + std::to_string(port);
}

struct AddrinfoFree {
    void operator()(addrinfo* a) const noexcept { ::freeaddrinfo(a); }
};
using Addrinfo = std::unique_ptr<addrinfo, AddrinfoFree>;

// getaddrinfo for a stream socket; the error text on failure.
Addrinfo resolve(const std::string& host, std::uint16_t port, bool passive, std::string& error) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = passive ? AI_PASSIVE : 0;  // every address is tried in turn
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
    if (rc != 0) {
        // One text for every way a name fails to resolve: the resolver's own
        // words differ between machines (no DNS server, NXDOMAIN, ...).
        error = rc == EAI_SYSTEM ? std::strerror(errno) : "the host name is not known";
        return nullptr;
    }
    return Addrinfo(found);
}

sockaddr_un unix_address(const std::filesystem::path& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string& text = path.native();
    if (text.empty() || text.size() >= sizeof addr.sun_path)
        throw Error(Errc::invalid_argument, "unusable Unix socket path (empty or too long): " + text);
    std::memcpy(addr.sun_path, text.c_str(), text.size() + 1);
    return addr;
}

void set_blocking(int fd, bool blocking) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK) < 0)
        service::throw_errno("fcntl", errno);
}

// One connect attempt bounded by `timeout`; 0 or the errno of the failure.
int connect_within(int fd, const sockaddr* addr, socklen_t len, std::chrono::milliseconds timeout) {
    set_blocking(fd, false);
    if (::connect(fd, addr, len) != 0) {
        if (errno != EINPROGRESS) return errno;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return ETIMEDOUT;
            pollfd p{fd, POLLOUT, 0};
            const int n = ::poll(&p, 1, static_cast<int>(left.count()));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return errno;
            if (n == 0) return ETIMEDOUT;
            break;
        }
        int err = 0;
        socklen_t err_len = sizeof err;
        if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len) != 0) return errno;
        if (err != 0) return err;
    }
    set_blocking(fd, true);
    return 0;
}

}  // namespace

platform::UniqueFd listen_tcp(const std::string& address, std::uint16_t port) {
    std::string error;
    const Addrinfo found = resolve(address, port, true, error);
    if (!found) throw Error(Errc::io_error, "cannot listen on " + endpoint(address, port) + ": " + error);
    for (const addrinfo* a = found.get(); a; a = a->ai_next) {
        platform::UniqueFd fd(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol));
        if (!fd) {
            error = std::strerror(errno);
            continue;
        }
        const int one = 1;
        ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(fd.get(), a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd.get(), 1024) == 0) return fd;
        error = std::strerror(errno);
    }
    throw Error(Errc::io_error, "cannot listen on " + endpoint(address, port) + ": " + error);
}

std::uint16_t local_port(int fd) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) service::throw_errno("getsockname", errno);
    if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
    if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
    throw Error(Errc::invalid_argument, "local_port: not a TCP socket");
}

platform::UniqueFd listen_unix(const std::filesystem::path& path) {
    const sockaddr_un addr = unix_address(path);
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        // Only a socket is ours to replace (a daemon that died left it); a
        // file of any other kind at that path is someone's data.
        if (!S_ISSOCK(st.st_mode))
            throw Error(Errc::io_error, "cannot listen on " + path.string() + ": a file that is not a socket is there");
        if (::unlink(path.c_str()) != 0 && errno != ENOENT) service::throw_errno("unlink " + path.string(), errno);
    }
    platform::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) service::throw_errno("socket", errno);
    // bind() creates the file with 0777 less the umask; the chmod narrows
    // it (the daemon's 0700 run directory keeps others out in between).
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
        service::throw_errno("bind " + path.string(), errno);
    if (::chmod(path.c_str(), 0600) != 0) service::throw_errno("chmod " + path.string(), errno);
    if (::listen(fd.get(), 1024) != 0) service::throw_errno("listen " + path.string(), errno);
    return fd;
}

platform::UniqueFd connect_tcp(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout) {
    const std::string where = endpoint(host, port);
    std::string error;
    const Addrinfo found = resolve(host, port, false, error);
    if (!found) throw Error(Errc::cant_connect, "cannot connect to " + where + ": " + error);
    for (const addrinfo* a = found.get(); a; a = a->ai_next) {
        platform::UniqueFd fd(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol));
        if (!fd) {
            error = std::strerror(errno);
            continue;
        }
        const int err = connect_within(fd.get(), a->ai_addr, a->ai_addrlen, timeout);
        if (err != 0) {
            error = err == ETIMEDOUT ? "no answer within " + std::to_string(timeout.count()) + " ms"
                                     : std::strerror(err);
            continue;
        }
        // Packets are small request/answer exchanges: no Nagle delay.
        const int one = 1;
        ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        return fd;
    }
    throw Error(Errc::cant_connect, "cannot connect to " + where + ": " + error);
}

platform::UniqueFd connect_unix(const std::filesystem::path& path) {
    const sockaddr_un addr = unix_address(path);
    platform::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) service::throw_errno("socket", errno);
    for (;;) {
        if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) return fd;
        if (errno == EINTR) continue;
        throw Error(Errc::cant_connect, "cannot connect to " + path.string() + ": " + std::strerror(errno));
    }
}

PeerCredentials peer_credentials(int fd) {
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) service::throw_errno("SO_PEERCRED", errno);
    return {cred.uid, cred.gid, cred.pid};
}

std::pair<std::string, std::uint16_t> parse_listen_address(const std::string& text) {
    const auto bad = [&](const std::string& why) {
        return Error(Errc::invalid_argument, "bad listen address '" + text + "' (expected ADDR:PORT): " + why);
    };
    std::string host;
    std::string port_text;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string::npos) throw bad("no closing ']'");
        host = text.substr(1, close - 1);
        if (host.find(':') == std::string::npos) throw bad("brackets are for IPv6 addresses");
        if (close + 1 >= text.size() || text[close + 1] != ':') throw bad("no port");
        port_text = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string::npos) throw bad("no port");
        host = text.substr(0, colon);
        // An unbracketed IPv6 address cannot be told apart from its port.
        if (host.find(':') != std::string::npos) throw bad("an IPv6 address needs brackets");
        port_text = text.substr(colon + 1);
    }
    if (host.empty()) throw bad("no address");
    for (const char c : host)
        if (c <= ' ' || c == '/' || c == '[' || c == ']') throw bad("not an address");
    if (port_text.empty() || port_text.size() > 5) throw bad("bad port");
    unsigned long port = 0;
    for (const char c : port_text) {
        if (c < '0' || c > '9') throw bad("bad port");
        port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    // Port 0 is allowed: the kernel picks one (the daemon reports it).
    if (port > 65535) throw bad("port out of range");
    return {host, static_cast<std::uint16_t>(port)};
}

}  // namespace prl::remote
