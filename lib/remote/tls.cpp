#include "tls.h"

#include "known_hosts.h"
#include "tls_internal.h"

#include "store/error.h"

#include <arpa/inet.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

namespace prl::remote {
namespace {

using namespace tls_detail;
using service::Errc;
using service::Error;

constexpr std::size_t kTlsReadBuffer = 64 * 1024;

SslCtxPtr tls13_context(const SSL_METHOD* method) {
    SslCtxPtr ctx(SSL_CTX_new(method));
    if (!ctx || !SSL_CTX_set_min_proto_version(ctx.get(), TLS1_3_VERSION))
        throw Error(Errc::io_error, openssl_error("SSL_CTX_new"));
    // A peer gone without close_notify reads as the end of the stream (see
    // read_some in tls_channel.cpp).
    SSL_CTX_set_options(ctx.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);
    // Records are read several at a time, a recv(2) each, rather than a
    // header and a body each (bulk transfers are records of 16 KiB): a
    // restore of 440 MiB from a node took 22k recv calls with this buffer,
    // 45k with OpenSSL's record-sized one. 64 KiB a connection.
    SSL_CTX_set_read_ahead(ctx.get(), 1);
    SSL_CTX_set_default_read_buffer_len(ctx.get(), kTlsReadBuffer);
    return ctx;
}

std::string endpoint_of(const std::string& host, std::uint16_t port) {
    if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
    return host + ":" + std::to_string(port);
}

bool is_ip_literal(const std::string& host) {
    unsigned char buffer[16];
    return ::inet_pton(AF_INET, host.c_str(), buffer) == 1 || ::inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

}  // namespace

void TlsServer::CtxFree::operator()(ssl_ctx_st* ctx) const noexcept { SSL_CTX_free(ctx); }

TlsServer::TlsServer(const std::filesystem::path& tls_dir) {
    ERR_clear_error();
    Identity identity = load_or_make_identity(tls_dir);
    SslCtxPtr ctx = tls13_context(TLS_server_method());
    if (SSL_CTX_use_certificate(ctx.get(), identity.cert.get()) != 1 ||
        SSL_CTX_use_PrivateKey(ctx.get(), identity.key.get()) != 1 || SSL_CTX_check_private_key(ctx.get()) != 1)
        throw Error(Errc::corrupt, openssl_error("the server's TLS identity in " + tls_dir.string()));
    // Clients do not resume sessions: no tickets to send after the handshake.
    SSL_CTX_set_num_tickets(ctx.get(), 0);
    fingerprint_ = fingerprint_of(identity.cert.get());
    ctx_.reset(ctx.release());
}

TlsServer::~TlsServer() = default;

std::unique_ptr<Channel> TlsServer::accept(platform::UniqueFd fd, std::chrono::milliseconds handshake_timeout) const {
    ERR_clear_error();
    SslPtr ssl(SSL_new(ctx_.get()));
    if (!ssl) throw Error(Errc::connection_lost, openssl_error("SSL_new"));
    attach_socket(ssl.get(), fd.get());
    SSL_set_accept_state(ssl.get());
    handshake(ssl.get(), fd.get(), handshake_timeout);
    return tls_channel(std::move(fd), std::move(ssl));
}

std::unique_ptr<Channel> tls_connect(platform::UniqueFd fd, const std::string& host, std::uint16_t port,
                                     const TrustPolicy& trust, std::chrono::milliseconds handshake_timeout) {
    ERR_clear_error();
    const std::string endpoint = endpoint_of(host, port);
    const bool ca_mode = !trust.ca_file.empty();
    // Read before connecting: a damaged file stops us before any traffic.
    std::optional<std::string> pinned;
    if (!ca_mode) pinned = known_fingerprint(trust.known_hosts, endpoint);

    SslCtxPtr ctx = tls13_context(TLS_client_method());
    if (ca_mode) {
        if (SSL_CTX_load_verify_locations(ctx.get(), trust.ca_file.c_str(), nullptr) != 1)
            throw Error(Errc::certificate_invalid, openssl_error("cannot load the CA file " + trust.ca_file.string()));
        SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    } else {
        // Anything is accepted during the handshake; the fingerprint is
        // checked below, before a byte of ours is sent.
        SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    }
    SslPtr ssl(SSL_new(ctx.get()));
    if (!ssl) throw Error(Errc::connection_lost, openssl_error("SSL_new"));
    const bool ip = is_ip_literal(host);
    // SNI (SSL_set_tlsext_host_name, spelled out: the macro's cast trips
    // -Wold-style-cast).
    if (!ip && SSL_ctrl(ssl.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                        const_cast<char*>(host.c_str())) != 1)
        throw Error(Errc::invalid_argument, openssl_error("bad host name " + host));
    if (ca_mode) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl.get());
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        const int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                          : X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
        if (ok != 1) throw Error(Errc::invalid_argument, openssl_error("bad host name " + host));
    }
    attach_socket(ssl.get(), fd.get());
    SSL_set_connect_state(ssl.get());
    handshake(ssl.get(), fd.get(), handshake_timeout);

    if (!ca_mode) {
        X509Ptr cert(SSL_get1_peer_certificate(ssl.get()));
        if (!cert) throw Error(Errc::certificate_invalid, endpoint + " sent no certificate");
        const std::string got = fingerprint_of(cert.get());
        if (!pinned)
            pin_fingerprint(trust.known_hosts, endpoint, got);
        else if (*pinned != got)
            throw Error(Errc::certificate_invalid, "the certificate of " + endpoint + " changed: expected " +
                                                       *pinned + ", got " + got + " (if that is expected, remove " +
                                                       endpoint + " from " + trust.known_hosts.string() + ")");
    }
    // The context may go: the SSL object holds its own reference.
    return tls_channel(std::move(fd), std::move(ssl));
}

}  // namespace prl::remote
