// What tls.cpp, tls_identity.cpp and tls_channel.cpp share: owning pointers
// for OpenSSL objects, its error text, and the channel over an SSL object.
#pragma once
#include "channel.h"

#include "platform/unique_fd.h"

#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

namespace prl::remote::tls_detail {

template <class T, void (*Free)(T*)>
struct Freer {
    void operator()(T* p) const noexcept { Free(p); }
};
using SslPtr = std::unique_ptr<SSL, Freer<SSL, SSL_free>>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, Freer<SSL_CTX, SSL_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, Freer<X509, X509_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Freer<EVP_PKEY, EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, Freer<BIO, BIO_free_all>>;

// Empties OpenSSL's thread-local error queue into "what: reason; reason".
std::string openssl_error(const std::string& what);

// "SHA256:" + lowercase hex of the SHA-256 of the certificate's DER.
std::string fingerprint_of(X509* cert);

// The server's identity in dir (key.pem, cert.pem), made if neither exists.
struct Identity {
    PkeyPtr key;
    X509Ptr cert;
};
Identity load_or_make_identity(const std::filesystem::path& dir);

// Runs the handshake (SSL_accept or SSL_connect as the SSL is set up) on
// fd, non-blocking, within timeout. Leaves fd non-blocking. Throws
// service::Error(connection_lost), or certificate_invalid when the peer's
// certificate failed verification.
void handshake(SSL* ssl, int fd, std::chrono::milliseconds timeout);

// Puts ssl on fd through a BIO that sends with MSG_NOSIGNAL (a closed peer
// is an error, not a SIGPIPE, without touching the process's signals).
void attach_socket(SSL* ssl, int fd);

// The Channel over a handshaken SSL object (fd non-blocking).
std::unique_ptr<Channel> tls_channel(platform::UniqueFd fd, SslPtr ssl);

}  // namespace prl::remote::tls_detail
