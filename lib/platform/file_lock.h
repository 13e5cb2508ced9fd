// An advisory flock(2) on a lock file, held for the object's lifetime. The
// lock belongs to one open file description, so two FileLocks in one process
// exclude each other just like two processes do.
//
// The lock file is opened with O_NOFOLLOW (a symlink planted at its name is
// refused, not followed), O_CLOEXEC (a spawned program does not inherit it)
// and created with mode 0600.
#pragma once
#include "unique_fd.h"

#include <filesystem>

namespace prl::platform {

class FileLock {
public:
    enum class Mode { shared, exclusive };

    // Blocks until the lock is granted; creates the lock file if needed.
    static FileLock acquire(const std::filesystem::path& lock_file, Mode mode);
    // Does not block: returns an unlocked FileLock (false) when someone else holds it.
    static FileLock try_acquire(const std::filesystem::path& lock_file, Mode mode);

    FileLock() = default;
    ~FileLock() { release(); }
    FileLock(FileLock&& other) noexcept = default;
    FileLock& operator=(FileLock&& other) noexcept;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

    explicit operator bool() const noexcept { return static_cast<bool>(fd_); }
    // Unlocks explicitly (a forked child sharing the descriptor would
    // otherwise keep the lock) and closes.
    void release() noexcept;

private:
    static FileLock lock(const std::filesystem::path& lock_file, Mode mode, bool wait);
    UniqueFd fd_;
};

}  // namespace prl::platform
