// Executor: runs job tasks on a bounded pool of worker threads.
//
// A task runs once, reports progress through its Job and polls
// job.cancel_requested(); it returns the job's Result or throws prl::Error.
// The executor finishes the job with the outcome, so every job finishes
// exactly once whatever its task does. Idle workers spin briefly before
// parking (a wake-up across cores costs 10-50 us; a burst of short jobs should
// not pay it per job).
#pragma once

#include "job.h"

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace prl {

class Executor {
public:
    using Task = std::function<ResultPtr(Job& job)>;

    static Executor& instance();

    // Queues `task` for `job`. A job cancelled before it starts finishes with
    // PRL_ERR_OPERATION_WAS_CANCELED without running.
    void submit(JobPtr job, Task task);

    // Runs `task` in the caller's thread: for operations cheap enough that a
    // hand-off to another thread would cost more than the work.
    static void run_inline(const JobPtr& job, const Task& task) noexcept;

    // PrlApi_Deinit: cancels queued and running jobs and waits for running
    // tasks to return. Workers stay parked for a later PrlApi_Init.
    void quiesce();

    std::size_t worker_count() const;

private:
    struct Item {
        JobPtr job;
        Task task;
    };

    Executor();
    void worker_loop();
    bool take(Item* item);

    const std::size_t max_workers_;
    mutable std::mutex mutex_;
    std::condition_variable work_ready_;
    std::condition_variable all_idle_;
    std::deque<Item> queue_;
    std::vector<std::thread> workers_;
    std::atomic<std::size_t> queued_{0};
    std::atomic<int> parked_{0};
    std::size_t busy_ = 0;
    std::vector<JobPtr> running_;  // for cancelling at quiesce
};

}  // namespace prl
