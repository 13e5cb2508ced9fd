#include "power_state.h"

namespace prl::service {
namespace {

// Refusal codes, as prl-disp-service answers them: a command needing a
// started VM gets "is not started"; a command on a VM in a transitional
// state, or one that makes no sense from its state, "can't be executed".
constexpr const char* not_started = "PRL_ERR_DISP_VM_IS_NOT_STARTED";
constexpr const char* cant_execute = "PRL_ERR_DISP_VM_COMMAND_CANT_BE_EXECUTED";

PowerPlan go(std::vector<VmState> states) { return PowerPlan{std::move(states), std::nullopt}; }
PowerPlan refuse(const char* code) { return PowerPlan{{}, std::string(code)}; }

}  // namespace

bool is_stable(VmState s) noexcept {
    return s == VmState::stopped || s == VmState::running || s == VmState::paused || s == VmState::suspended;
}

PowerPlan plan_power_command(VmState from, PowerCommand command) {
    using S = VmState;
    // A VM in the middle of a transition accepts nothing until it settles.
    if (!is_stable(from)) return refuse(cant_execute);
    const bool live = from == S::running || from == S::paused;

    switch (command) {
    case PowerCommand::start:
        if (from == S::stopped) return go({S::starting, S::running});
        if (from == S::suspended) return go({S::resuming, S::running});  // start restores the saved state
        if (from == S::paused) return go({S::continuing, S::running});
        return go({});  // already running: the product reports success
    case PowerCommand::stop:
        if (live) return go({S::stopping, S::stopped});
        return refuse(not_started);
    case PowerCommand::pause:
        if (from == S::running) return go({S::pausing, S::paused});
        return refuse(not_started);
    case PowerCommand::resume:
        if (from == S::paused) return go({S::continuing, S::running});
        if (from == S::suspended) return go({S::resuming, S::running});
        return refuse(cant_execute);
    case PowerCommand::suspend:
        if (live) return go({S::suspending, S::suspended});
        return refuse(cant_execute);
    case PowerCommand::reset:
        if (live) return go({S::resetting, S::running});
        return refuse(not_started);
    case PowerCommand::restart:  // guest reboot: needs a running guest
        if (from == S::running) return go({S::stopping, S::starting, S::running});
        return refuse(not_started);
    case PowerCommand::drop_suspended_state:  // no guest memory was ever saved: nothing to delete
        if (from == S::suspended) return go({S::stopped});
        return refuse(cant_execute);
    }
    return refuse(cant_execute);
}

const char* state_name(VmState s) noexcept {
    switch (s) {
    case VmState::unknown: return "VMS_UNKNOWN";
    case VmState::stopped: return "VMS_STOPPED";
    case VmState::starting: return "VMS_STARTING";
    case VmState::restoring: return "VMS_RESTORING";
    case VmState::running: return "VMS_RUNNING";
    case VmState::paused: return "VMS_PAUSED";
    case VmState::suspending: return "VMS_SUSPENDING";
    case VmState::stopping: return "VMS_STOPPING";
    case VmState::compacting: return "VMS_COMPACTING";
    case VmState::suspended: return "VMS_SUSPENDED";
    case VmState::snapshoting: return "VMS_SNAPSHOTING";
    case VmState::resetting: return "VMS_RESETTING";
    case VmState::pausing: return "VMS_PAUSING";
    case VmState::continuing: return "VMS_CONTINUING";
    case VmState::migrating: return "VMS_MIGRATING";
    case VmState::deleting_state: return "VMS_DELETING_STATE";
    case VmState::resuming: return "VMS_RESUMING";
    case VmState::suspending_sync: return "VMS_SUSPENDING_SYNC";
    case VmState::reconnecting: return "VMS_RECONNECTING";
    case VmState::mounted: return "VMS_MOUNTED";
    }
    return nullptr;
}

const char* command_name(PowerCommand c) noexcept {
    switch (c) {
    case PowerCommand::start: return "start";
    case PowerCommand::stop: return "stop";
    case PowerCommand::pause: return "pause";
    case PowerCommand::resume: return "resume";
    case PowerCommand::suspend: return "suspend";
    case PowerCommand::reset: return "reset";
    case PowerCommand::restart: return "restart";
    case PowerCommand::drop_suspended_state: return "drop the suspended state of";
    }
    return "?";
}

std::optional<VmState> state_from_int(int value) noexcept {
    auto s = static_cast<VmState>(value);
    if (state_name(s)) return s;
    return std::nullopt;
}

}  // namespace prl::service
