// A per-chain cache of parsed element metadata ("catalog.cache"), so listing
// 100,000 elements costs a stat per element instead of an XML parse. Every
// entry carries the fingerprint (inode, size, mtime) of the metadata file it
// came from and is used only while that file is unchanged. The cache is
// derived data: any doubt (bad checksum, wrong fingerprint, failed checks)
// means the XML is parsed instead, and failing to write it is harmless.
#pragma once
#include "element_meta.h"
#include "platform_io.h"

#include <map>

namespace prl::backup {

constexpr const char* kCatalogCacheName = "catalog.cache";

struct FileFingerprint {
    uint64_t ino = 0, size = 0;
    int64_t mtime_s = 0;
    uint32_t mtime_ns = 0;
    bool operator==(const FileFingerprint& o) const {
        return ino == o.ino && size == o.size && mtime_s == o.mtime_s && mtime_ns == o.mtime_ns;
    }
};

struct CachedElement {
    FileFingerprint print;
    ElementMeta meta;
};

// Empty map when the cache is missing or unusable.
std::map<uint32_t, CachedElement> read_catalog_cache(const fs::path& chain_dir);
// Best effort: errors are swallowed.
void write_catalog_cache(const fs::path& chain_dir, const std::map<uint32_t, CachedElement>& entries);

}  // namespace prl::backup
