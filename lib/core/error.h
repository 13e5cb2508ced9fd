// prl::Error: how the C++ layers report a failure. It carries the PRL_RESULT
// the C boundary returns, and a text for PrlJob_GetError / logs.
#pragma once

#include <PrlErrors.h>

#include <stdexcept>
#include <string>

namespace prl {

class Error : public std::runtime_error {
public:
    explicit Error(PRL_RESULT code, const std::string& message = {})
        : std::runtime_error(message), code_(code) {}
    PRL_RESULT code() const noexcept { return code_; }

private:
    PRL_RESULT code_;
};

// The PRL_RESULT for the exception being handled (call only inside a catch
// block): prl::Error, the service's and the backup engine's errors,
// std::bad_alloc and anything else. `text`, if given, receives its message.
PRL_RESULT current_exception_code(std::string* text = nullptr) noexcept;

[[noreturn]] inline void fail(PRL_RESULT code, const std::string& message = {}) {
    throw Error(code, message);
}

// One-line precondition: `require(ptr != nullptr)` gives PRL_ERR_INVALID_ARG.
inline void require(bool condition, PRL_RESULT code = PRL_ERR_INVALID_ARG, const char* message = "") {
    if (!condition) throw Error(code, message);
}

}  // namespace prl
