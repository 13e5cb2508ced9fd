// The operations behind PrlVm_Clone* and PrlVm_Move, run as job tasks
// (docs/clones.md): argument checks with the product's codes, the service
// call, the client-side VM objects and the events the product emits.
#pragma once

#include "result.h"
#include "vm.h"

#include <cstdint>
#include <string>

namespace prl::clone_ops {

struct CloneArgs {
    std::string name;
    std::string uuid;    // empty: a new one
    std::string parent;  // empty: the default VM (or container) directory
    std::uint32_t flags = 0;  // PCVF_*
};

// The new VM (result parameter 0); PET_DSP_EVT_VM_ADDED.
ResultPtr clone(const VmPtr& vm, const CloneArgs& args);
// The moved VM, reread (result parameter 0); PET_DSP_EVT_VM_CONFIG_CHANGED.
ResultPtr move(const VmPtr& vm, const std::string& new_home);

}  // namespace prl::clone_ops
