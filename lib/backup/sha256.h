// SHA-256 through OpenSSL's EVP interface (uses SHA-NI where the CPU has it).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace prl::backup {

using Digest = std::array<uint8_t, 32>;

// One context, reusable; not shared between threads.
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    void update(const void* data, size_t n);
    Digest finish();  // also resets for the next message
    Digest digest(const void* data, size_t n);  // one-shot

private:
    void* ctx_;  // EVP_MD_CTX*
};

std::string to_hex(const Digest&);
bool from_hex(const std::string&, Digest&);

}  // namespace prl::backup
