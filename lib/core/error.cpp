#include "error.h"

#include "log.h"

#include "backup/error.h"
#include "service/store/error.h"

#include <new>

namespace prl {
namespace {

PRL_RESULT service_code(service::Errc e) noexcept {
    switch (e) {
#define PRLSHIM_ERRC_RESULT(code, result) \
    case service::Errc::code: return result;
        PRLSHIM_SERVICE_ERRC_LIST(PRLSHIM_ERRC_RESULT)
#undef PRLSHIM_ERRC_RESULT
    }
    return PRL_ERR_UNEXPECTED;
}

PRL_RESULT backup_code(backup::Errc e) noexcept {
    using backup::Errc;
    switch (e) {
        case Errc::invalid_argument: return PRL_ERR_INVALID_ARG;
        case Errc::not_found: return PRL_ERR_BACKUP_BACKUP_UUID_NOT_FOUND;
        case Errc::locked: return PRL_ERR_BACKUP_LOCKED_FOR_WRITING;
        case Errc::corrupted: return PRL_ERR_BACKUP_RESTORE_INTERNAL_ERROR;
        case Errc::cancelled: return PRL_ERR_OPERATION_WAS_CANCELED;
        case Errc::io_error: return PRL_ERR_BACKUP_INTERNAL_ERROR;
        case Errc::no_space: return PRL_ERR_BACKUP_CREATE_NOT_ENOUGH_FREE_DISK_SPACE;
        case Errc::vm_mismatch: return PRL_ERR_INVALID_PARAM;
    }
    return PRL_ERR_UNEXPECTED;
}

}  // namespace

PRL_RESULT current_exception_code(std::string* text) noexcept {
    auto set = [&](const char* what) {
        if (!text) return;
        try {
            *text = what;
        } catch (...) {
        }
    };
    try {
        throw;
    } catch (const Error& e) {
        set(e.what());
        return e.code();
    } catch (const service::Error& e) {
        set(e.what());
        return service_code(e.code());
    } catch (const backup::Error& e) {
        set(e.what());
        return backup_code(e.code());
    } catch (const std::bad_alloc&) {
        set("out of memory");
        return PRL_ERR_OUT_OF_MEMORY;
    } catch (const std::exception& e) {
        log::error(std::string("unexpected exception: ") + e.what());
        set(e.what());
        return PRL_ERR_UNEXPECTED;
    } catch (...) {
        log::error("unexpected non-standard exception");
        set("unexpected failure");
        return PRL_ERR_UNEXPECTED;
    }
}

}  // namespace prl
