// prlshimd's users file: scrypt hashes only, strict reading, atomic 0600 writes.
#include "daemon/user_db.h"
#include "platform/sys_error.h"
#include "read_file.h"
#include "sanitized.h"
#include "test_home.h"

#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <fstream>
#include <thread>
#include <vector>

using prl::daemon::UserDb;
using prl::daemon::UserDbCorrupt;
namespace fs = std::filesystem;

namespace {

void spit(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

// This process's peak resident memory (VmHWM), in bytes.
std::uint64_t peak_rss() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
    return 0;
}

}  // namespace

TEST_CASE("user db: a password verifies, a wrong one and an unknown user do not") {
    UserDb db;
    db.set_password("alice", "correct horse");
    CHECK(db.verify("alice", "correct horse"));
    CHECK_FALSE(db.verify("alice", "correct horsE"));
    CHECK_FALSE(db.verify("alice", ""));
    CHECK_FALSE(db.verify("bob", "correct horse"));
    // A new password replaces the old one.
    db.set_password("alice", "battery staple");
    CHECK(db.verify("alice", "battery staple"));
    CHECK_FALSE(db.verify("alice", "correct horse"));
    CHECK(db.remove("alice"));
    CHECK_FALSE(db.remove("alice"));
    CHECK_FALSE(db.verify("alice", "battery staple"));
}

TEST_CASE("user db: logins at once take a core's worth of scrypt memory each, not one each") {
    UserDb db;
    db.set_password("alice", "correct horse");
    const std::uint64_t before = peak_rss();
    constexpr int kLogins = 24;
    std::vector<std::thread> logins;
    std::vector<char> ok(kLogins, 0);
    for (int i = 0; i < kLogins; ++i)
        logins.emplace_back([&, i] { ok[i] = db.verify("alice", i % 2 ? "correct horse" : "wrong") ? 1 : 0; });
    for (auto& t : logins) t.join();
    for (int i = 0; i < kLogins; ++i) CHECK(ok[i] == (i % 2));
    // 32 MiB each while it runs: 24 at once would be 768 MiB. (A sanitizer's
    // allocator holds freed memory back for a while: no bound to check there.)
    const std::uint64_t slots = UserDb::concurrent_verifications();
    CHECK(slots >= 1);
    CHECK(slots <= 8);
    if (!prl::test::kSanitized) CHECK(peak_rss() - before <= (slots + 1) * (32u << 20));
}

TEST_CASE("user db: saved atomically with mode 0600, hashes only, and read back") {
    prl::test::TestHome home;
    const fs::path file = home.path() / "users";
    CHECK(UserDb::load(file).size() == 0);  // no file yet: no users
    UserDb db;
    db.set_password("alice", "s3cret-password");
    db.set_password("svc.backup_1", "another one");
    db.save(file);
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    const std::string text = prl::test::read_file(file);
    CHECK(text.find("s3cret") == std::string::npos);
    CHECK(text.find("alice:$scrypt$ln=15,r=8,p=1$") == 0);
    // Two users with one password each get different salts and hashes.
    const UserDb back = UserDb::load(file);
    CHECK(back.size() == 2);
    CHECK(back.verify("alice", "s3cret-password"));
    CHECK(back.verify("svc.backup_1", "another one"));
    CHECK_FALSE(back.verify("alice", "another one"));
    for (const auto& entry : fs::directory_iterator(home.path()))  // no temp file left
        CHECK(entry.path().filename() == "users");
}

TEST_CASE("user db: invalid names and passwords are refused") {
    UserDb db;
    for (const char* name : {"", "../etc", "a:b", "-rf", ".hidden", "white space", "caf\xc3\xa9"})
        CHECK_THROWS_AS(db.set_password(name, "pw"), std::invalid_argument);
    CHECK_THROWS_AS(db.set_password(std::string(65, 'a'), "pw"), std::invalid_argument);
    CHECK_THROWS_AS(db.set_password("alice", ""), std::invalid_argument);
    CHECK_THROWS_AS(db.set_password("alice", std::string("a\0b", 3)), std::invalid_argument);
    CHECK_THROWS_AS(db.set_password("alice", std::string(1025, 'x')), std::invalid_argument);
    CHECK(db.size() == 0);
}

TEST_CASE("user db: a malformed or hostile file is refused, not half read") {
    prl::test::TestHome home;
    const fs::path file = home.path() / "users";
    UserDb good;
    good.set_password("alice", "pw");
    good.save(file);
    const std::string line = prl::test::read_file(file);
    const std::string hash = line.substr(line.find(':') + 1, line.size() - line.find(':') - 2);
    const std::string work_bomb = "alice:$scrypt$ln=40,r=8,p=1$" + hash.substr(hash.find("$", 9) + 1) + "\n";
    for (const std::string& text :
         {std::string("alice\n"), std::string("alice:plaintext\n"), "../x:" + hash + "\n",
          line + line,  // the same user twice
          work_bomb, "alice:" + hash + "trailing\n", "alice:" + hash.substr(0, hash.size() - 4) + "\n"}) {
        spit(file, text);
        CHECK_THROWS_AS(UserDb::load(file), UserDbCorrupt);
    }
    // Not a regular file: refused by the platform layer.
    fs::remove(file);
    fs::create_directory(file);
    CHECK_THROWS_AS(UserDb::load(file), prl::platform::SysError);
}
