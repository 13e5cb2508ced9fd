// The statistics jobs: the host's (PrlSrv_GetStatistics) and a VM's
// (PrlVm_GetStatistics). Each returns a result holding one PHT_SYSTEM_STATISTICS.
#pragma once

#include "result.h"
#include "server.h"
#include "vm.h"

namespace prl::stat_ops {

ResultPtr host(Server& server);

// prlshim runs no guest, so a VM uses no CPU, memory or network: those
// figures are zero (one zero row per virtual CPU). Its disks are real: one
// row per hard disk image with the bytes the image occupies, and the VM data
// segments (disk data, whole bundle, the rest) measured on disk.
ResultPtr vm(const VmPtr& vm);

}  // namespace prl::stat_ops
