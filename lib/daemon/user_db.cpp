#include "user_db.h"

#include "platform/base64.h"
#include "platform/durable_io.h"
#include "platform/sys_error.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

namespace prl::daemon {
namespace {

// scrypt's cost, as OWASP recommends for interactive logins (N = 2^15,
// r = 8, p = 1: 32 MiB and tens of milliseconds per attempt).
constexpr unsigned kLogN = 15, kR = 8, kP = 1;
constexpr std::size_t kSaltBytes = 16, kHashBytes = 32;
constexpr std::uint64_t kMaxMem = 64u << 20;
constexpr std::size_t kMaxFileBytes = 4u << 20;

using Bytes = std::vector<unsigned char>;

std::string base64(const Bytes& b) {
    return platform::base64_encode(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
}

// Strict: only what base64() writes, decoding to exactly `expected` bytes.
bool unbase64(const std::string& text, std::size_t expected, Bytes& out) {
    std::string raw;
    if (text.size() != 4 * ((expected + 2) / 3) || !platform::base64_decode(text, raw) || raw.size() != expected)
        return false;
    out.assign(raw.begin(), raw.end());
    return true;
}

struct Params {
    unsigned log_n = kLogN, r = kR, p = kP;
    Bytes salt, hash;
};

// Each scrypt holds 128 * N * r bytes (32 MiB at our cost) while it runs,
// and it keeps a core busy: more at once than there are cores adds memory,
// not speed. Without this bound a burst of logins (a fleet's backups
// starting together, or anyone who can connect) took 32 MiB each.
class ScryptSlots {
public:
    ScryptSlots() : free_(UserDb::concurrent_verifications()) {}
    void take() {
        std::unique_lock lock(mutex_);
        freed_.wait(lock, [&] { return free_ > 0; });
        --free_;
    }
    void give_back() {
        {
            std::lock_guard lock(mutex_);
            ++free_;
        }
        freed_.notify_one();
    }

private:
    std::mutex mutex_;
    std::condition_variable freed_;
    unsigned free_;
};

Bytes scrypt(const std::string& password, const Params& params) {
    static ScryptSlots slots;
    slots.take();
    struct GiveBack {
        ~GiveBack() { slots.give_back(); }
    } give_back;
    Bytes out(kHashBytes);
    if (EVP_PBE_scrypt(password.data(), password.size(), params.salt.data(), params.salt.size(),
                       std::uint64_t{1} << params.log_n, params.r, params.p, kMaxMem, out.data(), out.size()) != 1)
        throw std::runtime_error("scrypt failed");
    return out;
}

std::string format(const Params& p) {
    std::ostringstream s;
    s << "$scrypt$ln=" << p.log_n << ",r=" << p.r << ",p=" << p.p << "$" << base64(p.salt) << "$" << base64(p.hash);
    return s.str();
}

// Only the parameters we write, within bounds that keep verify() cheap enough
// to be no denial of service: a crafted file cannot ask for 2^40 work.
bool parse(const std::string& text, Params& p) {
    unsigned log_n = 0, r = 0, pp = 0;
    char salt[64] = "", hash[64] = "";
    int consumed = 0;
    if (std::sscanf(text.c_str(), "$scrypt$ln=%2u,r=%2u,p=%2u$%63[A-Za-z0-9+/=]$%63[A-Za-z0-9+/=]%n", &log_n, &r, &pp,
                    salt, hash, &consumed) != 5 ||
        static_cast<std::size_t>(consumed) != text.size())
        return false;
    if (log_n < 10 || log_n > 20 || r < 1 || r > 16 || pp < 1 || pp > 4) return false;
    p.log_n = log_n, p.r = r, p.p = pp;
    return unbase64(salt, kSaltBytes, p.salt) && unbase64(hash, kHashBytes, p.hash) && format(p) == text;
}

}  // namespace

bool valid_user_name(const std::string& name) noexcept {
    if (name.empty() || name.size() > 64 || name[0] == '.' || name[0] == '-') return false;
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') return false;
    return true;
}

bool valid_password(const std::string& password) noexcept {
    return !password.empty() && password.size() <= 1024 && password.find('\0') == std::string::npos;
}

UserDb UserDb::load(const std::filesystem::path& file) {
    UserDb db;
    std::string text;
    try {
        text = platform::read_file_bounded(file, kMaxFileBytes);
    } catch (const platform::SysError& e) {
        if (e.code() == platform::SysErrc::not_found) return db;
        throw;
    }
    std::istringstream lines(text);
    std::string line;
    for (unsigned number = 1; std::getline(lines, line); ++number) {
        const auto colon = line.find(':');
        Params p;
        const std::string name = line.substr(0, colon);
        if (colon == std::string::npos || !valid_user_name(name) || !parse(line.substr(colon + 1), p))
            throw UserDbCorrupt("users file, line " + std::to_string(number) + ": not NAME:$scrypt$...");
        if (!db.users_.emplace(name, line.substr(colon + 1)).second)
            throw UserDbCorrupt("users file, line " + std::to_string(number) + ": " + name + " listed twice");
    }
    return db;
}

void UserDb::save(const std::filesystem::path& file) const {
    std::string text;
    for (const auto& [name, hash] : users_) text += name + ":" + hash + "\n";
    platform::write_file_atomic(file, text, 0600);
}

void UserDb::set_password(const std::string& name, const std::string& password) {
    if (!valid_user_name(name)) throw std::invalid_argument("invalid user name");
    if (!valid_password(password)) throw std::invalid_argument("invalid password");
    Params p;
    p.salt.resize(kSaltBytes);
    if (RAND_bytes(p.salt.data(), static_cast<int>(p.salt.size())) != 1) throw std::runtime_error("no random bytes");
    p.hash = scrypt(password, p);
    users_[name] = format(p);
}

bool UserDb::remove(const std::string& name) { return users_.erase(name) != 0; }

unsigned UserDb::concurrent_verifications() { return std::clamp(std::thread::hardware_concurrency(), 1u, 8u); }

bool UserDb::verify(const std::string& name, const std::string& password) const {
    Params p;
    const auto it = users_.find(name);
    const bool known = it != users_.end() && parse(it->second, p);
    if (!known) p.salt.assign(kSaltBytes, 0);  // the same work for an unknown name
    const Bytes computed = scrypt(password.substr(0, 1024), p);
    return known && valid_password(password) && CRYPTO_memcmp(computed.data(), p.hash.data(), kHashBytes) == 0;
}

}  // namespace prl::daemon
