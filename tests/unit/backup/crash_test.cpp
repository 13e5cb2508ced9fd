// kill -9 at random points of create, remove and restore (seeded): after
// reopening, every listed element restores bit for bit and the leftovers of
// unfinished operations are gone.
#include "backup_test_util.h"
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

template <class F> void run_and_kill(F&& op, unsigned delay_us) {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        try {
            op();
        } catch (...) {
        }
        ::_exit(0);
    }
    ::usleep(delay_us);
    ::kill(pid, SIGKILL);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
}

// Each element keeps a configuration naming its state (tens of KiB, so kills land inside its write too).
Source with_config(Source src, const std::string& desc) {
    src.config = "<config of='" + desc + "'>" + std::string(40000, 'c') + "</config>";
    return src;
}

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
    const fs::path img = tmp.path() / "disk.img", repo_dir = tmp.path() / "repo";
    fs::create_directories(tmp.path() / "states");
    make_image(img, kSize, 41);
    const Source src = vm_source(kVm, {{"hdd0", img}});
    std::map<std::string, fs::path> state_of;  // description -> disk state
    auto save_state = [&](const std::string& desc) {
        const fs::path p = tmp.path() / "states" / (desc + ".img");
        fs::copy_file(img, p, fs::copy_options::overwrite_existing);
        state_of[desc] = p;
    };
    {
        auto repo = Repository::open(repo_dir);
        save_state("s0");
        repo->create(with_config(src, "s0"), opts(Kind::full, "s0"));
    }

    std::mt19937_64 rng(20240501);
    int kinds_run[3] = {0, 0, 0};
    for (int i = 1; i <= 50; ++i) {
        INFO("iteration " << i);
        auto repo = Repository::open(repo_dir);  // cleans up after the previous kill
        if (repo->list().empty()) {  // keep something to remove and restore
            const std::string desc = "base" + std::to_string(i);
            save_state(desc);
            repo->create(with_config(src, desc), opts(Kind::full, desc));
        }
        const auto list = repo->list();
        const auto elements = all_elements(list);
        std::vector<std::string> ids;
        for (const ElementInfo* e : elements) ids.push_back(e->id);
        int op = static_cast<int>(rng() % 5);  // 0-2 create, 3 remove, 4 restore
        if (ids.size() > 6) op = 3;
        const unsigned delay = static_cast<unsigned>(rng() % 30000);
        if (op <= 2) {
            ++kinds_run[0];
            change_blocks(img, kSize, 20, rng());
            const std::string desc = "s" + std::to_string(i);
            save_state(desc);
            const Kind kind = op == 0 ? Kind::full : op == 1 ? Kind::incremental : Kind::differential;
            run_and_kill([&] { Repository::open(repo_dir)->create(with_config(src, desc), opts(kind, desc)); }, delay);
        } else if (op == 3) {
            ++kinds_run[1];
            const std::string victim = ids[rng() % ids.size()];
            const bool keep = rng() & 1;
            run_and_kill([&] { Repository::open(repo_dir)->remove(victim, keep); }, delay);
        } else {
            ++kinds_run[2];
            const std::string id = ids[rng() % ids.size()];
            run_and_kill([&] { restore_disk(*Repository::open(repo_dir), id, "hdd0", tmp.path() / "target.img"); }, delay);
        }

        auto reopened = Repository::open(repo_dir);
        for (const std::string& f : files_under(repo_dir)) {
            CHECK(f.find(".tmp") == std::string::npos);
            CHECK(f.rfind("store/txn/", 0) != 0);
        }
        const auto relist = reopened->list();
        for (const ElementInfo* e : all_elements(relist)) {
            INFO(e->id << " " << e->description);
            REQUIRE(state_of.count(e->description));
            const fs::path out = tmp.path() / "check.img";
            fs::remove(out);
            restore_disk(*reopened, e->id, "hdd0", out);
            CHECK(same_bytes(out, state_of[e->description]));
            CHECK(reopened->read_config(e->id) == with_config(src, e->description).config);
        }
        check_config_files(repo_dir);
    }
    CHECK(kinds_run[0] > 10);
    CHECK(kinds_run[1] > 3);
    CHECK(kinds_run[2] > 3);
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
