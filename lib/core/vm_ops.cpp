#include "vm_ops.h"

#include "error.h"
#include "info_objects.h"
#include "vm_locks.h"

#include "service/store/error.h"

#include <cstring>

namespace prl::vm_ops {

namespace {

PRL_RESULT refusal_code(const std::string& name) {
    if (name == "PRL_ERR_DISP_VM_IS_NOT_STARTED") return PRL_ERR_DISP_VM_IS_NOT_STARTED;
    if (name == "PRL_ERR_VM_ALREADY_RUNNING") return PRL_ERR_VM_ALREADY_RUNNING;
    return PRL_ERR_DISP_VM_COMMAND_CANT_BE_EXECUTED;
}

VmPtr loaded(Server& server, const service::VmRecord& record) {
    VmPtr vm = server.vm_object(record.entry.uuid);
    vm->load(record);
    return vm;
}

}  // namespace

std::string registered_uuid(const Vm& vm) {
    require(vm.registered(), PRL_ERR_VM_UUID_NOT_FOUND, "the VM is not registered");
    return vm.uuid();
}

EventData vm_event(PRL_EVENT_TYPE type, const VmPtr& vm, const std::string& uuid) {
    EventData d;
    d.type = type;
    d.issuer_type = PIE_VIRTUAL_MACHINE;
    d.issuer_id = uuid;
    d.vm = vm;
    d.params.push_back(EventParam::string("vm_uuid", uuid));
    return d;
}

std::string exclusive_uuid(const Vm& vm) {
    std::string uuid = registered_uuid(vm);
    VmLocks::instance().check(uuid, vm.server()->session_uuid());
    return uuid;
}

ResultPtr list(Server& server, std::optional<service::VmType> type) {
    auto svc = server.service();
    auto result = std::make_shared<Result>();
    for (const auto& entry : svc->list(type)) {
        try {
            result->add(loaded(server, svc->config(entry.uuid)));
        } catch (const service::Error&) {
            // Unregistered or unreadable meanwhile (another process): not listed.
        }
    }
    return result;
}

ResultPtr find(Server& server, const std::string& key, bool by_uuid, bool by_name) {
    auto svc = server.service();
    std::optional<service::VmEntry> entry;
    for (const auto& e : svc->list(std::nullopt)) {
        if ((by_uuid && e.uuid == key) || (by_name && e.name == key)) {
            entry = e;
            break;
        }
    }
    if (!entry) fail(PRL_ERR_VM_UUID_NOT_FOUND, "no VM with that " + std::string(by_uuid ? "UUID" : "name"));
    return std::make_shared<Result>(std::vector<Result::Param>{loaded(server, svc->config(entry->uuid))});
}

ResultPtr create(const VmPtr& vm, const std::string& parent) {
    Server& server = *vm->server();
    auto svc = server.service();
    require(!vm->registered(), PRL_ERR_VM_ALREADY_REGISTERED_VM_UUID, "the VM is already registered");
    service::VmConfig config = vm->config();
    require(!config.name.empty(), PRL_ERR_INVALID_ARG, "the VM has no name");
    // No parent named: a VM goes to the user's default VM folder when the
    // profile sets one (PrlUsrCfg_SetDefaultVmFolder), as in the product.
    std::string where = parent;
    if (where.empty() && config.type == service::VmType::vm)
        where = svc->current_user().tree.text_at("UserWorkspace/UserDefaultVmFolder").value_or("");
    const service::VmEntry entry = svc->create(std::move(config), where);
    vm->load(svc->config(entry.uuid));
    server.adopt(vm, entry.uuid);
    server.emit(vm_event(PET_DSP_EVT_VM_ADDED, vm, entry.uuid));
    return std::make_shared<Result>(std::vector<Result::Param>{vm});
}

ResultPtr register_bundle(Server& server, const std::string& path, const std::string& uuid, bool new_uuid) {
    auto svc = server.service();
    service::RegisterOptions options;
    options.uuid = uuid;
    options.regenerate_uuid = new_uuid;
    const service::VmEntry entry = svc->register_bundle(path, options);
    VmPtr vm = loaded(server, svc->config(entry.uuid));
    server.emit(vm_event(PET_DSP_EVT_VM_ADDED, vm, entry.uuid));
    return std::make_shared<Result>(std::vector<Result::Param>{vm});
}

ResultPtr unregister(const VmPtr& vm) {
    const std::string uuid = exclusive_uuid(*vm);
    vm->server()->service()->unregister(uuid);
    vm->forget();
    vm->server()->emit(vm_event(PET_DSP_EVT_VM_UNREGISTERED, vm, uuid));
    return nullptr;
}

ResultPtr remove(const VmPtr& vm) {
    const std::string uuid = exclusive_uuid(*vm);
    vm->server()->service()->remove(uuid);
    vm->forget();
    vm->server()->emit(vm_event(PET_DSP_EVT_VM_DELETED, vm, uuid));
    return nullptr;
}

ResultPtr refresh(const VmPtr& vm) {
    const std::string uuid = registered_uuid(*vm);
    vm->load(vm->server()->service()->config(uuid));
    return nullptr;
}

ResultPtr commit(const VmPtr& vm) {
    const std::string uuid = exclusive_uuid(*vm);
    auto svc = vm->server()->service();
    svc->update_config(uuid, vm->config(), vm->revision());
    vm->load(svc->config(uuid));
    announce_config_changed(vm, uuid);
    return nullptr;
}

ResultPtr update_security(const VmPtr& vm, long long access_for_others) {
    const std::string uuid = registered_uuid(*vm);
    auto svc = vm->server()->service();
    service::VmRecord stored = svc->config(uuid);
    stored.config.extra.set_text_at("Security/AccessForOthers", std::to_string(access_for_others));
    svc->update_config(uuid, stored.config, stored.entry.revision);
    vm->load(svc->config(uuid));
    announce_config_changed(vm, uuid);
    return nullptr;
}

void announce_config_changed(const VmPtr& vm, const std::string& uuid) {
    vm->server()->emit(vm_event(PET_DSP_EVT_VM_CONFIG_CHANGED, vm, uuid));
}

ResultPtr power(const VmPtr& vm, service::PowerCommand command, Job& job) {
    const std::string uuid = exclusive_uuid(*vm);
    auto svc = vm->server()->service();
    // A template never runs (the product: PRL_ERR_CANT_TO_START_VM_TEMPLATE).
    if (command == service::PowerCommand::start && service::is_template(svc->config(uuid).config))
        fail(PRL_ERR_CANT_TO_START_VM_TEMPLATE, "a template cannot be started");
    service::VmState from = svc->power_state(uuid);
    const service::PowerPlan plan = service::plan_power_command(from, command);
    if (!plan.allowed()) fail(refusal_code(*plan.refusal), std::string("cannot ") + service::command_name(command) +
                                                               " a VM that is " + service::state_name(from));
    std::size_t step = 0;
    for (service::VmState next : plan.states) {
        // Another process may have moved the VM meanwhile: then this command no longer applies.
        if (!svc->compare_and_set_power_state(uuid, from, next))
            fail(PRL_ERR_DISP_VM_COMMAND_CANT_BE_EXECUTED, "the VM's state changed during the command");
        EventData d = vm_event(PET_DSP_EVT_VM_STATE_CHANGED, vm, uuid);
        d.params.push_back(EventParam::int32("vminfo_vm_state", static_cast<std::int32_t>(next)));
        vm->server()->emit(std::move(d));
        from = next;
        job.set_progress(static_cast<unsigned>(100 * ++step / plan.states.size()));
    }
    return nullptr;
}

ResultPtr state(const VmPtr& vm) {
    const std::string uuid = registered_uuid(*vm);
    auto info = std::make_shared<VmInfo>(vm->server()->service()->power_state(uuid));
    return std::make_shared<Result>(std::vector<Result::Param>{info});
}

}  // namespace prl::vm_ops
