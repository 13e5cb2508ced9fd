// PrlVm_* calls between a client's VM object and its session: events made on
// a VM (PrlVm_CreateEvent, PrlVm_CreateAnswerEvent), the reserved
// PrlVm_SetConfig, a new device image name in the bundle
// (PrlVm_GenerateVmDevFilename), the session's exclusive lock of a VM
// (PrlVm_Lock / PrlVm_Unlock, core/vm_locks.h) and the uptime counter reset
// (PrlVm_ResetUptime).
#include "product_date.h"
#include "boundary.h"
#include "host_path.h"

#include "core/event.h"
#include "core/result.h"
#include "core/server.h"
#include "core/vm.h"
#include "core/vm_locks.h"
#include "core/vm_ops.h"
#include "service/store/vm_config.h"

#include <ctime>
#include <filesystem>
#include <string>

using namespace prl;
using namespace prl::abi;

namespace {

// A name part of GenerateVmDevFilename: may be absent, no '/'.
std::string name_part(PRL_CONST_STR s) {
    if (!s) return {};
    std::string t = host_path_arg(s);
    require(t.find('/') == std::string::npos, PRL_ERR_INVALID_ARG, "a name part may not hold '/'");
    return t;
}

// The lock's job: the VM must be registered and the session logged in.
PRL_HANDLE lock_job(PRL_JOB_OPERATION_CODE op, PRL_HANDLE hVm, bool lock) {
    return async(op, [&] {
        VmPtr vm = handle_cast<Vm>(hVm).share();
        return give_job(vm->server()->start_job(op, [vm, lock](Job&) -> ResultPtr {
            auto svc = vm->server()->service();  // needs a login
            const std::string uuid = vm_ops::registered_uuid(*vm);
            svc->config(uuid);  // still registered (PRL_ERR_VM_UUID_NOT_FOUND otherwise)
            const std::string session = vm->server()->session_uuid();
            if (lock)
                VmLocks::instance().lock(uuid, session);
            else
                VmLocks::instance().unlock(uuid, session);
            // As the dispatcher: the VM's clients reread its state.
            vm_ops::announce_config_changed(vm, uuid);
            return nullptr;
        }));
    });
}

}  // namespace

extern "C" {

PRL_RESULT PrlVm_CreateEvent(PRL_HANDLE hVm, PRL_HANDLE_PTR phEvent) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVm);
        out_ptr(phEvent);
        // An empty event of the VM's (type left at the model's default), for
        // the client to fill (PrlEvent_FromString) or send back.
        EventData d;
        d.type = PET_VM_INF_UNINITIALIZED_EVENT_CODE;
        d.server = vm->server();
        d.vm = vm.share();
        give(std::make_shared<Event>(std::move(d)), phEvent);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVm_CreateAnswerEvent(PRL_HANDLE hVm, PRL_HANDLE_PTR phEvent, PRL_RESULT nAnswer) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVm);
        out_ptr(phEvent);
        // The answer to a question of this VM, as the original builds it: code
        // PET_DSP_EVT_VM_QUESTION, the type left at the model's default, the
        // VM's UUID and the choice.
        EventData a;
        a.type = PET_VM_INF_UNINITIALIZED_EVENT_CODE;
        a.error_code = PET_DSP_EVT_VM_QUESTION;
        a.params.push_back(EventParam::string("vm_uuid", vm->uuid()));
        a.params.push_back(EventParam::uint32("vm_message_choice_0", static_cast<std::uint32_t>(nAnswer)));
        a.server = vm->server();
        a.vm = vm.share();
        give(std::make_shared<Event>(std::move(a)), phEvent);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVm_SetConfig(PRL_HANDLE hVm, PRL_HANDLE hVmCfg) {
    return sync([&] {
        handle_cast<Vm>(hVm);
        handle_cast<Vm>(hVmCfg);  // PHT_VM_CONFIGURATION is the VM handle itself
        // A reserved method in the SDK: it checks both handles and changes
        // nothing (a VM's configuration is the VM handle, PrlVm_GetConfig).
        return PRL_ERR_SUCCESS;
    });
}

PRL_HANDLE PrlVm_GenerateVmDevFilename(PRL_HANDLE hVm, PRL_CONST_STR sFilenamePrefix, PRL_CONST_STR sFilenameSuffix,
                                       PRL_CONST_STR sIndexDelimiter) {
    return async(PJOC_VM_GENERATE_VM_DEV_FILENAME, [&] {
        VmPtr vm = handle_cast<Vm>(hVm).share();
        const std::string prefix = name_part(sFilenamePrefix), suffix = name_part(sFilenameSuffix),
                          delimiter = name_part(sIndexDelimiter);
        const std::string home = vm->read([](const service::VmConfig& c) { return c.home_path; });
        // The SDK answers a VM with no home (never registered) at once.
        require(!home.empty(), PRL_ERR_NO_DATA, "the VM has no bundle yet");
        const std::string bundle = std::filesystem::path(home).parent_path().string();
        return give_job(vm->server()->start_job(PJOC_VM_GENERATE_VM_DEV_FILENAME,
                                                [vm, bundle, prefix, suffix, delimiter](Job&) -> ResultPtr {
            vm->server()->service();  // needs a login
            return std::make_shared<Result>(
                std::vector<Result::Param>{generate_name(bundle, prefix, suffix, delimiter)});
        }));
    });
}

PRL_HANDLE PrlVm_Lock(PRL_HANDLE hVm, PRL_UINT32) { return lock_job(PJOC_VM_LOCK, hVm, true); }

PRL_HANDLE PrlVm_Unlock(PRL_HANDLE hVm, PRL_UINT32) { return lock_job(PJOC_VM_UNLOCK, hVm, false); }

PRL_HANDLE PrlVm_ResetUptime(PRL_HANDLE hVm, PRL_UINT32) {
    return async(PJOC_VM_RESET_UPTIME, [&] {
        VmPtr vm = handle_cast<Vm>(hVm).share();
        return give_job(vm->server()->start_job(PJOC_VM_RESET_UPTIME, [vm](Job&) -> ResultPtr {
            auto svc = vm->server()->service();  // needs a login
            const std::string uuid = vm_ops::registered_uuid(*vm);
            // As the dispatcher: the stored counter restarts at 0 from now; no
            // guest runs here whose process counter would restart too.
            const std::string now = product_utc_now();
            auto reset = [&now](service::VmConfig& c) {
                c.extra.set_text_at("Identification/VmUptimeInSeconds", "0");
                c.extra.set_text_at("Identification/VmUptimeStartDateTime", now);
            };
            service::VmRecord stored = svc->config(uuid);
            reset(stored.config);
            const auto entry = svc->update_config(uuid, stored.config, stored.entry.revision);
            // The client's copy carries the same reset, so its own commit does not undo it.
            vm->edit(reset);
            vm->rebase(stored.entry.revision, entry.revision);
            vm_ops::announce_config_changed(vm, uuid);
            return nullptr;
        }));
    });
}

}  // extern "C"
