#include "sys_error.h"

#include <cerrno>
#include <cstring>

namespace prl::platform {

SysErrc sys_errc_from_errno(int err) noexcept {
    return (err == ENOSPC || err == EDQUOT) ? SysErrc::no_space : SysErrc::io_error;
}

const char* sys_errc_name(SysErrc code) noexcept {
    switch (code) {
    case SysErrc::io_error: return "io_error";
    case SysErrc::no_space: return "no_space";
    case SysErrc::not_found: return "not_found";
    case SysErrc::bad_file: return "bad_file";
    }
    return "unknown";
}

SysError::SysError(SysErrc code, int sys_errno, const std::string& message)
    : std::runtime_error(message), code_(code), errno_(sys_errno) {}

void throw_sys_error(int err, const std::string& what) { throw_sys_error(sys_errc_from_errno(err), err, what); }

void throw_sys_error(SysErrc code, int err, const std::string& what) {
    throw SysError(code, err, what + ": " + std::strerror(err));
}

}  // namespace prl::platform
