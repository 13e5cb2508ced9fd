#include "boundary.h"

#include <cstring>


namespace prl::abi {

PRL_RESULT current_exception_code() noexcept { return prl::current_exception_code(nullptr); }

std::string current_exception_text() noexcept {
    std::string text;
    prl::current_exception_code(&text);
    return text;
}

PRL_HANDLE give_job(const JobPtr& job) { return to_handle(HandleTable::instance().issue(job)); }

PRL_HANDLE failed_job(PRL_JOB_OPERATION_CODE op, PRL_RESULT code, const std::string& text) noexcept {
    try {
        auto job = Job::finished_with(op, code, text);
        job->set_request_not_sent();
        return give_job(job);
    } catch (...) {
        return PRL_INVALID_HANDLE;
    }
}

PRL_RESULT unimplemented_sync() noexcept {
    return sync([] { return PRL_ERR_UNIMPLEMENTED; });
}

PRL_HANDLE unimplemented_async() noexcept {
    return async(PJOC_UNKNOWN, []() -> PRL_HANDLE {
        fail(PRL_ERR_UNIMPLEMENTED, "this function is not implemented by prlshim yet");
    });
}

bool is_local_host(const char* host) noexcept {
    return host == nullptr || *host == '\0' || !std::strcmp(host, "localhost") || !std::strcmp(host, "127.0.0.1") ||
           !std::strcmp(host, "::1");
}

void give(const ObjectPtr& object, PRL_HANDLE_PTR out) {
    require(out != nullptr);
    *out = to_handle(HandleTable::instance().issue(object));
}

}  // namespace prl::abi
