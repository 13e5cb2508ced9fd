// Block hashes of disk images (lib/service/block_hashes.h) and the extent
// sharing they lean on (store/shared_extents.h): a hashed copy, and skipping
// the blocks a reflink copy still shares.
#include "block_hashes.h"
#include "platform/unique_fd.h"
#include "reflink_dir.h"
#include "store/shared_extents.h"
#include "store_test_util.h"
#include "test_home.h"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <random>

using namespace prl::service;
namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t kG = 64 * 1024;

void write_at(const fs::path& path, off_t at, const std::string& data) {
    prl::platform::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT, 0600));
    REQUIRE(fd);
    REQUIRE(::pwrite(fd.get(), data.data(), data.size(), at) == static_cast<ssize_t>(data.size()));
    REQUIRE(::fsync(fd.get()) == 0);
}

std::string random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    return s;
}

// A 4 MiB + 1000 byte image (a short last block): data in blocks 0–9 and 40,
// the rest holes.
fs::path make_image(const fs::path& dir) {
    const fs::path image = dir / "disk.hdd";
    write_at(image, 0, random_bytes(10 * kG, 1));
    write_at(image, 40 * kG, random_bytes(kG, 2));
    REQUIRE(::truncate(image.c_str(), (64 * kG) + 1000) == 0);
    return image;
}

std::uint64_t size_of(const fs::path& p) { return fs::file_size(p); }

}  // namespace

TEST_CASE("clone_and_hash: a copy whose hashes came with it, equal to hashing the copy", "[block_hashes]") {
    prl::test::TempDir tmp;
    const fs::path image = make_image(tmp.path()), view = tmp.path() / "view.img";
    const HashedClone copy = clone_and_hash(image, view, kG);
    CHECK(copy.size == size_of(image));
    CHECK(slurp(view.string()) == slurp(image.string()));
    if (copy.method == CloneMethod::reflink) {
        CHECK(copy.hashes.empty());  // nothing was read
    } else {
        CHECK(copy.hashes == hash_blocks(view, copy.size, kG));
        CHECK(copy.hashes.size() == 65);
        CHECK(copy.hashes[20] == zero_block_digest(kG));
        CHECK(copy.hashes[64] == zero_block_digest(1000));
    }
    // The target must not exist: nothing is overwritten, the old file stays.
    CHECK_THROWS(clone_and_hash(image, view, kG));
    CHECK(slurp(view.string()) == slurp(image.string()));
}

TEST_CASE("blocks_sharing_extents: files that never shared extents share none", "[block_hashes]") {
    prl::test::TempDir tmp;
    const fs::path a = make_image(tmp.path()), b = tmp.path() / "copy.hdd";
    write_at(b, 0, slurp(a.string()));
    prl::platform::UniqueFd fa(::open(a.c_str(), O_RDONLY)), fb(::open(b.c_str(), O_RDONLY));
    const auto shared = blocks_sharing_extents(fa.get(), fb.get(), size_of(a), kG);
    CHECK(shared.size() == 65);
    for (bool s : shared) CHECK_FALSE(s);
    // A file against itself: every data block is "shared"; holes never are.
    const auto self = blocks_sharing_extents(fa.get(), fa.get(), size_of(a), kG);
    CHECK(self[0]);
    CHECK(self[40]);
    CHECK_FALSE(self[20]);
}

TEST_CASE("on a reflink filesystem only the blocks written since the copy are read", "[block_hashes][reflink]") {
    prl::test::ReflinkDir dir;
    if (!dir.available()) {
        WARN("skipped: " << dir.why());
        return;
    }
    const fs::path image = make_image(dir.path()), base = dir.path() / "base.img";
    const HashedClone copy = clone_and_hash(image, base, kG);
    REQUIRE(copy.method == CloneMethod::reflink);
    const auto base_hashes = hash_blocks(base, copy.size, kG);

    // Block 3 rewritten in part, block 30 (a hole) gets data, block 40 zeroed.
    write_at(image, 3 * kG + 4096, random_bytes(4096, 3));
    write_at(image, 30 * kG, random_bytes(100, 4));
    write_at(image, 40 * kG, std::string(kG, '\0'));
    const fs::path view = dir.path() / "view.img";
    REQUIRE(clone_and_hash(image, view, kG).method == CloneMethod::reflink);

    prl::platform::UniqueFd fv(::open(view.c_str(), O_RDONLY)), fb(::open(base.c_str(), O_RDONLY));
    const auto shared = blocks_sharing_extents(fv.get(), fb.get(), copy.size, kG);
    for (std::uint64_t b : {0, 1, 2, 4, 9}) CHECK(shared[b]);
    for (std::uint64_t b : {3, 30, 40, 20}) CHECK_FALSE(shared[b]);

    const auto since = hash_blocks_since(view, copy.size, kG, base, base_hashes);
    CHECK(since == hash_blocks(view, copy.size, kG));
    CHECK(since[3] != base_hashes[3]);
    CHECK(since[40] == zero_block_digest(kG));
    CHECK(since[0] == base_hashes[0]);

    // A base of another size is not trusted: everything is read, still exact.
    REQUIRE(::truncate(base.c_str(), static_cast<off_t>(copy.size + kG)) == 0);
    CHECK(hash_blocks_since(view, copy.size, kG, base, base_hashes) == hash_blocks(view, copy.size, kG));
}
