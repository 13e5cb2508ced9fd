#include "boundary.h"

#include "core/log.h"

#include <new>

namespace prl::abi {

PRL_RESULT current_exception_code() noexcept {
    try {
        throw;
    } catch (const Error& e) {
        return e.code();
    } catch (const std::bad_alloc&) {
        return PRL_ERR_OUT_OF_MEMORY;
    } catch (const std::exception& e) {
        log::error(std::string("unexpected exception at the C boundary: ") + e.what());
        return PRL_ERR_UNEXPECTED;
    } catch (...) {
        log::error("unexpected non-standard exception at the C boundary");
        return PRL_ERR_UNEXPECTED;
    }
}

std::string current_exception_text() noexcept {
    try {
        throw;
    } catch (const std::exception& e) {
        try {
            return e.what();
        } catch (...) {
        }
    } catch (...) {
    }
    return {};
}

PRL_HANDLE give_job(const JobPtr& job) { return to_handle(HandleTable::instance().issue(job)); }

PRL_HANDLE failed_job(PRL_JOB_OPERATION_CODE op, PRL_RESULT code, const std::string& text) noexcept {
    try {
        return give_job(Job::finished_with(op, code, text));
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

void give(const ObjectPtr& object, PRL_HANDLE_PTR out) {
    require(out != nullptr);
    *out = to_handle(HandleTable::instance().issue(object));
}

}  // namespace prl::abi
