#include "job.h"

#include <chrono>
#include <thread>

namespace prl {

namespace {
std::atomic<std::uint64_t> next_package_id{1};
}

Job::Job(PRL_JOB_OPERATION_CODE op) noexcept
    : Object(PHT_JOB), op_(op), package_id_(next_package_id.fetch_add(1, std::memory_order_relaxed)) {}

std::shared_ptr<Job> Job::finished_with(PRL_JOB_OPERATION_CODE op, PRL_RESULT code, const std::string& text) {
    auto job = std::make_shared<Job>(op);
    if (PRL_FAILED(code))
        job->finish_error(code, text);
    else
        job->finish(code);
    return job;
}

void Job::set_progress(unsigned percent) noexcept {
    if (percent > 100) percent = 100;
    unsigned old = progress_.load(std::memory_order_relaxed);
    while (old < percent && !progress_.compare_exchange_weak(old, percent, std::memory_order_relaxed)) {
    }
}

void Job::finish_error(PRL_RESULT code, const std::string& text) {
    finish(code, nullptr, Event::error(code, text));
}

void Job::finish(PRL_RESULT code, ResultPtr result, EventPtr error) {
    if (finishing_.exchange(true, std::memory_order_acq_rel)) return;
    code_ = code;
    result_ = result ? std::move(result) : std::make_shared<Result>();
    error_ = std::move(error);
    if (error_ && !result_->error()) result_->set_error(error_);
    if (PRL_SUCCEEDED(code)) progress_.store(100, std::memory_order_relaxed);
    std::vector<Listener> listeners;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        finished_.store(true, std::memory_order_release);
        listeners.swap(listeners_);
        cancel_hook_ = nullptr;
    }
    if (parked_.load(std::memory_order_acquire) > 0) done_.notify_all();
    if (!listeners.empty()) {
        auto self = std::static_pointer_cast<Job>(shared_from_this());
        for (auto& l : listeners) l(self);
    }
}

bool Job::wait(std::uint32_t msecs) {
    if (is_finished()) return true;
    // Spin a little: cheap jobs finish sooner than a park/wake round trip.
    const auto spin_until = std::chrono::steady_clock::now() + std::chrono::microseconds(50);
    while (std::chrono::steady_clock::now() < spin_until) {
        if (is_finished()) return true;
        std::this_thread::yield();
    }
    std::unique_lock<std::mutex> lock(mutex_);
    parked_.fetch_add(1, std::memory_order_acq_rel);
    auto ready = [this] { return finished_.load(std::memory_order_acquire); };
    bool ok;
    if (msecs == UINT32_MAX)
        done_.wait(lock, ready), ok = true;
    else
        ok = done_.wait_for(lock, std::chrono::milliseconds(msecs), ready);
    parked_.fetch_sub(1, std::memory_order_acq_rel);
    return ok;
}

void Job::request_cancel() {
    cancel_.store(true, std::memory_order_relaxed);
    std::function<void()> hook;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        hook = cancel_hook_;
    }
    if (hook) hook();
}

void Job::set_cancel_hook(std::function<void()> hook) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!finished_.load(std::memory_order_relaxed)) cancel_hook_ = std::move(hook);
}

void Job::on_finish(Listener listener) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!finished_.load(std::memory_order_relaxed)) {
            listeners_.push_back(std::move(listener));
            return;
        }
    }
    listener(std::static_pointer_cast<Job>(shared_from_this()));
}

}  // namespace prl
