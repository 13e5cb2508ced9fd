// The XML text of the objects the product keeps as events: a licence
// (PHT_LICENSE, what PrlLic_ToString and PrlHandle_ToString give) and a login
// response (PHT_LOGIN_RESPONSE, PrlLoginResponse_ToString and
// PrlHandle_ToString). The dispatcher builds its login response as an event
// whose parameters are the session, the server's identity and one CDATA
// parameter per running task (itself an event: task id, type, parameters);
// the text here has those parameters, in that order, in the event XML
// (docs/event-xml.md).
#include "boundary.h"
#include "object_text.h"
#include "xml_io.h"

#include "core/event_xml.h"
#include "core/info_objects.h"
#include "core/license.h"

using namespace prl;
using namespace prl::abi;

namespace prl::abi {

std::string license_xml(const License& lic) {
    EventData data;
    data.type = PET_DSP_EVT_LICENSE_CHANGED;
    data.params = lic.params();
    return xml::to_xml(Event(std::move(data)));
}

std::string login_response_xml(const LoginResponse& r) {
    EventData data;
    data.type = PET_VM_INF_UNINITIALIZED_EVENT_CODE;  // the dispatcher leaves it unset
    auto& p = data.params;
    p.push_back(EventParam::string("response_login_cmd_session_uuid", r.session_uuid));
    p.push_back(EventParam::string("server_info_os_version", r.host.os_version.empty() ? "Unknown" : r.host.os_version));
    p.push_back(EventParam::string("server_info_server_uuid", r.host.server_uuid));
    p.push_back(EventParam::string("server_info_product_version", r.host.product_version));
    p.push_back(EventParam::string("server_info_confirmation_mode", "0"));
    p.push_back(EventParam::string("server_info_app_execute_mode", std::to_string(PAM_SERVER)));
    p.push_back(EventParam::string("server_info_start_time", std::to_string(r.host.start_time)));
    p.push_back(EventParam::string("server_info_start_time_monotonic", std::to_string(r.host.start_time_monotonic)));
    p.push_back(EventParam::string("server_info_is_launchd_mode", "0"));
    for (const auto& object : r.running_tasks) {
        if (!object || object->type() != PHT_RUNNING_TASK) continue;
        const auto& task = static_cast<const RunningTask&>(*object);
        EventData info;
        info.type = PET_VM_INF_UNINITIALIZED_EVENT_CODE;
        info.params.push_back(EventParam::string("response_login_cmd_task_id", task.uuid()));
        info.params.push_back(EventParam::uint32("response_login_cmd_task_type", static_cast<std::uint32_t>(task.task_type())));
        info.params.push_back(EventParam::string("response_login_cmd_task_params", task.parameters()));
        p.push_back(EventParam::cdata("response_login_cmd_task_info", xml::to_xml(Event(std::move(info)))));
    }
    return xml::to_xml(Event(std::move(data)));
}

std::optional<std::string> object_text(const Object& object) {
    switch (object.type()) {
        case PHT_LICENSE: return license_xml(static_cast<const License&>(object));
        case PHT_LOGIN_RESPONSE: return login_response_xml(static_cast<const LoginResponse&>(object));
        default: return std::nullopt;
    }
}

}  // namespace prl::abi

extern "C" {

PRL_RESULT PrlLoginResponse_ToString(PRL_HANDLE hLoginResp, PRL_VOID_PTR_PTR pLoginRespStr) {
    return sync([&] {
        auto r = handle_cast<LoginResponse>(hLoginResp);
        out_ptr(pLoginRespStr);
        *pLoginRespStr = malloc_copy(login_response_xml(*r));  // freed with PrlBuffer_Free
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
