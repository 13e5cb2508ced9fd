#include "snapshot_ops.h"

#include "error.h"
#include "server.h"
#include "vm_ops.h"

#include "service/service.h"
#include "service/store/power_state.h"

namespace prl::snapshot_ops {
namespace {

using service::VmState;

ResultPtr string_result(std::string text) {
    return std::make_shared<Result>(std::vector<Result::Param>{std::move(text)});
}

void emit(const VmPtr& vm, const std::string& uuid, PRL_EVENT_TYPE type) {
    vm->server()->emit(vm_ops::vm_event(type, vm, uuid));
}

// Snapshots are taken and switched only from a state the VM rests in.
VmState stable_state(service::Service& svc, const std::string& uuid) {
    const VmState state = svc.power_state(uuid);
    if (!service::is_stable(state))
        fail(PRL_ERR_DISP_VM_COMMAND_CANT_BE_EXECUTED, std::string("the VM is ") + service::state_name(state));
    return state;
}

// The VM state a switch ends in: the one the snapshot recorded (no guest
// memory is kept, so a "running" snapshot resumes as a state only).
VmState state_after_switch(const std::string& recorded, bool skip_resume) {
    if (recorded == "poweron") return skip_resume ? VmState::paused : VmState::running;
    if (recorded == "pause") return VmState::paused;
    if (recorded == "suspend") return VmState::suspended;
    return VmState::stopped;
}

}  // namespace

ResultPtr create(const VmPtr& vm, const std::string& name, const std::string& description) {
    const std::string uuid = vm_ops::exclusive_uuid(*vm);
    auto svc = vm->server()->service();
    stable_state(*svc, uuid);
    std::string id = svc->create_snapshot(uuid, name, description);
    emit(vm, uuid, PET_DSP_EVT_VM_SNAPSHOTS_TREE_CHANGED);
    emit(vm, uuid, PET_DSP_EVT_VM_SNAPSHOTED);
    // The product ends every snapshot with this (clients of a running VM wait for it).
    emit(vm, uuid, PET_DSP_EVT_VM_MEMORY_SWAPPING_FINISHED);
    return string_result(std::move(id));
}

ResultPtr tree(const VmPtr& vm) {
    const std::string uuid = vm_ops::registered_uuid(*vm);
    return string_result(vm->server()->service()->snapshot_tree(uuid).to_xml());
}

ResultPtr switch_to(const VmPtr& vm, const std::string& id, bool skip_resume, Job& job) {
    const std::string uuid = vm_ops::exclusive_uuid(*vm);
    auto svc = vm->server()->service();
    VmState from = stable_state(*svc, uuid);
    const service::SnapshotSwitch outcome = svc->switch_to_snapshot(uuid, id);
    job.set_progress(90);
    vm->load(svc->config(uuid));
    vm_ops::announce_config_changed(vm, uuid);
    const VmState to = state_after_switch(outcome.vm_state, skip_resume);
    if (to != from) {
        require(svc->compare_and_set_power_state(uuid, from, to), PRL_ERR_DISP_VM_COMMAND_CANT_BE_EXECUTED,
                "the VM's state changed during the switch");
        EventData d = vm_ops::vm_event(PET_DSP_EVT_VM_STATE_CHANGED, vm, uuid);
        d.params.push_back(EventParam::int32("vminfo_vm_state", static_cast<std::int32_t>(to)));
        vm->server()->emit(std::move(d));
    }
    emit(vm, uuid, PET_DSP_EVT_VM_SNAPSHOTS_TREE_CHANGED);
    emit(vm, uuid, PET_DSP_EVT_VM_RESTORED);
    emit(vm, uuid, PET_DSP_EVT_VM_MEMORY_SWAPPING_FINISHED);
    return nullptr;
}

ResultPtr remove(const VmPtr& vm, const std::string& id, bool with_children) {
    const std::string uuid = vm_ops::exclusive_uuid(*vm);
    vm->server()->service()->delete_snapshot(uuid, id, with_children);
    emit(vm, uuid, PET_DSP_EVT_VM_STATE_DELETED);
    emit(vm, uuid, PET_DSP_EVT_VM_SNAPSHOTS_TREE_CHANGED);
    return nullptr;
}

ResultPtr update(const VmPtr& vm, const std::string& id, const std::string& name, const std::string& description) {
    const std::string uuid = vm_ops::exclusive_uuid(*vm);
    vm->server()->service()->update_snapshot(uuid, id, name, description);
    emit(vm, uuid, PET_DSP_EVT_VM_SNAPSHOTS_TREE_CHANGED);
    return nullptr;
}

}  // namespace prl::snapshot_ops
