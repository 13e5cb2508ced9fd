// Where everything lives in a repository's storage (see docs/backup-format.md
// and docs/backup-storage.md): the names of its objects, directories and locks.
#pragma once
#include "platform_io.h"
#include "storage.h"

#include <memory>

namespace prl::backup {

struct Layout {
    std::shared_ptr<Storage> storage;

    Storage& store() const { return *storage; }
    static std::string join(const std::string& dir, const std::string& name) { return dir + "/" + name; }

    std::string format_file() const { return "FORMAT"; }
    std::string store_lock() const { return "store/lock"; }
    std::string packs() const { return "store/packs"; }
    std::string pack(uint64_t id) const;
    std::string txns() const { return "store/txn"; }
    std::string index() const { return "store/index"; }
    std::string index_lock() const { return "store/index/lock"; }
    std::string vms() const { return "vms"; }
    // `uuid` is canonical "{...}" (checked by the caller).
    std::string vm_dir(const std::string& uuid) const;
    std::string vm_lock(const std::string& uuid) const { return join(vm_dir(uuid), "lock"); }
    std::string chain_dir(const std::string& vm, const std::string& chain) const;
};

}  // namespace prl::backup
