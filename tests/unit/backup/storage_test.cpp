// backup::Storage's rules against the local directory backend.
#include "backup/directory_storage.h"
#include "storage_contract.h"
#include "test_home.h"

#include <filesystem>

using namespace prl::test::storage_contract;
using prl::backup::DirectoryStorage;

namespace {

struct DirectoryFixture {
    prl::test::TempDir dir;
    OpenStorage open = [this] { return std::make_unique<DirectoryStorage>(dir.path()); };
};

size_t files_under(const std::filesystem::path& root) {
    size_t n = 0;
    for (auto& e : std::filesystem::recursive_directory_iterator(root))
        if (e.is_regular_file()) ++n;
    return n;
}

}  // namespace

TEST_CASE_METHOD(DirectoryFixture, "directory storage: objects and directories", "[storage]") {
    objects_and_directories(*open());
}

TEST_CASE_METHOD(DirectoryFixture, "directory storage: a replaced object has a new version", "[storage]") {
    replacing_changes_the_version(*open());
}

TEST_CASE_METHOD(DirectoryFixture, "directory storage: an uncommitted object is invisible and leaves no file", "[storage]") {
    uncommitted_is_invisible(*open());
    CHECK(files_under(dir.path()) == 1);  // the pack; no temp file
}

TEST_CASE_METHOD(DirectoryFixture, "directory storage: an exclusive commit has one winner", "[storage]") {
    exclusive_commit_has_one_winner(open);
    CHECK(files_under(dir.path()) == 6);
}

TEST_CASE_METHOD(DirectoryFixture, "directory storage: locks", "[storage]") { locks_exclude(*open()); }

TEST_CASE_METHOD(DirectoryFixture, "directory storage: hostile names touch nothing", "[storage]") {
    hostile_names_are_refused(*open());
    CHECK(files_under(dir.path()) == 0);
}

TEST_CASE_METHOD(DirectoryFixture, "directory storage: a killed writer leaves nothing visible", "[storage]") {
    a_killed_writer_leaves_nothing(open);
}

TEST_CASE_METHOD(DirectoryFixture, "directory storage: ranged writes from threads", "[storage]") { ranged_writes_from_threads(*open()); }

TEST_CASE_METHOD(DirectoryFixture, "directory storage: a writer never replaces", "[storage]") { a_writer_never_replaces(*open()); }
