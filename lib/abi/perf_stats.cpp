// Performance counters: PrlSrv_/PrlVm_ SubscribeToPerfStats,
// UnsubscribeFromPerfStats and GetPerfStats. In the product the counters of a
// VM come from its hypervisor process (vCPU time, guest memory, per-disk and
// per-NIC I/O), and the server's PET_DSP_EVT_PERFSTATS carries none. No
// hypervisor runs here, so no VM counter exists to report: GetPerfStats
// answers with the product's event and no parameters, and a subscription is
// accepted (as the product accepts it) but never produces an event
// (docs/compatibility.md). The filter only selects among counters, so any
// string is accepted; NULL is the empty filter, "every counter".
#include "boundary.h"
#include "vm_job.h"

#include "core/event.h"
#include "core/result.h"
#include "core/server.h"
#include "core/vm.h"
#include "core/vm_ops.h"

using namespace prl;
using namespace prl::abi;

namespace {

ResultPtr one_event(EventData d) {
    return std::make_shared<Result>(std::vector<Result::Param>{std::make_shared<Event>(std::move(d))});
}

// A server job that needs a login and answers nothing.
PRL_HANDLE server_subscription(PRL_HANDLE hServer, PRL_JOB_OPERATION_CODE code) {
    return async(code, [&] {
        auto self = handle_cast<Server>(hServer).share();
        return give_job(self->start_job(code, [self](Job&) -> ResultPtr {
            self->service();  // needs a login
            return nullptr;
        }));
    });
}

// A VM job on a registered VM that answers nothing.
PRL_HANDLE vm_subscription(PRL_HANDLE hVm, PRL_JOB_OPERATION_CODE code) {
    return vm_job(hVm, code, [](const VmPtr& vm, Job&) -> ResultPtr {
        vm->server()->service();
        vm_ops::registered_uuid(*vm);
        return nullptr;
    });
}

}  // namespace

extern "C" {

PRL_HANDLE PrlSrv_SubscribeToPerfStats(PRL_HANDLE hServer, PRL_CONST_STR) {
    return server_subscription(hServer, PJOC_SRV_SUBSCRIBE_PERFSTATS);
}

PRL_HANDLE PrlSrv_UnsubscribeFromPerfStats(PRL_HANDLE hServer) {
    return server_subscription(hServer, PJOC_SRV_UNSUBSCRIBE_PERFSTATS);
}

PRL_HANDLE PrlSrv_GetPerfStats(PRL_HANDLE hServer, PRL_CONST_STR) {
    return async(PJOC_SRV_GET_PERFSTATS, [&] {
        auto self = handle_cast<Server>(hServer).share();
        return give_job(self->start_job(PJOC_SRV_GET_PERFSTATS, [self](Job&) {
            EventData d;
            d.type = PET_DSP_EVT_PERFSTATS;
            d.issuer_type = PIE_DISPATCHER;
            d.issuer_id = self->service()->host_facts().server_uuid;
            return one_event(std::move(d));
        }));
    });
}

PRL_HANDLE PrlVm_SubscribeToPerfStats(PRL_HANDLE hVm, PRL_CONST_STR) {
    return vm_subscription(hVm, PJOC_VM_SUBSCRIBE_PERFSTATS);
}

PRL_HANDLE PrlVm_UnsubscribeFromPerfStats(PRL_HANDLE hVm) {
    return vm_subscription(hVm, PJOC_VM_UNSUBSCRIBE_PERFSTATS);
}

PRL_HANDLE PrlVm_GetPerfStats(PRL_HANDLE hVm, PRL_CONST_STR) {
    return vm_job(hVm, PJOC_VM_GET_PERFSTATS, [](const VmPtr& vm, Job&) {
        vm->server()->service();
        const std::string uuid = vm_ops::registered_uuid(*vm);
        EventData d;  // as the product's: issuer and type, and no parameter
        d.type = PET_DSP_EVT_VM_PERFSTATS;
        d.issuer_type = PIE_VIRTUAL_MACHINE;
        d.issuer_id = uuid;
        d.vm = vm;
        return one_event(std::move(d));
    });
}

}  // extern "C"
