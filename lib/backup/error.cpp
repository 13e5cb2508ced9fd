#include "error.h"

#include <cerrno>
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

void throw_errno(int err, const std::string& what) {
    const Errc code = (err == ENOSPC || err == EDQUOT) ? Errc::no_space : Errc::io_error;
    throw Error(code, what + ": " + std::strerror(err));
}

void throw_error(Errc code, const std::string& message) { throw Error(code, message); }

}  // namespace prl::backup
