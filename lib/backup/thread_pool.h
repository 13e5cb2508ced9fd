// A small fixed-size thread pool: one per operation for its reading and
// hashing, and one per repository shared by its writers for compressing and
// writing frames (SharedPacks). Tasks return values via futures;
// an exception inside a task travels to whoever waits on its future.
#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace prl::backup {

class ThreadPool {
public:
    explicit ThreadPool(unsigned threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    template <class F>
    auto submit(F&& f) -> std::future<decltype(f())> {
        using R = decltype(f());
        auto task = std::make_shared<std::packaged_task<R()>>(std::forward<F>(f));
        std::future<R> fut = task->get_future();
        {
            std::lock_guard<std::mutex> lk(mu_);
            queue_.emplace_back([task] { (*task)(); });
        }
        cv_.notify_one();
        return fut;
    }

    unsigned size() const { return static_cast<unsigned>(workers_.size()); }
    // Workers for the machine: every core, at least two so I/O overlaps with CPU.
    static unsigned default_threads();

private:
    void run();
    void stop_workers();
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> queue_;
    bool stop_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace prl::backup
