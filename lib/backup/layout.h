// Where everything lives under the repository directory (see docs/backup-format.md).
#pragma once
#include "platform_io.h"

namespace prl::backup {

struct Layout {
    fs::path root;
    fs::path format_file() const { return root / "FORMAT"; }
    fs::path store_lock() const { return root / "store" / "lock"; }
    fs::path packs() const { return root / "store" / "packs"; }
    fs::path txns() const { return root / "store" / "txn"; }
    fs::path index() const { return root / "store" / "index"; }
    fs::path index_lock() const { return index() / "lock"; }
    fs::path vms() const { return root / "vms"; }
    // `uuid` is canonical "{...}" (checked by the caller).
    fs::path vm_dir(const std::string& uuid) const;
    fs::path vm_lock(const std::string& uuid) const { return vm_dir(uuid) / "lock"; }
    fs::path chain_dir(const std::string& vm, const std::string& chain) const;
};

}  // namespace prl::backup
