#include "store/state_root.h"
#include "store/uuid_text.h"
#include "store_test_util.h"
#include "test_home.h"

#include <sys/stat.h>

#include <cstdlib>
#include <optional>

using namespace prl::service;

namespace {

// Sets or clears an environment variable for one scope.
class EnvVar {
public:
    EnvVar(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value) setenv(name, value, 1);
        else unsetenv(name);
    }
    ~EnvVar() {
        if (old_) setenv(name_, old_->c_str(), 1);
        else unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

mode_t mode_of(const std::filesystem::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("state root: PRLSHIM_HOME wins over XDG_DATA_HOME and HOME") {
    prl::test::TestHome home;
    EnvVar xdg("XDG_DATA_HOME", "/xdg");
    CHECK(StateRoot::resolve_path() == home.path());
}

TEST_CASE("state root: XDG_DATA_HOME and then HOME - relative XDG ignored") {
    EnvVar prl("PRLSHIM_HOME", nullptr);
    EnvVar h("HOME", "/home/someone");
    {
        EnvVar xdg("XDG_DATA_HOME", "/data/xdg");
        CHECK(StateRoot::resolve_path() == "/data/xdg/prlshim");
    }
    {
        EnvVar xdg("XDG_DATA_HOME", "relative/dir");
        CHECK(StateRoot::resolve_path() == "/home/someone/.local/share/prlshim");
    }
    {
        EnvVar xdg("XDG_DATA_HOME", "");
        CHECK(StateRoot::resolve_path() == "/home/someone/.local/share/prlshim");
    }
}

TEST_CASE("state root: no variables at all is an invalid_argument") {
    EnvVar prl("PRLSHIM_HOME", nullptr);
    EnvVar xdg("XDG_DATA_HOME", nullptr);
    EnvVar h("HOME", nullptr);
    REQUIRE_ERRC(StateRoot::resolve_path(), Errc::invalid_argument);
}

TEST_CASE("state root: created with mode 0700 and parents included") {
    prl::test::TempDir tmp;
    auto dir = tmp.path() / "a" / "b" / "prlshim";
    StateRoot root(dir);
    CHECK(root.path() == dir);
    CHECK(std::filesystem::is_directory(dir));
    CHECK(mode_of(dir) == 0700);
    CHECK(root.default_vm_dir().parent_path() == dir);
}

TEST_CASE("state root: open() uses PRLSHIM_HOME") {
    prl::test::TestHome home;
    StateRoot root = StateRoot::open();
    CHECK(root.path() == home.path());
}

TEST_CASE("state root: server UUID is braced and persistent and shared") {
    prl::test::TestHome home;
    StateRoot a(home.path());
    REQUIRE(normalize_uuid(a.server_uuid()) == a.server_uuid());
    CHECK(a.server_uuid().front() == '{');
    StateRoot b(home.path());
    CHECK(b.server_uuid() == a.server_uuid());
    CHECK(slurp(a.server_uuid_file().string()) == a.server_uuid() + "\n");
}

TEST_CASE("state root: a corrupt server UUID file is reported and not replaced") {
    prl::test::TestHome home;
    spit((home.path() / "server-uuid").string(), "not a uuid\n");
    REQUIRE_ERRC(StateRoot(home.path()), Errc::corrupt);
    CHECK(slurp((home.path() / "server-uuid").string()) == "not a uuid\n");
}

TEST_CASE("state root: root path that is a file is an io_error") {
    prl::test::TempDir tmp;
    spit((tmp.path() / "file").string(), "x");
    REQUIRE_ERRC(StateRoot(tmp.path() / "file"), Errc::io_error);
}
