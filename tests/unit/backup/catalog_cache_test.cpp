// The per-VM listing cache (vms/<vm>/catalog.cache): a listing from it is
// the listing from the metadata files; whatever changed, went or was
// damaged after it was written is seen as such; nothing leaves a cache
// naming a removed chain; and a damaged cache only costs parsing.
#include "backup_test_util.h"
#include "catalog_cache.h"
#include "element_meta.h"
#include "garbage_collector.h"
#include "read_file.h"
#include "test_home.h"

#include <cstdio>

using namespace prl::backup;
using namespace prl::backup::test;

namespace {

std::string vm_uuid(int v) {
    char s[64];
    std::snprintf(s, sizeof s, "{%08x-1111-2222-3333-444444444444}", v);
    return s;
}
std::string chain_uuid(int v, int c) {
    char s[64];
    std::snprintf(s, sizeof s, "{%08x-%04x-2222-3333-555555555555}", v, c);
    return s;
}
fs::path vm_dir(const fs::path& repo, int v) { return repo / "vms" / vm_uuid(v).substr(1, 36); }
fs::path chain_dir(const fs::path& repo, int v, int c) { return vm_dir(repo, v) / chain_uuid(v, c).substr(1, 36); }

// Element `n` of chain `c` of VM `v`, written directly as a commit would
// (temp file and rename): listing needs only the metadata.
void write_element(const fs::path& repo, int v, int c, uint32_t n, const std::string& description) {
    ElementMeta m;
    m.vm_uuid = vm_uuid(v);
    m.vm_name = "vm " + std::to_string(v);
    m.chain = chain_uuid(v, c);
    m.number = n;
    m.parent = n - 1;
    m.kind = n == 1 ? Kind::full : Kind::incremental;
    m.time = 1700000000 + c * 86400 + n;
    m.description = description;
    m.disks.push_back(DiskRecord{"hdd0", "/vms/disk.hdd", 1 << 20, std::to_string(n) + "-0.d0.map", {}});
    const fs::path dir = chain_dir(repo, v, c);
    fs::create_directories(dir);
    const fs::path tmp = dir / ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    REQUIRE(f);
    const std::string xml = serialize_element(m);
    REQUIRE(std::fwrite(xml.data(), 1, xml.size(), f) == xml.size());
    std::fclose(f);
    fs::rename(tmp, dir / element_file_name(n));
}

// Every listed element, in listing order, with what identifies it.
std::vector<std::string> describe(const std::vector<VmEntry>& vms) {
    std::vector<std::string> out;
    for (const auto& vm : vms)
        for (const auto& c : vm.chains) {
            out.push_back(vm.uuid + " " + vm.name + " " + c.full.id + " " + c.full.description);
            for (const auto& p : c.partials)
                out.push_back(vm.uuid + " " + p.id + " " + p.description + " parent " + std::to_string(p.parent_number));
        }
    return out;
}

size_t cached_elements(const fs::path& vm) {
    size_t n = 0;
    for (const auto& [chain, elements] : prl::backup::test::read_catalog_cache(vm)) n += elements.size();
    return n;
}

std::vector<fs::path> caches_under(const fs::path& repo) {
    std::vector<fs::path> out;
    for (auto& e : fs::recursive_directory_iterator(repo / "vms"))
        if (e.path().filename() == kCatalogCacheName) out.push_back(e.path());
    return out;
}

// 12 VMs (more than the listing's threads) of 3 chains of 4 elements.
constexpr int kVms = 12, kChains = 3, kElements = 4;
void write_repository(const fs::path& repo) {
    for (int v = 0; v < kVms; ++v)
        for (int c = 0; c < kChains; ++c)
            for (uint32_t n = 1; n <= kElements; ++n) write_element(repo, v, c, n, "e" + std::to_string(n));
}

}  // namespace

TEST_CASE("a listing from the VMs' caches is the listing from the metadata", "[backup][cache]") {
    prl::test::TempDir tmp;
    const fs::path root = tmp.path() / "repo";
    auto repo = Repository::open(root);
    write_repository(root);
    CHECK(caches_under(root).empty());

    const auto parsed = describe(repo->list());
    REQUIRE(parsed.size() == static_cast<size_t>(kVms * kChains * kElements));
    // One cache per VM, beside its chains, holding all of its elements.
    const auto caches = caches_under(root);
    CHECK(caches.size() == static_cast<size_t>(kVms));
    for (int v = 0; v < kVms; ++v) CHECK(cached_elements(vm_dir(root, v)) == static_cast<size_t>(kChains * kElements));
    for (const fs::path& c : caches) CHECK(c.parent_path().parent_path().filename() == "vms");

    // From the caches: the same, and it is the caches that are read (an
    // entry rewritten by hand, its fingerprint still right, shows).
    CHECK(describe(repo->list()) == parsed);
    CatalogCache cache = prl::backup::test::read_catalog_cache(vm_dir(root, 5));
    cache.at(chain_uuid(5, 1)).at(3).meta.description = "from the cache";
    prl::backup::test::write_catalog_cache(vm_dir(root, 5), cache);
    const auto listed = repo->list();
    const ElementInfo* e = find_element(listed, chain_uuid(5, 1) + ".3");
    REQUIRE(e);
    CHECK(e->description == "from the cache");
}

TEST_CASE("an element changed, removed or damaged after its VM's cache was written is seen as such", "[backup][cache]") {
    prl::test::TempDir tmp;
    const fs::path root = tmp.path() / "repo";
    auto repo = Repository::open(root);
    write_repository(root);
    repo->list();  // writes the caches

    write_element(root, 1, 0, 2, "changed");                       // rewritten (a keep_chain rebase)
    fs::remove(chain_dir(root, 2, 1) / element_file_name(4));      // removed
    write_element(root, 3, 2, kElements + 1, "new");               // committed by an older version
    {
        // Damaged in place: element 2 and its dependants are not listed.
        std::FILE* f = std::fopen((chain_dir(root, 4, 0) / element_file_name(2)).c_str(), "wb");
        REQUIRE(f);
        std::fputs("<BackupElement>", f);
        std::fclose(f);
    }
    fs::remove_all(chain_dir(root, 6, 2));  // a whole chain gone

    for (int pass = 0; pass < 2; ++pass) {  // the listing that finds the changes, then its cache
        const auto listed = repo->list();
        const ElementInfo* changed = find_element(listed, chain_uuid(1, 0) + ".2");
        REQUIRE(changed);
        CHECK(changed->description == "changed");
        CHECK(!find_element(listed, chain_uuid(2, 1) + ".4"));
        CHECK(find_element(listed, chain_uuid(2, 1) + ".3"));
        CHECK(find_element(listed, chain_uuid(3, 2) + ".5"));
        CHECK(find_element(listed, chain_uuid(4, 0)));
        CHECK(!find_element(listed, chain_uuid(4, 0) + ".2"));
        CHECK(!find_element(listed, chain_uuid(4, 0) + ".3"));
        CHECK(!find_element(listed, chain_uuid(4, 0) + ".4"));
        CHECK(!find_element(listed, chain_uuid(6, 2)));
        CHECK(all_elements(listed).size() == static_cast<size_t>(kVms * kChains * kElements - 1 + 1 - 3 - kElements));
    }
    // The damaged element is parsed again by every listing, but its VM's
    // cache, already up to date, is not written again.
    struct stat before {}, after {};
    REQUIRE(::stat((vm_dir(root, 4) / kCatalogCacheName).c_str(), &before) == 0);
    repo->list();
    REQUIRE(::stat((vm_dir(root, 4) / kCatalogCacheName).c_str(), &after) == 0);
    CHECK(before.st_ino == after.st_ino);
    CHECK(prl::backup::test::read_catalog_cache(vm_dir(root, 6)).count(chain_uuid(6, 2)) == 0);
    CHECK(prl::backup::test::read_catalog_cache(vm_dir(root, 6)).size() == static_cast<size_t>(kChains - 1));
}

TEST_CASE("a damaged listing cache is ignored and replaced", "[backup][cache]") {
    prl::test::TempDir tmp;
    const fs::path root = tmp.path() / "repo";
    auto repo = Repository::open(root);
    write_repository(root);
    const auto parsed = describe(repo->list());
    const fs::path cache = vm_dir(root, 7) / kCatalogCacheName;
    const auto good = read_file(cache);

    const std::vector<std::vector<uint8_t>> damaged = {
        {},                                                      // empty
        std::vector<uint8_t>(good.begin(), good.begin() + good.size() / 2),  // truncated
        std::vector<uint8_t>(good.size(), 0x5a),                 // garbage
        [&] {
            auto b = good;
            b[b.size() / 2] ^= 0x40;  // a flipped bit: the checksum fails
            return b;
        }(),
        [&] {
            auto b = good;
            b[7] = '2';  // the per-chain format of before
            return b;
        }(),
    };
    for (const auto& bytes : damaged) {
        fs::remove(cache);
        if (!bytes.empty()) pwrite_bytes(cache, 0, bytes);
        CHECK(prl::backup::test::read_catalog_cache(vm_dir(root, 7)).empty());
        CHECK(describe(repo->list()) == parsed);
        CHECK(cached_elements(vm_dir(root, 7)) == static_cast<size_t>(kChains * kElements));  // rewritten
    }
    // A cache that is not a file at all.
    fs::remove(cache);
    fs::create_directory(cache);
    CHECK(describe(repo->list()) == parsed);
}

TEST_CASE("remove_all and garbage collection leave no cache naming a removed chain", "[backup][cache][remove]") {
    prl::test::TempDir tmp;
    const fs::path img = tmp.path() / "disk.img";
    make_image(img, 1 << 20, 5);
    const fs::path root = tmp.path() / "repo";
    auto repo = Repository::open(root);
    const std::string a = vm_uuid(0xa), b = vm_uuid(0xb);
    const std::string a_full = repo->create(vm_source(a, {{"hdd0", img}}), opts(Kind::full));
    repo->create(vm_source(a, {{"hdd0", img}}), opts(Kind::incremental));
    const std::string a_full2 = repo->create(vm_source(a, {{"hdd0", img}}), opts(Kind::full));
    const std::string b_full = repo->create(vm_source(b, {{"hdd0", img}}), opts(Kind::full));
    const fs::path a_dir = root / "vms" / a.substr(1, 36), b_dir = root / "vms" / b.substr(1, 36);
    repo->list();
    CHECK(prl::backup::test::read_catalog_cache(a_dir).size() == 2);

    // Removing a chain's full removes the chain: it leaves the cache.
    repo->remove(a_full, false);
    auto cache = prl::backup::test::read_catalog_cache(a_dir);
    CHECK(cache.size() == 1);
    CHECK(cache.count(a_full) == 0);
    CHECK(cache.count(a_full2) == 1);

    // remove_all: no cache names any of the VM's chains; the other VM's stays.
    repo->remove_all(a);
    CHECK(prl::backup::test::read_catalog_cache(a_dir).empty());
    CHECK(!fs::exists(a_dir / kCatalogCacheName));
    CHECK(prl::backup::test::read_catalog_cache(b_dir).count(b_full) == 1);

    // Garbage collection drops what a cache still says of a chain that has
    // gone (left by a crash, or by a listing racing a remove), and deletes a
    // per-chain cache of an older version and unfinished cache writes.
    cache = prl::backup::test::read_catalog_cache(b_dir);
    CatalogCache stale = cache;
    ChainCache ghost = stale.at(b_full);
    for (auto& [n, e] : ghost) e.meta.chain = chain_uuid(0xb, 9);
    stale.emplace(chain_uuid(0xb, 9), ghost);
    prl::backup::test::write_catalog_cache(b_dir, stale);
    REQUIRE(prl::backup::test::read_catalog_cache(b_dir).size() == 2);
    const fs::path b_chain = b_dir / b_full.substr(1, 36);
    pwrite_bytes(b_chain / kCatalogCacheName, 0, {'P', 'R', 'L', 'S', 'C', 'A', 'T', '2'});
    const fs::path dead_write = b_dir / ".catalog.cache.0123abcd.tmp";  // of a lister that died
    pwrite_bytes(dead_write, 0, {'x'});
    collect_garbage(layout_at(root));
    CHECK(!fs::exists(dead_write));
    cache = prl::backup::test::read_catalog_cache(b_dir);
    CHECK(cache.size() == 1);
    CHECK(cache.count(b_full) == 1);
    CHECK(!fs::exists(b_chain / kCatalogCacheName));
    const auto listed = repo->list();
    CHECK(find_element(listed, b_full));
}

TEST_CASE("element metadata that is not UTF-8 is not listed, and one declared in another encoding is read in it", "[backup][cache]") {
    prl::test::TempDir tmp;
    const fs::path root = tmp.path() / "repo";
    auto repo = Repository::open(root);
    write_element(root, 1, 0, 1, "MARK");
    write_element(root, 2, 0, 1, "MARK");
    auto rewrite = [&](int v, const std::string& from, const std::string& to, const std::string& description) {
        const fs::path file = chain_dir(root, v, 0) / element_file_name(1);
        std::string xml = prl::test::read_file(file);
        xml.replace(xml.find(from), from.size(), to);
        xml.replace(xml.find("MARK"), 4, description);
        std::FILE* f = std::fopen(file.c_str(), "wb");
        REQUIRE(f);
        REQUIRE(std::fwrite(xml.data(), 1, xml.size(), f) == xml.size());
        std::fclose(f);
    };
    rewrite(1, "encoding=\"UTF-8\"", "encoding=\"UTF-8\"", "caf\xe9");       // a Latin-1 byte in a UTF-8 file
    rewrite(2, "encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"", "caf\xe9");  // the same, declared as Latin-1
    for (int pass = 0; pass < 2; ++pass) {  // parsed, then from the cache
        const auto listed = repo->list();
        CHECK(!find_element(listed, chain_uuid(1, 0)));
        const ElementInfo* latin = find_element(listed, chain_uuid(2, 0));
        REQUIRE(latin);
        CHECK(latin->description == "caf\xc3\xa9");
    }
}
