// The platform layer (lib/platform, docs/platform.md) as the engine calls it:
// the same functions under the same names, failing with backup::Error
// (not_found, no_space, corrupted for a bad bounded read, io_error) instead
// of platform::SysError, so that only backup::Error leaves the engine.
#pragma once
#include "error.h"

#include "platform/durable_io.h"
#include "platform/file_lock.h"
#include "platform/random.h"
#include "platform/unique_fd.h"

#include <utility>

namespace prl::backup {

namespace fs = std::filesystem;
using platform::FileLock;
using platform::UniqueFd;

template <class F>
decltype(auto) engine_io(F&& f) {
    return platform::translate_sys_errors(backup_error, std::forward<F>(f));
}

inline FileLock acquire_lock(const fs::path& file, FileLock::Mode mode) {
    return engine_io([&] { return FileLock::acquire(file, mode); });
}
inline FileLock try_acquire_lock(const fs::path& file, FileLock::Mode mode) {
    return engine_io([&] { return FileLock::try_acquire(file, mode); });
}
inline UniqueFd open_file(const fs::path& p, int flags, mode_t mode = 0644) {
    return engine_io([&] { return platform::open_file(p, flags, mode); });
}
inline void write_all(int fd, const void* buf, size_t n, const std::string& what) {
    engine_io([&] { platform::write_all(fd, buf, n, what); });
}
inline void pwrite_all(int fd, const void* buf, size_t n, uint64_t off, const std::string& what) {
    engine_io([&] { platform::pwrite_all(fd, buf, n, off, what); });
}
inline bool pread_all(int fd, void* buf, size_t n, uint64_t off, const std::string& what) {
    return engine_io([&] { return platform::pread_all(fd, buf, n, off, what); });
}
inline size_t pread_upto(int fd, void* buf, size_t n, uint64_t off, const std::string& what) {
    return engine_io([&] { return platform::pread_upto(fd, buf, n, off, what); });
}
inline uint64_t file_size(int fd, const std::string& what) {
    return engine_io([&] { return platform::file_size(fd, what); });
}
inline void fsync_fd(int fd, const std::string& what) { engine_io([&] { platform::fsync_fd(fd, what); }); }
inline void fsync_dir(const fs::path& dir) { engine_io([&] { platform::fsync_dir(dir); }); }
inline void rename_durable(const fs::path& from, const fs::path& to) {
    engine_io([&] { platform::rename_durable(from, to); });
}
// Repository files are 0644 and directories 0777 less the umask, as always.
inline void write_file_atomic(const fs::path& dest, const std::string& data, mode_t mode = 0644) {
    engine_io([&] { platform::write_file_atomic(dest, data, mode); });
}
inline std::string read_file_bounded_at(int dir_fd, const std::string& name, size_t max_bytes, struct stat* st) {
    return engine_io([&] { return platform::read_file_bounded_at(dir_fd, name, max_bytes, st); });
}
inline void make_directories(const fs::path& dir, mode_t mode = 0777) {
    engine_io([&] { platform::make_directories(dir, mode); });
}
inline std::string random_hex(size_t bytes) { return engine_io([&] { return platform::random_hex(bytes); }); }
inline uint64_t random_u64() { return engine_io([] { return platform::random_u64(); }); }

}  // namespace prl::backup
