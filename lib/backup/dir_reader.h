// A directory read through its open descriptor (readdir): a listing walks
// thousands of directories and looks files up relative to them, where
// std::filesystem builds a path per entry and a lookup per component.
#pragma once
#include "platform_io.h"

#include <dirent.h>
#include <fcntl.h>

namespace prl::backup {

class DirReader {
public:
    // Opens `name` relative to the directory open as `parent_fd` (AT_FDCWD: a
    // path). Throws Error (not_found when missing).
    DirReader(int parent_fd, const char* name);
    explicit DirReader(const fs::path& dir) : DirReader(AT_FDCWD, dir.c_str()) {}
    ~DirReader();
    DirReader(const DirReader&) = delete;
    DirReader& operator=(const DirReader&) = delete;

    int fd() const { return ::dirfd(dir_); }
    // The next entry ("." and ".." skipped), or null at the end (or on a read
    // error, as std::filesystem's iteration with an error_code ends).
    const struct dirent* next();

private:
    DIR* dir_ = nullptr;
};

// Whether an entry may be a directory (file systems without d_type say "unknown").
inline bool maybe_directory(const struct dirent& e) { return e.d_type == DT_DIR || e.d_type == DT_UNKNOWN; }

}  // namespace prl::backup
