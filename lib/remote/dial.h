// Reaching a prlshimd as a client: the one serving this state root over its
// Unix socket (for PrlSrv_LoginLocal), or one at host:port over TLS (for
// PrlSrv_Login). Both log in and return a connection (connection.h).
#pragma once
#include "connection.h"
#include "tls.h"

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

namespace prl::remote {

constexpr std::uint16_t default_port = 64000;  // the product's dispatcher port

// Where the daemon serving `state_root` listens for local clients.
std::filesystem::path daemon_socket(const std::filesystem::path& state_root);

// The daemon serving `state_root`, logged in as this process's user; null
// when none answers there (or PRLSHIM_EMBEDDED=1 asks for the embedded
// service). A daemon that answers but refuses the login throws.
std::shared_ptr<Connection> dial_local_daemon(const std::filesystem::path& state_root);

// How this process trusts a daemon's certificate: the state root's
// known_hosts (trust on first use), or $PRLSHIM_CA_FILE's CA when set.
TrustPolicy client_trust();

// A daemon at host:port (default_port when 0) over TLS, logged in with a
// user name and password. Throws service::Error: cant_connect,
// certificate_invalid, auth_failed, connection_lost.
std::shared_ptr<Connection> dial_tls(const std::string& host, std::uint16_t port, const std::string& user,
                                     const std::string& password, const TrustPolicy& trust,
                                     std::chrono::milliseconds timeout);

}  // namespace prl::remote
