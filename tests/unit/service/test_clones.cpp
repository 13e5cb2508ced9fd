// The service part of clones and moves (lib/service/clones.h,
// Inventory::move_bundle): configuration of a clone, bytes, registration,
// crash leftovers, and a move within and across filesystems.
#include "clones.h"
#include "external_backup.h"
#include "store/file_ops.h"
#include "store/registry.h"
#include "store/uuid_text.h"
#include "store_test_util.h"
#include "test_home.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace prl::service;
namespace fs = std::filesystem;

namespace {

VmConfig vm(const std::string& name) {
    VmConfig c = make_default_config(2314);  // a disk, a CD-ROM, a network adapter, USB
    c.name = name;
    c.hard_disks[0].size_mib = 8;
    return c;
}

struct Fixture {
    prl::test::TestHome home;
    Inventory inv{StateRoot::open()};
    VmEntry src;
    std::string bytes;
    Fixture() {
        VmConfig c = vm("src");
        for (auto& d : c.devices)
            if (d.kind == DeviceKind::network_adapter) d.mac = "001C42000001";
        src = inv.create(c);
        const std::string image = (src.bundle / "harddisk.hdd").string();
        bytes = slurp(image);
        bytes.replace(4096, 5, "hello");
        bytes.replace(bytes.size() - 5, 5, "world");
        spit(image, bytes);
        spit((src.bundle / "serial.txt").string(), "device output");
    }
    CloneRequest request(const std::string& name) {
        CloneRequest r;
        r.source_uuid = src.uuid;
        r.name = name;
        return r;
    }
};

}  // namespace

TEST_CASE_METHOD(Fixture, "clone_config: identity, template mark, MACs, relative paths") {
    VmRecord rec = inv.get_config(src.uuid);
    rec.config.extra.set_text_at("Identification/LinkedVmUuid", "{00000000-0000-0000-0000-000000000001}");
    std::set<std::string> macs{"001C42000001"};
    CloneRequest r = request("t");
    r.to_template = true;
    VmConfig t = clone_config(rec, r, macs);
    CHECK(t.name == "t");
    CHECK(t.uuid.empty());
    CHECK(is_template(t));
    CHECK_FALSE(t.extra.find("Identification/LinkedVmUuid"));
    CHECK(t.hard_disks[0].image_path == "harddisk.hdd");
    for (const auto& d : t.devices)
        if (d.kind == DeviceKind::network_adapter) {
            CHECK(d.mac != "001C42000001");
            CHECK(d.mac.substr(0, 6) == "001C42");
            CHECK(macs.count(d.mac) == 1);
        }
    // A clone of the template is a normal VM again.
    VmRecord trec = rec;
    trec.config = t;
    trec.config.hard_disks[0].image_path = (src.bundle / "harddisk.hdd").string();
    CHECK_FALSE(is_template(clone_config(trec, request("n"), macs)));
}

TEST_CASE_METHOD(Fixture, "clone_config: a container's venet0 keeps no MAC and its interface name") {
    VmRecord rec = inv.get_config(src.uuid);
    rec.config.type = VmType::ct;
    rec.config.devices = {venet_adapter()};
    std::set<std::string> macs;
    const VmConfig c = clone_config(rec, request("ct"), macs);
    REQUIRE(c.devices.size() == 1);
    CHECK(is_venet(c.devices[0]));
    CHECK(c.devices[0].mac.empty());
    CHECK(c.devices[0].extra.text_at("HostInterfaceName") == std::optional<std::string>("venet0"));
    CHECK(macs.empty());
    // And config.pvs keeps its index, which no other device may have.
    const VmConfig back = from_config_pvs(to_config_pvs(c));
    REQUIRE(back.devices.size() == 1);
    CHECK(is_venet(back.devices[0]));
}

TEST_CASE_METHOD(Fixture, "clone_vm: a registered copy with the same bytes, built aside") {
    // The source's external-backup history is its own: a clone starts without.
    fs::create_directories(src.bundle / kExternalBackupDir / "committed");
    spit((src.bundle / kExternalBackupDir / "committed" / "x.cbt").string(), "record");
    CloneRequest r = request("c1");
    r.uuid = "{12345678-1234-1234-1234-123456789abc}";
    const VmEntry c = clone_vm(inv, r);
    CHECK(c.uuid == r.uuid);
    CHECK(c.bundle == home.path() / "vms" / "c1.pvm");
    CHECK(slurp((c.bundle / "harddisk.hdd").string()) == bytes);
    CHECK(slurp((c.bundle / "serial.txt").string()) == "device output");
    CHECK_FALSE(fs::exists(c.bundle / kExternalBackupDir));
    CHECK(inv.find_by_name("c1"));
    const VmRecord rec = inv.get_config(c.uuid);
    CHECK(rec.config.hard_disks[0].image_path == (c.bundle / "harddisk.hdd").string());
    // No staging directory is left, nothing else appeared.
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(home.path() / "vms")) names.insert(e.path().filename().string());
    CHECK(names == std::set<std::string>{"src.pvm", "c1.pvm"});
    // Refusals leave nothing.
    REQUIRE_ERRC(clone_vm(inv, request("c1")), Errc::name_taken);
    REQUIRE_ERRC(clone_vm(inv, request("../x")), Errc::invalid_argument);
    CloneRequest far = request("far");
    far.parent = "/nonexistent/dir";
    REQUIRE_ERRC(clone_vm(inv, far), Errc::invalid_argument);
    names.clear();
    for (const auto& e : fs::directory_iterator(home.path() / "vms")) names.insert(e.path().filename().string());
    CHECK(names == std::set<std::string>{"src.pvm", "c1.pvm"});
}

TEST_CASE_METHOD(Fixture, "clone_vm: a dead cloner's staging directory is swept by the next clone") {
    const fs::path dir = home.path() / "vms";
    // A process that died: its pid is gone once reaped.
    const pid_t dead = ::fork();
    if (dead == 0) ::_exit(0);
    ::waitpid(dead, nullptr, 0);
    const fs::path left = dir / ("other.pvm.partial-" + std::to_string(dead));
    fs::create_directories(left / "sub");
    const fs::path alive = dir / ("busy.pvm.partial-" + std::to_string(::getpid()));
    fs::create_directories(alive);
    clone_vm(inv, request("next"));
    CHECK_FALSE(fs::exists(left));
    CHECK(fs::exists(alive));  // a live process's work is left alone
}

TEST_CASE_METHOD(Fixture, "move_bundle: within a filesystem, and across to /dev/shm") {
    prl::test::TempDir dst;
    const VmEntry moved = inv.move_bundle(src.uuid, (dst.path() / "a" / "b").string());
    CHECK(moved.bundle == dst.path() / "a" / "b" / "src.pvm");
    CHECK(moved.revision == src.revision + 1);
    CHECK_FALSE(fs::exists(src.bundle));
    CHECK(slurp((moved.bundle / "harddisk.hdd").string()) == bytes);
    CHECK(inv.get_config(src.uuid).config.hard_disks[0].image_path == (moved.bundle / "harddisk.hdd").string());
    REQUIRE_ERRC(inv.move_bundle(src.uuid, (dst.path() / "a" / "b").string()), Errc::dir_exists);
    REQUIRE_ERRC(inv.move_bundle(src.uuid, (moved.bundle / "in").string()), Errc::invalid_argument);
    CHECK_FALSE(fs::exists(moved.bundle / "in"));
    REQUIRE_ERRC(inv.move_bundle(src.uuid, "relative"), Errc::invalid_argument);

    struct stat a {}, b {};
    if (::stat("/dev/shm", &b) != 0 || ::stat(dst.path().c_str(), &a) != 0 || a.st_dev == b.st_dev) return;
    char tmpl[] = "/dev/shm/prlshim-move-XXXXXX";
    REQUIRE(::mkdtemp(tmpl));
    const fs::path shm = tmpl;
    const VmEntry across = inv.move_bundle(src.uuid, shm.string());
    CHECK(across.bundle == shm / "src.pvm");
    CHECK_FALSE(fs::exists(moved.bundle));
    CHECK(slurp((across.bundle / "harddisk.hdd").string()) == bytes);
    CHECK(slurp((across.bundle / "serial.txt").string()) == "device output");
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(shm)) names.insert(e.path().filename().string());
    CHECK(names == std::set<std::string>{"src.pvm"});
    inv.move_bundle(src.uuid, (home.path() / "vms").string());
    CHECK(slurp((src.bundle / "harddisk.hdd").string()) == bytes);
    fs::remove_all(shm);
}

TEST_CASE_METHOD(Fixture, "a move a dead process left half done resolves to where the bundle is") {
    const fs::path file = home.path() / "inventory.xml";
    const fs::path elsewhere = home.path() / "elsewhere";
    fs::create_directories(elsewhere);
    // Killed after recording the move, before the rename: the old place holds.
    {
        Registry reg = load_registry(file);
        VmEntry* e = reg.find_uuid(src.uuid);
        e->moving_from = e->bundle;
        e->bundle = elsewhere / "src.pvm";
        save_registry(file, reg);
    }
    CHECK(inv.get(src.uuid).bundle == src.bundle);
    CHECK(slurp((inv.get_config(src.uuid).config.hard_disks[0].image_path)) == bytes);
    // Killed after the rename, before the record was cleared: the new place holds.
    {
        Registry reg = load_registry(file);
        VmEntry* e = reg.find_uuid(src.uuid);
        e->moving_from = e->bundle;
        e->bundle = elsewhere / "src.pvm";
        save_registry(file, reg);
        fs::rename(src.bundle, elsewhere / "src.pvm");
    }
    CHECK(inv.get(src.uuid).bundle == elsewhere / "src.pvm");
    CHECK(slurp((inv.get_config(src.uuid).config.hard_disks[0].image_path)) == bytes);
    // The next write records the resolved place.
    inv.set_power_state(src.uuid, VmState::stopped);
    CHECK(slurp(file.string()).find("MovingFrom") == std::string::npos);
}
