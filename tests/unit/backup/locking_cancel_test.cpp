// Concurrency and cancellation: one writer per VM, listing during a backup
// shows committed elements only, and a cancel leaves nothing behind.
#include "backup_test_util.h"
#include "test_home.h"

#include <chrono>
#include <thread>

using namespace prl::backup;
using namespace prl::backup::test;

namespace {
const char* kVm = "{10c00000-2222-3333-4444-555555555555}";
const char* kOther = "{20c00000-2222-3333-4444-555555555555}";

// Files of an operation in progress that must not survive it.
std::vector<std::string> leftovers(const fs::path& repo) {
    std::vector<std::string> out;
    for (const std::string& f : files_under(repo))
        if (f.find(".tmp") != std::string::npos || f.rfind("store/txn/", 0) == 0 || f.find(".prl-restore-") != std::string::npos)
            out.push_back(f);
    return out;
}
}  // namespace

TEST_CASE("a second writer on the same VM gets locked, readers and other VMs proceed", "[backup][lock]") {
    prl::test::TempDir tmp;
    const fs::path img = tmp.path() / "disk.img";
    make_image(img, 8 << 20, 21);
    auto repo = Repository::open(tmp.path() / "repo");
    auto repo2 = Repository::open(tmp.path() / "repo");  // as another process would
    const Source src = vm_source(kVm, {{"hdd0", img}});
    const std::string full = repo->create(src, opts(Kind::full));
    bool checked = false;
    Progress p;
    p.on_percent = [&](unsigned pct) {
        if (pct < 50 || checked) return;
        checked = true;
        CHECK(error_code_of([&] { repo2->create(src, opts(Kind::incremental)); }) == Errc::locked);
        CHECK(error_code_of([&] { repo->create(src, opts(Kind::full)); }) == Errc::locked);
        CHECK(error_code_of([&] { repo2->remove(full, false); }) == Errc::locked);
        CHECK(error_code_of([&] { repo2->remove_all(kVm); }) == Errc::locked);
        // Listing sees only the committed full.
        const auto list = repo2->list();
        REQUIRE(list.size() == 1);
        CHECK(list[0].chains[0].partials.empty());
        // Restore of a committed element works meanwhile.
        restore_disk(*repo2, full, "hdd0", tmp.path() / "during.img");
        // Another VM is not blocked.
        repo2->create(vm_source(kOther, {{"hdd0", img}}), opts(Kind::full));
    };
    change_blocks(img, 8 << 20, 10, 1);
    const std::string inc = repo->create(src, opts(Kind::incremental), p);
    CHECK(checked);
    CHECK(repo->list().size() == 2);
    const auto list = repo->list();
    CHECK(find_element(list, inc));
}

TEST_CASE("cancel stops a backup quickly and leaves nothing behind", "[backup][cancel]") {
    prl::test::TempDir tmp;
    const fs::path img = tmp.path() / "disk.img";
    make_image(img, 64 << 20, 22);
    auto repo = Repository::open(tmp.path() / "repo");
    const Source src = vm_source(kVm, {{"hdd0", img}});
    const std::string full = repo->create(src, opts(Kind::full));
    repo->list();  // writes the listing cache
    const auto files_before = files_under(tmp.path() / "repo");

    for (unsigned at : {0u, 1u, 30u, 99u}) {
        INFO(at);
        std::atomic<bool> cancel{false};
        Progress p;
        p.cancel = &cancel;
        p.on_percent = [&](unsigned pct) {
            CHECK(pct < 100);
            if (pct >= at) cancel = true;
        };
        change_blocks(img, 64 << 20, 100, at);
        CHECK(error_code_of([&] { repo->create(src, opts(at % 2 ? Kind::full : Kind::incremental), p); }) == Errc::cancelled);
        CHECK(leftovers(tmp.path() / "repo").empty());
        CHECK(files_under(tmp.path() / "repo") == files_before);
        const auto list = repo->list();
        REQUIRE(list.size() == 1);
        CHECK(list[0].chains.size() == 1);
        CHECK(list[0].chains[0].partials.empty());
    }

    // From another thread: the backup ends within a second of the flag.
    std::atomic<bool> cancel{false};
    Progress p;
    p.cancel = &cancel;
    std::chrono::steady_clock::time_point raised;
    std::thread t([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        raised = std::chrono::steady_clock::now();
        cancel = true;
    });
    Errc code = Errc::io_error;
    try {
        repo->create(src, opts(Kind::full), p);
    } catch (const Error& e) {
        code = e.code();
    }
    const auto ended = std::chrono::steady_clock::now();
    t.join();
    if (code == Errc::cancelled) CHECK(ended - raised < std::chrono::seconds(1));

    // Restore cancelled: the target stays as it was.
    pwrite_bytes(tmp.path() / "target.img", 0, {'k', 'e', 'e', 'p'});
    std::atomic<bool> stop{true};
    Progress ps;
    ps.cancel = &stop;
    RestoreTarget rt;
    rt.disks["hdd0"] = tmp.path() / "target.img";
    CHECK(error_code_of([&] { repo->restore(full, rt, ps); }) == Errc::cancelled);
    CHECK(read_file(tmp.path() / "target.img") == std::vector<uint8_t>{'k', 'e', 'e', 'p'});
    CHECK(leftovers(tmp.path()).empty());
}

TEST_CASE("one Repository shared by threads backing up different VMs", "[backup][lock][threads]") {
    // Catch assertions are not thread-safe: threads only call the engine and
    // record outcomes; everything is checked after they are joined.
    prl::test::TempDir tmp;
    auto repo = Repository::open(tmp.path() / "repo");
    constexpr int kThreads = 4;
    struct Job {
        Source full_src, inc_src;
        std::string full_id, inc_id;
        std::exception_ptr error;
    };
    std::vector<Job> jobs(kThreads);
    for (int t = 0; t < kThreads; ++t) {
        char uuid[64];
        std::snprintf(uuid, sizeof uuid, "{%08x-2222-3333-4444-555555555555}", 0x7000 + t);
        const fs::path a = tmp.path() / ("full" + std::to_string(t) + ".img");
        const fs::path b = tmp.path() / ("inc" + std::to_string(t) + ".img");
        make_image(a, 2 << 20, t % 2);  // pairs of VMs share their data
        fs::copy_file(a, b);
        change_blocks(b, 2 << 20, 16, 100 + t);
        jobs[t].full_src = vm_source(uuid, {{"hdd0", a}});
        jobs[t].inc_src = vm_source(uuid, {{"hdd0", b}});
    }
    std::atomic<bool> done{false};
    std::atomic<int> listings{0}, bad_listings{0};
    std::thread lister([&] {
        while (!done) {
            try {
                for (const auto& vm : repo->list())
                    if (vm.chains.empty()) ++bad_listings;
                ++listings;
            } catch (...) {
                ++bad_listings;
            }
        }
    });
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t) {
        writers.emplace_back([&, t] {
            try {
                jobs[t].full_id = repo->create(jobs[t].full_src, opts(Kind::full));
                jobs[t].inc_id = repo->create(jobs[t].inc_src, opts(Kind::incremental));
            } catch (...) {
                jobs[t].error = std::current_exception();
            }
        });
    }
    for (auto& w : writers) w.join();
    done = true;
    lister.join();
    CHECK(listings > 0);
    CHECK(bad_listings == 0);
    CHECK(repo->list().size() == kThreads);
    for (const Job& j : jobs) {
        if (j.error) {
            try {
                std::rethrow_exception(j.error);
            } catch (const std::exception& e) {
                FAIL(e.what());
            }
        }
        restore_disk(*repo, j.full_id, "hdd0", tmp.path() / "out1.img");
        CHECK(same_bytes(tmp.path() / "out1.img", j.full_src.disks[0].path));
        restore_disk(*repo, j.inc_id, "hdd0", tmp.path() / "out2.img");
        CHECK(same_bytes(tmp.path() / "out2.img", j.inc_src.disks[0].path));
        fs::remove(tmp.path() / "out1.img");
        fs::remove(tmp.path() / "out2.img");
    }
}
