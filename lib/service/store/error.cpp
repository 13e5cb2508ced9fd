#include "error.h"

#include <cstring>

namespace prl::service {

const char* prl_result_name(Errc code) noexcept {
    switch (code) {
#define PRLSHIM_ERRC_RESULT_NAME(code, result) \
    case Errc::code: return #result;
        PRLSHIM_SERVICE_ERRC_LIST(PRLSHIM_ERRC_RESULT_NAME)
#undef PRLSHIM_ERRC_RESULT_NAME
    }
    return "PRL_ERR_UNEXPECTED";
}

const char* errc_name(Errc code) noexcept {
    switch (code) {
#define PRLSHIM_ERRC_NAME(code, result) \
    case Errc::code: return #code;
        PRLSHIM_SERVICE_ERRC_LIST(PRLSHIM_ERRC_NAME)
#undef PRLSHIM_ERRC_NAME
    }
    return "unknown";
}

Error::Error(Errc code, const std::string& what) : std::runtime_error(what), code_(code) {}

Error store_error(const platform::SysError& e) {
    switch (e.code()) {
    case platform::SysErrc::not_found: return Error(Errc::not_found, e.what());
    case platform::SysErrc::bad_file: return Error(Errc::corrupt, e.what());
    case platform::SysErrc::io_error:
    case platform::SysErrc::no_space: break;
    }
    return Error(Errc::io_error, e.what());
}

void throw_errno(const std::string& what, int errno_value) {
    throw Error(Errc::io_error, what + ": " + std::strerror(errno_value));
}

}  // namespace prl::service
