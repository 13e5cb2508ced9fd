// The operations behind PrlVm_CreateSnapshot, GetSnapshotsTree,
// SwitchToSnapshot, DeleteSnapshot and UpdateSnapshotData, run as job tasks:
// each calls the service (service/snapshots.h), refreshes the client's copy
// of the VM where its configuration changed, and sends the events the
// product sends (docs/snapshots.md).
#pragma once

#include "job.h"
#include "result.h"
#include "vm.h"

#include <string>

namespace prl::snapshot_ops {

// The result's one string is the new snapshot's id.
ResultPtr create(const VmPtr& vm, const std::string& name, const std::string& description);
// The result's one string is the tree document.
ResultPtr tree(const VmPtr& vm);
// skip_resume (PSSF_SKIP_RESUME): a snapshot taken running leaves the VM paused.
ResultPtr switch_to(const VmPtr& vm, const std::string& id, bool skip_resume, Job& job);
ResultPtr remove(const VmPtr& vm, const std::string& id, bool with_children);
ResultPtr update(const VmPtr& vm, const std::string& id, const std::string& name, const std::string& description);

}  // namespace prl::snapshot_ops
