// The platform layer's promises (docs/platform.md): lock files are created
// 0600 and never through a symlink, locks exclude within one process, durable
// writes leave no temp file behind, bounded reads refuse what they must, and
// errno maps to the codes the libraries translate.
#include "platform/durable_io.h"
#include "platform/file_lock.h"
#include "platform/sys_error.h"
#include "test_home.h"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <functional>

using namespace prl::platform;
namespace fs = std::filesystem;

namespace {

SysErrc code_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const SysError& e) {
        return e.code();
    }
    FAIL("no SysError");
    return SysErrc::io_error;
}

mode_t mode_of(const fs::path& p) {
    struct stat st {};
    REQUIRE(::lstat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

void write_text(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

size_t entries(const fs::path& dir) {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
    return n;
}

}  // namespace

TEST_CASE("a lock file is created 0600 and excludes a second holder in the same process", "[platform]") {
    prl::test::TempDir tmp;
    const fs::path file = tmp.path() / "lock";
    FileLock a = FileLock::acquire(file, FileLock::Mode::exclusive);
    CHECK(a);
    CHECK(mode_of(file) == 0600);
    CHECK_FALSE(FileLock::try_acquire(file, FileLock::Mode::shared));
    a.release();
    FileLock s1 = FileLock::try_acquire(file, FileLock::Mode::shared);
    FileLock s2 = FileLock::try_acquire(file, FileLock::Mode::shared);
    CHECK(s1);
    CHECK(s2);
    CHECK_FALSE(FileLock::try_acquire(file, FileLock::Mode::exclusive));
    s1 = FileLock();  // moving over a held lock releases it
    s2.release();
    CHECK(FileLock::try_acquire(file, FileLock::Mode::exclusive));
}

TEST_CASE("a symlink planted at a lock file's name is refused, not followed", "[platform]") {
    prl::test::TempDir tmp;
    const fs::path target = tmp.path() / "elsewhere";
    fs::create_symlink(target, tmp.path() / "lock");
    CHECK(code_of([&] { FileLock::acquire(tmp.path() / "lock", FileLock::Mode::exclusive); }) == SysErrc::io_error);
    CHECK_FALSE(fs::exists(target));
}

TEST_CASE("write_file_atomic replaces the content with the given mode and leaves no temp file", "[platform]") {
    prl::test::TempDir tmp;
    const fs::path file = tmp.path() / "data";
    write_file_atomic(file, "one");
    CHECK(mode_of(file) == 0600);
    write_file_atomic(file, "two", 0644);
    CHECK(read_file_bounded(file, 100) == "two");
    CHECK(entries(tmp.path()) == 1);
    CHECK(create_file_once(tmp.path() / "once", "a"));
    CHECK_FALSE(create_file_once(tmp.path() / "once", "b"));
    CHECK(read_file_bounded(tmp.path() / "once", 100) == "a");
    CHECK(entries(tmp.path()) == 2);
    CHECK(code_of([&] { write_file_atomic(tmp.path() / "missing" / "x", "x"); }) == SysErrc::io_error);
}

TEST_CASE("read_file_bounded: missing, too large, a symlink, a directory", "[platform]") {
    prl::test::TempDir tmp;
    write_text(tmp.path() / "f", "12345");
    fs::create_symlink(tmp.path() / "f", tmp.path() / "link");
    fs::create_directory(tmp.path() / "d");
    CHECK(read_file_bounded(tmp.path() / "f", 5) == "12345");
    CHECK(code_of([&] { read_file_bounded(tmp.path() / "f", 4); }) == SysErrc::bad_file);
    CHECK(code_of([&] { read_file_bounded(tmp.path() / "nope", 10); }) == SysErrc::not_found);
    CHECK(code_of([&] { read_file_bounded(tmp.path() / "f" / "under", 10); }) == SysErrc::not_found);
    CHECK(code_of([&] { read_file_bounded(tmp.path() / "link", 10); }) == SysErrc::io_error);
    CHECK(code_of([&] { read_file_bounded(tmp.path() / "d", 10); }) == SysErrc::bad_file);
}

TEST_CASE("open_file and the errno mapping", "[platform]") {
    prl::test::TempDir tmp;
    CHECK(code_of([&] { open_file(tmp.path() / "nope", O_RDONLY); }) == SysErrc::not_found);
    UniqueFd fd = open_file(tmp.path() / "new", O_RDWR | O_CREAT | O_EXCL, 0600);
    CHECK((::fcntl(fd.get(), F_GETFD) & FD_CLOEXEC) != 0);
    write_all(fd.get(), "abcdef", 6, "new");
    char buf[8] = {};
    CHECK(pread_upto(fd.get(), buf, sizeof buf, 2, "new") == 4);
    CHECK_FALSE(pread_all(fd.get(), buf, 5, 2, "new"));
    CHECK(file_size(fd.get(), "new") == 6);
    CHECK(sys_errc_from_errno(ENOSPC) == SysErrc::no_space);
    CHECK(sys_errc_from_errno(EDQUOT) == SysErrc::no_space);
    CHECK(sys_errc_from_errno(EACCES) == SysErrc::io_error);
    make_directories(tmp.path() / "a" / "b", 0700);
    CHECK(fs::is_directory(tmp.path() / "a" / "b"));
    CHECK(code_of([&] { make_directories(tmp.path() / "new" / "c"); }) == SysErrc::io_error);
    unlink_if_exists(tmp.path() / "new");
    unlink_if_exists(tmp.path() / "new");
}
