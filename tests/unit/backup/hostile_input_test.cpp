// Hostile ids, uuids, names and metadata: always invalid_argument, not_found
// or an unlisted element — never a crash, never a file outside the repository.
#include "backup_test_util.h"
#include "backup_tree.h"
#include "catalog_cache.h"
#include "test_home.h"

#include <set>

using namespace prl::backup;
using namespace prl::backup::test;

namespace {

const char* kVm = "{40000000-2222-3333-4444-555555555555}";

std::vector<std::string> hostile_ids(const std::string& good) {
    std::vector<std::string> ids = {
        "",
        "../../etc",
        "../../../../../../etc/passwd",
        "/etc/passwd",
        "{not-a-uuid}",
        "{00000000-0000-0000-0000-00000000000g}",
        "00000000-0000-0000-0000-000000000000",  // no braces
        good + ".0",
        good + ".-1",
        good + ".01",
        good + ".99999999999",
        good + ".2/../../x",
        good + "/../..",
        good + ".",
        good + "..2",
        std::string(1 << 20, 'a'),
        std::string("{00000000-0000-0000-0000-000000000000}\0/../x", 44),
        "\xff\xfe\xfd",
        good.substr(0, 10) + "\xc0\xaf" + good.substr(12),
    };
    return ids;
}

std::set<std::string> snapshot_outside(const fs::path& tmp) {
    std::set<std::string> out;
    for (auto& e : fs::recursive_directory_iterator(tmp)) {
        const std::string rel = fs::relative(e.path(), tmp).string();
        if (rel.rfind("repo", 0) != 0) out.insert(rel + ":" + std::to_string(e.is_regular_file() ? e.file_size() : 0));
    }
    return out;
}

}  // namespace

TEST_CASE("hostile backup ids are rejected without touching anything", "[backup][hostile]") {
    prl::test::TempDir tmp;
    const fs::path img = tmp.path() / "disk.img";
    make_image(img, 1 << 20, 1);
    fs::create_directories(tmp.path() / "etc");
    pwrite_bytes(tmp.path() / "etc" / "passwd", 0, {'r', 'o', 'o', 't'});
    auto repo = Repository::open(tmp.path() / "repo");
    const std::string good = repo->create(vm_source(kVm, {{"hdd0", img}}), opts(Kind::full));
    const auto before = snapshot_outside(tmp.path());

    for (const std::string& id : hostile_ids(good)) {
        INFO(id.substr(0, 80));
        auto acceptable = [](Errc c) { return c == Errc::invalid_argument || c == Errc::not_found; };
        RestoreTarget t;
        t.disks["hdd0"] = tmp.path() / "restored.img";
        CHECK(acceptable(error_code_of([&] { repo->restore(id, t); })));
        CHECK(acceptable(error_code_of([&] { repo->remove(id, false); })));
        CHECK(acceptable(error_code_of([&] { repo->remove(id, true); })));
        CHECK(acceptable(error_code_of([&] { repo->remove_all(id); })));
        TreeFilter f;
        f.backup_id = id;
        if (!id.empty()) CHECK(error_code_of([&] { prl::backup::backup_tree_xml(repo->list(), f); }) == Errc::invalid_argument);
        Source s = vm_source(id, {{"hdd0", img}});
        CHECK(error_code_of([&] { repo->create(s, opts(Kind::full)); }) == Errc::invalid_argument);
    }
    CHECK(snapshot_outside(tmp.path()) == before);
    // The good backup is still there and intact.
    restore_disk(*repo, good, "hdd0", tmp.path() / "ok.img");
    CHECK(same_bytes(tmp.path() / "ok.img", img));
}

TEST_CASE("hostile names and texts are rejected", "[backup][hostile]") {
    prl::test::TempDir tmp;
    const fs::path img = tmp.path() / "disk.img";
    make_image(img, 64 * 1024, 1);
    auto repo = Repository::open(tmp.path() / "repo");
    auto attempt = [&](Source s, CreateOptions o) { return error_code_of([&] { repo->create(s, o); }); };
    CHECK(attempt(vm_source(kVm, {{"", img}}), opts(Kind::full)) == Errc::invalid_argument);
    CHECK(attempt(vm_source(kVm, {{"\xff", img}}), opts(Kind::full)) == Errc::invalid_argument);
    CHECK(attempt(vm_source(kVm, {{"a", img}, {"a", img}}), opts(Kind::full)) == Errc::invalid_argument);
    CHECK(attempt(vm_source(kVm, {{"a", tmp.path() / "missing.img"}}), opts(Kind::full)) == Errc::invalid_argument);
    CHECK(attempt(vm_source(kVm, {{"a", tmp.path()}}), opts(Kind::full)) == Errc::invalid_argument);
    CHECK(attempt(vm_source(kVm, {}), opts(Kind::full)) == Errc::invalid_argument);
    CHECK(attempt(vm_source(kVm, {{"a", img}}), opts(Kind::full, std::string("bad\x01", 4))) == Errc::invalid_argument);
    CHECK(attempt(vm_source(kVm, {{"a", img}}), opts(Kind::full, std::string(100000, 'x'))) == Errc::invalid_argument);
    Source ct;
    ct.vm_uuid = kVm;
    ct.type = VmType::ct;
    ct.ct_root = tmp.path() / "nope";
    CHECK(attempt(ct, opts(Kind::full)) == Errc::invalid_argument);
    CHECK(repo->list().empty());
    // Odd but valid names are fine: disk names never become paths.
    const std::string id = repo->create(vm_source(kVm, {{"../../x y/ü", img}}), opts(Kind::full, "ü <&>"));
    restore_disk(*repo, id, "../../x y/ü", tmp.path() / "out.img");
    CHECK(same_bytes(tmp.path() / "out.img", img));
}

TEST_CASE("hostile metadata files are ignored, never followed", "[backup][hostile]") {
    prl::test::TempDir tmp;
    const fs::path img = tmp.path() / "disk.img";
    make_image(img, 64 * 1024, 1);
    auto repo = Repository::open(tmp.path() / "repo");
    const std::string id = repo->create(vm_source(kVm, {{"hdd0", img}}), opts(Kind::full));
    fs::path chain_dir;
    for (auto& e : fs::recursive_directory_iterator(tmp.path() / "repo" / "vms"))
        if (e.path().extension() == ".xml") chain_dir = e.path().parent_path();
    REQUIRE(!chain_dir.empty());
    const std::string original = [&] {
        auto b = read_file(chain_dir / "00000001.xml");
        return std::string(b.begin(), b.end());
    }();
    auto write = [&](const std::string& name, const std::string& text) {
        fs::remove(chain_dir / name);
        pwrite_bytes(chain_dir / name, 0, std::vector<uint8_t>(text.begin(), text.end()));
    };
    // External entity, entity expansion bomb, a map path escaping the repository, a huge file.
    write("00000002.xml", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><BackupElement>&e;</BackupElement>");
    write("00000003.xml", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                          "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><BackupElement>&c;</BackupElement>");
    std::string escaping = original;
    const size_t map_at = escaping.find("<Map>");
    REQUIRE(map_at != std::string::npos);
    escaping.replace(map_at + 5, escaping.find("</Map>") - map_at - 5, "../../../../etc/passwd");
    const size_t num_at = escaping.find("<Number>1</Number>");
    REQUIRE(num_at != std::string::npos);
    escaping.replace(num_at, 18, "<Number>4</Number>");
    escaping.replace(escaping.find("<Parent>0</Parent>"), 18, "<Parent>1</Parent>");
    write("00000004.xml", escaping);
    write("00000005.xml", std::string(2 << 20, ' '));
    const auto list = repo->list();
    REQUIRE(list.size() == 1);
    CHECK(list[0].chains[0].partials.empty());
    CHECK(error_code_of([&] { restore_disk(*repo, id + ".4", "hdd0", tmp.path() / "x.img"); }) == Errc::not_found);
    restore_disk(*repo, id, "hdd0", tmp.path() / "ok.img");
    CHECK(same_bytes(tmp.path() / "ok.img", img));
}

TEST_CASE("the listing cache is checked, and forged entries are ignored", "[backup][hostile][cache]") {
    prl::test::TempDir tmp;
    const fs::path img = tmp.path() / "disk.img";
    make_image(img, 64 * 1024, 1);
    auto repo = Repository::open(tmp.path() / "repo");
    const std::string id = repo->create(vm_source(kVm, {{"hdd0", img}}), opts(Kind::full, "real"));
    const auto first = repo->list();
    fs::path vm_dir;
    for (auto& e : fs::recursive_directory_iterator(tmp.path() / "repo" / "vms"))
        if (e.path().filename() == prl::backup::kCatalogCacheName) vm_dir = e.path().parent_path();
    REQUIRE(!vm_dir.empty());
    REQUIRE(vm_dir.parent_path().filename() == "vms");
    auto only_entry = [](prl::backup::CatalogCache& c) -> prl::backup::CachedElement& {
        REQUIRE(c.size() == 1);
        REQUIRE(c.begin()->second.size() == 1);
        return c.begin()->second.begin()->second;
    };

    // Flipped byte: checksum fails, the metadata is parsed again.
    const fs::path cache = vm_dir / prl::backup::kCatalogCacheName;
    auto bytes = read_file(cache);
    pwrite_bytes(cache, 20, {static_cast<uint8_t>(bytes[20] ^ 1)});
    auto list = repo->list();
    REQUIRE(find_element(list, id));
    CHECK(find_element(list, id)->description == "real");

    // A well-formed cache whose entry points outside the chain directory.
    auto entries = prl::backup::test::read_catalog_cache(vm_dir);
    only_entry(entries).meta.disks[0].map_file = "../../../../etc/passwd";
    only_entry(entries).meta.description = "forged";
    prl::backup::test::write_catalog_cache(vm_dir, entries);
    list = repo->list();
    REQUIRE(find_element(list, id));
    CHECK(find_element(list, id)->description == "real");
    restore_disk(*repo, id, "hdd0", tmp.path() / "out.img");
    CHECK(same_bytes(tmp.path() / "out.img", img));

    // A stale entry (same file replaced) is not used.
    entries = prl::backup::test::read_catalog_cache(vm_dir);
    only_entry(entries).meta.description = "stale";
    only_entry(entries).print.ino ^= 1;
    prl::backup::test::write_catalog_cache(vm_dir, entries);
    list = repo->list();
    CHECK(find_element(list, id)->description == "real");
}
