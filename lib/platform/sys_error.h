// The one exception the platform layer throws, and the errno mapping. Each
// library turns a SysError into its own error type at its edge
// (translate_sys_errors), so its callers keep seeing the codes they know.
#pragma once
#include <stdexcept>
#include <string>
#include <utility>

namespace prl::platform {

enum class SysErrc {
    io_error,   // any other system error
    no_space,   // ENOSPC or EDQUOT
    not_found,  // ENOENT opening a file (ENOTDIR too for read_file_bounded)
    bad_file,   // read_file_bounded: not a regular file, too large, changed while read
};

// no_space for ENOSPC / EDQUOT, io_error otherwise.
SysErrc sys_errc_from_errno(int err) noexcept;
const char* sys_errc_name(SysErrc code) noexcept;

class SysError : public std::runtime_error {
public:
    SysError(SysErrc code, int sys_errno, const std::string& message);
    SysErrc code() const noexcept { return code_; }
    // The errno behind it, 0 when the failure was not a system call's.
    int sys_errno() const noexcept { return errno_; }

private:
    SysErrc code_;
    int errno_;
};

// Throws SysError(sys_errc_from_errno(err)) with "`what`: strerror(err)".
[[noreturn]] void throw_sys_error(int err, const std::string& what);
// Same with a chosen code (e.g. not_found for ENOENT on open).
[[noreturn]] void throw_sys_error(SysErrc code, int err, const std::string& what);

// Runs f(); a SysError it throws is thrown on as translate(error), the
// caller's own error type.
template <class Translate, class F>
decltype(auto) translate_sys_errors(Translate&& translate, F&& f) {
    try {
        return std::forward<F>(f)();
    } catch (const SysError& e) {
        throw translate(e);
    }
}

}  // namespace prl::platform
