// The operations behind the PrlSrv_*/PrlVm_* calls on VMs, run as job tasks.
// Each talks to the server's service, updates the client-side Vm objects and
// emits the events the product emits (docs/events.md).
#pragma once

#include "result.h"
#include "server.h"
#include "vm.h"

#include "service/store/power_state.h"

#include <cstdint>
#include <optional>
#include <string>

namespace prl::vm_ops {

ResultPtr list(Server& server, std::optional<service::VmType> type);
// By UUID or name (PGVC_SEARCH_BY_UUID / _BY_NAME); PRL_ERR_VM_UUID_NOT_FOUND otherwise.
ResultPtr find(Server& server, const std::string& key, bool by_uuid, bool by_name);
ResultPtr create(const VmPtr& vm, const std::string& parent);
ResultPtr register_bundle(Server& server, const std::string& path, const std::string& uuid, bool new_uuid);
ResultPtr unregister(const VmPtr& vm);
ResultPtr remove(const VmPtr& vm);
ResultPtr refresh(const VmPtr& vm);
ResultPtr commit(const VmPtr& vm);
// PrlVm_UpdateSecurity: how the VM is shared with other users (a PAO_VM_*
// value, checked by the caller), written to its configuration as one edit
// of the stored one.
ResultPtr update_security(const VmPtr& vm, long long access_for_others);
ResultPtr power(const VmPtr& vm, service::PowerCommand command, Job& job);
ResultPtr state(const VmPtr& vm);

// The UUID of a registered VM (PRL_ERR_VM_UUID_NOT_FOUND for one never registered).
std::string registered_uuid(const Vm& vm);
// The same for an operation that changes the VM: also refused while another
// session holds the VM's lock (PrlVm_Lock).
std::string exclusive_uuid(const Vm& vm);
// A VM event as the product sends it: issued by the VM, with its "vm_uuid".
EventData vm_event(PRL_EVENT_TYPE type, const VmPtr& vm, const std::string& uuid);
// Tells the VM's clients its stored configuration changed (they reread it).
void announce_config_changed(const VmPtr& vm, const std::string& uuid);

}  // namespace prl::vm_ops
