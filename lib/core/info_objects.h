// Small read-only objects that carry facts to the client: login response,
// server info, server (host) configuration, VM run-time info, running task.
#pragma once

#include "access_rights.h"
#include "hw_objects.h"
#include "object.h"

#include "service/service.h"
#include "service/store/power_state.h"

#include <cstdint>
#include <string>
#include <vector>

namespace prl {

class RunningTask : public Object {
public:
    RunningTask(std::string uuid, PRL_RUNNING_TASK_TYPE_ENUM task_type, std::string parameters)
        : Object(PHT_RUNNING_TASK), uuid_(std::move(uuid)), task_type_(task_type), parameters_(std::move(parameters)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_RUNNING_TASK; }
    const std::string& uuid() const noexcept { return uuid_; }
    PRL_RUNNING_TASK_TYPE_ENUM task_type() const noexcept { return task_type_; }
    const std::string& parameters() const noexcept { return parameters_; }

private:
    std::string uuid_;
    PRL_RUNNING_TASK_TYPE_ENUM task_type_;
    std::string parameters_;
};

class LoginResponse : public Object {
public:
    LoginResponse(std::string session, service::HostFacts facts, std::vector<ObjectPtr> tasks)
        : Object(PHT_LOGIN_RESPONSE), session_uuid(std::move(session)), host(std::move(facts)), running_tasks(std::move(tasks)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_LOGIN_RESPONSE; }
    const std::string session_uuid;
    const service::HostFacts host;
    const std::vector<ObjectPtr> running_tasks;  // RunningTask objects
};

class ServerInfo : public Object {
public:
    explicit ServerInfo(service::HostFacts facts) : Object(PHT_SERVER_INFO), host(std::move(facts)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_SERVER_INFO; }
    const service::HostFacts host;
};

// The host's configuration as read once by PrlSrv_GetSrvConfig: the service's
// facts, the hardware found on the host, and one object per device.
class ServerConfig : public Object {
public:
    ServerConfig(service::HostFacts facts, ::prl::host::Hardware hardware)
        : Object(PHT_SERVER_CONFIG), host(std::move(facts)), hw(std::move(hardware)), devices(hw) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_SERVER_CONFIG; }
    const service::HostFacts host;
    const ::prl::host::Hardware hw;
    const HwLists devices;
};

class BackupResult : public Object {
public:
    explicit BackupResult(std::string id) : Object(PHT_BACKUP_RESULT), backup_id(std::move(id)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_BACKUP_RESULT; }
    const std::string backup_id;  // "{uuid}" or "{uuid}.N"
};

class VmInfo : public Object {
public:
    explicit VmInfo(service::VmState vm_state, AclFacts acl_facts = acl_from_security(nullptr, current_user_name()))
        : Object(PHT_VM_INFO), state(vm_state), acl(std::move(acl_facts)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_VM_INFO; }
    const service::VmState state;
    const AclFacts acl;  // the VM's security for the session (PrlVmInfo_GetAccessRights)
};

}  // namespace prl
