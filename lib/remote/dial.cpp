#include "dial.h"

#include "sockets.h"

#include "store/error.h"
#include "store/state_root.h"

#include <cstdlib>
#include <cstring>

namespace prl::remote {

std::filesystem::path daemon_socket(const std::filesystem::path& state_root) { return state_root / "prlshimd.sock"; }

std::shared_ptr<Connection> dial_local_daemon(const std::filesystem::path& state_root) {
    const char* embedded = std::getenv("PRLSHIM_EMBEDDED");
    if (embedded && std::strcmp(embedded, "1") == 0) return nullptr;
    platform::UniqueFd fd;
    try {
        fd = connect_unix(daemon_socket(state_root));
    } catch (const service::Error&) {
        return nullptr;  // no daemon serves this root: the embedded service does
    }
    // The kernel tells the daemon who we are: the login carries no secret.
    return Connection::start(plain_channel(std::move(fd)), Record("login"));
}

TrustPolicy client_trust() {
    TrustPolicy trust;
    trust.known_hosts = service::StateRoot::resolve_path() / "known_hosts";
    if (const char* ca = std::getenv("PRLSHIM_CA_FILE"); ca && *ca) trust.ca_file = ca;
    return trust;
}

std::shared_ptr<Connection> dial_tls(const std::string& host, std::uint16_t port, const std::string& user,
                                     const std::string& password, const TrustPolicy& trust,
                                     std::chrono::milliseconds timeout) {
    if (port == 0) port = default_port;
    auto channel = tls_connect(connect_tcp(host, port, timeout), host, port, trust, timeout);
    Record login("login");
    login.add("user", user).add("password", password);
    return Connection::start(std::move(channel), login);
}

}  // namespace prl::remote
