#include "file_lock.h"

#include "sys_error.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>

namespace prl::platform {

FileLock FileLock::lock(const std::filesystem::path& lock_file, Mode mode, bool wait) {
    int raw;
    do raw = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    while (raw < 0 && errno == EINTR);
    if (raw < 0) throw_sys_error(errno, "cannot open lock file " + lock_file.string());
    UniqueFd fd(raw);
    const int op = (mode == Mode::shared ? LOCK_SH : LOCK_EX) | (wait ? 0 : LOCK_NB);
    int rc;
    do rc = ::flock(fd.get(), op);
    while (rc != 0 && errno == EINTR);
    FileLock out;
    if (rc != 0) {
        if (errno == EWOULDBLOCK && !wait) return out;
        throw_sys_error(errno, "cannot lock " + lock_file.string());
    }
    out.fd_ = std::move(fd);
    return out;
}

FileLock FileLock::acquire(const std::filesystem::path& lock_file, Mode mode) { return lock(lock_file, mode, true); }
FileLock FileLock::try_acquire(const std::filesystem::path& lock_file, Mode mode) {
    return lock(lock_file, mode, false);
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
    if (this != &other) {
        release();
        fd_ = std::move(other.fd_);
    }
    return *this;
}

void FileLock::release() noexcept {
    if (!fd_) return;
    ::flock(fd_.get(), LOCK_UN);
    fd_.reset();
}

}  // namespace prl::platform
