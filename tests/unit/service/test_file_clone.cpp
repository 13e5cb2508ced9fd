#include "store/file_clone.h"
#include "store_test_util.h"
#include "test_home.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

using namespace prl::service;
namespace fs = std::filesystem;

namespace {

// A sparse file of `size` bytes with `data` written at each of `offsets`.
void write_sparse(const fs::path& path, off_t size, const std::string& data, std::initializer_list<off_t> offsets) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    REQUIRE(::ftruncate(fd, size) == 0);
    for (off_t at : offsets) REQUIRE(::pwrite(fd, data.data(), data.size(), at) == static_cast<ssize_t>(data.size()));
    ::close(fd);
}

std::uint64_t allocated_bytes(const fs::path& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return static_cast<std::uint64_t>(st.st_blocks) * 512;
}

}  // namespace

TEST_CASE("clone_file copies bytes and size exactly and keeps holes", "[file_clone]") {
    prl::test::TempDir tmp;
    const fs::path from = tmp.path() / "disk.hdd", to = tmp.path() / "copy.hdd";
    const std::string block(64 * 1024, 'x');
    write_sparse(from, 64 << 20, block, {0, 5 << 20, (64 << 20) - 65536});

    CloneMethod method = clone_file(from, to);
    INFO("method: " << clone_method_name(method));
    CHECK(fs::file_size(to) == fs::file_size(from));
    CHECK(slurp(to.string()) == slurp(from.string()));
    // Three 64 KiB extents of data, not 64 MiB: the holes stayed holes (or are shared).
    CHECK(allocated_bytes(to) < (4u << 20));
    struct stat st {};
    REQUIRE(::stat(to.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("clone_file of an empty file and of a file ending in data", "[file_clone]") {
    prl::test::TempDir tmp;
    write_sparse(tmp.path() / "empty", 0, "", {});
    clone_file(tmp.path() / "empty", tmp.path() / "empty2");
    CHECK(fs::file_size(tmp.path() / "empty2") == 0);

    write_sparse(tmp.path() / "tail", 10000, "abc", {9997});
    clone_file(tmp.path() / "tail", tmp.path() / "tail2");
    CHECK(slurp((tmp.path() / "tail2").string()) == slurp((tmp.path() / "tail").string()));
}

TEST_CASE("clone_file never replaces, never follows symlinks, copies only regular files", "[file_clone]") {
    prl::test::TempDir tmp;
    const fs::path from = tmp.path() / "a", existing = tmp.path() / "b";
    write_sparse(from, 4096, "new", {0});
    spit(existing.string(), "old");
    REQUIRE_ERRC(clone_file(from, existing), Errc::io_error);
    CHECK(slurp(existing.string()) == "old");

    fs::create_symlink(from, tmp.path() / "link");
    REQUIRE_ERRC(clone_file(tmp.path() / "link", tmp.path() / "c"), Errc::io_error);
    CHECK_FALSE(fs::exists(tmp.path() / "c"));
    fs::create_symlink(tmp.path() / "elsewhere", tmp.path() / "dangling");
    REQUIRE_ERRC(clone_file(from, tmp.path() / "dangling"), Errc::io_error);
    CHECK_FALSE(fs::exists(tmp.path() / "elsewhere"));

    fs::create_directory(tmp.path() / "dir");
    REQUIRE_ERRC(clone_file(tmp.path() / "dir", tmp.path() / "d"), Errc::invalid_argument);
    CHECK_FALSE(fs::exists(tmp.path() / "d"));
    REQUIRE_ERRC(clone_file(tmp.path() / "missing", tmp.path() / "e"), Errc::io_error);
}

TEST_CASE("replace_with_clone swaps the whole content and leaves no temp file", "[file_clone]") {
    prl::test::TempDir tmp;
    const fs::path saved = tmp.path() / "saved", live = tmp.path() / "live";
    write_sparse(saved, 1 << 20, "snapshot", {4096});
    write_sparse(live, 2 << 20, "changed!", {4096, 1 << 20});
    replace_with_clone(saved, live);
    CHECK(slurp(live.string()) == slurp(saved.string()));
    CHECK(fs::file_size(live) == (1u << 20));
    int entries = 0;
    for (auto& e : fs::directory_iterator(tmp.path())) entries += e.is_regular_file() ? 1 : 0;
    CHECK(entries == 2);
}

TEST_CASE("remove_dead_clone_temps removes only the temps of dead writers", "[file_clone]") {
    prl::test::TempDir tmp;
    const fs::path dead = tmp.path() / ".disk.hdd.clone.999999999.7";  // above any pid_max
    const fs::path live = tmp.path() / (".disk.hdd.clone." + std::to_string(::getpid()) + ".7");
    const fs::path other = tmp.path() / ".disk.hdd.clone.notapid.7";
    for (const auto& p : {dead, live, other}) spit(p.string(), "x");
    spit((tmp.path() / "disk.hdd").string(), "data");
    remove_dead_clone_temps(tmp.path());
    CHECK_FALSE(fs::exists(dead));
    CHECK(fs::exists(live));
    CHECK(fs::exists(other));
    CHECK(fs::exists(tmp.path() / "disk.hdd"));
}
