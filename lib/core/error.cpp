#include "error.h"

#include "log.h"

#include "backup/error.h"
#include "service/store/error.h"

#include <new>

namespace prl {
namespace {

PRL_RESULT service_code(service::Errc e) noexcept {
    using service::Errc;
    switch (e) {
        case Errc::invalid_argument: return PRL_ERR_INVALID_ARG;
        case Errc::not_found: return PRL_ERR_VM_UUID_NOT_FOUND;
        case Errc::name_taken: return PRL_ERR_VM_ALREADY_REGISTERED_VM_NAME;
        case Errc::uuid_taken: return PRL_ERR_VM_ALREADY_REGISTERED_VM_UUID;
        case Errc::path_taken: return PRL_ERR_VM_ALREADY_REGISTERED_VM_PATH;
        case Errc::dir_exists: return PRL_ERR_VM_DIR_CONFIG_ALREADY_EXISTS;
        case Errc::not_a_bundle: return PRL_ERR_VM_CONFIG_DOESNT_EXIST;
        case Errc::edit_conflict: return PRL_ERR_VM_CONFIG_WAS_CHANGED;
        case Errc::not_stopped: return PRL_ERR_DISP_VM_IS_NOT_STOPPED;
        case Errc::restore_running: return PRL_ERR_BACKUP_RESTORE_VM_RUNNING;
        case Errc::io_error: return PRL_ERR_FILE_WRITE_ERROR;
        case Errc::corrupt: return PRL_ERR_PARSE_VM_CONFIG;
        case Errc::busy: return PRL_ERR_VM_LOCKED_FOR_BACKUP;
        case Errc::no_data: return PRL_ERR_NO_DATA;
        case Errc::snapshot_not_found: return PRL_ERR_VM_SNAPSHOT_NOT_FOUND;
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
