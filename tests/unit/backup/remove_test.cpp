// Removing elements with and without keep_chain: survivors restore bit for
// bit and unreferenced data is reclaimed.
#include "backup_test_util.h"
#include "test_home.h"

#include <map>

using namespace prl::backup;
using namespace prl::backup::test;

namespace {

const char* kVm = "{7e000000-2222-3333-4444-555555555555}";
constexpr uint64_t kSize = 4 << 20;

uint64_t pack_bytes(const fs::path& repo) {
    uint64_t n = 0;
    for (auto& e : fs::directory_iterator(repo / "store" / "packs")) n += e.file_size();
    return n;
}

// full(1) inc(2) inc(3) diff(4) inc(5), each with its disk state.
struct Chain5 {
    prl::test::TempDir tmp;
    std::unique_ptr<Repository> repo;
    std::vector<std::string> ids;
    std::map<std::string, std::vector<uint8_t>> states;
    Chain5() {
        const fs::path img = tmp.path() / "disk.img";
        make_image(img, kSize, 31);
        repo = Repository::open(tmp.path() / "repo");
        const Source src = vm_source(kVm, {{"hdd0", img}});
        const Kind kinds[] = {Kind::full, Kind::incremental, Kind::incremental, Kind::differential, Kind::incremental};
        for (int i = 0; i < 5; ++i) {
            if (i) change_blocks(img, kSize, 40, 100 + i);
            if (i == 2) pwrite_bytes(img, 0, std::vector<uint8_t>(128 * 1024, 0));
            ids.push_back(repo->create(src, opts(kinds[i])));
            states[ids.back()] = read_file(img);
        }
    }
    void check_survivors(const std::vector<std::string>& expected) {
        std::vector<std::string> listed;
        const auto list = repo->list();
        for (const ElementInfo* e : all_elements(list)) listed.push_back(e->id);
        CHECK(listed == expected);
        for (const std::string& id : listed) {
            INFO(id);
            const fs::path out = tmp.path() / "out.img";
            fs::remove(out);
            restore_disk(*repo, id, "hdd0", out);
            CHECK(read_file(out) == states[id]);
        }
    }
};

}  // namespace

TEST_CASE("remove without keep_chain drops the element and the rest of its chain", "[backup][remove]") {
    Chain5 c;
    const uint64_t before = pack_bytes(c.tmp.path() / "repo");
    c.repo->remove(c.ids[2], false);
    c.check_survivors({c.ids[0], c.ids[1]});
    CHECK(pack_bytes(c.tmp.path() / "repo") < before);
    CHECK(error_code_of([&] { c.repo->remove(c.ids[2], false); }) == Errc::not_found);
    CHECK(error_code_of([&] { c.repo->remove("{7e000000-2222-3333-4444-000000000000}", true); }) == Errc::not_found);
}

TEST_CASE("remove with keep_chain of an incremental folds it into the next", "[backup][remove]") {
    Chain5 c;
    c.repo->remove(c.ids[1], true);
    c.check_survivors({c.ids[0], c.ids[2], c.ids[3], c.ids[4]});
    c.repo->remove(c.ids[3], true);  // the differential: nothing depends on it
    c.check_survivors({c.ids[0], c.ids[2], c.ids[4]});
    const auto list = c.repo->list();
    CHECK(list[0].chains[0].partials[0].parent_number == 1);
}

TEST_CASE("remove with keep_chain of the full makes the next element the full", "[backup][remove]") {
    Chain5 c;
    c.repo->remove(c.ids[0], true);
    c.check_survivors({c.ids[1], c.ids[2], c.ids[3], c.ids[4]});
    const auto list = c.repo->list();
    REQUIRE(list.size() == 1);
    const ChainInfo& chain = list[0].chains[0];
    CHECK(chain.full.id == c.ids[1]);
    CHECK(chain.full.kind == Kind::full);
    CHECK(chain.full.number == 2);
    // The differential now depends on the new full.
    CHECK(chain.partials[1].id == c.ids[3]);
    CHECK(chain.partials[1].parent_number == 2);
    // New backups keep numbering the same chain.
    const std::string next = c.repo->create(vm_source(kVm, {{"hdd0", c.tmp.path() / "disk.img"}}), opts(Kind::incremental));
    CHECK(next == c.ids[0] + ".6");
    c.states[next] = read_file(c.tmp.path() / "disk.img");
    c.check_survivors({c.ids[1], c.ids[2], c.ids[3], c.ids[4], next});
}

TEST_CASE("remove_all removes every backup of a VM and reclaims its data", "[backup][remove]") {
    Chain5 c;
    c.repo->create(vm_source(kVm, {{"hdd0", c.tmp.path() / "disk.img"}}), opts(Kind::full));
    c.repo->remove_all(kVm);
    CHECK(c.repo->list().empty());
    CHECK(pack_bytes(c.tmp.path() / "repo") == 0);
    for (const std::string& f : files_under(c.tmp.path() / "repo"))
        CHECK((f == "FORMAT" || f == "store/lock" || f.find("/lock") != std::string::npos));
    CHECK(error_code_of([&] { c.repo->remove_all(kVm); }) == Errc::not_found);
    CHECK(error_code_of([&] { c.repo->remove_all("nonsense"); }) == Errc::invalid_argument);
}

TEST_CASE("packs that become mostly dead are compacted", "[backup][remove][gc]") {
    prl::test::TempDir tmp;
    const fs::path img = tmp.path() / "disk.img";
    std::mt19937_64 rng(77);
    pwrite_bytes(img, 0, random_bytes(rng, 8 << 20));
    auto repo = Repository::open(tmp.path() / "repo");
    const Source src = vm_source(kVm, {{"hdd0", img}});
    const std::string full = repo->create(src, opts(Kind::full));
    pwrite_bytes(img, 0, random_bytes(rng, 6 << 20));  // rewrite the first 75%
    const std::string inc = repo->create(src, opts(Kind::incremental));
    const uint64_t before = pack_bytes(tmp.path() / "repo");
    repo->remove(full, true);
    // The full's pack keeps only its last quarter.
    CHECK(pack_bytes(tmp.path() / "repo") < before - (5 << 20));
    restore_disk(*repo, inc, "hdd0", tmp.path() / "out.img");
    CHECK(same_bytes(tmp.path() / "out.img", img));
}
