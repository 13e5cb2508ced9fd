// backup::Storage's rules against a RADOS pool of a throwaway Ceph cluster
// (tests/support/ceph_cluster.sh; run by tests/unit/backup/rados_tests.sh,
// which skips when the machine cannot run one). Each test case works in a
// namespace of its own.
#include "rados_storage.h"
#include "storage_contract.h"

#include "backup/platform_io.h"

#include <cstdlib>

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
    for (const char* bad : {"rados:", "rados:/ns", "rados:p/", "rados:p/a/b", "rados:p q", "rados:p\n"})
        CHECK_THROWS_AS(prl::backup::parse_rados_uri(bad, t), prl::backup::Error);
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
