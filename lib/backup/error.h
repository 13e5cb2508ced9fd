// The one exception type the backup engine lets escape (besides std::bad_alloc).
#pragma once
#include "platform/sys_error.h"

#include <stdexcept>
#include <string>

namespace prl::backup {

enum class Errc {
    invalid_argument,  // malformed id, path, option or name
    not_found,         // well-formed id or VM that the repository does not hold
    locked,            // another writer holds the VM (or the store) lock
    corrupted,         // stored data or metadata fails its checks
    cancelled,         // the caller's cancel flag was raised
    io_error,          // any other system error
    no_space,          // ENOSPC / EDQUOT while writing
    vm_mismatch,       // e.g. restoring a CT backup as a VM, unknown disk name
};

const char* errc_name(Errc) noexcept;

class Error : public std::runtime_error {
public:
    Error(Errc code, const std::string& message);
    Errc code() const noexcept { return code_; }

private:
    Errc code_;
};

// The engine's error for a platform failure: the same code for the same errno
// (no_space, not_found), corrupted for a file that fails a bounded read.
Error backup_error(const platform::SysError& e);
// Throws io_error or no_space for errno `err`, naming what failed.
[[noreturn]] void throw_errno(int err, const std::string& what);
[[noreturn]] void throw_error(Errc code, const std::string& message);

}  // namespace prl::backup
