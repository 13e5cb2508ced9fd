// A chain of full, incremental and differential backups: every element
// restores to exactly the disk state at its time, and incrementals store
// only what changed.
#include "backup_test_util.h"
#include "catalog_cache.h"
#include "test_home.h"

#include <algorithm>
#include <cstdio>

using namespace prl::backup;
using namespace prl::backup::test;

namespace {
const char* kVm = "{11111111-2222-3333-4444-555555555555}";
constexpr uint64_t kSize = 16 << 20;  // 16 MiB
}

TEST_CASE("full, incrementals and a differential restore bit for bit", "[backup][chain]") {
    prl::test::TempDir tmp;
    const fs::path img = tmp.path() / "disk.img", img2 = tmp.path() / "second.img";
    make_image(img, kSize, 1);
    make_image(img2, 1 << 20, 2);
    auto repo = Repository::open(tmp.path() / "repo");
    const Source src = vm_source(kVm, {{"hdd0", img}, {"hdd1", img2}});

    std::vector<std::pair<std::string, std::vector<uint8_t>>> states;  // id -> hdd0 bytes
    auto snapshot = [&](const std::string& id) { states.emplace_back(id, read_file(img)); };

    const std::string full = repo->create(src, opts(Kind::full, "full"));
    CHECK(full.size() == 38);
    CHECK(full.front() == '{');
    snapshot(full);

    const size_t changed = (kSize / kBlock) / 100;  // 1% of the blocks
    change_blocks(img, kSize, changed, 10);
    const std::string inc1 = repo->create(src, opts(Kind::incremental, "inc1"));
    CHECK(inc1 == full + ".2");
    snapshot(inc1);

    change_blocks(img, kSize, changed, 11);
    pwrite_bytes(img, 0, std::vector<uint8_t>(64 * 1024, 0));  // blocks that become zero
    const std::string inc2 = repo->create(src, opts(Kind::incremental, "inc2"));
    CHECK(inc2 == full + ".3");
    snapshot(inc2);

    change_blocks(img, kSize, changed, 12);
    const std::string diff = repo->create(src, opts(Kind::differential, "diff"));
    CHECK(diff == full + ".4");
    snapshot(diff);

    const auto list = repo->list();
    REQUIRE(list.size() == 1);
    CHECK(list[0].uuid == kVm);
    CHECK(list[0].name == "test vm");
    REQUIRE(list[0].chains.size() == 1);
    const ChainInfo& c = list[0].chains[0];
    CHECK(c.full.id == full);
    CHECK(c.full.kind == Kind::full);
    CHECK(c.last_number == 4);
    REQUIRE(c.partials.size() == 3);
    CHECK(c.partials[0].kind == Kind::incremental);
    CHECK(c.partials[0].parent_number == 1);
    CHECK(c.partials[1].parent_number == 2);
    CHECK(c.partials[2].kind == Kind::differential);
    CHECK(c.partials[2].parent_number == 1);
    CHECK(c.partials[2].description == "diff");
    CHECK(c.full.creator == "tester");
    CHECK(c.full.host == "localhost");
    CHECK(c.full.original_size == kSize + (1 << 20));
    REQUIRE(c.full.disks.size() == 2);
    CHECK(c.full.disks[0].name == "hdd0");
    CHECK(c.full.disks[0].original_path == img.string());
    CHECK(c.full.disks[0].size == kSize);

    // An incremental of 1% scattered blocks stores at most twice the changed bytes.
    CHECK(c.partials[0].stored_size <= 2 * changed * kBlock);
    CHECK(c.partials[0].stored_size > changed * kBlock / 2);

    for (const auto& [id, bytes] : states) {
        INFO(id);
        const fs::path out = tmp.path() / "restored.img";
        fs::remove(out);
        restore_disk(*repo, id, "hdd0", out);
        CHECK(read_file(out) == bytes);
        RestoreTarget both;
        both.disks["hdd0"] = tmp.path() / "a.img";
        both.disks["hdd1"] = tmp.path() / "b.img";
        repo->restore(id, both);
        CHECK(same_bytes(tmp.path() / "b.img", img2));
    }
}

TEST_CASE("an incremental without a full becomes a full", "[backup][chain]") {
    prl::test::TempDir tmp;
    const fs::path img = tmp.path() / "disk.img";
    make_image(img, 1 << 20, 3);
    auto repo = Repository::open(tmp.path() / "repo");
    const std::string id = repo->create(vm_source(kVm, {{"hdd0", img}}), opts(Kind::incremental));
    CHECK(id.find('.') == std::string::npos);
    const auto list = repo->list();
    REQUIRE(list.size() == 1);
    CHECK(list[0].chains[0].full.kind == Kind::full);
}

TEST_CASE("identical data is stored once per repository", "[backup][dedup]") {
    prl::test::TempDir tmp;
    const fs::path img = tmp.path() / "disk.img";
    make_image(img, 8 << 20, 4);
    auto repo = Repository::open(tmp.path() / "repo");
    const std::string a = repo->create(vm_source(kVm, {{"hdd0", img}}), opts(Kind::full));
    const std::string b = repo->create(vm_source("{21111111-2222-3333-4444-555555555555}", {{"disk", img}}), opts(Kind::full));
    const auto list = repo->list();
    const ElementInfo* ea = find_element(list, a);
    const ElementInfo* eb = find_element(list, b);
    REQUIRE(ea);
    REQUIRE(eb);
    // The second full of the same bytes adds only its block map and metadata.
    CHECK(eb->stored_size < ea->stored_size / 10);
    restore_disk(*repo, b, "disk", tmp.path() / "out.img");
    CHECK(same_bytes(tmp.path() / "out.img", img));
}

TEST_CASE("uncompressed backups and disks that grow and shrink", "[backup][chain]") {
    prl::test::TempDir tmp;
    const fs::path img = tmp.path() / "disk.img";
    make_image(img, 4 << 20, 5);
    auto repo = Repository::open(tmp.path() / "repo");
    const Source src = vm_source(kVm, {{"hdd0", img}});
    CreateOptions o = opts(Kind::full);
    o.compress = false;
    std::vector<std::pair<std::string, std::vector<uint8_t>>> states;
    states.emplace_back(repo->create(src, o), read_file(img));
    truncate_file(img, (2 << 20) + 100);  // shrink to an odd size
    o.kind = Kind::incremental;
    states.emplace_back(repo->create(src, o), read_file(img));
    truncate_file(img, 6 << 20);  // grow again: the cut-off part must read as zeros
    pwrite_bytes(img, (5 << 20) + 7, {1, 2, 3});
    states.emplace_back(repo->create(src, o), read_file(img));
    for (const auto& [id, bytes] : states) {
        INFO(id);
        const fs::path out = tmp.path() / ("r" + std::to_string(&bytes - &states[0].second) + ".img");
        restore_disk(*repo, id, "hdd0", out);
        CHECK(read_file(out) == bytes);
    }
}

TEST_CASE("progress is monotone, per percent, and ends at 100", "[backup][progress]") {
    prl::test::TempDir tmp;
    const fs::path img = tmp.path() / "disk.img";
    make_image(img, 8 << 20, 6);
    auto repo = Repository::open(tmp.path() / "repo");
    std::vector<unsigned> seen;
    Progress p;
    p.on_percent = [&](unsigned pct) { seen.push_back(pct); };
    const std::string id = repo->create(vm_source(kVm, {{"hdd0", img}}), opts(Kind::full), p);
    REQUIRE(!seen.empty());
    CHECK(seen.front() == 0);
    CHECK(seen.back() == 100);
    for (size_t i = 1; i < seen.size(); ++i) CHECK(seen[i] > seen[i - 1]);
    seen.clear();
    RestoreTarget t;
    t.disks["hdd0"] = tmp.path() / "out.img";
    repo->restore(id, t, p);
    REQUIRE(!seen.empty());
    CHECK(seen.back() == 100);
    for (size_t i = 1; i < seen.size(); ++i) CHECK(seen[i] > seen[i - 1]);
}

TEST_CASE("a commit brings its VM's listing cache up to date, and many VMs list as one", "[backup][chain][cache]") {
    prl::test::TempDir tmp;
    const fs::path img = tmp.path() / "disk.img";
    make_image(img, 1 << 20, 3);
    auto repo = Repository::open(tmp.path() / "repo");
    // More VMs than the listing has threads, each with a chain of two.
    std::vector<std::string> ids;
    for (int v = 0; v < 12; ++v) {
        char vm[64];
        std::snprintf(vm, sizeof vm, "{%08x-2222-3333-4444-555555555555}", v);
        ids.push_back(repo->create(vm_source(vm, {{"hdd0", img}}), opts(Kind::full, "vm " + std::to_string(v))));
        ids.push_back(repo->create(vm_source(vm, {{"hdd0", img}}), opts(Kind::incremental, "inc")));
    }
    // Before any listing, each VM's cache already holds its elements.
    size_t cached = 0, caches = 0;
    for (auto& e : fs::recursive_directory_iterator(tmp.path() / "repo" / "vms")) {
        if (e.path().filename() != prl::backup::kCatalogCacheName) continue;
        ++caches;
        for (const auto& [chain, elements] : prl::backup::test::read_catalog_cache(e.path().parent_path()))
            cached += elements.size();
    }
    CHECK(caches == 12);
    CHECK(cached == 24);
    // Listed from the caches and, without them, from the metadata: the same, in order.
    auto describe = [](const std::vector<VmEntry>& vms) {
        std::vector<std::string> out;
        for (const auto& vm : vms)
            for (const auto& c : vm.chains) {
                out.push_back(vm.uuid + " " + c.full.id + " " + c.full.description);
                for (const auto& p : c.partials) out.push_back(vm.uuid + " " + p.id + " " + p.description);
            }
        return out;
    };
    const auto from_caches = describe(repo->list());
    for (auto& e : fs::recursive_directory_iterator(tmp.path() / "repo" / "vms"))
        if (e.path().filename() == prl::backup::kCatalogCacheName) fs::remove(e.path());
    CHECK(describe(repo->list()) == from_caches);
    REQUIRE(from_caches.size() == 24);
    CHECK(std::is_sorted(from_caches.begin(), from_caches.end()));
    const auto listed = repo->list();
    for (const auto& id : ids) CHECK(find_element(listed, id));
}
