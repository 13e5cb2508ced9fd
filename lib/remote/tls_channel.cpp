// The TLS channel and the socket BIO under it.
//
// Threads: a Channel is read by one thread while others write (FramedChannel),
// and an SSL object must not be used by two threads at once. A mutex around
// SSL calls would make a reader blocked in SSL_read hold off every writer,
// so the socket is non-blocking: each SSL call is made under ssl_mutex_ and
// returns at once, and the waiting (poll) is done without it. Writers are
// also serialised among themselves (write_mutex_), because OpenSSL wants a
// write that could not finish retried with the same bytes.
#include "tls_internal.h"

#include "store/error.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>

#include <openssl/err.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <mutex>

namespace prl::remote::tls_detail {
namespace {

using service::Errc;
using service::Error;

// ---- The BIO: send(MSG_NOSIGNAL) / recv on the descriptor in its data.

int fd_of(BIO* bio) { return static_cast<int>(reinterpret_cast<std::intptr_t>(BIO_get_data(bio))); }

int bio_write(BIO* bio, const char* data, int len) {
    BIO_clear_retry_flags(bio);
    const ssize_t n = ::send(fd_of(bio), data, static_cast<std::size_t>(len), MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) BIO_set_retry_write(bio);
    return static_cast<int>(n);
}

int bio_read(BIO* bio, char* data, int len) {
    BIO_clear_retry_flags(bio);
    const ssize_t n = ::recv(fd_of(bio), data, static_cast<std::size_t>(len), 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) BIO_set_retry_read(bio);
    return static_cast<int>(n);
}

long bio_ctrl(BIO*, int cmd, long, void*) {
    // Writes go straight to the socket: nothing to flush. Every other
    // control (pending bytes, push/pop, ...) does not apply.
    return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

int bio_create(BIO* bio) {
    BIO_set_init(bio, 1);
    return 1;
}

const BIO_METHOD* socket_method() {
    static BIO_METHOD* const method = [] {
        BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR,
                                     "prl nosignal socket");
        if (!m || !BIO_meth_set_write(m, bio_write) || !BIO_meth_set_read(m, bio_read) ||
            !BIO_meth_set_ctrl(m, bio_ctrl) || !BIO_meth_set_create(m, bio_create))
            throw Error(Errc::io_error, openssl_error("BIO_meth_new"));
        return m;
    }();
    return method;
}

void set_nonblocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) service::throw_errno("fcntl", errno);
}

// Waits until fd is ready for what the SSL call wanted; false on timeout.
// A negative timeout waits for ever (shut_down() wakes it).
bool wait_for(int fd, int ssl_error, int timeout_ms) {
    return poll_ready(fd, ssl_error == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN, timeout_ms);
}

[[noreturn]] void lost(int rc, int ssl_error, const std::string& what) {
    // An end of stream where one is not expected (in the handshake, or under
    // a write) has no OpenSSL error to tell.
    if ((ssl_error == SSL_ERROR_SYSCALL || ssl_error == SSL_ERROR_ZERO_RETURN) && ERR_peek_error() == 0) {
        const int err = errno;
        const bool closed = rc == 0 || err == 0 || ssl_error == SSL_ERROR_ZERO_RETURN;
        throw Error(Errc::connection_lost, what + ": " + (closed ? "the peer closed the connection" : std::strerror(err)));
    }
    throw Error(Errc::connection_lost, openssl_error(what));
}

class TlsChannel final : public Channel {
public:
    TlsChannel(platform::UniqueFd fd, SslPtr ssl) : fd_(std::move(fd)), ssl_(std::move(ssl)) {}

    ~TlsChannel() override {
        // close_notify, best effort and without waiting (the socket is
        // non-blocking), so the peer sees an orderly end.
        if (!shut_.load()) {
            ERR_clear_error();
            SSL_shutdown(ssl_.get());
            ERR_clear_error();
        }
    }

    void write_all(std::string_view bytes) override {
        std::lock_guard writer(write_mutex_);
        while (!bytes.empty()) {
            const int chunk = static_cast<int>(std::min<std::size_t>(bytes.size(), 256 * 1024));
            int rc;
            int err;
            {
                std::lock_guard lock(ssl_mutex_);
                if (shut_.load()) throw Error(Errc::connection_lost, "the connection was shut down");
                ERR_clear_error();
                errno = 0;
                rc = SSL_write(ssl_.get(), bytes.data(), chunk);
                err = rc > 0 ? SSL_ERROR_NONE : SSL_get_error(ssl_.get(), rc);
                if (err != SSL_ERROR_NONE && err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
                    lost(rc, err, "TLS write");
            }
            if (err == SSL_ERROR_NONE) {
                bytes.remove_prefix(static_cast<std::size_t>(rc));
                continue;
            }
            // Retried with the same bytes, as OpenSSL requires.
            wait_for(fd_.get(), err, -1);
        }
    }

    // An orderly close_notify and a peer that just went away (no
    // close_notify, SSL_OP_IGNORE_UNEXPECTED_EOF) both read as 0, the end of
    // the stream, as on the Unix socket: the framing above catches a stream
    // cut inside a frame, and between frames there is nothing to lose.
    std::size_t read_some(char* buffer, std::size_t max) override {
        if (max == 0) return 0;
        const int want = static_cast<int>(std::min<std::size_t>(max, INT_MAX));
        for (;;) {
            int err;
            {
                std::lock_guard lock(ssl_mutex_);
                if (shut_.load()) return 0;
                ERR_clear_error();
                errno = 0;
                const int rc = SSL_read(ssl_.get(), buffer, want);
                if (rc > 0) return static_cast<std::size_t>(rc);
                err = SSL_get_error(ssl_.get(), rc);
                if (err == SSL_ERROR_ZERO_RETURN) return 0;
                if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
                    if (shut_.load()) return 0;
                    lost(rc, err, "TLS read");
                }
            }
            wait_for(fd_.get(), err, -1);
        }
    }

    // Bytes OpenSSL holds, decrypted or read ahead, count as readable: the
    // socket has nothing more to say about them.
    bool wait_readable(int timeout_ms, int wake_fd) override {
        {
            std::lock_guard lock(ssl_mutex_);
            if (shut_.load() || SSL_has_pending(ssl_.get()) == 1) return true;
        }
        return poll_ready(fd_.get(), POLLIN, timeout_ms, wake_fd);
    }

    // Only the socket is touched (no SSL call from this thread): shutdown(2)
    // wakes a poll in another thread, and the flag makes it return.
    void shut_down() noexcept override {
        shut_.store(true);
        ::shutdown(fd_.get(), SHUT_RDWR);
    }

private:
    platform::UniqueFd fd_;
    SslPtr ssl_;
    std::mutex ssl_mutex_;
    std::mutex write_mutex_;
    std::atomic<bool> shut_{false};
};

}  // namespace

void attach_socket(SSL* ssl, int fd) {
    BIO* bio = BIO_new(socket_method());
    if (!bio) throw Error(Errc::io_error, openssl_error("BIO_new"));
    BIO_set_data(bio, reinterpret_cast<void*>(static_cast<std::intptr_t>(fd)));
    SSL_set_bio(ssl, bio, bio);  // the SSL owns it now (one reference for both)
}

void handshake(SSL* ssl, int fd, std::chrono::milliseconds timeout) {
    set_nonblocking(fd);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        ERR_clear_error();
        errno = 0;
        const int rc = SSL_do_handshake(ssl);
        if (rc == 1) return;
        const int err = SSL_get_error(ssl, rc);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0 || !wait_for(fd, err, static_cast<int>(left.count())))
                throw Error(Errc::connection_lost, "TLS handshake: no answer within " +
                                                       std::to_string(timeout.count()) + " ms");
            continue;
        }
        // Only a client that asked for verification (CA mode) has a result
        // that means anything; trust on first use checks after the handshake.
        const long verify = SSL_get_verify_result(ssl);
        if ((SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) != 0 && verify != X509_V_OK) {
            ERR_clear_error();
            throw Error(Errc::certificate_invalid, std::string("the server's certificate is not trusted: ") +
                                                       X509_verify_cert_error_string(verify));
        }
        lost(rc, err, "TLS handshake");
    }
}

std::unique_ptr<Channel> tls_channel(platform::UniqueFd fd, SslPtr ssl) {
    return std::make_unique<TlsChannel>(std::move(fd), std::move(ssl));
}

std::string openssl_error(const std::string& what) {
    std::string text = what;
    const char* sep = ": ";
    while (const unsigned long e = ERR_get_error()) {
        char buffer[256];
        ERR_error_string_n(e, buffer, sizeof buffer);
        text += sep;
        text += buffer;
        sep = "; ";
    }
    if (*sep == ':') text += ": unknown OpenSSL error";
    return text;
}

}  // namespace prl::remote::tls_detail
