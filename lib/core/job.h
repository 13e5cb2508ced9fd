// Job (PHT_JOB): the client's view of one asynchronous operation.
//
// A job is created running, receives progress, and finishes exactly once with
// a return code, an optional Result and, on failure, an error Event. Waiting
// spins briefly before parking (a wake-up across cores costs 10-50 us, while
// most short jobs finish within a few), and finish() only touches the mutex
// when somebody is actually parked. Listeners (the event bus) are told once.
#pragma once

#include "event.h"
#include "object.h"
#include "result.h"

#include <PrlEnums.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

namespace prl {

class Job : public Object {
public:
    using Listener = std::function<void(const std::shared_ptr<Job>&)>;

    explicit Job(PRL_JOB_OPERATION_CODE op) noexcept;

    // A job that is already over, for calls that fail before any work starts.
    static std::shared_ptr<Job> finished_with(PRL_JOB_OPERATION_CODE op, PRL_RESULT code,
                                              const std::string& text = {});

    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_JOB; }
    PRL_JOB_OPERATION_CODE op_code() const noexcept { return op_; }
    // The request's sequence number in this process (PrlHandle_GetPackageId).
    std::uint64_t package_id() const noexcept { return package_id_; }
    bool is_finished() const noexcept { return finished_.load(std::memory_order_acquire); }

    // False for a job that failed before its request reached the service
    // (PrlJob_IsRequestWasSent), as the original's error jobs answer.
    bool request_sent() const noexcept { return request_sent_.load(std::memory_order_relaxed); }
    void set_request_not_sent() noexcept { request_sent_.store(false, std::memory_order_relaxed); }

    // Valid once is_finished(); a finished job always has a (maybe empty) result.
    PRL_RESULT ret_code() const noexcept { return code_; }
    const ResultPtr& result() const noexcept { return result_; }
    const EventPtr& error() const noexcept { return error_; }

    unsigned progress() const noexcept { return progress_.load(std::memory_order_relaxed); }
    void set_progress(unsigned percent) noexcept;

    // Finishes the job (only the first call counts) and tells the listeners.
    void finish(PRL_RESULT code, ResultPtr result = nullptr, EventPtr error = nullptr);
    void finish_error(PRL_RESULT code, const std::string& text);

    // True when finished within `msecs` (UINT32_MAX waits forever).
    bool wait(std::uint32_t msecs);

    // Cancellation is cooperative: the task polls cancel_requested() (one
    // relaxed load) and an optional hook wakes it if it is blocked.
    void request_cancel();
    bool cancel_requested() const noexcept { return cancel_.load(std::memory_order_relaxed); }
    const std::atomic<bool>& cancel_flag() const noexcept { return cancel_; }
    void set_cancel_hook(std::function<void()> hook);

    // Called once when the job finishes (at once if it already has).
    void on_finish(Listener listener);

private:
    const PRL_JOB_OPERATION_CODE op_;
    const std::uint64_t package_id_;
    std::atomic<bool> finished_{false};
    std::atomic<bool> finishing_{false};
    std::atomic<bool> cancel_{false};
    std::atomic<bool> request_sent_{true};
    std::atomic<unsigned> progress_{0};
    std::atomic<int> parked_{0};
    PRL_RESULT code_ = PRL_ERR_SUCCESS;
    ResultPtr result_;
    EventPtr error_;

    std::mutex mutex_;  // guards parking, listeners_ and cancel_hook_
    std::condition_variable done_;
    std::vector<Listener> listeners_;
    std::function<void()> cancel_hook_;
};

using JobPtr = std::shared_ptr<Job>;

}  // namespace prl
