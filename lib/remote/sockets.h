// The sockets prlshimd listens on and the library connects to: TCP (under
// TLS, tls.h) and the Unix socket. Every descriptor is close-on-exec.
#pragma once
#include "platform/unique_fd.h"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>

namespace prl::remote {

// A listening TCP socket on an IPv4 or IPv6 literal or a host name (its
// first address that binds); port 0 lets the kernel choose (local_port).
// Throws service::Error(io_error) when nothing binds.
platform::UniqueFd listen_tcp(const std::string& address, std::uint16_t port);
// The port a bound socket has.
std::uint16_t local_port(int fd);

// A listening Unix socket at `path`, mode 0600 (the daemon widens it if it
// means to). A stale socket there is removed first; any other kind of file
// is left alone and is an error (io_error).
platform::UniqueFd listen_unix(const std::filesystem::path& path);

// A connected TCP socket (blocking, TCP_NODELAY), trying each address of
// `host` in turn, each for up to `timeout`. Refused, unreachable,
// unresolvable or not answering: service::Error(cant_connect).
platform::UniqueFd connect_tcp(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout);
// A connected Unix socket; no daemon there: service::Error(cant_connect).
platform::UniqueFd connect_unix(const std::filesystem::path& path);

// Who is at the other end of a connected Unix socket (SO_PEERCRED), as the
// kernel saw it at connect time.
struct PeerCredentials {
    uid_t uid;
    gid_t gid;
    pid_t pid;
};
PeerCredentials peer_credentials(int fd);

// --listen's "ADDR:PORT": "127.0.0.1:64000", "[::1]:64000", "0.0.0.0:64000",
// "host.example:64000". The brackets are removed. Junk, a missing port or
// one outside 1..65535: service::Error(invalid_argument).
std::pair<std::string, std::uint16_t> parse_listen_address(const std::string& text);

}  // namespace prl::remote
