// Several processes on one state root: no lost or corrupted entries.
#include "store/inventory.h"
#include "store_test_util.h"
#include "test_home.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <set>

using namespace prl::service;

namespace {

constexpr int per_process = 25;

// Child body: creates VMs and checks after each that the registry still
// holds every VM this process created. Returns the exit status.
int create_and_list(const std::filesystem::path& root, int who) {
    try {
        Inventory inv{StateRoot(root)};
        std::set<std::string> mine;
        for (int j = 0; j < per_process; ++j) {
            VmConfig c = make_default_config(2314);
            c.name = "p" + std::to_string(who) + "-vm" + std::to_string(j);
            c.hard_disks[0].size_mib = 1;
            mine.insert(inv.create(c).uuid);
            std::size_t seen = 0;
            for (const auto& e : inv.list())
                if (mine.count(e.uuid)) ++seen;
            if (seen != mine.size()) return 2;
        }
        return 0;
    } catch (const std::exception&) {
        return 1;
    }
}

// Child body: flips one VM's power state while the others create.
int flip_power(const std::filesystem::path& root, const std::string& uuid) {
    try {
        Inventory inv{StateRoot(root)};
        for (int j = 0; j < per_process; ++j) {
            inv.set_power_state(uuid, j % 2 ? VmState::stopped : VmState::running);
            (void)inv.get_config(uuid);
        }
        inv.set_power_state(uuid, VmState::paused);
        return 0;
    } catch (const std::exception&) {
        return 1;
    }
}

pid_t spawn(const std::function<int()>& body) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) ::_exit(body());
    return pid;
}

int wait_status(pid_t pid) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    return WEXITSTATUS(status);
}

}  // namespace

TEST_CASE("processes: concurrent creates and lists lose nothing") {
    prl::test::TestHome home;
    Inventory inv{StateRoot::open()};
    VmConfig seed = make_default_config(2314, false);
    seed.name = "seed";
    const std::string seed_uuid = inv.create(seed).uuid;
    const auto before = load_registry(inv.root().inventory_file()).generation;

    pid_t a = spawn([&] { return create_and_list(home.path(), 1); });
    pid_t b = spawn([&] { return create_and_list(home.path(), 2); });
    pid_t c = spawn([&] { return flip_power(home.path(), seed_uuid); });
    CHECK(wait_status(a) == 0);
    CHECK(wait_status(b) == 0);
    CHECK(wait_status(c) == 0);

    auto all = inv.list(VmType::vm);
    REQUIRE(all.size() == 2 * per_process + 1);
    std::set<std::string> uuids, names;
    for (const auto& e : all) {
        uuids.insert(e.uuid);
        names.insert(e.name);
        CHECK(std::filesystem::is_regular_file(e.bundle / "config.pvs"));
    }
    CHECK(uuids.size() == all.size());
    CHECK(names.size() == all.size());
    for (int who : {1, 2})
        for (int j = 0; j < per_process; ++j)
            CHECK(names.count("p" + std::to_string(who) + "-vm" + std::to_string(j)) == 1);
    CHECK(inv.power_state(seed_uuid) == VmState::paused);
    // Every write landed: one registry generation per change, none overwritten.
    CHECK(load_registry(inv.root().inventory_file()).generation == before + 2 * per_process + per_process + 1);
}

TEST_CASE("processes: two processes racing for one name: exactly one wins") {
    prl::test::TestHome home;
    auto race = [&]() -> int {
        try {
            Inventory inv{StateRoot(home.path())};
            VmConfig c = make_default_config(2314, false);
            c.name = "contested";
            inv.create(c);
            return 0;
        } catch (const Error& e) {
            if (e.code() == Errc::name_taken || e.code() == Errc::dir_exists) return 3;
            std::fprintf(stderr, "race: %s\n", e.what());
            return 1;
        } catch (...) {
            return 1;
        }
    };
    for (int round = 0; round < 5; ++round) {
        Inventory inv{StateRoot::open()};
        pid_t a = spawn(race);
        pid_t b = spawn(race);
        int ra = wait_status(a), rb = wait_status(b);
        CHECK(std::set<int>{ra, rb} == std::set<int>{0, 3});
        REQUIRE(inv.list().size() == 1);
        inv.remove(inv.list()[0].uuid);
    }
}
