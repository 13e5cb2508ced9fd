// flock(2) based locks. A lock belongs to one open file description, so two
// FileLock objects in one process exclude each other just like two processes.
#pragma once
#include "file_io.h"

namespace prl::backup {

class FileLock {
public:
    enum class Mode { shared, exclusive };
    FileLock() = default;
    FileLock(FileLock&&) = default;
    FileLock& operator=(FileLock&&) = default;

    // Non-blocking: returns an unlocked FileLock (false) when someone else holds it.
    static FileLock try_acquire(const fs::path& lock_file, Mode mode);
    // Blocking.
    static FileLock acquire(const fs::path& lock_file, Mode mode);

    explicit operator bool() const noexcept { return static_cast<bool>(fd_); }
    void release() noexcept { fd_.reset(); }

private:
    static FileLock lock(const fs::path& lock_file, Mode mode, bool wait);
    UniqueFd fd_;
};

}  // namespace prl::backup
