// Running an operation on a VM handle as a job of the VM's server: the one
// way the PrlVm_* asynchronous calls start their work.
#pragma once

#include "boundary.h"

#include "core/server.h"
#include "core/vm.h"

#include <optional>

namespace prl::abi {

template <class Op>
PRL_HANDLE vm_job(PRL_HANDLE hVm, PRL_JOB_OPERATION_CODE code, Op op,
                  std::optional<PRL_RUNNING_TASK_TYPE_ENUM> task_type = std::nullopt) {
    return async(code, [&] {
        VmPtr vm = handle_cast<Vm>(hVm).share();
        return give_job(vm->server()->start_job(code, [vm, op](Job& job) { return op(vm, job); }, task_type));
    });
}

}  // namespace prl::abi
