// The store's file primitives. The durable ones are the platform layer's
// (lib/platform, docs/platform.md) under the same names, failing with
// prl::service::Error: not_found for a missing file on a bounded read,
// corrupt for a file that fails it, io_error for everything else. The rest
// are the store's own.
#pragma once
#include "platform/file_lock.h"
#include "platform/unique_fd.h"

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace prl::service {

namespace fs = std::filesystem;
using platform::FileLock;
using platform::UniqueFd;

// FileLock::acquire / try_acquire (an unlocked FileLock when someone else holds it).
FileLock acquire_lock(const fs::path& lock_file, FileLock::Mode mode);
FileLock try_acquire_lock(const fs::path& lock_file, FileLock::Mode mode);

// Readers see either the old or the new content: temp file in the same
// directory, fsync, rename, fsync directory.
void write_file_atomic(const fs::path& path, const std::string& data, mode_t mode = 0600);

// Creates `path` with `data` only if it does not exist yet (link(2) never
// replaces). Returns false when another writer got there first.
bool create_file_once(const fs::path& path, const std::string& data, mode_t mode = 0600);

// Reads a regular file of at most `max_bytes` (larger → Errc::corrupt).
// A missing file throws Errc::not_found.
std::string read_file_bounded(const fs::path& path, std::size_t max_bytes);

void fsync_dir(const fs::path& dir);

// mkdir -p; directories it creates get `mode`. Fails if a component exists
// and is not a directory.
void make_directories(const fs::path& dir, mode_t mode = 0700);

// mkdir of exactly one new directory; false if something already exists there.
bool make_new_directory(const fs::path& dir, mode_t mode = 0700);

// Creates a new (O_EXCL, no symlink following) sparse file of `size_bytes`.
void create_sparse_file(const fs::path& path, std::uint64_t size_bytes);

// Removes a tree without following symlinks inside it. Missing is fine.
void remove_tree(const fs::path& path);

bool is_directory_nofollow(const fs::path& path);
// Whether anything (a dangling symlink too) is at `path`.
bool exists_nofollow(const fs::path& path);

// Absolute, lexically normal, with symlinks in existing parts resolved; used
// to compare bundle paths.
fs::path canonical_path(const fs::path& path);

}  // namespace prl::service
