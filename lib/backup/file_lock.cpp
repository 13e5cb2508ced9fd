#include "file_lock.h"

#include "error.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>

namespace prl::backup {

FileLock FileLock::lock(const fs::path& lock_file, Mode mode, bool wait) {
    UniqueFd fd = open_file(lock_file, O_RDWR | O_CREAT, 0644);
    int op = (mode == Mode::shared ? LOCK_SH : LOCK_EX) | (wait ? 0 : LOCK_NB);
    int rc;
    do rc = ::flock(fd.get(), op);
    while (rc != 0 && errno == EINTR);
    FileLock out;
    if (rc != 0) {
        if (errno == EWOULDBLOCK) return out;
        throw_errno(errno, "cannot lock " + lock_file.string());
    }
    out.fd_ = std::move(fd);
    return out;
}

FileLock FileLock::try_acquire(const fs::path& lock_file, Mode mode) { return lock(lock_file, mode, false); }
FileLock FileLock::acquire(const fs::path& lock_file, Mode mode) { return lock(lock_file, mode, true); }

}  // namespace prl::backup
