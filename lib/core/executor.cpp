#include "executor.h"

#include "error.h"
#include "log.h"

#include <algorithm>
#include <chrono>

namespace prl {
namespace {

constexpr auto kSpinBeforePark = std::chrono::microseconds(100);

}  // namespace

Executor& Executor::instance() {
    static Executor* executor = new Executor;  // workers park forever; never destroyed
    return *executor;
}

Executor::Executor() : max_workers_(std::max<std::size_t>(2, std::thread::hardware_concurrency())) {}

std::size_t Executor::worker_count() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return workers_.size();
}

void Executor::submit(JobPtr job, Task task) {
    std::unique_lock<std::mutex> lock(mutex_);
    queue_.push_back(Item{std::move(job), std::move(task)});
    queued_.fetch_add(1, std::memory_order_release);
    const std::size_t idle = workers_.size() - busy_;
    if (idle < queue_.size() && workers_.size() < max_workers_) {
        ++busy_;  // the new worker counts as busy until it looks for work
        workers_.emplace_back([this] { worker_loop(); });
        return;
    }
    if (parked_.load(std::memory_order_acquire) > 0) {
        lock.unlock();
        work_ready_.notify_one();
    }
}

bool Executor::take(Item* item) {
    if (queue_.empty()) return false;
    *item = std::move(queue_.front());
    queue_.pop_front();
    queued_.fetch_sub(1, std::memory_order_relaxed);
    return true;
}

void Executor::run_inline(const JobPtr& job, const Task& task) noexcept {
    if (job->cancel_requested()) {
        job->finish_error(PRL_ERR_OPERATION_WAS_CANCELED, "the operation was cancelled");
        return;
    }
    try {
        ResultPtr result = task(*job);
        if (job->cancel_requested() && !result)
            job->finish_error(PRL_ERR_OPERATION_WAS_CANCELED, "the operation was cancelled");
        else
            job->finish(PRL_ERR_SUCCESS, std::move(result));
    } catch (...) {
        std::string text;
        const PRL_RESULT code = current_exception_code(&text);
        job->finish_error(code, text);
    }
}

void Executor::worker_loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    --busy_;
    for (;;) {
        Item item;
        if (!take(&item)) {
            // Spin without the lock first, then park.
            lock.unlock();
            const auto until = std::chrono::steady_clock::now() + kSpinBeforePark;
            while (queued_.load(std::memory_order_acquire) == 0 && std::chrono::steady_clock::now() < until)
                std::this_thread::yield();
            lock.lock();
            if (!take(&item)) {
                if (busy_ == 0) all_idle_.notify_all();
                parked_.fetch_add(1, std::memory_order_acq_rel);
                work_ready_.wait(lock, [this] { return !queue_.empty(); });
                parked_.fetch_sub(1, std::memory_order_acq_rel);
                continue;
            }
        }
        ++busy_;
        running_.push_back(item.job);
        lock.unlock();
        run_inline(item.job, item.task);
        item = Item{};  // release the task's captures outside the lock
        lock.lock();
        running_.erase(std::find(running_.begin(), running_.end(), item.job));
        --busy_;
    }
}

void Executor::quiesce() {
    std::unique_lock<std::mutex> lock(mutex_);
    std::deque<Item> dropped;
    dropped.swap(queue_);
    queued_.store(0, std::memory_order_relaxed);
    for (auto& job : running_) job->request_cancel();
    lock.unlock();
    for (auto& item : dropped) item.job->finish_error(PRL_ERR_OPERATION_WAS_CANCELED, "the SDK was deinitialised");
    lock.lock();
    all_idle_.wait(lock, [this] { return busy_ == 0; });
}

}  // namespace prl
