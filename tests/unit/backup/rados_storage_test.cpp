// backup::Storage's rules against a RADOS pool of a throwaway Ceph cluster
// (tests/support/ceph_cluster.sh; run by tests/support/with_ceph.sh,
// which skips when the machine cannot run one). Each test case works in a
// namespace of its own.
#include "rados_storage.h"
#include "crash_harness.h"
#include "storage_contract.h"
#include "test_home.h"

#include "backup/layout.h"
#include "backup/platform_io.h"

#include <rados/librados.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

using namespace prl::test::storage_contract;
using prl::backup::RadosTarget;

namespace {

struct RadosFixture {
    RadosTarget target;
    OpenStorage open = [this] { return prl::backup::connect_rados_storage(target); };
    RadosFixture() {
        const char* conf = std::getenv("PRLSHIM_TEST_CEPH_CONF");
        const char* pool = std::getenv("PRLSHIM_TEST_CEPH_POOL");
        REQUIRE(conf);
        REQUIRE(pool);
        target.conf_file = conf;
        target.pool = pool;
        target.name_space = "t" + prl::backup::random_hex(8);
    }
};

}  // namespace

TEST_CASE("rados uri", "[rados]") {
    RadosTarget t;
    CHECK_FALSE(prl::backup::parse_rados_uri("/var/lib/backups", t));
    REQUIRE(prl::backup::parse_rados_uri("rados:backups", t));
    CHECK(t.pool == "backups");
    CHECK(t.name_space.empty());
    REQUIRE(prl::backup::parse_rados_uri("rados:backups/site1", t));
    CHECK(t.pool == "backups");
    CHECK(t.name_space == "site1");
    CHECK(t.client_id.empty());
    REQUIRE(prl::backup::parse_rados_uri("rados:backup-node.1@backups/site1", t));
    CHECK(t.client_id == "backup-node.1");
    CHECK(t.pool == "backups");
    CHECK(t.name_space == "site1");
    for (const char* bad : {"rados:", "rados:/ns", "rados:p/", "rados:p/a/b", "rados:p q", "rados:p\n", "rados:@p",
                            "rados:a b@p", "rados:u@", "rados:u@@p"})
        CHECK_THROWS_AS(prl::backup::parse_rados_uri(bad, t), prl::backup::Error);
}

TEST_CASE_METHOD(RadosFixture, "rados: a cephx user with rights on the pool alone keeps a repository there; a "
                                "user without a key is refused",
                 "[rados]") {
    const char* user = std::getenv("PRLSHIM_TEST_CEPH_USER");
    REQUIRE(user);
    target.client_id = user;
    objects_and_directories(*open());
    target.client_id = "nobody";
    try {
        open();
        FAIL("connected as a user the cluster does not know");
    } catch (const prl::backup::Error& e) {
        CHECK(e.code() == prl::backup::Errc::io_error);
    }
}

TEST_CASE("rados: an unknown pool is not_found", "[rados]") {
    RadosTarget t;
    t.conf_file = std::getenv("PRLSHIM_TEST_CEPH_CONF");
    t.pool = "no-such-pool";
    try {
        prl::backup::connect_rados_storage(t);
        FAIL("connected to a pool that does not exist");
    } catch (const prl::backup::Error& e) {
        CHECK(e.code() == prl::backup::Errc::not_found);
    }
}

TEST_CASE_METHOD(RadosFixture, "rados storage: objects and directories", "[rados]") { objects_and_directories(*open()); }

TEST_CASE_METHOD(RadosFixture, "rados storage: a replaced object has a new version", "[rados]") {
    replacing_changes_the_version(*open());
}

TEST_CASE_METHOD(RadosFixture, "rados storage: an uncommitted object is invisible", "[rados]") {
    uncommitted_is_invisible(*open());
}

TEST_CASE_METHOD(RadosFixture, "rados storage: an exclusive commit has one winner", "[rados]") {
    exclusive_commit_has_one_winner(open);
}

TEST_CASE_METHOD(RadosFixture, "rados storage: locks", "[rados]") { locks_exclude(*open()); }

TEST_CASE_METHOD(RadosFixture, "rados storage: hostile names", "[rados]") { hostile_names_are_refused(*open()); }

TEST_CASE_METHOD(RadosFixture, "rados storage: a killed writer leaves nothing visible", "[rados]") {
    a_killed_writer_leaves_nothing(open);
}

TEST_CASE_METHOD(RadosFixture, "rados storage: ranged writes from threads", "[rados]") { ranged_writes_from_threads(*open()); }

TEST_CASE_METHOD(RadosFixture, "rados storage: a writer never replaces", "[rados]") { a_writer_never_replaces(*open()); }

namespace {

using namespace prl::backup;
using namespace prl::backup::test;

// librados by hand, as client.admin, in the fixture's pool and namespace:
// what an operator's `rados` command sees.
struct AdminConnection {
    rados_t cluster = nullptr;
    rados_ioctx_t io = nullptr;
    explicit AdminConnection(const RadosTarget& t) {
        REQUIRE(rados_create(&cluster, nullptr) == 0);
        REQUIRE(rados_conf_read_file(cluster, t.conf_file.c_str()) == 0);
        REQUIRE(rados_connect(cluster) == 0);
        REQUIRE(rados_ioctx_create(cluster, t.pool.c_str(), &io) == 0);
        rados_ioctx_set_namespace(io, t.name_space.c_str());
    }
    ~AdminConnection() {
        if (io) rados_ioctx_destroy(io);
        rados_shutdown(cluster);
    }
    AdminConnection(const AdminConnection&) = delete;
    AdminConnection& operator=(const AdminConnection&) = delete;
};

// Every object of the fixture's namespace: a directory index, a committed
// object (it has its generation), or a lock ("lock" names, and markers
// under store/txn that are committed objects too). Anything else is what an
// unfinished write left.
std::vector<std::string> unfinished_objects(const RadosTarget& t) {
    const AdminConnection admin(t);
    rados_ioctx_t io = admin.io;
    std::vector<std::string> names;
    rados_list_ctx_t ctx = nullptr;
    REQUIRE(rados_nobjects_list_open(io, &ctx) == 0);
    const char* entry = nullptr;
    while (rados_nobjects_list_next(ctx, &entry, nullptr, nullptr) == 0) names.emplace_back(entry);
    rados_nobjects_list_close(ctx);
    std::vector<std::string> out;
    for (const std::string& n : names) {
        if (n.rfind("dir:", 0) == 0) continue;
        if (n.size() >= 4 && n.compare(n.size() - 4, 4, "lock") == 0) continue;
        char value[64];
        if (rados_getxattr(io, n.c_str(), "prlshim.gen", value, sizeof value) == 16) continue;
        out.push_back(n);
    }
    return out;
}

// Breaks every prlshim lock on `oid`, as `rados lock break` by hand, or a
// holder's lease lapsing and another taking it, would.
void break_locks(const RadosTarget& t, const std::string& oid) {
    const AdminConnection admin(t);
    rados_ioctx_t io = admin.io;
    int exclusive = 0;
    std::vector<char> tag(256), clients(4096), cookies(4096), addrs(4096);
    size_t tag_len = tag.size(), clients_len = clients.size(), cookies_len = cookies.size(), addrs_len = addrs.size();
    const ssize_t n = rados_list_lockers(io, oid.c_str(), "prlshim", &exclusive, tag.data(), &tag_len, clients.data(),
                                         &clients_len, cookies.data(), &cookies_len, addrs.data(), &addrs_len);
    REQUIRE(n >= 1);
    const char* client = clients.data();
    const char* cookie = cookies.data();
    for (ssize_t i = 0; i < n; ++i) {
        CHECK(rados_break_lock(io, oid.c_str(), "prlshim", client, cookie) == 0);
        client += std::strlen(client) + 1;
        cookie += std::strlen(cookie) + 1;
    }
}

}  // namespace

TEST_CASE_METHOD(RadosFixture, "rados storage: a lock another broke is known lost, and a backup under it commits nothing",
                 "[rados]") {
    target.lock_lease = std::chrono::seconds(3);
    std::shared_ptr<Storage> storage = open();
    {
        auto lock = storage->lock("locks/held", LockMode::exclusive, false);
        REQUIRE(lock);
        CHECK_NOTHROW(lock->check());
        std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // renewed meanwhile: still held
        CHECK_NOTHROW(lock->check());
        break_locks(target, "locks/held");
        try {
            lock->check();
            FAIL("a broken lock passed its check");
        } catch (const Error& e) {
            CHECK(e.code() == Errc::locked);
        }
    }

    // The VM's lock is broken while its backup runs: the backup is refused
    // at its commit, nothing is listed, and the next backup completes.
    prl::test::TempDir tmp;
    const fs::path a = tmp.path() / "a.img";
    make_image(a, 6 << 20, 3);
    auto repo = Repository::open(storage);
    const char* vm = "{cccc0000-2222-3333-4444-555555555555}";
    const std::string vm_lock = Layout{storage}.vm_lock(vm);
    bool broken = false;
    Progress progress;
    progress.on_percent = [&](unsigned percent) {
        if (percent >= 1 && !broken) {
            broken = true;
            break_locks(target, vm_lock);
        }
    };
    try {
        repo->create(vm_source(vm, {{"hdd0", a}}), opts(Kind::full, "under a broken lock"), progress);
        FAIL("a backup committed under a broken lock");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::locked);
    }
    REQUIRE(broken);
    CHECK(repo->list().empty());
    const std::string id = repo->create(vm_source(vm, {{"hdd0", a}}), opts(Kind::full, "again"));
    restore_disk(*repo, id, "hdd0", tmp.path() / "out.img");
    CHECK(same_bytes(tmp.path() / "out.img", a));
}

TEST_CASE_METHOD(RadosFixture, "rados repository: full, incremental, differential, restore, remove", "[rados]") {
    prl::test::TempDir tmp;
    const fs::path a = tmp.path() / "a.img", b = tmp.path() / "b.img";
    make_image(a, 6 << 20, 1);
    std::shared_ptr<Storage> storage = open();
    auto repo = Repository::open(storage);
    const char* vm = "{aaaa0000-2222-3333-4444-555555555555}";
    const char* other = "{bbbb0000-2222-3333-4444-555555555555}";
    Source src = vm_source(vm, {{"hdd0", a}});
    src.config = "<config/>";
    const std::string full = repo->create(src, opts(Kind::full, "full"));
    const fs::path s0 = tmp.path() / "s0.img";
    fs::copy_file(a, s0);
    change_blocks(a, 6 << 20, 40, 7);
    const std::string inc = repo->create(src, opts(Kind::incremental, "inc"));
    const fs::path s1 = tmp.path() / "s1.img";
    fs::copy_file(a, s1);
    change_blocks(a, 6 << 20, 40, 8);
    const std::string diff = repo->create(src, opts(Kind::differential, "diff"));
    // The same data from another VM is stored once.
    fs::copy_file(a, b);
    const std::string copy = repo->create(vm_source(other, {{"hdd0", b}}), opts(Kind::full, "copy"));

    auto list = repo->list();
    REQUIRE(list.size() == 2);
    const ElementInfo* c = find_element(list, copy);
    REQUIRE(c);
    CHECK(c->stored_size < (1 << 20));
    for (const auto& [id, state] : std::vector<std::pair<std::string, fs::path>>{{full, s0}, {inc, s1}, {diff, a}}) {
        INFO(id);
        restore_disk(*repo, id, "hdd0", tmp.path() / "out.img");
        CHECK(same_bytes(tmp.path() / "out.img", state));
        fs::remove(tmp.path() / "out.img");
    }
    CHECK(repo->read_config(full) == std::string("<config/>"));

    // A second connection sees the same, and a writer of the same VM is refused.
    auto again = Repository::open(open());
    CHECK(again->list().size() == 2);

    // Removing the full with keep_chain: the incremental becomes the full.
    repo->remove(full, true);
    list = repo->list();
    REQUIRE(find_element(list, inc));
    CHECK_FALSE(find_element(list, full));
    restore_disk(*repo, inc, "hdd0", tmp.path() / "out.img");
    CHECK(same_bytes(tmp.path() / "out.img", s1));
    fs::remove(tmp.path() / "out.img");
    repo->remove_all(other);
    repo->remove_all(vm);
    CHECK(repo->list().empty());
    // Garbage collection took every pack.
    CHECK(storage->list("store/packs").empty());
    CHECK(unfinished_objects(target).empty());
}

TEST_CASE_METHOD(RadosFixture, "rados repository: kill -9 at random points leaves every listed element restorable", "[rados]") {
    prl::test::TempDir tmp;
    CrashHarness h;
    h.open = [&] { return Repository::open(open()); };
    h.work = tmp.path();
    h.iterations = 24;
    h.max_delay_us = 400000;  // operations on the cluster take longer than on a disk
    h.check_leftovers = [&] {
        auto storage = open();
        CHECK(storage->list("store/txn").empty());
        CHECK(unfinished_objects(target).empty());
    };
    kill_at_random_points(h);
}
