// A per-VM cache of parsed element metadata ("vms/<vm>/catalog.cache"), so
// listing 100,000 elements costs a stat per element instead of an XML parse,
// and a listing without caches creates one file per VM, not per chain. Every
// entry carries the fingerprint (size and storage version: inode and mtime
// for a file, its generation in RADOS) of the metadata object it
// came from and is used only while that file is unchanged. The cache is
// derived data: any doubt (bad checksum, wrong fingerprint, failed checks)
// means the XML is parsed instead, and failing to write it is harmless.
#pragma once
#include "element_meta.h"
#include "platform_io.h"
#include "storage.h"

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

// One chain's entries by element number.
using ChainCache = std::map<uint32_t, CachedElement>;
// A VM's entries by chain uuid ("{...}", as in the metadata).
using CatalogCache = std::map<std::string, ChainCache>;

// The fingerprint of a metadata object as the storage lists it.
FileFingerprint fingerprint_of(const ObjectInfo& o);

// Empty when the cache is missing or unusable (any bad entry discards all).
CatalogCache read_catalog_cache(Storage& storage, const std::string& vm_dir);
// Replaces the cache (put, not durable), or removes it when `entries` holds
// no element. Best effort: errors are swallowed. Writers of elements hold the
// VM's lock, listers do not: the last rename wins, and since any entry is
// used only while its file is unchanged, every version is a valid cache.
void write_catalog_cache(Storage& storage, const std::string& vm_dir, const CatalogCache& entries);

}  // namespace prl::backup
