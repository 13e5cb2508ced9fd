// kill -9 at random points (crash_harness.h) and write failures, on a
// directory: after reopening, every listed element restores bit for bit and
// the leftovers of unfinished operations are gone.
#include "crash_harness.h"
#include "test_home.h"

#include <csignal>
#include <map>
#include <sys/resource.h>
#include <sys/wait.h>

using namespace prl::backup;
using namespace prl::backup::test;

namespace {

const char* kVm = "{c1a5b000-2222-3333-4444-555555555555}";
constexpr uint64_t kSize = 2 << 20;

// Leftover configuration files of unfinished elements are gone: none without its metadata.
void check_config_files(const fs::path& repo_dir) {
    size_t configs = 0, metas = 0;
    for (const std::string& f : files_under(repo_dir)) {
        if (f.size() > 7 && f.compare(f.size() - 7, 7, ".config") == 0) ++configs;
        if (f.size() > 4 && f.compare(f.size() - 4, 4, ".xml") == 0) ++metas;
    }
    CHECK(configs <= metas);
}

}  // namespace

TEST_CASE("kill -9 at 50 random points leaves every listed element restorable", "[backup][crash]") {
    prl::test::TempDir tmp;
    const fs::path repo_dir = tmp.path() / "repo";
    CrashHarness h;
    h.open = [&] { return Repository::open(repo_dir); };
    h.work = tmp.path();
    h.check_leftovers = [&] {
        for (const std::string& f : files_under(repo_dir)) {
            CHECK(f.find(".tmp") == std::string::npos);
            CHECK(f.rfind("store/txn/", 0) != 0);
        }
        check_config_files(repo_dir);
    };
    kill_at_random_points(h);
}

TEST_CASE("write failures at random points (file size limit) leave the repository consistent", "[backup][crash]") {
    // RLIMIT_FSIZE makes writes past a size fail (EFBIG), standing in for a full disk.
    prl::test::TempDir tmp;
    const fs::path img = tmp.path() / "disk.img", repo_dir = tmp.path() / "repo";
    fs::create_directories(tmp.path() / "states");
    make_image(img, kSize, 43);
    const Source src = vm_source(kVm, {{"hdd0", img}});
    std::map<std::string, fs::path> state_of;
    std::mt19937_64 rng(777);
    int failed = 0, succeeded = 0;
    for (int i = 0; i < 16; ++i) {
        INFO("iteration " << i);
        change_blocks(img, kSize, 64, rng());
        const std::string desc = "w" + std::to_string(i);
        const fs::path state = tmp.path() / "states" / (desc + ".img");
        fs::copy_file(img, state, fs::copy_options::overwrite_existing);
        state_of[desc] = state;
        const Kind kind = i % 3 == 0 ? Kind::full : Kind::incremental;
        // The first makes a base; then limits around the size of what each writes.
        const rlim_t limit = i == 0 ? RLIM_INFINITY : 1024 + rng() % (kind == Kind::full ? (2 << 20) : (400 << 10));
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::signal(SIGXFSZ, SIG_IGN);
            const rlimit rl{limit, limit};
            ::setrlimit(RLIMIT_FSIZE, &rl);
            try {
                Repository::open(repo_dir)->create(with_config(src, desc), opts(kind, desc));
            } catch (const Error& e) {
                ::_exit(e.code() == Errc::io_error || e.code() == Errc::no_space ? 1 : 2);
            } catch (...) {
                ::_exit(3);
            }
            ::_exit(0);
        }
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
        REQUIRE(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) <= 1);
        (WEXITSTATUS(status) == 0 ? succeeded : failed)++;

        auto repo = Repository::open(repo_dir);
        for (const std::string& f : files_under(repo_dir)) CHECK(f.find(".tmp") == std::string::npos);
        const auto list = repo->list();
        for (const ElementInfo* e : all_elements(list)) {
            INFO(e->id << " " << e->description);
            if (e->description == desc) CHECK(WEXITSTATUS(status) == 0);
            const fs::path out = tmp.path() / "check.img";
            fs::remove(out);
            restore_disk(*repo, e->id, "hdd0", out);
            CHECK(same_bytes(out, state_of[e->description]));
            CHECK(repo->read_config(e->id) == with_config(src, e->description).config);
        }
        check_config_files(repo_dir);
    }
    CHECK(failed > 2);
    CHECK(succeeded > 2);
}
