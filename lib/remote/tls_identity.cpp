// The server's TLS identity: an EC P-256 key and a self-signed certificate
// for it, made at first start and then reused for ever (clients pin the
// certificate's fingerprint).
#include "tls_internal.h"

#include "platform/durable_io.h"
#include "store/error.h"

#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <climits>

namespace prl::remote::tls_detail {
namespace {

using service::Errc;
using service::Error;

constexpr std::size_t max_pem_bytes = 64 * 1024;

template <class F>
decltype(auto) store_errors(F&& f) {
    return platform::translate_sys_errors(service::store_error, std::forward<F>(f));
}

std::string host_name() {
    char name[HOST_NAME_MAX + 1] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
    return name;
}

std::string pem_text(BIO* bio) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

BioPtr memory_of(const std::string& text) {
    BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
    if (!bio) throw Error(Errc::io_error, openssl_error("BIO_new_mem_buf"));
    return bio;
}

void add_extension(X509* cert, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (!ext) throw Error(Errc::io_error, openssl_error("X509V3_EXT_conf_nid " + value));
    const int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    if (!ok) throw Error(Errc::io_error, openssl_error("X509_add_ext"));
}

// Self-signed, for 10 years, named after this host; the subjectAltName also
// has localhost and the loopback addresses so CA-mode clients can verify it
// (with the certificate itself as their CA) whatever name they use locally.
X509Ptr make_certificate(EVP_PKEY* key) {
    X509Ptr cert(X509_new());
    if (!cert) throw Error(Errc::io_error, openssl_error("X509_new"));
    const std::string host = host_name();
    std::unique_ptr<BIGNUM, Freer<BIGNUM, BN_free>> serial(BN_new());
    X509_NAME* name = X509_get_subject_name(cert.get());
    const auto* cn = reinterpret_cast<const unsigned char*>(host.c_str());
    if (!serial || !X509_set_version(cert.get(), 2) ||
        !BN_rand(serial.get(), 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
        !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) ||
        !X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60 * 60) ||  // a clock a little behind
        !X509_time_adj_ex(X509_getm_notAfter(cert.get()), 3650, 0, nullptr) ||
        !X509_set_pubkey(cert.get(), key) ||
        !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, cn, -1, -1, 0) ||
        !X509_set_issuer_name(cert.get(), name))
        throw Error(Errc::io_error, openssl_error("making the certificate"));
    std::string alt = "DNS:localhost,IP:127.0.0.1,IP:::1";
    if (host != "localhost") alt = "DNS:" + host + "," + alt;
    add_extension(cert.get(), NID_subject_alt_name, alt);
    add_extension(cert.get(), NID_subject_key_identifier, "hash");
    if (!X509_sign(cert.get(), key, EVP_sha256())) throw Error(Errc::io_error, openssl_error("X509_sign"));
    return cert;
}

Identity make_identity(const std::filesystem::path& dir) {
    char curve[] = "P-256";
    PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
    if (!key) throw Error(Errc::io_error, openssl_error("making the TLS key"));
    X509Ptr cert = make_certificate(key.get());

    BioPtr key_pem(BIO_new(BIO_s_mem()));
    BioPtr cert_pem(BIO_new(BIO_s_mem()));
    if (!key_pem || !cert_pem ||
        !PEM_write_bio_PrivateKey(key_pem.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) ||
        !PEM_write_bio_X509(cert_pem.get(), cert.get()))
        throw Error(Errc::io_error, openssl_error("PEM_write"));
    // The key first: created 0600 from the start (O_EXCL temp file), so it
    // is never readable by others. A crash before the certificate leaves a
    // key alone, which the next start reports rather than remakes.
    store_errors([&] {
        platform::write_file_atomic(dir / "key.pem", pem_text(key_pem.get()), 0600);
        platform::write_file_atomic(dir / "cert.pem", pem_text(cert_pem.get()), 0644);
    });
    return {std::move(key), std::move(cert)};
}

Identity load_identity(const std::filesystem::path& dir) {
    const auto key_path = dir / "key.pem";
    const auto cert_path = dir / "cert.pem";
    const auto read = [](const std::filesystem::path& path) {
        try {
            return store_errors([&] { return platform::read_file_bounded(path, max_pem_bytes); });
        } catch (const Error& e) {
            throw Error(Errc::corrupt, "the server's TLS identity cannot be read: " + std::string(e.what()));
        }
    };
    const std::string key_text = read(key_path);
    const std::string cert_text = read(cert_path);
    // A passphrase of "" rather than none: never a prompt on the terminal.
    char no_passphrase[] = "";
    PkeyPtr key(PEM_read_bio_PrivateKey(memory_of(key_text).get(), nullptr, nullptr, no_passphrase));
    if (!key) throw Error(Errc::corrupt, openssl_error("not a usable private key: " + key_path.string()));
    X509Ptr cert(PEM_read_bio_X509(memory_of(cert_text).get(), nullptr, nullptr, no_passphrase));
    if (!cert) throw Error(Errc::corrupt, openssl_error("not a usable certificate: " + cert_path.string()));
    if (X509_check_private_key(cert.get(), key.get()) != 1) {
        ERR_clear_error();
        throw Error(Errc::corrupt, cert_path.string() + " is not the certificate of " + key_path.string() +
                                       " (restore the pair, or remove both to make a new identity: clients "
                                       "that pinned the old one will refuse the new)");
    }
    return {std::move(key), std::move(cert)};
}

bool file_exists(const std::filesystem::path& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) return true;
    if (errno == ENOENT) return false;
    service::throw_errno("stat " + path.string(), errno);
}

}  // namespace

Identity load_or_make_identity(const std::filesystem::path& dir) {
    const bool have_key = file_exists(dir / "key.pem");
    const bool have_cert = file_exists(dir / "cert.pem");
    if (have_key && have_cert) return load_identity(dir);
    if (have_key || have_cert)
        throw Error(Errc::corrupt, "the server's TLS identity in " + dir.string() + " is incomplete: " +
                                       (have_key ? "key.pem without cert.pem" : "cert.pem without key.pem") +
                                       " (restore the missing file, or remove both to make a new identity: "
                                       "clients that pinned the old one will refuse the new)");
    store_errors([&] { platform::make_directories(dir, 0700); });
    if (::chmod(dir.c_str(), 0700) != 0) service::throw_errno("chmod " + dir.string(), errno);
    return make_identity(dir);
}

std::string fingerprint_of(X509* cert) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!X509_digest(cert, EVP_sha256(), digest, &length)) throw Error(Errc::io_error, openssl_error("X509_digest"));
    static const char hex[] = "0123456789abcdef";
    std::string text = "SHA256:";
    for (unsigned int i = 0; i < length; ++i) {
        text += hex[digest[i] >> 4];
        text += hex[digest[i] & 0xF];
    }
    return text;
}

}  // namespace prl::remote::tls_detail
