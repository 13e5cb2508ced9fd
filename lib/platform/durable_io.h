// File I/O that survives signals, short counts and crashes: full reads and
// writes that retry on EINTR, fsync of files and directories, and the commit
// primitive (write a temp file beside the target, fsync it, rename it into
// place, fsync the directory). Every descriptor is opened O_CLOEXEC.
//
// Failures throw SysError: not_found only from open_file (ENOENT) and
// read_file_bounded (ENOENT, ENOTDIR), bad_file only from read_file_bounded,
// otherwise no_space (ENOSPC, EDQUOT) or io_error.
#pragma once
#include "unique_fd.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace prl::platform {

namespace fs = std::filesystem;

// open(2) with O_CLOEXEC added; ENOENT → not_found. Follows symlinks unless
// `flags` has O_NOFOLLOW (a disk image may be a link).
UniqueFd open_file(const fs::path& path, int flags, mode_t mode = 0644);

void write_all(int fd, const void* buf, std::size_t n, const std::string& what);
void pwrite_all(int fd, const void* buf, std::size_t n, std::uint64_t off, const std::string& what);
// Reads up to n bytes, fewer only at end of file; returns the count.
std::size_t pread_upto(int fd, void* buf, std::size_t n, std::uint64_t off, const std::string& what);
// Reads exactly n bytes; false on end of file before n (a short file).
bool pread_all(int fd, void* buf, std::size_t n, std::uint64_t off, const std::string& what);
std::uint64_t file_size(int fd, const std::string& what);

void fsync_fd(int fd, const std::string& what);
// fsync of a directory, so that a rename or create in it is durable. A file
// system that cannot (EINVAL) is accepted.
void fsync_dir(const fs::path& dir);
// rename(2), then fsync of the destination's directory.
void rename_durable(const fs::path& from, const fs::path& to);

// Replaces `dest` so that readers see the old or the new content, never a
// mix, also after a crash: temp file ".<name>.tmp.<pid>.<random>" beside it
// (O_EXCL, O_NOFOLLOW, `mode`), fsync, rename, fsync of the directory. The
// temp file is removed on failure.
void write_file_atomic(const fs::path& dest, const std::string& data, mode_t mode = 0600);
// Creates `path` with `data` only if nothing is there yet (link(2) never
// replaces); false when another writer got there first. Durable as above.
bool create_file_once(const fs::path& path, const std::string& data, mode_t mode = 0600);

// Reads a regular file of at most `max_bytes`, without following a symlink
// at `path`. Missing → not_found; not a regular file, larger, or changed
// while read → bad_file.
std::string read_file_bounded(const fs::path& path, std::size_t max_bytes);
// The same for `name` relative to the directory open as `dir_fd` (a short
// lookup where a whole path costs one per component; a listing reads
// thousands of files of a few directories), leaving the file's access time
// alone where the caller may (O_NOATIME). `st`, when given, receives the
// stat of the file that was read.
std::string read_file_bounded_at(int dir_fd, const std::string& name, std::size_t max_bytes, struct stat* st = nullptr);

// mkdir -p; the directories it creates get `mode` (less the umask). A
// component that exists and is not a directory is an io_error.
void make_directories(const fs::path& dir, mode_t mode = 0700);
// unlink(2), a missing file being fine.
void unlink_if_exists(const fs::path& path);

}  // namespace prl::platform
