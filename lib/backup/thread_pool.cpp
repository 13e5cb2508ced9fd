#include "thread_pool.h"

#include "error.h"

#include <algorithm>
#include <system_error>

namespace prl::backup {

ThreadPool::ThreadPool(unsigned threads) {
    workers_.reserve(threads);
    try {
        for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this] { run(); });
    } catch (const std::system_error& e) {
        stop_workers();
        throw Error(Errc::io_error, std::string("cannot start worker threads: ") + e.what());
    }
}

ThreadPool::~ThreadPool() { stop_workers(); }

void ThreadPool::stop_workers() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
}

unsigned ThreadPool::default_threads() { return std::max(2u, std::min(8u, std::thread::hardware_concurrency())); }

void ThreadPool::run() {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock<std::mutex> lk(mu_);
            cv_.wait(lk, [this] { return stop_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stop requested and nothing left
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        job();
    }
}

}  // namespace prl::backup
