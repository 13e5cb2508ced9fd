// TLS 1.3 over TCP between the library and prlshimd (OpenSSL 3). The server
// has a self-made identity (key and self-signed certificate, made at first
// start); the client trusts it on first use (a known-hosts file of pinned
// fingerprints) or verifies it against a CA file.
#pragma once
#include "channel.h"

#include "platform/unique_fd.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

struct ssl_ctx_st;

namespace prl::remote {

class TlsServer {
public:
    // Loads tls_dir/key.pem and tls_dir/cert.pem, making both (directory
    // 0700, key 0600) when neither exists. Only one of them, an unreadable
    // one or a pair that does not match: service::Error(corrupt); they are
    // never remade, that would break every client's pin.
    explicit TlsServer(const std::filesystem::path& tls_dir);
    ~TlsServer();
    TlsServer(const TlsServer&) = delete;
    TlsServer& operator=(const TlsServer&) = delete;

    // The server side of the handshake on an accepted socket. A peer that
    // does not finish it within `handshake_timeout`, or fails it:
    // service::Error(connection_lost). Callable from several threads.
    std::unique_ptr<Channel> accept(platform::UniqueFd fd, std::chrono::milliseconds handshake_timeout) const;
    // "SHA256:" + lowercase hex of the SHA-256 of the certificate's DER:
    // what clients pin and what the administrator shows them to compare.
    const std::string& fingerprint() const { return fingerprint_; }

private:
    struct CtxFree {
        void operator()(ssl_ctx_st* ctx) const noexcept;
    };
    std::unique_ptr<ssl_ctx_st, CtxFree> ctx_;
    std::string fingerprint_;
};

// How the client decides to trust a server. With ca_file: the chain must
// verify against it and name the host (subjectAltName). Without: trust on
// first use through known_hosts (lines "host:port SHA256:hex", '#'
// comments): an unknown host:port is pinned, a known one must match.
struct TrustPolicy {
    std::filesystem::path known_hosts;
    std::filesystem::path ca_file;
};

// The client side of the handshake on a connected socket to host:port.
// Not trusted (verification failed, fingerprint changed):
// service::Error(certificate_invalid); a malformed known-hosts file:
// corrupt; any other failure, no answer within `handshake_timeout`
// included: connection_lost.
std::unique_ptr<Channel> tls_connect(platform::UniqueFd fd, const std::string& host, std::uint16_t port,
                                     const TrustPolicy& trust,
                                     std::chrono::milliseconds handshake_timeout = std::chrono::seconds(30));

}  // namespace prl::remote
