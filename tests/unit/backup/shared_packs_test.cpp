// Writers on one repository at once share their packs (SharedPacks): a
// block both store is stored once, whichever commits first, and blocks of a
// writer that gives up are deleted with the packs or left, visible, for
// garbage collection, never needed by anything listed.
#include "backup_test_util.h"
#include "element_writer.h"
#include "pack_file.h"
#include "test_home.h"
#include "txn_marker.h"

#include <thread>

using namespace prl::backup;
using namespace prl::backup::test;

namespace {

const char* kVmA = "{5a000000-2222-3333-4444-555555555555}";
const char* kVmB = "{5b000000-2222-3333-4444-555555555555}";

// Random blocks; a disk image is a concatenation of these.
std::vector<uint8_t> blocks(uint64_t seed, size_t count) {
    std::mt19937_64 rng(seed);
    return random_bytes(rng, count * kBlock);
}

std::vector<uint8_t> joined(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
    std::vector<uint8_t> out = a;
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

// One element being written, its disk "hdd0" fed block by block.
struct Writer {
    Writer(const Layout& l, const char* vm, const fs::path& img, const std::vector<uint8_t>& data)
        : bytes(data), element(l, vm_source(vm, {{"hdd0", img}}), opts(Kind::full)) {
        pwrite_bytes(img, 0, bytes);
        map = &element.begin_disk("hdd0", img.string(), bytes.size());
    }
    // Stores the disk's blocks up to `to` (in order, as maps are written).
    void put(size_t to) {
        for (; next < to; ++next) {
            const uint8_t* b = bytes.data() + next * kBlock;
            map->add(element.store().put_entry(next, sha.digest(b, kBlock), b));
        }
    }
    std::string commit() {
        put(bytes.size() / kBlock);
        element.end_disk();
        Progress none;
        ProgressReporter pr(none, 0);
        return element.commit(pr);
    }
    std::vector<uint8_t> bytes;
    ElementWriter element;
    MapWriter* map = nullptr;
    Sha256 sha;
    size_t next = 0;
};

struct PackCount {
    size_t packs = 0, temporary = 0;
    uint64_t live = 0;  // entries not dead
};

PackCount count_packs(const fs::path& repo) {
    const Layout l = layout_at(repo);
    PackCount c;
    for (auto& e : fs::directory_iterator(repo / "store" / "packs")) {
        uint64_t id = 0;
        const std::string name = e.path().filename().string();
        if (!parse_pack_file_name(name, id)) {
            c.temporary += name.find(".tmp") != std::string::npos;
            continue;
        }
        ++c.packs;
        PackReader r(l.store(), l.pack(id), id);
        for (uint32_t i = 0; i < r.entry_count(); ++i) c.live += (r.entry(i).flags & kEntryDead) ? 0 : 1;
    }
    return c;
}

void check_restores(Repository& repo, const std::string& id, const fs::path& original, const fs::path& out) {
    restore_disk(repo, id, "hdd0", out);
    CHECK(same_bytes(out, original));
    fs::remove(out);
}

// A new repository and where two writers' disks go.
struct TwoVms {
    prl::test::TempDir tmp;
    fs::path dir = tmp.path() / "repo", img_a = tmp.path() / "a.img", img_b = tmp.path() / "b.img";
    std::unique_ptr<Repository> repo = Repository::open(dir);
    Layout l = layout_at(dir);
};

}  // namespace

TEST_CASE("two writers at once store the blocks they share once, whichever commits first", "[backup][shared-packs]") {
    TwoVms t;
    auto& [tmp, dir, img_a, img_b, repo, l] = t;
    const std::vector<uint8_t> shared = blocks(1, 256);
    const bool a_first = GENERATE(true, false);
    std::string a_id, b_id;
    {
        Writer a(l, kVmA, img_a, joined(shared, blocks(2, 256)));
        Writer b(l, kVmB, img_b, joined(shared, blocks(3, 256)));
        a.put(128);  // half the shared blocks from each, then the other's half
        b.put(256);
        a.put(256);
        if (a_first) {
            a_id = a.commit();
            b_id = b.commit();
        } else {
            b_id = b.commit();
            a_id = a.commit();
        }
    }
    const PackCount c = count_packs(dir);
    CHECK(c.live == 3 * 256);  // shared once, and each one's own
    CHECK(c.temporary == 0);
    CHECK(!has_stale_markers(l));
    check_restores(*repo, a_id, img_a, tmp.path() / "out.img");
    check_restores(*repo, b_id, img_b, tmp.path() / "out.img");
    // A later writer finds them all in the index.
    const std::string again = repo->create(vm_source(kVmB, {{"hdd0", img_a}}), opts(Kind::full));
    CHECK(count_packs(dir).live == 3 * 256);
    check_restores(*repo, again, img_a, tmp.path() / "out.img");
}

TEST_CASE("blocks of a writer that gives up go to garbage collection, and nothing listed needs them", "[backup][shared-packs]") {
    TwoVms t;
    auto& [tmp, dir, img_a, img_b, repo, l] = t;
    const std::vector<uint8_t> shared = blocks(1, 64);
    std::string b_id;
    {
        auto a = std::make_unique<Writer>(l, kVmA, img_a, joined(shared, blocks(2, 512)));
        Writer b(l, kVmB, img_b, joined(shared, blocks(3, 64)));
        a->put(576);  // b finds the shared blocks in a's packs
        b.put(128);
        SECTION("it gives up after the other committed them") {
            b_id = b.commit();
            a.reset();
        }
        SECTION("it gives up before the other commits") {
            a.reset();
            b_id = b.commit();
        }
    }
    // Its blocks are in a visible pack: a marker, held by nobody, says so.
    CHECK(has_stale_markers(l));
    check_restores(*repo, b_id, img_b, tmp.path() / "out.img");
    CHECK(count_packs(dir).live == 64 + 512 + 64);

    repo = Repository::open(dir);  // nothing runs: it collects
    CHECK(!has_stale_markers(l));
    const PackCount c = count_packs(dir);
    CHECK(c.live == 128);
    CHECK(c.temporary == 0);
    check_restores(*repo, b_id, img_b, tmp.path() / "out.img");
    CHECK(repo->list().size() == 1);
}

TEST_CASE("a writer alone that gives up leaves no pack and no marker", "[backup][shared-packs]") {
    prl::test::TempDir tmp;
    const fs::path dir = tmp.path() / "repo";
    auto repo = Repository::open(dir);
    const Layout l = layout_at(dir);
    {
        Writer a(l, kVmA, tmp.path() / "a.img", blocks(1, 20000));  // more than a pack
        a.put(20000);
    }
    const PackCount c = count_packs(dir);
    CHECK(c.packs == 0);
    CHECK(c.temporary == 0);
    CHECK(!has_stale_markers(l));
    CHECK((!fs::exists(dir / "store" / "txn") || files_under(dir / "store" / "txn").empty()));
}

TEST_CASE("writers on threads at once share their packs and each restores bit for bit", "[backup][shared-packs][threads]") {
    // Catch assertions are not thread-safe: threads only call the engine.
    prl::test::TempDir tmp;
    const fs::path dir = tmp.path() / "repo";
    auto repo = Repository::open(dir);
    constexpr int kThreads = 4;
    const std::vector<uint8_t> shared = blocks(7, 256);
    std::vector<fs::path> images;
    std::vector<std::string> ids(kThreads);
    std::vector<std::exception_ptr> errors(kThreads);
    for (int t = 0; t < kThreads; ++t) {
        images.push_back(tmp.path() / ("vm" + std::to_string(t) + ".img"));
        pwrite_bytes(images.back(), 0, joined(blocks(100 + t, 256), shared));
    }
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            char uuid[64];
            std::snprintf(uuid, sizeof uuid, "{%08x-2222-3333-4444-555555555555}", 0x5c00 + t);
            try {
                ids[t] = repo->create(vm_source(uuid, {{"hdd0", images[t]}}), opts(Kind::full));
            } catch (...) {
                errors[t] = std::current_exception();
            }
        });
    for (auto& t : threads) t.join();
    for (const auto& e : errors) REQUIRE(!e);
    for (int t = 0; t < kThreads; ++t) check_restores(*repo, ids[t], images[t], tmp.path() / "out.img");
    // Each one's own, and the shared blocks at most twice (once when the
    // writers overlap; a writer that starts after another's commit may
    // miss them if it opens the index while that one is still indexing).
    const PackCount c = count_packs(dir);
    CHECK(c.live >= (kThreads + 1) * 256);
    CHECK(c.live <= (kThreads + 2) * 256);
    CHECK(c.temporary == 0);
}
