// The on-disk dedup index (store/index): lookups across runs, merges, damaged
// and missing runs, garbage collection, and the memory bound at 5 million
// entries.
#include "backup_test_util.h"
#include "index_maintenance.h"
#include "new_block_table.h"
#include "pack_file.h"
#include "sanitized.h"
#include "test_home.h"

#include <chrono>
#include <map>
#include <set>

using namespace prl::backup;
using namespace prl::backup::test;

namespace {

const char* kVmA = "{d1000000-2222-3333-4444-555555555555}";
const char* kVmB = "{d2000000-2222-3333-4444-555555555555}";

IndexKey random_key(std::mt19937_64& rng) { return IndexKey{rng(), rng()}; }

// A synthetic run: `n` random keys spread over `packs`, written through RunWriter.
// Returns key -> location for every record.
std::map<IndexKey, BlockLocation> write_run(const Layout& l, std::mt19937_64& rng, size_t n,
                                            const std::vector<PackStamp>& packs) {
    std::map<IndexKey, BlockLocation> out;
    while (out.size() < n) {
        const auto slot = static_cast<uint32_t>(rng() % packs.size());
        out.emplace(random_key(rng), BlockLocation{packs[slot].id, static_cast<uint32_t>(rng() % kEntriesPerPack)});
    }
    std::map<uint64_t, uint32_t> slot_of;
    for (uint32_t i = 0; i < packs.size(); ++i) slot_of[packs[i].id] = i;
    RunWriter w(l.store(), l.index(), packs, n);
    for (const auto& [k, loc] : out) w.add(RunRecord{k, slot_of[loc.pack], loc.entry});
    w.commit();
    return out;
}

// The run at `path` (in a repository's store/index).
RunReader open_run(const fs::path& path) {
    DirectoryStorage storage(path.parent_path().parent_path().parent_path());
    return RunReader(storage, "store/index/" + path.filename().string());
}

std::vector<fs::path> run_files(const fs::path& repo) {
    std::vector<fs::path> out;
    for (auto& e : fs::directory_iterator(repo / "store" / "index")) {
        uint64_t id = 0;
        if (parse_run_file_name(e.path().filename().string(), id)) out.push_back(e.path());
    }
    return out;
}

void flip_byte(const fs::path& p, uint64_t off) {
    std::vector<uint8_t> b = read_file(p);
    REQUIRE(off < b.size());
    b[off] ^= 0x5a;
    pwrite_bytes(p, 0, b);
}

// Every record of every run names an existing pack entry that is not dead
// and holds the block with that key.
void check_runs_point_to_live_entries(const fs::path& repo) {
    const Layout l = layout_at(repo);
    for (const auto& run : open_runs(l)) {
        std::vector<RunRecord> recs;
        run->read_pages(0, run->pages(), recs);
        for (const RunRecord& r : recs) {
            const PackStamp& s = run->packs()[r.pack_slot];
            const fs::path pack = repo / l.pack(s.id);
            REQUIRE(fs::exists(pack));
            CHECK(fs::file_size(pack) == s.size);
            PackReader pr(l.store(), l.pack(s.id), s.id);
            const PackEntry e = pr.entry(r.entry);
            CHECK(!(e.flags & kEntryDead));
            CHECK(index_key_of(e.hash) == r.key);
        }
    }
}

// Packs that no run covers with their current size.
size_t uncovered(const fs::path& repo) {
    const Layout l = layout_at(repo);
    const PackSet packs = list_packs(l);
    std::set<uint64_t> covered;
    for (const auto& run : open_runs(l))
        for (const PackStamp& s : run->packs())
            if (packs.count(s.id) && packs.at(s.id) == s.size) covered.insert(s.id);
    return packs.size() - covered.size();
}

uint64_t stored_size_of(Repository& repo, const std::string& id) {
    const auto list = repo.list();
    const ElementInfo* e = find_element(list, id);
    REQUIRE(e);
    return e->stored_size;
}

}  // namespace

TEST_CASE("index lookups find entries across several runs and trust only current packs", "[backup][index]") {
    prl::test::TempDir tmp;
    const Layout l = layout_at(tmp.path());
    std::mt19937_64 rng(1);
    std::vector<PackStamp> packs_a{{11, 1000}, {12, 2000}}, packs_b{{21, 3000}}, packs_c{{31, 4000}, {32, 5000}};
    auto a = write_run(l, rng, 5000, packs_a);
    auto b = write_run(l, rng, 300, packs_b);
    auto c = write_run(l, rng, 1, packs_c);
    PackSet now{{11, 1000}, {12, 2000}, {21, 3000}, {31, 4000}, {32, 5000}};
    BlockIndex index(open_runs(l), now);
    CHECK(index.run_count() == 3);
    CHECK(index.record_count() == 5301);
    for (const auto* m : {&a, &b, &c})
        for (const auto& [k, loc] : *m) {
            const auto found = index.find(k);
            REQUIRE(found);
            CHECK(*found == loc);
        }
    size_t false_reads = 0;
    for (int i = 0; i < 10000; ++i) {
        const auto before = index.stats().page_reads;
        CHECK(!index.find(random_key(rng)));
        false_reads += index.stats().page_reads - before;
    }
    CHECK(false_reads < 100);  // the filters answer almost every absent key
    CHECK(index.damaged().empty());

    // Pack 21 was compacted (other size) and 31 removed: their records give no location.
    now[21] = 2500;
    now.erase(31);
    BlockIndex changed(open_runs(l), now);
    for (const auto& [k, loc] : b) CHECK(!changed.find(k));
    for (const auto& [k, loc] : c) CHECK(!changed.find(k));
    for (const auto& [k, loc] : a) CHECK(changed.find(k) == std::optional<BlockLocation>(loc));
}

TEST_CASE("merging runs keeps every entry once and drops removed packs", "[backup][index]") {
    prl::test::TempDir tmp;
    const Layout l = layout_at(tmp.path());
    std::mt19937_64 rng(2);
    std::vector<PackStamp> p1{{1, 10}, {2, 20}}, p2{{2, 20}, {3, 30}}, p3{{4, 40}};
    std::map<IndexKey, BlockLocation> all;
    for (const auto& packs : {p1, p2, p3}) {
        auto m = write_run(l, rng, 4000, packs);
        all.insert(m.begin(), m.end());
    }
    PackSet now{{1, 10}, {2, 20}, {3, 30}};  // pack 4 is gone
    {
        auto runs = open_runs(l);
        std::vector<const RunReader*> inputs;
        for (const auto& r : runs) inputs.push_back(r.get());
        merge_runs(l, inputs, now);
    }
    REQUIRE(run_files(tmp.path()).size() == 1);
    BlockIndex index(open_runs(l), now);
    size_t kept = 0;
    for (const auto& [k, loc] : all) {
        const auto found = index.find(k);
        if (loc.pack == 4) {
            CHECK(!found);
        } else {
            REQUIRE(found);
            CHECK(*found == loc);
            ++kept;
        }
    }
    CHECK(index.record_count() == kept);
}

TEST_CASE("index memory stays within its budget at 5 million entries", "[backup][index]") {
    const auto start = std::chrono::steady_clock::now();
    prl::test::TempDir tmp;
    const Layout l = layout_at(tmp.path());
    // 5.2 million blocks = 20 GiB of distinct data in 318 packs; a fifth of
    // that in the sanitizer trees, whose runs of it take minutes (the bound
    // itself is checked at full size in the ordinary build).
    constexpr size_t kRuns = 5, kPerRun = prl::test::kSanitized ? 208000 : 1040000;
    std::vector<PackStamp> packs;
    PackSet now;
    for (uint64_t i = 1; i <= 318; ++i) {
        packs.push_back(PackStamp{i * 7919, 64 << 20});
        now.emplace(i * 7919, 64 << 20);
    }
    std::mt19937_64 rng(3);
    std::vector<std::pair<IndexKey, BlockLocation>> sample;
    for (size_t r = 0; r < kRuns; ++r) {
        std::vector<RunRecord> recs(kPerRun);
        for (auto& rec : recs) rec = RunRecord{random_key(rng), static_cast<uint32_t>(rng() % packs.size()),
                                               static_cast<uint32_t>(rng() % kEntriesPerPack)};
        std::sort(recs.begin(), recs.end(), [](const RunRecord& a, const RunRecord& b) { return a.key < b.key; });
        RunWriter w(l.store(), l.index(), packs, recs.size());
        for (size_t i = 0; i < recs.size(); ++i) {
            w.add(recs[i]);
            if (i % 997 == 0) sample.emplace_back(recs[i].key, BlockLocation{packs[recs[i].pack_slot].id, recs[i].entry});
        }
        w.commit();
    }
    {  // one streaming merge of all five
        auto runs = open_runs(l);
        std::vector<const RunReader*> inputs;
        for (const auto& r : runs) inputs.push_back(r.get());
        merge_runs(l, inputs, now);
    }
    for (const size_t budget : {kDefaultIndexBudget, size_t(4) << 20}) {
        INFO("budget " << budget);
        BlockIndex index(open_runs(l), now, budget);
        REQUIRE(index.run_count() == 1);
        CHECK(index.record_count() == kRuns * kPerRun);
        CHECK(index.memory_bytes() <= budget);
        UNSCOPED_INFO("memory " << index.memory_bytes() << " bytes, fence step " << index.fence_step());
        for (const auto& [k, loc] : sample) {
            const auto found = index.find(k);
            REQUIRE(found);
            CHECK(*found == loc);
        }
        const auto before = index.stats();
        for (int i = 0; i < 100000; ++i) CHECK(!index.find(random_key(rng)));
        const auto after = index.stats();
        // Absent keys: answered from memory but for the filters' false positives.
        const double read_rate = double(after.page_reads - before.page_reads) / 100000.0;
        CHECK(read_rate < (budget == kDefaultIndexBudget ? 0.02 : 0.3));
        std::printf("index of %llu entries, budget %zu MiB: %.2f MiB held, fence step %zu, %.2f%% of absent keys read a page\n",
                    static_cast<unsigned long long>(index.record_count()), budget >> 20, index.memory_bytes() / 1048576.0,
                    index.fence_step(), read_rate * 100);
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("5.2 M entry index test: %.1f s\n", secs);
}

TEST_CASE("blocks identical across VMs are stored once, through the on-disk index", "[backup][index]") {
    prl::test::TempDir tmp;
    const fs::path img = tmp.path() / "a.img", repo_dir = tmp.path() / "repo";
    make_image(img, 4 << 20, 5);
    auto repo = Repository::open(repo_dir);
    const std::string a = repo->create(vm_source(kVmA, {{"hdd0", img}}), opts(Kind::full));
    CHECK(!run_files(repo_dir).empty());
    CHECK(uncovered(repo_dir) == 0);
    const std::string b = repo->create(vm_source(kVmB, {{"hdd0", img}}), opts(Kind::full));
    CHECK(stored_size_of(*repo, b) < stored_size_of(*repo, a) / 10);  // maps and metadata only
    restore_disk(*repo, b, "hdd0", tmp.path() / "out.img");
    CHECK(same_bytes(tmp.path() / "out.img", img));
    check_runs_point_to_live_entries(repo_dir);
}

TEST_CASE("packs without a run (older repositories, crashes) get indexed", "[backup][index]") {
    prl::test::TempDir tmp;
    const fs::path img = tmp.path() / "a.img", repo_dir = tmp.path() / "repo";
    make_image(img, 4 << 20, 6);
    auto repo = Repository::open(repo_dir);
    const std::string a = repo->create(vm_source(kVmA, {{"hdd0", img}}), opts(Kind::full));
    // As a repository written before the index existed: no store/index at all.
    fs::remove_all(repo_dir / "store" / "index");
    repo = Repository::open(repo_dir);
    CHECK(uncovered(repo_dir) > 0);
    const std::string b = repo->create(vm_source(kVmB, {{"hdd0", img}}), opts(Kind::full));
    CHECK(stored_size_of(*repo, b) < stored_size_of(*repo, a) / 10);
    CHECK(uncovered(repo_dir) == 0);
    check_runs_point_to_live_entries(repo_dir);
    // A run left half-written by a crash is only a temp file: never read, removed by GC.
    pwrite_bytes(repo_dir / "store" / "index" / "00000000000000aa.run.tmp", 0, std::vector<uint8_t>(100, 1));
    repo->remove_all(kVmB);
    CHECK(!fs::exists(repo_dir / "store" / "index" / "00000000000000aa.run.tmp"));
}

TEST_CASE("a damaged or truncated run is ignored and the backups stay correct", "[backup][index]") {
    prl::test::TempDir tmp;
    const fs::path img = tmp.path() / "a.img", repo_dir = tmp.path() / "repo";
    make_image(img, 4 << 20, 7);
    auto repo = Repository::open(repo_dir);
    repo->create(vm_source(kVmA, {{"hdd0", img}}), opts(Kind::full));
    REQUIRE(run_files(repo_dir).size() == 1);
    const fs::path run = run_files(repo_dir)[0];
    const uint64_t size = fs::file_size(run);

    SECTION("a flipped byte in a record page") { flip_byte(run, size - 2000); }
    SECTION("a flipped byte in the header") { flip_byte(run, 20); }
    SECTION("a flipped byte in the fences") {
        RunReader r = open_run(run);
        flip_byte(run, 128 + 16 * r.packs().size() + 3);
    }
    SECTION("truncated") { truncate_file(run, size - kRunPageSize); }
    SECTION("an alien file under a run name") {
        fs::remove(run);
        pwrite_bytes(run, 0, std::vector<uint8_t>(8192, 0x41));
    }

    const std::string b = repo->create(vm_source(kVmB, {{"hdd0", img}}), opts(Kind::full));
    const std::string a2 = repo->create(vm_source(kVmA, {{"hdd0", img}}), opts(Kind::full));
    for (const std::string& id : {b, a2}) {
        restore_disk(*repo, id, "hdd0", tmp.path() / "out.img");
        CHECK(same_bytes(tmp.path() / "out.img", img));
    }
    // The damaged run is gone; whatever it covered is indexed again.
    CHECK(!fs::exists(run));
    for (const fs::path& p : run_files(repo_dir)) CHECK_NOTHROW(open_run(p));
    repo->create(vm_source(kVmB, {{"hdd0", img}}), opts(Kind::full));
    CHECK(uncovered(repo_dir) == 0);
    check_runs_point_to_live_entries(repo_dir);
}

TEST_CASE("garbage collection takes removed and compacted packs out of the index", "[backup][index][gc]") {
    prl::test::TempDir tmp;
    const fs::path img_a = tmp.path() / "a.img", img_b = tmp.path() / "b.img", repo_dir = tmp.path() / "repo";
    std::mt19937_64 rng(8);
    const std::vector<uint8_t> shared = random_bytes(rng, 1 << 20), only_a = random_bytes(rng, 6 << 20),
                               only_b = random_bytes(rng, 2 << 20);
    pwrite_bytes(img_a, 0, shared);
    pwrite_bytes(img_a, 1 << 20, only_a);
    pwrite_bytes(img_b, 0, shared);
    pwrite_bytes(img_b, 1 << 20, only_b);
    auto repo = Repository::open(repo_dir);
    repo->create(vm_source(kVmA, {{"hdd0", img_a}}), opts(Kind::full));
    const std::string b = repo->create(vm_source(kVmB, {{"hdd0", img_b}}), opts(Kind::full));
    CHECK(stored_size_of(*repo, b) < (3 << 20));  // the shared MiB came from A's pack

    // A's pack keeps only the shared blocks B references: it is compacted.
    repo->remove_all(kVmA);
    check_runs_point_to_live_entries(repo_dir);
    CHECK(uncovered(repo_dir) == 0);
    {
        const Layout l = layout_at(repo_dir);
        BlockIndex index(open_runs(l), list_packs(l));
        Sha256 sha;
        for (size_t off = 0; off < only_a.size(); off += kBlock)
            CHECK(!index.find(index_key_of(sha.digest(only_a.data() + off, kBlock))));
        for (size_t off = 0; off < shared.size(); off += kBlock)
            CHECK(index.find(index_key_of(sha.digest(shared.data() + off, kBlock))));
    }

    // A again: its own blocks are stored anew, the shared ones found where they live.
    const std::string a2 = repo->create(vm_source(kVmA, {{"hdd0", img_a}}), opts(Kind::full));
    const std::string b2 = repo->create(vm_source(kVmB, {{"hdd0", img_b}}), opts(Kind::incremental));
    check_runs_point_to_live_entries(repo_dir);
    for (const auto& [id, img] : std::vector<std::pair<std::string, fs::path>>{{a2, img_a}, {b, img_b}, {b2, img_b}}) {
        restore_disk(*repo, id, "hdd0", tmp.path() / "out.img");
        CHECK(same_bytes(tmp.path() / "out.img", img));
    }
    // Removing everything leaves no run behind.
    repo->remove_all(kVmA);
    repo->remove_all(kVmB);
    CHECK(run_files(repo_dir).empty());
}

TEST_CASE("many creates keep the number of runs bounded by merging", "[backup][index]") {
    prl::test::TempDir tmp;
    const fs::path img = tmp.path() / "a.img", repo_dir = tmp.path() / "repo";
    make_image(img, 1 << 20, 9);
    auto repo = Repository::open(repo_dir);
    std::vector<std::string> ids;
    for (int i = 0; i < 20; ++i) {
        change_blocks(img, 1 << 20, 4, 900 + i);
        ids.push_back(repo->create(vm_source(kVmA, {{"hdd0", img}}), opts(i ? Kind::incremental : Kind::full)));
        CHECK(run_files(repo_dir).size() <= kMaxRuns);
    }
    CHECK(uncovered(repo_dir) == 0);
    check_runs_point_to_live_entries(repo_dir);
    restore_disk(*repo, ids.back(), "hdd0", tmp.path() / "out.img");
    CHECK(same_bytes(tmp.path() / "out.img", img));
}

TEST_CASE("blocks repeated within one create are stored once", "[backup][index]") {
    prl::test::TempDir tmp;
    const fs::path img = tmp.path() / "a.img", repo_dir = tmp.path() / "repo";
    std::mt19937_64 rng(10);
    const std::vector<uint8_t> mib = random_bytes(rng, 1 << 20);
    for (uint64_t i = 0; i < 8; ++i) pwrite_bytes(img, i << 20, mib);  // 8 MiB, 1 MiB distinct
    auto repo = Repository::open(repo_dir);
    const std::string a = repo->create(vm_source(kVmA, {{"hdd0", img}}), opts(Kind::full));
    const uint64_t stored = stored_size_of(*repo, a);
    CHECK(stored > (1 << 20));
    CHECK(stored < (1 << 20) + (256 << 10));  // the distinct MiB, its map and metadata
    restore_disk(*repo, a, "hdd0", tmp.path() / "out.img");
    CHECK(same_bytes(tmp.path() / "out.img", img));
}

TEST_CASE("the table of an operation's new blocks stops at its bound", "[backup][index]") {
    NewBlockTable t;
    std::mt19937_64 rng(11);
    std::vector<IndexKey> keys;
    uint32_t seq = 0;
    while (t.insert(keys.emplace_back(random_key(rng)), seq)) ++seq;
    keys.pop_back();  // the one that did not fit
    CHECK(t.size() == keys.size());
    CHECK(t.size() > 700000);
    CHECK(t.memory_bytes() <= (size_t(16) << 20));
    for (uint32_t i = 0; i < keys.size(); i += 97) CHECK(t.find(keys[i]) == std::optional<uint32_t>(i));
    CHECK(!t.find(random_key(rng)));
}
