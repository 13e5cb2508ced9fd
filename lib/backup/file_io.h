// RAII file descriptors and the few POSIX I/O helpers the engine needs:
// full reads/writes that retry on EINTR and short counts, durable renames.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <sys/types.h>

namespace prl::backup {

class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) noexcept : fd_(fd) {}
    UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
    UniqueFd& operator=(UniqueFd&& o) noexcept;
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() { reset(); }

    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }
    int release() noexcept { int f = fd_; fd_ = -1; return f; }
    void reset(int fd = -1) noexcept;

private:
    int fd_ = -1;
};

namespace fs = std::filesystem;

// open(2) that throws (not_found for ENOENT when `missing_is_not_found`).
UniqueFd open_file(const fs::path& p, int flags, mode_t mode = 0644);
// Same, but returns an empty fd on ENOENT.
UniqueFd open_if_exists(const fs::path& p, int flags);

void write_all(int fd, const void* buf, size_t n, const std::string& what);
void pwrite_all(int fd, const void* buf, size_t n, uint64_t off, const std::string& what);
// Reads exactly n bytes; returns false on EOF before n (short file).
bool pread_all(int fd, void* buf, size_t n, uint64_t off, const std::string& what);
// Reads up to n bytes, fewer only at end of file; returns the count.
size_t pread_upto(int fd, void* buf, size_t n, uint64_t off, const std::string& what);
uint64_t file_size(int fd, const std::string& what);

void fsync_fd(int fd, const std::string& what);
void fsync_dir(const fs::path& dir);
// rename(2) then fsync of the destination directory: the commit primitive.
void rename_durable(const fs::path& from, const fs::path& to);
// Reads a whole small file, failing with `corrupted` when it exceeds max_bytes.
std::string read_small_file(const fs::path& p, size_t max_bytes);
// Writes `data` to a temp file beside `dest`, fsyncs and renames it into place.
void write_file_atomic(const fs::path& dest, const std::string& data);

void mkdir_p(const fs::path& dir);
// Unlink ignoring ENOENT; other errors are reported.
void unlink_quiet(const fs::path& p);
// Random hex string of 2*bytes characters (for temp and pack names).
std::string random_hex(size_t bytes);
uint64_t random_u64();

}  // namespace prl::backup
