// Per-block SHA-256 of a disk image, the basis of the external backup's
// changes map (docs/external-backup.md). Holes are known to be zero without
// reading them (SEEK_DATA); data blocks are read and hashed on several threads.
#pragma once
#include "backup/sha256.h"
#include "store/file_clone.h"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace prl::service {

using BlockDigest = backup::Digest;

// The hash of every `granularity`-byte block of the first `size` bytes of
// `image` (the last block may be shorter). Throws Error(io_error).
std::vector<BlockDigest> hash_blocks(const std::filesystem::path& image, std::uint64_t size,
                                     std::uint32_t granularity);

// clone_file for a view that will be hashed. Where the filesystem shares
// extents it is a reflink and nothing is read (`hashes` empty); otherwise the
// bytes must pass through memory anyway, so they are hashed on their way:
// one read of the image gives both the copy and its block hashes.
struct HashedClone {
    CloneMethod method = CloneMethod::reflink;
    std::uint64_t size = 0;             // bytes of the copy
    std::vector<BlockDigest> hashes;    // sparse_copy only
};
HashedClone clone_and_hash(const std::filesystem::path& image, const std::filesystem::path& view,
                           std::uint32_t granularity);

// hash_blocks of `image` knowing an earlier reflink copy of it, `base`, whose
// block hashes are `base_hashes`: a block that both files still keep in the
// same physical place (store/shared_extents.h) has base's hash and is not read.
// A base of another size, or hashes of another count: all is read.
std::vector<BlockDigest> hash_blocks_since(const std::filesystem::path& image, std::uint64_t size,
                                           std::uint32_t granularity, const std::filesystem::path& base,
                                           const std::vector<BlockDigest>& base_hashes);

// The hash of `length` zero bytes (cached for the common lengths).
BlockDigest zero_block_digest(std::uint32_t length);

}  // namespace prl::service
