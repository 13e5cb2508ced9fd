#include "file_lock.h"

#include "error.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>

namespace prl::service {

FileLock::FileLock(const std::filesystem::path& lock_file, Mode mode)
    : fd_(::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) {
    if (!fd_) throw_errno("open lock " + lock_file.string(), errno);
    int op = mode == Mode::exclusive ? LOCK_EX : LOCK_SH;
    while (::flock(fd_.get(), op) != 0) {
        if (errno != EINTR) throw_errno("lock " + lock_file.string(), errno);
    }
}

FileLock::~FileLock() {
    if (fd_) ::flock(fd_.get(), LOCK_UN);  // closing would release it too; be explicit
}

}  // namespace prl::service
