#include "error.h"

#include <cstring>

namespace prl::backup {

const char* errc_name(Errc c) noexcept {
    switch (c) {
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::not_found: return "not_found";
    case Errc::locked: return "locked";
    case Errc::corrupted: return "corrupted";
    case Errc::cancelled: return "cancelled";
    case Errc::io_error: return "io_error";
    case Errc::no_space: return "no_space";
    case Errc::vm_mismatch: return "vm_mismatch";
    }
    return "unknown";
}

Error::Error(Errc code, const std::string& message)
    : std::runtime_error(message), code_(code) {}

Error backup_error(const platform::SysError& e) {
    switch (e.code()) {
    case platform::SysErrc::no_space: return Error(Errc::no_space, e.what());
    case platform::SysErrc::not_found: return Error(Errc::not_found, e.what());
    case platform::SysErrc::bad_file: return Error(Errc::corrupted, e.what());
    case platform::SysErrc::io_error: break;
    }
    return Error(Errc::io_error, e.what());
}

void throw_errno(int err, const std::string& what) {
    throw backup_error(platform::SysError(platform::sys_errc_from_errno(err), err, what + ": " + std::strerror(err)));
}

void throw_error(Errc code, const std::string& message) { throw Error(code, message); }

}  // namespace prl::backup
