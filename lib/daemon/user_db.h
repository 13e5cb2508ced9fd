// prlshimd's own users (`--users FILE`): names and scrypt password hashes,
// never a password in clear (docs/daemon-users.md).
#pragma once
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>

namespace prl::daemon {

// A users file that cannot be read back faithfully: a malformed line, a
// name or hash that breaks the rules, a duplicate name.
class UserDbCorrupt : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// 1 to 64 of [A-Za-z0-9._-], not starting with '.' or '-'.
bool valid_user_name(const std::string& name) noexcept;
// 1 to 1024 bytes, no NUL.
bool valid_password(const std::string& password) noexcept;

class UserDb {
public:
    // An empty database when the file does not exist. Throws UserDbCorrupt,
    // or prl::platform::SysError when it cannot be read.
    static UserDb load(const std::filesystem::path& file);
    // Atomically, mode 0600 (platform::write_file_atomic).
    void save(const std::filesystem::path& file) const;

    // Adds the user or replaces their password (a new salt each time).
    // Throws std::invalid_argument for an invalid name or password.
    void set_password(const std::string& name, const std::string& password);
    // False when there was no such user.
    bool remove(const std::string& name);
    bool contains(const std::string& name) const { return users_.count(name) != 0; }
    std::size_t size() const noexcept { return users_.size(); }

    // Whether `password` is the user's. An unknown user costs the same
    // scrypt work as a known one, so timing does not tell names apart.
    bool verify(const std::string& name, const std::string& password) const;
    // How many scrypt computations (verify, set_password) run at once in
    // the process, one a core up to 8; the others wait their turn. Each
    // holds 32 MiB while it runs.
    static unsigned concurrent_verifications();

private:
    std::map<std::string, std::string> users_;  // name -> "$scrypt$ln=..,r=..,p=..$salt$hash"
};

}  // namespace prl::daemon
