// Damaged data is reported as Errc::corrupted naming the backup and disk,
// and the restore target is left untouched.
#include "backup_test_util.h"
#include "test_home.h"

using namespace prl::backup;
using namespace prl::backup::test;

namespace {

const char* kVm = "{c0aaaaaa-2222-3333-4444-555555555555}";

fs::path only_file_with_suffix(const fs::path& dir, const std::string& suffix) {
    fs::path found;
    for (auto& e : fs::recursive_directory_iterator(dir)) {
        const std::string s = e.path().string();
        if (s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0) {
            REQUIRE(found.empty());
            found = e.path();
        }
    }
    REQUIRE(!found.empty());
    return found;
}

void flip_byte(const fs::path& p, uint64_t off) {
    auto bytes = read_file(p);
    REQUIRE(off < bytes.size());
    pwrite_bytes(p, off, {static_cast<uint8_t>(bytes[off] ^ 0x5a)});
}

struct Setup {
    prl::test::TempDir tmp;
    std::unique_ptr<Repository> repo;
    std::string id;
    fs::path target;
    Setup(bool compress) {
        const fs::path img = tmp.path() / "disk.img";
        make_image(img, 2 << 20, 11);
        repo = Repository::open(tmp.path() / "repo");
        CreateOptions o = opts(Kind::full);
        o.compress = compress;
        id = repo->create(vm_source(kVm, {{"hdd0", img}}), o);
        target = tmp.path() / "target.img";
        pwrite_bytes(target, 0, {'o', 'l', 'd'});
    }
    void expect_clean_failure() {
        RestoreTarget t;
        t.disks["hdd0"] = target;
        try {
            repo->restore(id, t);
            FAIL("restore of damaged data succeeded");
        } catch (const Error& e) {
            CHECK(e.code() == Errc::corrupted);
            const std::string msg = e.what();
            CHECK(msg.find(id) != std::string::npos);
            CHECK(msg.find("hdd0") != std::string::npos);
        }
        CHECK(read_file(target) == std::vector<uint8_t>{'o', 'l', 'd'});
        CHECK(files_under(tmp.path()).size() == files_under(tmp.path() / "repo").size() + 2);  // disk.img + target.img
    }
};

}  // namespace

TEST_CASE("a corrupted block fails the restore cleanly", "[backup][corrupt]") {
    for (bool compress : {true, false}) {
        Setup s(compress);
        const fs::path pack = only_file_with_suffix(s.tmp.path() / "repo" / "store", ".pack");
        flip_byte(pack, 32 + 16 + 5000);  // inside the first frame's payload
        s.expect_clean_failure();
    }
}

TEST_CASE("a frame whose header disagrees with the pack's table fails the restore cleanly", "[backup][corrupt]") {
    // A frame is read in one go, as long as the table says; its header's
    // magic and length must then agree.
    for (uint64_t field : {0, 8}) {  // the magic, the payload length
        Setup s(true);
        const fs::path pack = only_file_with_suffix(s.tmp.path() / "repo" / "store", ".pack");
        flip_byte(pack, 32 + field);  // the first frame's header
        s.expect_clean_failure();
    }
}

TEST_CASE("a corrupted block map fails the restore cleanly", "[backup][corrupt]") {
    Setup s(true);
    const fs::path map = only_file_with_suffix(s.tmp.path() / "repo" / "vms", ".map");
    flip_byte(map, 10);
    s.expect_clean_failure();
}

TEST_CASE("a missing pack fails the restore cleanly", "[backup][corrupt]") {
    Setup s(true);
    fs::remove(only_file_with_suffix(s.tmp.path() / "repo" / "store", ".pack"));
    s.expect_clean_failure();
}

TEST_CASE("damaged metadata hides the element instead of breaking the listing", "[backup][corrupt]") {
    Setup s(true);
    const fs::path xml = only_file_with_suffix(s.tmp.path() / "repo" / "vms", ".xml");
    pwrite_bytes(xml, 0, {'<', '!', '-'});
    CHECK(s.repo->list().empty());
    RestoreTarget t;
    t.disks["hdd0"] = s.target;
    CHECK(error_code_of([&] { s.repo->restore(s.id, t); }) == Errc::not_found);
}
