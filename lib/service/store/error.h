// The one exception type the store lets escape (besides std::bad_alloc).
#pragma once
#include <stdexcept>
#include <string>

namespace prl::service {

// Each code names, in its comment, the PRL_RESULT the original product
// returns for the same situation; the SDK layer maps Errc to that value.
enum class Errc {
    invalid_argument,  // PRL_ERR_INVALID_ARG
    not_found,         // PRL_ERR_VM_UUID_NOT_FOUND
    name_taken,        // PRL_ERR_VM_ALREADY_REGISTERED_VM_NAME
    uuid_taken,        // PRL_ERR_VM_ALREADY_REGISTERED_VM_UUID
    path_taken,        // PRL_ERR_VM_ALREADY_REGISTERED_VM_PATH (bundle already registered)
    dir_exists,        // PRL_ERR_VM_DIR_CONFIG_ALREADY_EXISTS (new bundle's directory exists)
    not_a_bundle,      // PRL_ERR_VM_CONFIG_DOESNT_EXIST (no config.pvs in the directory)
    edit_conflict,     // PRL_ERR_VM_CONFIG_WAS_CHANGED (commit based on an older revision)
    not_stopped,       // PRL_ERR_DISP_VM_IS_NOT_STOPPED (unregister/delete of a running VM)
    restore_running,   // PRL_ERR_BACKUP_RESTORE_VM_RUNNING (restore over a VM that is not stopped)
    io_error,          // PRL_ERR_FILE_WRITE_ERROR (or PRL_ERR_OPEN_VM_CONFIG_READ on read)
    corrupt,           // PRL_ERR_PARSE_VM_CONFIG (config.pvs or registry unreadable)
    busy,              // PRL_ERR_VM_LOCKED_FOR_BACKUP (an external backup of the VM is running)
    no_data,           // PRL_ERR_NO_DATA (no committed external backup with that UUID)
    snapshot_not_found,// PRL_ERR_VM_SNAPSHOT_NOT_FOUND (no snapshot with that id in the VM's tree)
};

// The PRL_RESULT name (as in lib/abi/defs/constants.tsv) for an Errc.
const char* prl_result_name(Errc code) noexcept;
const char* errc_name(Errc code) noexcept;

class Error : public std::runtime_error {
public:
    Error(Errc code, const std::string& what);
    Errc code() const noexcept { return code_; }

private:
    Errc code_;
};

// Throws io_error with `what` and strerror(errno_value).
[[noreturn]] void throw_errno(const std::string& what, int errno_value);

}  // namespace prl::service
