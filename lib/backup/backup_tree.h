// The PrlSrv_GetBackupTree document (see DESIGN.md "The backup tree" and
// docs/backup-tree.xsd), streamed with libxml2's xmlTextWriter.
#pragma once
#include "backup_types.h"

#include <string>
#include <vector>

namespace prl::backup {

struct TreeFilter {
    enum Kind { vm, ct, any };  // any: every VM and container given
    Kind kind = vm;          // PBT_VM (default) or PBT_CT; ignored when backup_id is set
    std::string backup_id;   // PBT_BACKUP_ID / PBT_CHAIN: restrict to this backup
    bool chain = false;      // with backup_id: that element and the rest of its chain
};

// Throws Error(invalid_argument) for a backup_id that is not well formed; a
// well-formed id the list does not hold gives an empty tree.
std::string backup_tree_xml(const std::vector<VmEntry>& vms, const TreeFilter& filter);

// xs:dateTime text ("2024-05-01T12:00:00Z") for UTC seconds.
std::string format_utc(int64_t seconds);

}  // namespace prl::backup
