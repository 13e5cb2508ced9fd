// The VM configuration kept with each element (docs/backup-format.md,
// "Configuration"): stored and read back bit for bit, verified, absent for
// elements made without one, kept by the survivors of a keep_chain remove,
// removed with its element.
#include "backup_test_util.h"
#include "test_home.h"

#include <algorithm>

using namespace prl::backup;
using namespace prl::backup::test;

namespace {

const char* kVm = "{c0f00000-2222-3333-4444-555555555555}";
constexpr uint64_t kSize = 1 << 20;

std::string config_text(int n) {
    // Not only ASCII: the engine keeps bytes, not parsed XML.
    std::string s = "<?xml version=\"1.0\"?>\n<VirtuozzoVirtualMachine><Cpu>" + std::to_string(n) +
                    "</Cpu><Description>caf\xc3\xa9 \x01 \xff</Description>";
    s += std::string(static_cast<size_t>(5000 + n * 37), 'x');
    return s + "</VirtuozzoVirtualMachine>\n";
}

std::vector<fs::path> config_files(const fs::path& repo) {
    std::vector<fs::path> out;
    for (auto& e : fs::recursive_directory_iterator(repo))
        if (e.path().extension() == ".config") out.push_back(e.path());
    return out;
}

struct Fixture {
    prl::test::TempDir tmp;
    fs::path img = tmp.path() / "disk.img";
    std::unique_ptr<Repository> repo;
    Fixture() {
        make_image(img, kSize, 5);
        repo = Repository::open(tmp.path() / "repo");
    }
    std::string backup(Kind k, std::optional<std::string> config, int change_seed = 0) {
        if (change_seed) change_blocks(img, kSize, 8, static_cast<uint64_t>(change_seed));
        Source src = vm_source(kVm, {{"hdd0", img}});
        src.config = std::move(config);
        return repo->create(src, opts(k));
    }
};

}  // namespace

TEST_CASE("the configuration is kept per element and read back bit for bit", "[backup][config]") {
    Fixture f;
    const std::string a = f.backup(Kind::full, config_text(1));
    const std::string b = f.backup(Kind::incremental, config_text(2), 7);
    const std::string c = f.backup(Kind::differential, std::string(), 8);  // an empty one is still a configuration
    CHECK(f.repo->read_config(a) == config_text(1));
    CHECK(f.repo->read_config(b) == config_text(2));
    CHECK(f.repo->read_config(c) == std::string());
    const auto list = f.repo->list();
    for (const ElementInfo* e : all_elements(list)) CHECK(e->has_config);
    // A fresh Repository (no listing cache in memory; the on-disk cache is used).
    auto again = Repository::open(f.tmp.path() / "repo");
    CHECK(again->read_config(b) == config_text(2));
    // Without the listing cache (parsed from the metadata).
    for (auto& e : fs::recursive_directory_iterator(f.tmp.path() / "repo"))
        if (e.path().filename() == "catalog.cache") fs::remove(e.path());
    CHECK(again->read_config(a) == config_text(1));
    // Each element has its own file, named as the engine names data files.
    const auto files = config_files(f.tmp.path() / "repo");
    CHECK(files.size() == 3);
    for (const auto& p : files) CHECK(p.filename().string().find("..") == std::string::npos);
}

TEST_CASE("elements made without a configuration list and restore as before", "[backup][config]") {
    Fixture f;
    const std::string a = f.backup(Kind::full, std::nullopt);
    const std::string b = f.backup(Kind::incremental, config_text(3), 9);
    CHECK_FALSE(f.repo->read_config(a).has_value());
    CHECK(f.repo->read_config(b) == config_text(3));
    const auto list = f.repo->list();
    CHECK_FALSE(find_element(list, a)->has_config);
    CHECK(find_element(list, b)->has_config);
    const fs::path out = f.tmp.path() / "out.img";
    restore_disk(*f.repo, b, "hdd0", out);
    CHECK(read_file(out) == read_file(f.img));
    // The metadata of an element without one has no <Config> at all (the format of older repositories).
    for (auto& e : fs::recursive_directory_iterator(f.tmp.path() / "repo")) {
        if (e.path().filename() != "00000001.xml") continue;
        const auto bytes = read_file(e.path());
        CHECK(std::string(bytes.begin(), bytes.end()).find("<Config>") == std::string::npos);
    }
    CHECK(error_code_of([&] { f.repo->read_config("{c0f00000-2222-3333-4444-000000000000}"); }) == Errc::not_found);
    CHECK(error_code_of([&] { f.repo->read_config("../x"); }) == Errc::invalid_argument);
}

TEST_CASE("a damaged or missing configuration file is reported, the disks still restore", "[backup][config]") {
    Fixture f;
    const std::string a = f.backup(Kind::full, config_text(4));
    const auto files = config_files(f.tmp.path() / "repo");
    REQUIRE(files.size() == 1);
    SECTION("a flipped byte") {
        std::vector<uint8_t> bytes = read_file(files[0]);
        bytes[100] ^= 1;
        pwrite_bytes(files[0], 0, bytes);
    }
    SECTION("truncated") { truncate_file(files[0], 10); }
    SECTION("grown") { pwrite_bytes(files[0], fs::file_size(files[0]), {'x'}); }
    SECTION("missing") { fs::remove(files[0]); }
    CHECK(error_code_of([&] { f.repo->read_config(a); }) == Errc::corrupted);
    const fs::path out = f.tmp.path() / "out.img";
    restore_disk(*f.repo, a, "hdd0", out);
    CHECK(read_file(out) == read_file(f.img));
}

TEST_CASE("a configuration larger than the bound is refused with a clear error", "[backup][config]") {
    Fixture f;
    std::string big(static_cast<size_t>(kMaxConfigBytes) + 1, 'x');
    try {
        f.backup(Kind::full, big);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::invalid_argument);
        CHECK(std::string(e.what()).find("configuration") != std::string::npos);
    }
    CHECK(f.repo->list().empty());
    CHECK(config_files(f.tmp.path() / "repo").empty());
    big.pop_back();  // exactly the bound is fine
    const std::string a = f.backup(Kind::full, big);
    CHECK(f.repo->read_config(a) == big);
}

TEST_CASE("remove takes the configuration along, keep_chain survivors keep their own", "[backup][config][remove]") {
    Fixture f;
    const std::string a = f.backup(Kind::full, config_text(10));
    const std::string b = f.backup(Kind::incremental, config_text(11), 21);
    const std::string c = f.backup(Kind::incremental, config_text(12), 22);
    const std::string d = f.backup(Kind::differential, config_text(13), 23);

    f.repo->remove(b, true);  // c is folded onto a
    CHECK(f.repo->read_config(a) == config_text(10));
    CHECK(f.repo->read_config(c) == config_text(12));
    CHECK(f.repo->read_config(d) == config_text(13));
    CHECK(config_files(f.tmp.path() / "repo").size() == 3);

    f.repo->remove(a, true);  // the full goes: c becomes the full, d a delta against it
    CHECK(error_code_of([&] { f.repo->read_config(a); }) == Errc::not_found);
    CHECK(f.repo->read_config(c) == config_text(12));
    CHECK(f.repo->read_config(d) == config_text(13));
    CHECK(config_files(f.tmp.path() / "repo").size() == 2);

    f.repo->remove(c, false);
    CHECK(config_files(f.tmp.path() / "repo").empty());
}

TEST_CASE("a container element keeps its configuration too", "[backup][config][ct]") {
    prl::test::TempDir tmp;
    const fs::path root = tmp.path() / "ct";
    fs::create_directories(root / "etc");
    pwrite_bytes(root / "etc" / "hostname", 0, {'c', 't', '\n'});
    auto repo = Repository::open(tmp.path() / "repo");
    Source src;
    src.vm_uuid = kVm;
    src.vm_name = "ct";
    src.type = VmType::ct;
    src.ct_root = root;
    src.config = config_text(20);
    const std::string a = repo->create(src, opts(Kind::full));
    src.config = config_text(21);
    const std::string b = repo->create(src, opts(Kind::incremental));
    CHECK(repo->read_config(a) == config_text(20));
    CHECK(repo->read_config(b) == config_text(21));
    repo->remove(a, true);
    CHECK(repo->read_config(b) == config_text(21));
}

TEST_CASE("metadata naming a configuration outside the chain hides the element", "[backup][config][hostile]") {
    Fixture f;
    const std::string a = f.backup(Kind::full, config_text(30));
    fs::path meta;
    for (auto& e : fs::recursive_directory_iterator(f.tmp.path() / "repo"))
        if (e.path().filename() == "00000001.xml") meta = e.path();
    REQUIRE(!meta.empty());
    const auto bytes = read_file(meta);
    const std::string xml(bytes.begin(), bytes.end());
    const auto from = xml.find("<File>") + 6, to = xml.find("</File>");
    REQUIRE(to > from);
    for (const std::string bad : {"../../../etc/passwd", ".hidden.config", "/etc/passwd", "a/b.config", "UPPER.config"}) {
        INFO(bad);
        const std::string forged = xml.substr(0, from) + bad + xml.substr(to);
        fs::remove(meta);
        pwrite_bytes(meta, 0, std::vector<uint8_t>(forged.begin(), forged.end()));
        CHECK(f.repo->list().empty());
        CHECK(error_code_of([&] { f.repo->read_config(a); }) == Errc::not_found);
    }
    // A size past the bound is refused the same way.
    const auto s_from = xml.find("<Size>", xml.find("<Config>")) + 6, s_to = xml.find("</Size>", s_from);
    const std::string forged = xml.substr(0, s_from) + std::to_string(kMaxConfigBytes + 1) + xml.substr(s_to);
    fs::remove(meta);
    pwrite_bytes(meta, 0, std::vector<uint8_t>(forged.begin(), forged.end()));
    CHECK(f.repo->list().empty());
}
