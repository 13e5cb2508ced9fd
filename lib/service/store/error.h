// The one exception type the store lets escape (besides std::bad_alloc).
#pragma once
#include "platform/sys_error.h"

#include <stdexcept>
#include <string>

namespace prl::service {

// Each code with the PRL_RESULT the original product returns for the same
// situation: the one list the enum, the names below and the SDK layer's
// mapping (lib/core/error.cpp) are all expanded from. X(code, PRL_RESULT).
#define PRLSHIM_SERVICE_ERRC_LIST(X)                                                                   \
    X(invalid_argument, PRL_ERR_INVALID_ARG)                                                           \
    X(not_found, PRL_ERR_VM_UUID_NOT_FOUND)                                                            \
    X(name_taken, PRL_ERR_VM_ALREADY_REGISTERED_VM_NAME)                                               \
    X(uuid_taken, PRL_ERR_VM_ALREADY_REGISTERED_VM_UUID)                                               \
    /* bundle already registered */                                                                    \
    X(path_taken, PRL_ERR_VM_ALREADY_REGISTERED_VM_PATH)                                               \
    /* new bundle's directory exists */                                                                \
    X(dir_exists, PRL_ERR_VM_DIR_CONFIG_ALREADY_EXISTS)                                                \
    /* no config.pvs in the directory */                                                               \
    X(not_a_bundle, PRL_ERR_VM_CONFIG_DOESNT_EXIST)                                                    \
    /* commit based on an older revision */                                                            \
    X(edit_conflict, PRL_ERR_VM_CONFIG_WAS_CHANGED)                                                    \
    /* unregister/delete of a running VM */                                                            \
    X(not_stopped, PRL_ERR_DISP_VM_IS_NOT_STOPPED)                                                     \
    /* restore over a VM that is not stopped */                                                        \
    X(restore_running, PRL_ERR_BACKUP_RESTORE_VM_RUNNING)                                              \
    /* the product says PRL_ERR_OPEN_VM_CONFIG_READ for some reads */                                  \
    X(io_error, PRL_ERR_FILE_WRITE_ERROR)                                                              \
    /* config.pvs or registry unreadable */                                                            \
    X(corrupt, PRL_ERR_PARSE_VM_CONFIG)                                                                \
    /* an external backup of the VM is running */                                                      \
    X(busy, PRL_ERR_VM_LOCKED_FOR_BACKUP)                                                              \
    /* no committed external backup with that UUID */                                                 \
    X(no_data, PRL_ERR_NO_DATA)                                                                        \
    /* no snapshot with that id in the VM's tree */                                                    \
    X(snapshot_not_found, PRL_ERR_VM_SNAPSHOT_NOT_FOUND)                                               \
    /* prlshimd: no daemon answers at that address */                                                  \
    X(cant_connect, PRL_ERR_CANT_CONNECT_TO_DISPATCHER)                                                \
    /* prlshimd: the connection broke or the daemon went away */                                       \
    X(connection_lost, PRL_ERR_SERVER_GOES_DOWN)                                                       \
    /* prlshimd: wrong user name or password */                                                        \
    X(auth_failed, PRL_ERR_AUTHENTICATION_FAILED)                                                      \
    /* prlshimd: the server's certificate is not the one trusted */                                    \
    X(certificate_invalid, PRL_ERR_CONN_SERVER_CERTIFICATE_INVALID)                                    \
    /* prlshimd: the session may not do that */                                                        \
    X(access_denied, PRL_ERR_ACCESS_DENIED)                                                            \
    /* prlshimd: the daemon does not serve that operation */                                           \
    X(unimplemented, PRL_ERR_UNIMPLEMENTED)                                                            \
    /* prlshimd: the user has no task with that UUID, running or in the history */                     \
    X(task_not_found, PRL_ERR_TASK_NOT_FOUND)

enum class Errc {
#define PRLSHIM_ERRC_ENUM(code, result) code,
    PRLSHIM_SERVICE_ERRC_LIST(PRLSHIM_ERRC_ENUM)
#undef PRLSHIM_ERRC_ENUM
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

// The store's error for a platform failure: not_found (a missing file on a
// bounded read), corrupt (a file that fails it), io_error for every other
// system error, a full disk included.
Error store_error(const platform::SysError& e);

// Throws io_error with `what` and strerror(errno_value).
[[noreturn]] void throw_errno(const std::string& what, int errno_value);

}  // namespace prl::service
