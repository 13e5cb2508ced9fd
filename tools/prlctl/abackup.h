// prlctl backup --abackup-mode: the product's example of the external
// backup API (PrlVm_BeginBackup ... PrlVmBackup_Commit), kept as prlctl
// has it: each disk's changes map and its blocks written to a folder.
#pragma once

#include "common.h"

#include <string>

namespace prlctl {

// For each disk N of `vm`: N.cbt (the changes map, one bit per block),
// N.full (every non-zero block, at its offset) and N.delta (the changed
// blocks); then `uuid`, the backup's id. `since` is the earlier backup's id
// (empty: every block is changed). Returns the exit status.
int abackup(const Vm& vm, const std::string& folder, const std::string& since, bool full);

}  // namespace prlctl
