// Helpers shared by the Repository operations (internal).
#pragma once
#include "catalog.h"
#include "ids.h"
#include "layout.h"
#include "platform_io.h"

namespace prl::backup {

// Parses a backup id or throws invalid_argument.
BackupId require_backup_id(const std::string& id);
// Canonical VM uuid or throws invalid_argument.
std::string require_vm_uuid(const std::string& uuid);
// Takes the per-VM writer lock or throws locked.
std::unique_ptr<StorageLock> lock_vm_for_writing(const Layout& l, const std::string& vm_uuid);
// After a remove: collect garbage now if nothing else runs, else leave it to a later open.
// Returns true when it ran.
bool try_collect_garbage(const Layout& l);

}  // namespace prl::backup
