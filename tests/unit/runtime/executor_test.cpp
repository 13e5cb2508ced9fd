#include "core/error.h"
#include "core/executor.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace prl;
using namespace std::chrono_literals;

TEST_CASE("a submitted task finishes its job with its result", "[executor]") {
    auto job = std::make_shared<Job>(PJOC_UNKNOWN);
    Executor::instance().submit(job, [](Job& j) {
        j.set_progress(50);
        return std::make_shared<Result>(std::vector<Result::Param>{std::string("done")});
    });
    REQUIRE(job->wait(10000));
    REQUIRE(job->ret_code() == PRL_ERR_SUCCESS);
    REQUIRE(job->progress() == 100);
    REQUIRE(std::get<std::string>(job->result()->params().at(0)) == "done");
}

TEST_CASE("a task's prl::Error becomes the job's code and error event", "[executor]") {
    auto job = std::make_shared<Job>(PJOC_UNKNOWN);
    Executor::instance().submit(job, [](Job&) -> ResultPtr { fail(PRL_ERR_VM_UUID_NOT_FOUND, "no such VM"); });
    REQUIRE(job->wait(10000));
    REQUIRE(job->ret_code() == PRL_ERR_VM_UUID_NOT_FOUND);
    REQUIRE(job->error());
    REQUIRE(job->error()->data().error_code == PRL_ERR_VM_UUID_NOT_FOUND);
    REQUIRE(job->error()->data().error_text == "no such VM");
}

TEST_CASE("wait times out on a job that is still running", "[executor]") {
    auto job = std::make_shared<Job>(PJOC_UNKNOWN);
    std::atomic<bool> release{false};
    Executor::instance().submit(job, [&](Job&) -> ResultPtr {
        while (!release) std::this_thread::sleep_for(1ms);
        return nullptr;
    });
    REQUIRE_FALSE(job->wait(20));
    release = true;
    REQUIRE(job->wait(10000));
}

TEST_CASE("cancel stops a running task promptly", "[executor]") {
    auto job = std::make_shared<Job>(PJOC_UNKNOWN);
    std::atomic<bool> started{false};
    Executor::instance().submit(job, [&](Job& j) -> ResultPtr {
        started = true;
        while (!j.cancel_requested()) std::this_thread::sleep_for(1ms);
        fail(PRL_ERR_OPERATION_WAS_CANCELED);
    });
    while (!started) std::this_thread::yield();
    const auto t0 = std::chrono::steady_clock::now();
    job->request_cancel();
    REQUIRE(job->wait(10000));
    REQUIRE(std::chrono::steady_clock::now() - t0 < 1s);
    REQUIRE(job->ret_code() == PRL_ERR_OPERATION_WAS_CANCELED);
}

TEST_CASE("a job cancelled while queued never runs", "[executor]") {
    std::atomic<bool> release{false};
    std::vector<JobPtr> blockers;
    const std::size_t workers = std::max<std::size_t>(2, std::thread::hardware_concurrency());
    for (std::size_t i = 0; i < workers; ++i) {
        blockers.push_back(std::make_shared<Job>(PJOC_UNKNOWN));
        Executor::instance().submit(blockers.back(), [&](Job&) -> ResultPtr {
            while (!release) std::this_thread::sleep_for(1ms);
            return nullptr;
        });
    }
    std::atomic<bool> ran{false};
    auto queued = std::make_shared<Job>(PJOC_UNKNOWN);
    Executor::instance().submit(queued, [&](Job&) -> ResultPtr {
        ran = true;
        return nullptr;
    });
    queued->request_cancel();
    release = true;
    REQUIRE(queued->wait(10000));
    REQUIRE(queued->ret_code() == PRL_ERR_OPERATION_WAS_CANCELED);
    REQUIRE_FALSE(ran);
    for (auto& b : blockers) REQUIRE(b->wait(10000));
}

TEST_CASE("listeners hear a job finish exactly once", "[executor]") {
    auto job = std::make_shared<Job>(PJOC_UNKNOWN);
    std::atomic<int> heard{0};
    job->on_finish([&](const JobPtr&) { ++heard; });
    Executor::instance().submit(job, [](Job&) -> ResultPtr { return nullptr; });
    REQUIRE(job->wait(10000));
    // Waiters are woken before the listeners run (on the finishing thread).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (heard == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    REQUIRE(heard == 1);
    job->finish(PRL_ERR_FAILURE);  // a second finish is ignored
    REQUIRE(job->ret_code() == PRL_ERR_SUCCESS);
    job->on_finish([&](const JobPtr&) { ++heard; });  // late listener: told at once
    REQUIRE(heard == 2);
}

TEST_CASE("2 client threads x 50,000 no-op jobs", "[executor][stress]") {
    std::atomic<int> bad{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < 2; ++c) {
        clients.emplace_back([&] {
            for (int i = 0; i < 50000; ++i) {
                auto job = std::make_shared<Job>(PJOC_UNKNOWN);
                Executor::instance().submit(job, [](Job&) -> ResultPtr { return nullptr; });
                if (!job->wait(UINT32_MAX) || job->ret_code() != PRL_ERR_SUCCESS) ++bad;
            }
        });
    }
    for (auto& t : clients) t.join();
    REQUIRE(bad == 0);
}
