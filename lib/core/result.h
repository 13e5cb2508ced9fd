// Result (PHT_RESULT): what a finished job produced — an ordered list of
// parameters, each an object (given out as a handle) or a string.
#pragma once

#include "object.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace prl {

class Result : public Object {
public:
    using Param = std::variant<ObjectPtr, std::string>;

    Result() noexcept : Object(PHT_RESULT) {}
    explicit Result(std::vector<Param> params) : Object(PHT_RESULT), params_(std::move(params)) {}

    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_RESULT; }
    const std::vector<Param>& params() const noexcept {
        const std::vector<Param>* r = replaced_.load(std::memory_order_acquire);
        return r ? *r : params_;
    }
    void add(Param p) { params_.push_back(std::move(p)); }

    // The error of the job that produced this result, if it failed
    // (PrlResult_GetError); set once, when the job finishes.
    const std::shared_ptr<class Event>& error() const noexcept { return error_; }
    void set_error(std::shared_ptr<class Event> error) { error_ = std::move(error); }

    // PrlResult_FromString: publishes a new parameter list. Earlier lists stay
    // alive until the result dies, so a params() reference never dangles.
    void replace(std::vector<Param> params) {
        auto next = std::make_unique<const std::vector<Param>>(std::move(params));
        std::lock_guard<std::mutex> lock(replace_mutex_);
        replaced_.store(next.get(), std::memory_order_release);
        versions_.push_back(std::move(next));
    }

private:
    std::vector<Param> params_;  // immutable once the job that owns it finished
    std::shared_ptr<class Event> error_;
    std::mutex replace_mutex_;
    std::vector<std::unique_ptr<const std::vector<Param>>> versions_;
    std::atomic<const std::vector<Param>*> replaced_{nullptr};
};

using ResultPtr = std::shared_ptr<Result>;

}  // namespace prl
