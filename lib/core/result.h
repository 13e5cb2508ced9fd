// Result (PHT_RESULT): what a finished job produced — an ordered list of
// parameters, each an object (given out as a handle) or a string.
#pragma once

#include "object.h"

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
    const std::vector<Param>& params() const noexcept { return params_; }
    void add(Param p) { params_.push_back(std::move(p)); }

private:
    std::vector<Param> params_;  // immutable once the job that owns it finished
};

using ResultPtr = std::shared_ptr<Result>;

}  // namespace prl
