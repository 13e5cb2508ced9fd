// Copying a disk image as cheaply as the filesystem allows: snapshots, clones
// and the external-backup view all copy whole images (docs/snapshots.md).
#pragma once
#include <filesystem>
#include <functional>
#include <sys/types.h>

namespace prl::service {

enum class CloneMethod {
    reflink,      // FICLONE: the copy shares the source's extents (btrfs, XFS, …)
    sparse_copy,  // only the data extents are copied (SEEK_DATA/SEEK_HOLE, copy_file_range)
};

// Creates `to` (it must not exist; symlinks are not followed at either end)
// holding exactly the bytes and size of the regular file `from`. Holes stay
// holes. The new file is fsynced; its directory is not (the caller publishes
// it). On failure nothing is left at `to`. Throws prl::service::Error.
CloneMethod clone_file(const std::filesystem::path& from, const std::filesystem::path& to, mode_t mode = 0600);

// How a copy moves the bytes where the filesystem cannot share extents: given
// `from` open for reading, `to` created empty, and `from`'s size, it must
// leave `to` holding exactly those bytes (clone_file's own copier copies only
// the data extents; the external backup's also hashes them on the way).
using ByteCopier = std::function<void(int from_fd, int to_fd, off_t size)>;

// clone_file with `copy` moving the bytes when no reflink is possible. The same
// guarantees: `to` must not exist, is fsynced, and is gone on failure.
CloneMethod clone_file_with(const std::filesystem::path& from, const std::filesystem::path& to,
                            const ByteCopier& copy, mode_t mode = 0600);

// Makes the existing `target` hold exactly the bytes of `from`, atomically:
// a clone beside it, renamed over it, directory synced. Readers see the old
// or the new bytes, never a mix.
CloneMethod replace_with_clone(const std::filesystem::path& from, const std::filesystem::path& target,
                               mode_t mode = 0600);

// Removes from `dir` the temporary files of replace_with_clone calls whose
// process is gone (killed mid-copy); those of live processes stay.
void remove_dead_clone_temps(const std::filesystem::path& dir);

const char* clone_method_name(CloneMethod method) noexcept;

}  // namespace prl::service
