// Where a repository keeps its bytes: named objects, written once in order
// and made visible whole by a commit, read by ranges, listed by directory.
// Two backends: a local directory (directory_storage.h) and a Ceph RADOS
// pool (lib/backup_rados). docs/backup-storage.md gives the rules and how
// each backend keeps them.
//
// Names are relative and '/'-separated, made only of [0-9A-Za-z._-] components
// that do not start with a dot (the engine generates them; check_object_name
// refuses anything else). A "directory" is a name's prefix up to a '/'.
// Every failure is a backup::Error (not_found, no_space, io_error,
// corrupted, locked).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prl::backup {

// Changes whenever an object of that name is committed again (listing caches
// compare it): inode and mtime for a file, a random generation for RADOS.
struct ObjectVersion {
    uint64_t a = 0;
    uint64_t b = 0;
    bool operator==(const ObjectVersion& o) const { return a == o.a && b == o.b; }
    bool operator!=(const ObjectVersion& o) const { return !(*this == o); }
};

struct ObjectInfo {
    std::string name;  // last component only in a listing, the whole name from stat
    bool is_directory = false;
    uint64_t size = 0;  // objects only
    ObjectVersion version;
};

// A committed object, read by ranges. Its content never changes while open.
class ObjectReader {
public:
    virtual ~ObjectReader() = default;
    virtual uint64_t size() const = 0;
    // Up to n bytes at `offset`; fewer only at the end. Thread-safe.
    virtual size_t read_at(void* buf, size_t n, uint64_t offset) = 0;
};

// An object in the making, written once under a name nobody uses: invisible
// until commit() returns, gone (or never seen) if the writer is dropped or
// the process dies first. Packs, index runs, maps, manifests.
class ObjectWriter {
public:
    virtual ~ObjectWriter() = default;
    virtual void append(const void* data, size_t n) = 0;
    // Thread-safe (not mixed with append): bytes never written read as zeros.
    virtual void write_at(const void* data, size_t n, uint64_t offset) = 0;
    // Two pieces that follow each other from `offset` (a pack frame's header
    // and payload) in one write.
    virtual void write_at(const void* first, size_t first_n, const void* second, size_t second_n, uint64_t offset) = 0;
    // The end of what was written.
    virtual uint64_t size() const = 0;
    // Sets the size the object will have: cuts, or grows with zeros.
    virtual void resize(uint64_t size) = 0;
    // Starts making what was written durable, without waiting (a pack that
    // is full goes to disk while the next one fills).
    virtual void start_writeback() {}
    // Makes everything written durable (commit() then waits for less).
    virtual void sync() = 0;
    // Makes it durable, then visible. Never replaces: Errc::io_error when an
    // object of that name exists.
    virtual void commit() = 0;
    // The same, except that the name itself is durable only after the
    // storage's sync_directory() of its directory: the objects an element
    // commits together pay for one directory sync, not one each.
    virtual void commit_unsynced() { commit(); }
};

// A held lock; released when destroyed (or when its holder dies).
class StorageLock {
public:
    virtual ~StorageLock() = default;
    // Throws Error(locked) when the lock may no longer be held (a lease
    // whose renewal failed, a lock another broke): what it guards must not
    // be committed. A lock the kernel holds for an open file never fails.
    virtual void check() const {}
};

enum class LockMode { shared, exclusive };

class Storage {
public:
    virtual ~Storage() = default;

    // For messages: the directory, or "rados:POOL".
    virtual std::string describe() const = 0;
    // Equal for two objects only when they reach the same repository (the
    // writers of one repository in a process share their packs).
    virtual std::string identity() const { return describe(); }

    virtual std::unique_ptr<ObjectWriter> create(const std::string& name) = 0;
    // Replaces (or creates) the object: readers see the old or the new
    // content, never a mix. Metadata, compacted packs; durable=false for
    // derived data a crash may lose (listing caches: no fsync).
    virtual void put(const std::string& name, std::string_view data, bool durable = true) = 0;
    // Commits `data` under `name` only if no object of that name exists: the
    // commit marker of an element. False (nothing written) when one does.
    virtual bool put_exclusive(const std::string& name, std::string_view data) = 0;

    // nullptr when there is no committed object of that name.
    virtual std::unique_ptr<ObjectReader> open(const std::string& name) = 0;
    // The whole object; nullopt when absent, corrupted when larger than max_bytes.
    virtual std::optional<std::string> get(const std::string& name, size_t max_bytes);
    // get() of several objects of one directory, in order (a listing reads
    // every element's metadata; the directory backend opens the directory once).
    // With `infos`, also each object's size and version as it was read.
    virtual std::vector<std::optional<std::string>> get_all(const std::string& directory,
                                                            const std::vector<std::string>& names, size_t max_bytes,
                                                            std::vector<ObjectInfo>* infos = nullptr);
    virtual std::optional<ObjectInfo> stat(const std::string& name) = 0;
    // The committed objects and the subdirectories directly in `directory`
    // ("" = the top), sorted by name. A missing directory is empty.
    virtual std::vector<ObjectInfo> list(const std::string& directory) = 0;
    // list() without sizes and versions, which the directory backend would
    // stat each entry for: for a listing that reads the objects anyway, or
    // wants only the subdirectories.
    virtual std::vector<ObjectInfo> list_names(const std::string& directory) { return list(directory); }
    // False when there was nothing to remove. durable=false for what is
    // garbage anyway (a removal a crash undoes only leaves garbage again).
    virtual bool remove(const std::string& name, bool durable = true) = 0;
    // Makes the names committed unsynced in `directory` durable.
    virtual void sync_directory(const std::string& directory) { (void)directory; }
    // Forgets an empty directory (a no-op when it still holds anything).
    virtual void remove_directory(const std::string& directory) = 0;
    // Deletes what writers that died left in `directory` (never visible, but
    // taking space). Only while no writer can be at work there.
    virtual void remove_unfinished(const std::string& directory) = 0;

    // Locks `name`: an object's (the marker of a running operation is
    // locked by it; it must not be replaced while locked) or a name of its
    // own (the directory backend keeps an empty file there, which its
    // listing shows). wait=false: nullptr when another holder has it. A
    // holder that dies loses its locks (RADOS: when its lease lapses).
    virtual std::unique_ptr<StorageLock> lock(const std::string& name, LockMode mode, bool wait) = 0;
};

// invalid_argument unless `name` follows the naming rule above.
void check_object_name(std::string_view name);
void check_directory_name(std::string_view directory);  // "" allowed
// "a/b/c" → "a/b"; "c" → "".
std::string directory_of(std::string_view name);
std::string last_component(std::string_view name);
// `name` in `directory` ("" = the top).
std::string name_in(const std::string& directory, const std::string& name);

}  // namespace prl::backup
