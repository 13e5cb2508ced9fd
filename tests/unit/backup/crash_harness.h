// kill -9 at random points of create, remove and restore (seeded), against a
// repository on any storage: after reopening, every listed element restores
// bit for bit with its configuration, and what the storage's own check finds
// left over is nothing. crash_test.cpp runs it on a directory,
// rados_storage_test.cpp on a RADOS pool.
#pragma once
#include "backup_test_util.h"
#include "sanitized.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <functional>
#include <map>
#include <sys/wait.h>

namespace prl::backup::test {

// Starts `op` in a child process, which exits when it is done.
template <class F> pid_t start_child(F&& op) {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        try {
            op();
        } catch (...) {
        }
        ::_exit(0);
    }
    return pid;
}

// Runs `op` in a child process killed after `delay_us`.
template <class F> void run_and_kill(F&& op, unsigned delay_us) {
    const pid_t pid = start_child(op);
    ::usleep(delay_us);
    ::kill(pid, SIGKILL);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
}

// Runs `op` in a child process to its end: how long that took, in µs.
template <class F> unsigned run_in_child(F&& op) {
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = start_child(op);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    return static_cast<unsigned>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count());
}

// Each element keeps a configuration naming its state (tens of KiB, so kills land inside its write too).
inline Source with_config(Source src, const std::string& desc) {
    src.config = "<config of='" + desc + "'>" + std::string(40000, 'c') + "</config>";
    return src;
}

struct CrashHarness {
    // Opens the repository; called in the killed children too (each its own connection).
    std::function<std::unique_ptr<Repository>()> open;
    fs::path work;  // the disk image, its saved states, restore targets
    int iterations = 50;
    // Kills of a remove or a restore: within this (four times that in a
    // sanitizer build, whose operations take that much longer).
    unsigned max_delay_us = 30000;
    // After each reopening: nothing an unfinished operation left is there.
    std::function<void()> check_leftovers;
};

inline void kill_at_random_points(const CrashHarness& h) {
    const char* kVm = "{c1a5b000-2222-3333-4444-555555555555}";
    constexpr uint64_t kSize = 2 << 20;
    const fs::path img = h.work / "disk.img";
    fs::create_directories(h.work / "states");
    make_image(img, kSize, 41);
    const Source src = vm_source(kVm, {{"hdd0", img}});
    std::map<std::string, fs::path> state_of;  // description -> disk state
    auto save_state = [&](const std::string& desc) {
        const fs::path p = h.work / "states" / (desc + ".img");
        fs::copy_file(img, p, fs::copy_options::overwrite_existing);
        state_of[desc] = p;
    };
    {
        auto repo = h.open();
        save_state("s0");
        repo->create(with_config(src, "s0"), opts(Kind::full, "s0"));
    }
    // A create's kill lands within 1.5 times what a full one takes here, in
    // a child as the killed ones run: about half are cut and half done,
    // however fast the machine or the cluster is that day (a fixed bound
    // once let every create on a fast cluster finish: none cut, a failure).
    change_blocks(img, kSize, 20, 7);
    save_state("t0");
    const unsigned create_us =
        run_in_child([&] { h.open()->create(with_config(src, "t0"), opts(Kind::full, "t0")); });

    std::mt19937_64 rng(20240501);
    int kinds_run[3] = {0, 0, 0};
    int creates_cut = 0, creates_done = 0;  // kills landed before and after a create's commit
    for (int i = 1; i <= h.iterations; ++i) {
        INFO("iteration " << i);
        auto repo = h.open();  // cleans up after the previous kill
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
        const unsigned max_delay = op <= 2 ? std::max(create_us * 3 / 2, 1000u) : h.max_delay_us * (prl::test::kSanitized ? 4 : 1);
        const unsigned delay = static_cast<unsigned>(rng() % max_delay);
        std::string created;
        if (op <= 2) {
            ++kinds_run[0];
            change_blocks(img, kSize, 20, rng());
            const std::string desc = "s" + std::to_string(i);
            save_state(desc);
            created = desc;
            const Kind kind = op == 0 ? Kind::full : op == 1 ? Kind::incremental : Kind::differential;
            run_and_kill([&] { h.open()->create(with_config(src, desc), opts(kind, desc)); }, delay);
        } else if (op == 3) {
            ++kinds_run[1];
            const std::string victim = ids[rng() % ids.size()];
            const bool keep = rng() & 1;
            run_and_kill([&] { h.open()->remove(victim, keep); }, delay);
        } else {
            ++kinds_run[2];
            const std::string id = ids[rng() % ids.size()];
            run_and_kill([&] { restore_disk(*h.open(), id, "hdd0", h.work / "target.img"); }, delay);
        }

        auto reopened = h.open();
        h.check_leftovers();
        const auto relist = reopened->list();
        if (!created.empty()) {
            bool listed = false;
            for (const ElementInfo* e : all_elements(relist)) listed |= e->description == created;
            (listed ? creates_done : creates_cut)++;
        }
        for (const ElementInfo* e : all_elements(relist)) {
            INFO(e->id << " " << e->description);
            REQUIRE(state_of.count(e->description));
            const fs::path out = h.work / "check.img";
            fs::remove(out);
            restore_disk(*reopened, e->id, "hdd0", out);
            CHECK(same_bytes(out, state_of[e->description]));
            CHECK(reopened->read_config(e->id) == with_config(src, e->description).config);
        }
    }
    CHECK(kinds_run[0] > h.iterations / 5);
    CHECK(kinds_run[1] > h.iterations / 16);
    CHECK(kinds_run[2] > h.iterations / 16);
    CHECK(creates_cut > 0);
    CHECK(creates_done > 0);
}

}  // namespace prl::backup::test
