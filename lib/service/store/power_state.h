// The simulated VM's power state machine: a pure table saying, for a state
// and a command, which states the VM passes through or which PRL_RESULT the
// product refuses the command with. No guest runs; only states are modelled.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace prl::service {

// VIRTUAL_MACHINE_STATE values (lib/abi/defs/constants.tsv).
enum class VmState : int {
    unknown = 0,
    stopped = 805306369,
    starting = 805306370,
    restoring = 805306371,
    running = 805306372,
    paused = 805306373,
    suspending = 805306374,
    stopping = 805306375,
    compacting = 805306376,
    suspended = 805306377,
    snapshoting = 805306378,
    resetting = 805306379,
    pausing = 805306380,
    continuing = 805306381,
    migrating = 805306382,
    deleting_state = 805306383,
    resuming = 805306384,
    suspending_sync = 805306385,
    reconnecting = 805306386,
    mounted = 805306387,
};

// drop_suspended_state: a suspended VM forgets its saved state and is stopped.
enum class PowerCommand { start, stop, pause, resume, suspend, reset, restart, drop_suspended_state };

struct PowerPlan {
    // States entered, in order; the last is where the VM ends up. Empty for an
    // accepted no-op (start of a running VM: the product answers success).
    std::vector<VmState> states;
    // Set when the command is refused: the PRL_RESULT name the product uses.
    std::optional<std::string> refusal;

    bool allowed() const { return !refusal; }
};

PowerPlan plan_power_command(VmState from, PowerCommand command);

// Stopped, running, paused, suspended: states a VM rests in.
bool is_stable(VmState state) noexcept;
// "VMS_RUNNING" etc.; nullptr for a value outside the enum.
const char* state_name(VmState state) noexcept;
const char* command_name(PowerCommand command) noexcept;
std::optional<VmState> state_from_int(int value) noexcept;

}  // namespace prl::service
