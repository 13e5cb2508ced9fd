// Hostile names and paths must be refused without touching anything outside
// the state root or the directory the caller named.
#include "store/inventory.h"
#include "store/uuid_text.h"
#include "store_test_util.h"
#include "test_home.h"

#include <set>

using namespace prl::service;
namespace fs = std::filesystem;

namespace {

// outer/ holds the state root and a directory the caller may name; any
// other entry appearing in outer/ means something escaped.
struct Sandbox {
    prl::test::TempDir outer;
    fs::path root_dir = outer.path() / "root";
    fs::path named = outer.path() / "named";
    Inventory inv{StateRoot(root_dir)};

    Sandbox() { fs::create_directory(named); }

    std::set<std::string> everything() const {
        std::set<std::string> out;
        for (auto& e : fs::recursive_directory_iterator(outer.path()))
            out.insert(e.path().lexically_relative(outer.path()).string());
        return out;
    }
};

VmConfig vm(const std::string& name) {
    VmConfig c = make_default_config(2314);
    c.name = name;
    c.hard_disks[0].size_mib = 1;
    return c;
}

const std::string mib_long(1u << 20, 'n');

}  // namespace

TEST_CASE("hostile: bad names are refused and create nothing") {
    Sandbox s;
    auto before = s.everything();
    for (const std::string& name :
         {std::string(), std::string("."), std::string(".."), std::string("../escape"), std::string("a/b"),
          std::string("/abs"), std::string("nul\0byte", 8), std::string("bad\xff\xfe"), std::string("over\xc0\xaflong"),
          std::string("new\nline"), std::string(".hidden"), std::string("tab\tname"), mib_long,
          std::string(201, 'x')}) {
        INFO(name.substr(0, 40));
        REQUIRE_ERRC(s.inv.create(vm(name)), Errc::invalid_argument);
        REQUIRE_ERRC(s.inv.create(vm(name), s.named.string()), Errc::invalid_argument);
    }
    auto after = s.everything();
    after.erase("root/vms");  // the default folder may now exist, empty
    CHECK(after == before);
    CHECK(s.inv.list().empty());
}

TEST_CASE("hostile: names may be any valid UTF-8 without slashes or controls") {
    Sandbox s;
    for (const std::string& name : {std::string("résumé VM"), std::string("名前"), std::string("a..b"),
                                    std::string("x&<>\"'"), std::string(200, 'y')}) {
        VmEntry e = s.inv.create(vm(name), s.named.string());
        CHECK(e.bundle.parent_path() == fs::canonical(s.named));
        CHECK(s.inv.find_by_name(name)->uuid == e.uuid);
    }
}

TEST_CASE("hostile: bad parent paths are refused") {
    Sandbox s;
    auto before = s.everything();
    for (const std::string& parent :
         {std::string("relative"), std::string("../.."), (s.named / std::string("x\0/../../etc", 12)).string(),
          std::string("/") + mib_long, s.named.string() + "/\xff\xfe", (s.outer.path() / "absent").string()}) {
        INFO(parent.substr(0, 60));
        REQUIRE_ERRC(s.inv.create(vm("ok"), parent), Errc::invalid_argument);
    }
    CHECK(s.everything() == before);
}

TEST_CASE("hostile: a parent path with .. stays where the caller pointed") {
    Sandbox s;
    VmEntry e = s.inv.create(vm("dots"), (s.named / ".." / "named").string());
    CHECK(e.bundle == fs::canonical(s.named) / "dots.pvm");
}

TEST_CASE("hostile: disk image paths cannot leave the bundle") {
    Sandbox s;
    auto before = s.everything();
    for (const std::string& image :
         {std::string("../escape.hdd"), std::string("a/../../escape.hdd"), (s.outer.path() / "abs.hdd").string(),
          std::string("/etc/evil.hdd"), std::string("."), std::string("sub/"), std::string("config.pvs"),
          std::string("bad\xff.hdd"), std::string("nul\0.hdd", 8), std::string("x\n.hdd")}) {
        INFO(image);
        VmConfig c = vm("img");
        c.hard_disks[0].image_path = image;
        REQUIRE_ERRC(s.inv.create(c, s.named.string()), Errc::invalid_argument);
    }
    auto after = s.everything();
    CHECK(after == before);
}

TEST_CASE("hostile: a symlink planted in a bundle does not redirect new images") {
    Sandbox s;
    VmEntry e = s.inv.create(vm("planted"), s.named.string());
    fs::create_directory(s.outer.path() / "target");
    fs::create_directory_symlink(s.outer.path() / "target", e.bundle / "disks");
    VmRecord r = s.inv.get_config(e.uuid);
    HardDisk d;
    d.index = 1;
    d.image_path = "disks/new.hdd";
    d.size_mib = 1;
    r.config.hard_disks.push_back(d);
    REQUIRE_ERRC(s.inv.update_config(e.uuid, r.config, r.entry.revision), Errc::invalid_argument);
    CHECK(fs::is_empty(s.outer.path() / "target"));
    CHECK(s.inv.get(e.uuid).revision == 1);
}

TEST_CASE("hostile: an image path that already exists as a symlink is not followed") {
    Sandbox s;
    VmEntry e = s.inv.create(vm("linked"), s.named.string());
    spit((s.outer.path() / "victim").string(), "precious");
    fs::create_symlink(s.outer.path() / "victim", e.bundle / "extra.hdd");
    VmRecord r = s.inv.get_config(e.uuid);
    HardDisk d;
    d.index = 1;
    d.image_path = "extra.hdd";
    d.size_mib = 1;
    r.config.hard_disks.push_back(d);
    s.inv.update_config(e.uuid, r.config, r.entry.revision);  // an existing image is left as it is
    CHECK(slurp((s.outer.path() / "victim").string()) == "precious");
}

TEST_CASE("hostile: delete does not follow symlinks out of the bundle") {
    Sandbox s;
    VmEntry e = s.inv.create(vm("doomed"), s.named.string());
    fs::create_directory(s.outer.path() / "keep");
    spit((s.outer.path() / "keep" / "file").string(), "keep me");
    fs::create_directory_symlink(s.outer.path() / "keep", e.bundle / "link");
    s.inv.remove(e.uuid);
    CHECK_FALSE(fs::exists(e.bundle));
    CHECK(slurp((s.outer.path() / "keep" / "file").string()) == "keep me");
}

TEST_CASE("hostile: the state root registered as a bundle is never deleted") {
    Sandbox s;
    VmConfig c = vm("root-itself");
    c.uuid = new_braced_uuid();
    save_config_pvs(s.root_dir / "config.pvs", c);
    VmEntry e = s.inv.register_bundle(s.root_dir.string());
    REQUIRE_ERRC(s.inv.remove(e.uuid), Errc::invalid_argument);
    CHECK(fs::exists(s.root_dir / "inventory.xml"));
    CHECK(s.inv.find_by_uuid(e.uuid));
}

TEST_CASE("hostile: lookups with junk keys fail cleanly") {
    Sandbox s;
    CHECK_FALSE(s.inv.find(mib_long));
    CHECK_FALSE(s.inv.find(std::string("a\0b", 3)));
    CHECK_FALSE(s.inv.find("../../etc/passwd"));
    REQUIRE_ERRC(s.inv.get_config("../../etc/passwd"), Errc::invalid_argument);
    REQUIRE_ERRC(s.inv.unregister(mib_long), Errc::invalid_argument);
    REQUIRE_ERRC(s.inv.register_bundle(mib_long), Errc::invalid_argument);
    REQUIRE_ERRC(s.inv.register_bundle(std::string("/tmp\0/etc", 9)), Errc::invalid_argument);
    REQUIRE_ERRC(s.inv.register_bundle("relative/bundle"), Errc::invalid_argument);
}
