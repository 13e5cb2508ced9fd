// Zero regions cost nothing in the repository and restore as holes.
#include "backup_test_util.h"
#include "test_home.h"

using namespace prl::backup;
using namespace prl::backup::test;

TEST_CASE("holes and zero-filled regions restore sparse", "[backup][sparse]") {
    prl::test::TempDir tmp;
    const fs::path img = tmp.path() / "disk.img";
    const uint64_t size = 256ull << 20;
    truncate_file(img, size);  // 256 MiB of hole
    std::mt19937_64 rng(5);
    pwrite_bytes(img, 1 << 20, random_bytes(rng, 64 * 1024));
    pwrite_bytes(img, 100 << 20, std::vector<uint8_t>(4 << 20, 0));  // written zeros: allocated, but zero
    pwrite_bytes(img, size - 4096, random_bytes(rng, 4096));
    REQUIRE(allocated_bytes(img) >= (4 << 20));

    auto repo = Repository::open(tmp.path() / "repo");
    const std::string id = repo->create(vm_source("{5a000000-2222-3333-4444-555555555555}", {{"hdd0", img}}), opts(Kind::full));
    const auto list = repo->list();
    CHECK(find_element(list, id)->stored_size < (1 << 20));

    const fs::path out = tmp.path() / "out.img";
    restore_disk(*repo, id, "hdd0", out);
    CHECK(fs::file_size(out) == size);
    CHECK(allocated_bytes(out) <= 256 * 1024);
    CHECK(same_bytes(out, img));
}
