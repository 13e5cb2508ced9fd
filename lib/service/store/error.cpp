#include "error.h"

#include <cstring>

namespace prl::service {

const char* prl_result_name(Errc code) noexcept {
    switch (code) {
    case Errc::invalid_argument: return "PRL_ERR_INVALID_ARG";
    case Errc::not_found: return "PRL_ERR_VM_UUID_NOT_FOUND";
    case Errc::name_taken: return "PRL_ERR_VM_ALREADY_REGISTERED_VM_NAME";
    case Errc::uuid_taken: return "PRL_ERR_VM_ALREADY_REGISTERED_VM_UUID";
    case Errc::path_taken: return "PRL_ERR_VM_ALREADY_REGISTERED_VM_PATH";
    case Errc::dir_exists: return "PRL_ERR_VM_DIR_CONFIG_ALREADY_EXISTS";
    case Errc::not_a_bundle: return "PRL_ERR_VM_CONFIG_DOESNT_EXIST";
    case Errc::edit_conflict: return "PRL_ERR_VM_CONFIG_WAS_CHANGED";
    case Errc::not_stopped: return "PRL_ERR_DISP_VM_IS_NOT_STOPPED";
    case Errc::restore_running: return "PRL_ERR_BACKUP_RESTORE_VM_RUNNING";
    case Errc::io_error: return "PRL_ERR_FILE_WRITE_ERROR";
    case Errc::corrupt: return "PRL_ERR_PARSE_VM_CONFIG";
    case Errc::busy: return "PRL_ERR_VM_LOCKED_FOR_BACKUP";
    case Errc::no_data: return "PRL_ERR_NO_DATA";
    case Errc::snapshot_not_found: return "PRL_ERR_VM_SNAPSHOT_NOT_FOUND";
    }
    return "PRL_ERR_UNEXPECTED";
}

const char* errc_name(Errc code) noexcept {
    switch (code) {
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::not_found: return "not_found";
    case Errc::name_taken: return "name_taken";
    case Errc::uuid_taken: return "uuid_taken";
    case Errc::path_taken: return "path_taken";
    case Errc::dir_exists: return "dir_exists";
    case Errc::not_a_bundle: return "not_a_bundle";
    case Errc::edit_conflict: return "edit_conflict";
    case Errc::not_stopped: return "not_stopped";
    case Errc::restore_running: return "restore_running";
    case Errc::io_error: return "io_error";
    case Errc::corrupt: return "corrupt";
    case Errc::busy: return "busy";
    case Errc::no_data: return "no_data";
    case Errc::snapshot_not_found: return "snapshot_not_found";
    }
    return "unknown";
}

Error::Error(Errc code, const std::string& what) : std::runtime_error(what), code_(code) {}

void throw_errno(const std::string& what, int errno_value) {
    throw Error(Errc::io_error, what + ": " + std::strerror(errno_value));
}

}  // namespace prl::service
