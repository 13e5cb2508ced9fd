#include "store/inventory.h"
#include "store/uuid_text.h"
#include "store_test_util.h"
#include "test_home.h"

#include <sys/stat.h>

using namespace prl::service;
namespace fs = std::filesystem;

namespace {

VmConfig vm(const std::string& name, std::uint64_t disk_mib = 64) {
    VmConfig c = make_default_config(2314);
    c.name = name;
    c.hard_disks[0].size_mib = disk_mib;
    return c;
}

struct Fixture {
    prl::test::TestHome home;
    Inventory inv{StateRoot::open()};
};

}  // namespace

TEST_CASE_METHOD(Fixture, "inventory: create makes a bundle and config.pvs and a sparse image") {
    VmEntry e = inv.create(vm("alpha", 2048));
    CHECK(normalize_uuid(e.uuid) == e.uuid);
    CHECK(e.name == "alpha");
    CHECK(e.type == VmType::vm);
    CHECK(e.bundle == home.path() / "vms" / "alpha.pvm");
    CHECK(e.state == VmState::stopped);
    CHECK(e.revision == 1);
    CHECK(fs::is_regular_file(e.bundle / "config.pvs"));

    struct stat st {};
    REQUIRE(::stat((e.bundle / "harddisk.hdd").c_str(), &st) == 0);
    CHECK(st.st_size == 2048LL * 1024 * 1024);
    CHECK(st.st_blocks == 0);  // sparse: nothing allocated

    // config.pvs keeps the image path relative, as the product does.
    std::string xml = slurp((e.bundle / "config.pvs").string());
    CHECK(xml.find("<SystemName>harddisk.hdd</SystemName>") != std::string::npos);
    CHECK(xml.find("<VmHome>" + (e.bundle / "config.pvs").string() + "</VmHome>") != std::string::npos);
    CHECK(xml.find("<ServerUuid>" + inv.root().server_uuid() + "</ServerUuid>") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "inventory: several disks and nested and default image paths") {
    VmConfig c = vm("multi", 1);
    HardDisk second;
    second.index = 1;
    second.size_mib = 3;
    HardDisk third;
    third.index = 2;
    third.image_path = "disks/data/third.hdd";
    third.size_mib = 5;
    c.hard_disks.push_back(second);
    c.hard_disks.push_back(third);
    VmEntry e = inv.create(c);
    CHECK(fs::file_size(e.bundle / "harddisk.hdd") == 1u << 20);
    CHECK(fs::file_size(e.bundle / "harddisk1.hdd") == 3u << 20);
    CHECK(fs::file_size(e.bundle / "disks/data/third.hdd") == 5u << 20);
    VmRecord r = inv.get_config(e.uuid);
    REQUIRE(r.config.hard_disks.size() == 3);
    CHECK(r.config.hard_disks[2].image_path == (e.bundle / "disks/data/third.hdd").string());
}

TEST_CASE_METHOD(Fixture, "inventory: create keeps a given UUID and a caller's parent directory") {
    prl::test::TempDir elsewhere;
    VmConfig c = vm("placed");
    c.uuid = "{ABCDEF01-2345-6789-ABCD-EF0123456789}";
    VmEntry e = inv.create(c, elsewhere.path().string());
    CHECK(e.uuid == "{abcdef01-2345-6789-abcd-ef0123456789}");
    CHECK(e.bundle == fs::canonical(elsewhere.path()) / "placed.pvm");
    CHECK(inv.get_config("abcdef01-2345-6789-abcd-ef0123456789").config.name == "placed");
}

TEST_CASE_METHOD(Fixture, "inventory: a container gets a private area under cts/") {
    VmConfig c = make_default_config(2314, false);
    c.type = VmType::ct;
    c.name = "ct101";
    VmEntry e = inv.create(c);
    CHECK(e.type == VmType::ct);
    CHECK(e.bundle == home.path() / "cts" / "ct101");
    CHECK(fs::is_regular_file(e.bundle / "config.pvs"));
    CHECK(inv.get_config(e.uuid).config.type == VmType::ct);
}

TEST_CASE_METHOD(Fixture, "inventory: list filters by type - find by uuid and name and either") {
    VmEntry a = inv.create(vm("a"));
    VmEntry b = inv.create(vm("b"));
    VmConfig ct = make_default_config(2314, false);
    ct.type = VmType::ct;
    ct.name = "c";
    VmEntry c = inv.create(ct);
    CHECK(inv.list().size() == 3);
    CHECK(inv.list(VmType::vm).size() == 2);
    REQUIRE(inv.list(VmType::ct).size() == 1);
    CHECK(inv.list(VmType::ct)[0].uuid == c.uuid);
    CHECK(inv.find_by_uuid(b.uuid)->name == "b");
    CHECK(inv.find_by_name("a")->uuid == a.uuid);
    CHECK(inv.find("c")->uuid == c.uuid);
    CHECK(inv.find(a.uuid)->name == "a");
    CHECK_FALSE(inv.find_by_uuid(new_braced_uuid()));
    CHECK_FALSE(inv.find_by_name("zzz"));
    CHECK_FALSE(inv.find_by_uuid("garbage"));
    CHECK(inv.get(a.uuid).name == "a");
    REQUIRE_ERRC(inv.get(new_braced_uuid()), Errc::not_found);
    REQUIRE_ERRC(inv.get("garbage"), Errc::invalid_argument);
}

TEST_CASE_METHOD(Fixture, "inventory: duplicate name and uuid and existing directory are refused") {
    VmEntry a = inv.create(vm("dup"));
    REQUIRE_ERRC(inv.create(vm("dup")), Errc::name_taken);
    VmConfig same_uuid = vm("other");
    same_uuid.uuid = a.uuid;
    REQUIRE_ERRC(inv.create(same_uuid), Errc::uuid_taken);
    fs::create_directories(home.path() / "vms" / "squatter.pvm");
    REQUIRE_ERRC(inv.create(vm("squatter")), Errc::dir_exists);
    CHECK(fs::is_empty(home.path() / "vms" / "squatter.pvm"));  // left alone
    CHECK(inv.list().size() == 1);
}

TEST_CASE_METHOD(Fixture, "inventory: a failed create leaves nothing behind") {
    VmConfig c = vm("twice");
    HardDisk clash;
    clash.index = 1;
    clash.image_path = "harddisk.hdd";  // same image as disk 0
    c.hard_disks.push_back(clash);
    REQUIRE_ERRC(inv.create(c), Errc::invalid_argument);
    CHECK_FALSE(fs::exists(home.path() / "vms" / "twice.pvm"));
    CHECK(inv.list().empty());
}

TEST_CASE_METHOD(Fixture, "inventory: caller parent must be an existing absolute directory") {
    REQUIRE_ERRC(inv.create(vm("x"), "relative/dir"), Errc::invalid_argument);
    REQUIRE_ERRC(inv.create(vm("x"), (home.path() / "missing").string()), Errc::invalid_argument);
    CHECK_FALSE(fs::exists(home.path() / "missing"));
}

TEST_CASE_METHOD(Fixture, "inventory: unregister keeps files - register brings the bundle back") {
    VmEntry e = inv.create(vm("roundtrip"));
    inv.unregister(e.uuid);
    CHECK(inv.list().empty());
    CHECK(fs::exists(e.bundle / "harddisk.hdd"));
    REQUIRE_ERRC(inv.unregister(e.uuid), Errc::not_found);

    std::string before = slurp((e.bundle / "config.pvs").string());
    VmEntry back = inv.register_bundle(e.bundle.string());
    CHECK(back.uuid == e.uuid);
    CHECK(back.name == "roundtrip");
    CHECK(back.bundle == e.bundle);
    CHECK(slurp((e.bundle / "config.pvs").string()) == before);  // files untouched

    REQUIRE_ERRC(inv.register_bundle(e.bundle.string()), Errc::uuid_taken);
    REQUIRE_ERRC(inv.register_bundle(e.bundle.string(), RegisterOptions{"", true}), Errc::path_taken);
}

TEST_CASE_METHOD(Fixture, "inventory: register with a new or given UUID - via config.pvs path") {
    prl::test::TempDir elsewhere;
    VmEntry e = inv.create(vm("copyme"), elsewhere.path().string());
    inv.unregister(e.uuid);

    VmEntry fresh = inv.register_bundle(e.bundle.string(), RegisterOptions{"", true});
    CHECK(fresh.uuid != e.uuid);
    CHECK(inv.get_config(fresh.uuid).config.uuid == fresh.uuid);  // registry is authoritative
    inv.unregister(fresh.uuid);

    std::string wanted = "{11111111-2222-3333-4444-555555555555}";
    VmEntry given = inv.register_bundle((e.bundle / "config.pvs").string(), RegisterOptions{wanted, false});
    CHECK(given.uuid == wanted);
    CHECK(given.bundle == e.bundle);
    REQUIRE_ERRC(inv.register_bundle(e.bundle.string(), RegisterOptions{"bogus", false}), Errc::invalid_argument);
}

TEST_CASE_METHOD(Fixture, "inventory: register refuses non-bundles and corrupt configs") {
    prl::test::TempDir tmp;
    REQUIRE_ERRC(inv.register_bundle(tmp.path().string()), Errc::not_a_bundle);
    REQUIRE_ERRC(inv.register_bundle((tmp.path() / "nope").string()), Errc::not_a_bundle);
    spit((tmp.path() / "config.pvs").string(), "<broken");
    REQUIRE_ERRC(inv.register_bundle(tmp.path().string()), Errc::corrupt);
    CHECK(inv.list().empty());
}

TEST_CASE_METHOD(Fixture, "inventory: register names a nameless bundle after its directory") {
    prl::test::TempDir tmp;
    fs::create_directory(tmp.path() / "legacy.pvm");
    spit((tmp.path() / "legacy.pvm" / "config.pvs").string(),
         "<ParallelsVirtualMachine schemaVersion=\"1.0\"><Hardware/></ParallelsVirtualMachine>");
    VmEntry e = inv.register_bundle((tmp.path() / "legacy.pvm").string());
    CHECK(e.name == "legacy");
    CHECK(normalize_uuid(e.uuid) == e.uuid);
    REQUIRE_ERRC(inv.register_bundle((tmp.path() / "legacy.pvm").string(), RegisterOptions{"", true}),
                 Errc::path_taken);
}

TEST_CASE_METHOD(Fixture, "inventory: register refuses a name already in use") {
    prl::test::TempDir tmp;
    VmEntry e = inv.create(vm("clash"), tmp.path().string());
    inv.unregister(e.uuid);
    inv.create(vm("clash"));
    REQUIRE_ERRC(inv.register_bundle(e.bundle.string()), Errc::name_taken);
}

TEST_CASE_METHOD(Fixture, "inventory: delete removes the files") {
    VmEntry e = inv.create(vm("doomed"));
    inv.remove(e.uuid);
    CHECK_FALSE(fs::exists(e.bundle));
    CHECK(inv.list().empty());
    REQUIRE_ERRC(inv.remove(e.uuid), Errc::not_found);
    CHECK(fs::is_directory(home.path() / "vms"));
}

TEST_CASE_METHOD(Fixture, "inventory: a running VM can be neither unregistered nor deleted") {
    VmEntry e = inv.create(vm("busy"));
    inv.set_power_state(e.uuid, VmState::running);
    REQUIRE_ERRC(inv.unregister(e.uuid), Errc::not_stopped);
    REQUIRE_ERRC(inv.remove(e.uuid), Errc::not_stopped);
    inv.set_power_state(e.uuid, VmState::suspended);
    inv.remove(e.uuid);
    CHECK(inv.list().empty());
}

TEST_CASE_METHOD(Fixture, "inventory: update config bumps the revision - stale edits conflict") {
    VmEntry e = inv.create(vm("edit"));
    VmRecord r1 = inv.get_config(e.uuid);
    VmRecord r2 = inv.get_config(e.uuid);
    CHECK(r1.entry.revision == 1);

    r1.config.ram_mib = 8192;
    r1.config.description = "edited";
    VmEntry after = inv.update_config(e.uuid, r1.config, r1.entry.revision);
    CHECK(after.revision == 2);
    VmRecord now = inv.get_config(e.uuid);
    CHECK(now.config.ram_mib == 8192);
    CHECK(now.config.description == "edited");
    CHECK(now.entry.revision == 2);

    r2.config.cpu_count = 8;  // based on revision 1: someone else committed meanwhile
    REQUIRE_ERRC(inv.update_config(e.uuid, r2.config, r2.entry.revision), Errc::edit_conflict);
    CHECK(inv.get_config(e.uuid).config.cpu_count == now.config.cpu_count);
}

TEST_CASE_METHOD(Fixture, "inventory: update config renames and adds disks") {
    inv.create(vm("taken"));
    VmEntry e = inv.create(vm("before"));
    VmRecord r = inv.get_config(e.uuid);
    r.config.name = "taken";
    REQUIRE_ERRC(inv.update_config(e.uuid, r.config, r.entry.revision), Errc::name_taken);

    r.config.name = "after";
    HardDisk extra;
    extra.index = 1;
    extra.image_path = "extra.hdd";
    extra.size_mib = 7;
    r.config.hard_disks.push_back(extra);
    VmEntry u = inv.update_config(e.uuid, r.config, r.entry.revision);
    CHECK(u.name == "after");
    CHECK(inv.find_by_name("after")->uuid == e.uuid);
    CHECK_FALSE(inv.find_by_name("before"));
    CHECK(fs::file_size(e.bundle / "extra.hdd") == 7u << 20);
    CHECK(inv.get_config(e.uuid).config.hard_disks.size() == 2);
}

TEST_CASE_METHOD(Fixture, "inventory: update config refuses mismatched identity") {
    VmEntry e = inv.create(vm("ident"));
    VmRecord r = inv.get_config(e.uuid);
    r.config.uuid = new_braced_uuid();
    REQUIRE_ERRC(inv.update_config(e.uuid, r.config, r.entry.revision), Errc::invalid_argument);
    r = inv.get_config(e.uuid);
    r.config.type = VmType::ct;
    REQUIRE_ERRC(inv.update_config(e.uuid, r.config, r.entry.revision), Errc::invalid_argument);
    REQUIRE_ERRC(inv.update_config(new_braced_uuid(), vm("x"), 1), Errc::not_found);
}

TEST_CASE_METHOD(Fixture, "inventory: power state is persisted - compare-and-set") {
    VmEntry e = inv.create(vm("power"));
    CHECK(inv.power_state(e.uuid) == VmState::stopped);
    inv.set_power_state(e.uuid, VmState::starting);
    CHECK(Inventory(StateRoot::open()).power_state(e.uuid) == VmState::starting);  // another instance sees it
    CHECK(inv.compare_and_set_power_state(e.uuid, VmState::starting, VmState::running));
    CHECK_FALSE(inv.compare_and_set_power_state(e.uuid, VmState::starting, VmState::running));
    CHECK(inv.power_state(e.uuid) == VmState::running);
    REQUIRE_ERRC(inv.set_power_state(e.uuid, static_cast<VmState>(7)), Errc::invalid_argument);
    REQUIRE_ERRC(inv.set_power_state(new_braced_uuid(), VmState::running), Errc::not_found);
    CHECK(inv.get_config(e.uuid).entry.revision == 1);  // power changes are not config edits
}

TEST_CASE_METHOD(Fixture, "inventory: registry file is valid and holds what we wrote") {
    VmEntry e = inv.create(vm("persisted"));
    Registry reg = load_registry(inv.root().inventory_file());
    REQUIRE(reg.entries.size() == 1);
    CHECK(reg.entries[0].uuid == e.uuid);
    CHECK(reg.entries[0].bundle == e.bundle);
    CHECK(reg.generation >= 1);
    CHECK_FALSE(reg.entries[0].modified.empty());
    struct stat st {};
    REQUIRE(::stat(inv.root().inventory_file().c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
}
