// prlshimd's tasks: the SQLite history (what survives a restart, what a
// restart marks failed) and the table of running tasks (progress, cancel,
// following a task to its end, owners).
#include "daemon/task_history.h"
#include "daemon/task_table.h"
#include "test_home.h"

#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <optional>

using prl::daemon::TaskHistory;
using prl::daemon::TaskRecord;
using prl::daemon::TaskStatus;
using prl::daemon::TaskTable;

namespace {

TaskRecord task(const std::string& uuid, const std::string& owner, std::int64_t created) {
    TaskRecord t;
    t.uuid = uuid;
    t.name = "create_backup";
    t.description = "vm {1}";
    t.owner = owner;
    t.created = created;
    return t;
}

}  // namespace

TEST_CASE("task history: tasks and their steps survive a reopen, the file is the owner's alone") {
    prl::test::TestHome home;
    const auto file = prl::daemon::task_history_file(home.path());
    {
        auto h = TaskHistory::open(file, true);
        h->insert(task("{a}", "alice", 1000));
        h->set_progress("{a}", 40);
        h->log_step("{a}", {1100, 40, "half way"});
        h->log_step("{a}", {1200, 80, ""});
        TaskRecord done = task("{a}", "alice", 1000);
        done.status = TaskStatus::success;
        done.progress = 100;
        done.finished = 1300;
        done.result_type = "record";
        done.result = "<result/>";
        h->finish(done);
        h->insert(task("{b}", "bob", 2000));
    }
    struct stat st {};
    REQUIRE(stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    auto h = TaskHistory::open(file, false);
    const auto a = h->find("{a}");
    REQUIRE(a);
    CHECK(a->status == TaskStatus::success);
    CHECK(a->progress == 100);
    CHECK(a->finished == 1300);
    CHECK(a->result == "<result/>");
    CHECK(a->description == "vm {1}");
    const auto steps = h->steps("{a}");
    REQUIRE(steps.size() == 2);
    CHECK(steps[0].percent == 40);
    CHECK(steps[0].message == "half way");
    CHECK(steps[1].at == 1200);
    CHECK(h->list("", 10).size() == 2);
    REQUIRE(h->list("alice", 10).size() == 1);
    CHECK(h->list("", 10).front().uuid == "{b}");  // newest first
    CHECK_FALSE(h->find("{nope}"));
}

TEST_CASE("task history: a restart marks the tasks the last run left running as failed, and says why") {
    prl::test::TestHome home;
    const auto file = prl::daemon::task_history_file(home.path());
    {
        auto h = TaskHistory::open(file, true);
        h->insert(task("{running}", "alice", 1));
        h->insert(task("{cancelling}", "alice", 2));
        h->set_status("{cancelling}", TaskStatus::cancelling);
        TaskRecord ended = task("{ended}", "alice", 3);
        h->insert(ended);
        ended.status = TaskStatus::success;
        ended.finished = 4;
        h->finish(ended);
    }
    auto h = TaskHistory::open(file, true);
    CHECK(h->fail_unfinished("service/connection_lost", "the daemon stopped", 99) == 2);
    for (const char* uuid : {"{running}", "{cancelling}"}) {
        const auto t = h->find(uuid);
        REQUIRE(t);
        CHECK(t->status == TaskStatus::failure);
        CHECK(t->error_code == "service/connection_lost");
        CHECK(t->error_text == "the daemon stopped");
        CHECK(t->finished == 99);
    }
    CHECK(h->find("{ended}")->status == TaskStatus::success);
    CHECK(h->fail_unfinished("service/connection_lost", "again", 100) == 0);
}

TEST_CASE("task history: trim keeps the newest ended tasks and every running one, a missing file reads as empty") {
    prl::test::TestHome home;
    auto h = TaskHistory::open(prl::daemon::task_history_file(home.path()), true);
    for (int i = 0; i < 10; ++i) {
        TaskRecord t = task("{" + std::to_string(i) + "}", "alice", i);
        h->insert(t);
        h->log_step(t.uuid, {i, 1, ""});
        t.status = i % 2 ? TaskStatus::failure : TaskStatus::success;
        t.finished = i + 1;
        if (i != 0) h->finish(t);  // {0} still running
    }
    h->trim(3);
    const auto left = h->list("", 100);
    REQUIRE(left.size() == 4);
    CHECK(left[0].uuid == "{9}");
    CHECK(left[2].uuid == "{7}");
    CHECK(left[3].uuid == "{0}");
    CHECK(h->steps("{1}").empty());  // a trimmed task's steps go with it

    auto none = TaskHistory::open(home.path() / "absent.db", false);
    CHECK(none->list("", 10).empty());
    CHECK_FALSE(std::filesystem::exists(home.path() / "absent.db"));
}

TEST_CASE("task history: a file that is not a history is refused with an error, not a crash") {
    prl::test::TestHome home;
    const auto file = prl::daemon::task_history_file(home.path());
    {
        std::FILE* f = std::fopen(file.c_str(), "w");
        std::fputs("not a database, not at all, just text that goes on for a while....", f);
        std::fclose(f);
    }
    CHECK_THROWS_AS(TaskHistory::open(file, true), prl::daemon::TaskHistoryError);
}

TEST_CASE("task table: a task's progress, its end, and its owner, others see nothing") {
    prl::test::TestHome home;
    auto history = TaskHistory::open(prl::daemon::task_history_file(home.path()), true);
    TaskTable tasks(history.get());
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    const std::string uuid = tasks.start("create_backup", "vm {1}", "alice", cancel);
    tasks.progress(uuid, 30, true);
    tasks.progress(uuid, 30, true);  // the same percent again: no new step
    tasks.progress(uuid, 60, false);
    REQUIRE(tasks.running("alice").size() == 1);
    CHECK(tasks.running("alice")[0].progress == 60);
    CHECK(tasks.running("bob").empty());
    CHECK_FALSE(tasks.find(uuid, "bob"));
    CHECK_FALSE(tasks.cancel(uuid, "bob"));
    CHECK_FALSE(*cancel);
    CHECK(history->find(uuid)->progress == 60);
    CHECK(history->steps(uuid).size() == 1);

    tasks.succeed(uuid, "<result/>");
    CHECK(tasks.running("alice").empty());
    const auto ended = tasks.find(uuid, "alice");
    REQUIRE(ended);
    CHECK(ended->status == TaskStatus::success);
    CHECK(history->find(uuid)->status == TaskStatus::success);
    CHECK(history->find(uuid)->result == "<result/>");
    CHECK_FALSE(tasks.cancel(uuid, "alice"));  // over: nothing to cancel
}

TEST_CASE("task table: a follower gets each percent and the end, stopping it cancels the task") {
    TaskTable tasks;
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    const std::string uuid = tasks.start("restore_backup", "", "alice", cancel);

    std::atomic<unsigned> seen{0};
    std::atomic<bool> stop{false};
    std::optional<TaskRecord> ended;
    std::thread follower([&] { ended = tasks.follow(uuid, "alice", [&](unsigned) { ++seen; }, &stop); });
    // The operation: runs until cancelled, as a backup does.
    std::thread operation([&] {
        for (unsigned p = 1; !*cancel; p = p % 99 + 1) {
            tasks.progress(uuid, p, false);
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        tasks.fail(uuid, "backup/cancelled", "the operation was cancelled");
    });
    while (seen == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    stop = true;  // PrlJob_Cancel of the follower's job
    follower.join();
    operation.join();
    REQUIRE(ended);
    CHECK(ended->status == TaskStatus::cancelled);
    CHECK(ended->error_code == "backup/cancelled");

    CHECK_FALSE(tasks.follow("{unknown}", "alice", nullptr, nullptr));
    CHECK_FALSE(tasks.follow(uuid, "bob", nullptr, nullptr));
}
