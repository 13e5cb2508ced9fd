// An advisory flock(2) on a lock file, held for the object's lifetime. It is
// what lets several processes share one state root.
#pragma once
#include "unique_fd.h"

#include <filesystem>

namespace prl::service {

class FileLock {
public:
    enum class Mode { shared, exclusive };
    // Creates the lock file if needed; blocks until the lock is granted.
    FileLock(const std::filesystem::path& lock_file, Mode mode);
    ~FileLock();
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

private:
    UniqueFd fd_;
};

}  // namespace prl::service
