// Server calls of the embedded service with small, self-contained meaning:
// the feature matrix, free disk space, shutdown, licence restrictions, the
// confirmation mode, proxy connections, the vcmmd memory policy
// (PrlSrv_Get/SetVcmmdConfig, PrlVcmmdConfig_*), CT templates and plugins
// (none installed), and offline management services (PrlOffmgmtService_*,
// kept in the state root).
#include "boundary.h"
#include "copy_out.h"
#include "host_path.h"
#include "state_doc.h"

#include "core/event.h"
#include "core/lists.h"
#include "core/result.h"
#include "core/server.h"
#include "service/store/power_state.h"
#include "service/store/text_rules.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <mutex>
#include <string>

#include <sys/statvfs.h>

using namespace prl;
using namespace prl::abi;

namespace {

ResultPtr no_result() { return nullptr; }

template <class Task>
PRL_HANDLE server_job(PRL_HANDLE hServer, PRL_JOB_OPERATION_CODE op, Task task) {
    auto server = handle_cast<Server>(hServer).share();
    return give_job(server->start_job(op, [server, task](Job&) -> ResultPtr {
        server->service();  // PRL_ERR_NOT_CONNECTED_TO_DISPATCHER before a login
        return task(*server);
    }));
}

ResultPtr strings_result(std::vector<std::string> items) {
    std::vector<Result::Param> params;
    for (auto& s : items) params.emplace_back(std::move(s));
    return std::make_shared<Result>(std::move(params));
}

std::string line_arg(PRL_CONST_STR s, std::size_t max_bytes = 1024) {
    require(s != nullptr, PRL_ERR_INVALID_ARG, "null string");
    const std::size_t n = ::strnlen(s, max_bytes + 1);
    require(n <= max_bytes, PRL_ERR_INVALID_ARG, "string too long");
    std::string t(s, n);
    for (unsigned char c : t) require(c >= 0x20 && c != 0x7F, PRL_ERR_INVALID_ARG, "control character");
    require(service::is_valid_utf8(t), PRL_ERR_INVALID_ARG, "not valid UTF-8");
    return t;
}

// ---- features ----

// What the embedded service offers of the product's feature matrix: plain
// (raw) disk images, adapters changed at will, IPv6 addresses in
// configurations. Hot plugging, limits enforcement, routed networking and
// the rest need a hypervisor and are not claimed.
bool feature_supported(long long id) {
    return id == PFSM_DEFAULT_PLAINDISK_ALLOWED || id == PFSM_NIC_CHANGE_ALLOWED || id == PFSM_IPV6_SUPPORT;
}

// ---- vcmmd ----

const char* const kVcmmdFile = "vcmmd.xml";
const char* const kDefaultVcmmdPolicy = "performance";

class VcmmdConfig : public Object {
public:
    explicit VcmmdConfig(std::string policy) : Object(PHT_VCMMD_CONFIG), policy_(std::move(policy)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_VCMMD_CONFIG; }
    std::string policy() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return policy_;
    }
    void set_policy(std::string p) {
        std::lock_guard<std::mutex> lock(mutex_);
        policy_ = std::move(p);
    }

private:
    mutable std::mutex mutex_;
    std::string policy_;
};

std::string stored_vcmmd_policy() {
    const service::XmlTree doc = load_state_doc(kVcmmdFile, "VcmmdConfig");
    const auto p = doc.text_at("Policy");
    return p && !p->empty() ? *p : kDefaultVcmmdPolicy;
}

// ---- confirmation mode ----

const char* const kConfirmationFile = "confirmation-mode.xml";

bool confirmation_mode() {
    const auto v = load_state_doc(kConfirmationFile, "ConfirmationMode").text_at("Enabled");
    return v && *v == "true";
}

void set_confirmation_mode(bool on) {
    edit_state_doc(kConfirmationFile, "ConfirmationMode",
                   [on](service::XmlTree& t) { t.set_text_at("Enabled", on ? "true" : "false"); });
}

// ---- offline management services ----

const char* const kOfflineFile = "offline-services.xml";

struct OfflineServiceData {
    std::string name;
    PRL_UINT32 port = 0;
    bool used_by_default = false;
};

class OffmgmtService : public Object {
public:
    OffmgmtService() : Object(PHT_OFFLINE_SERVICE) {}
    explicit OffmgmtService(OfflineServiceData d) : Object(PHT_OFFLINE_SERVICE), data_(std::move(d)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_OFFLINE_SERVICE; }
    OfflineServiceData data() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return data_;
    }
    template <class F>
    void edit(F&& f) {
        std::lock_guard<std::mutex> lock(mutex_);
        f(data_);
    }

private:
    mutable std::mutex mutex_;
    OfflineServiceData data_;
};

std::vector<OfflineServiceData> stored_offline_services() {
    std::vector<OfflineServiceData> out;
    const service::XmlTree doc = load_state_doc(kOfflineFile, "OfflineServices");
    for (const service::XmlTree* s : doc.all("OfflineService")) {
        OfflineServiceData d;
        d.name = s->text_at("Name").value_or("");
        try {
            d.port = static_cast<PRL_UINT32>(std::stoul(s->text_at("Port").value_or("0")));
        } catch (...) {
            d.port = 0;
        }
        d.used_by_default = s->text_at("UsedByDefault").value_or("false") == "true";
        out.push_back(std::move(d));
    }
    return out;
}

}  // namespace

extern "C" {

PRL_RESULT PrlSrv_IsFeatureSupported(PRL_HANDLE hServer, PRL_FEATURES_MATRIX nFeatureId, PRL_BOOL_PTR pbIsSupported) {
    return sync([&] {
        auto server = handle_cast<Server>(hServer);
        out_ptr(pbIsSupported);
        // The matrix arrives with the login response; before it, nothing is supported.
        *pbIsSupported = server->connected() && feature_supported(enum_in(nFeatureId)) ? PRL_TRUE : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

PRL_HANDLE PrlSrv_GetDiskFreeSpace(PRL_HANDLE hServer, PRL_CONST_STR sPath, PRL_UINT32) {
    return async(PJOC_SRV_GET_DISK_FREE_SPACE, [&] {
        handle_cast<Server>(hServer);
        const std::string path = host_path_arg(sPath);
        return server_job(hServer, PJOC_SRV_GET_DISK_FREE_SPACE, [path](Server&) {
            struct statvfs st {};
            if (path.empty() || path.front() != '/') fail(PRL_ERR_INCORRECT_PATH, "not an absolute path: " + path);
            if (::statvfs(path.c_str(), &st) != 0) {
                if (errno == ENOENT || errno == ENOTDIR) fail(PRL_ERR_INCORRECT_PATH, "no such path: " + path);
                fail(PRL_ERR_GET_DISK_FREE_SPACE_FAILED, "cannot read the free space of " + path);
            }
            const unsigned long long available = static_cast<unsigned long long>(st.f_bavail) * st.f_frsize;
            struct timespec ts {};
            ::clock_gettime(CLOCK_REALTIME, &ts);
            const unsigned long long ms = static_cast<unsigned long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
            // The product answers the bytes available and when they were measured (ms since the epoch).
            return strings_result({std::to_string(available), std::to_string(ms)});
        });
    });
}

PRL_HANDLE PrlSrv_ShutdownEx(PRL_HANDLE hServer, PRL_UINT32 nFlags) {
    return async(PJOC_SRV_SHUTDOWN, [&] {
        handle_cast<Server>(hServer);
        const bool force = (nFlags & PSHF_FORCE_SHUTDOWN) != 0;
        return server_job(hServer, PJOC_SRV_SHUTDOWN, [force](Server& server) {
            // The embedded service lives in this process: shutting it down ends
            // this session. Without force it refuses while a VM is running, as
            // the product does; the VMs' records are left as they are.
            auto svc = server.service();
            if (!force) {
                for (const auto& vm : svc->list(std::nullopt)) {
                    const service::VmState st = svc->power_state(vm.uuid);
                    if (st != service::VmState::stopped && st != service::VmState::suspended &&
                        st != service::VmState::unknown)
                        fail(PRL_ERR_SOME_VMS_RUNNING, "some virtual machines are running");
                }
            }
            EventData e;
            e.type = PET_DSP_EVT_DISP_SHUTDOWN;
            e.issuer_type = PIE_DISPATCHER;
            e.issuer_id = svc->host_facts().server_uuid;
            server.emit(std::move(e));
            server.logoff();
            return no_result();
        });
    });
}

PRL_HANDLE PrlSrv_Shutdown(PRL_HANDLE hServer, PRL_BOOL bForceShutdown) {
    return PrlSrv_ShutdownEx(hServer, bForceShutdown ? PSHF_FORCE_SHUTDOWN : 0);
}

PRL_RESULT PrlSrv_HasRestriction(PRL_HANDLE hServer, PRL_LICENSE_RESTRICTION_KEY, PRL_BOOL_PTR pbHasRestriction) {
    return sync([&] {
        handle_cast<Server>(hServer);
        out_ptr(pbHasRestriction);
        // No licence restricts the embedded service.
        *pbHasRestriction = PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrv_GetRestrictionInfo(PRL_HANDLE hServer, PRL_LICENSE_RESTRICTION_KEY, PRL_HANDLE_PTR phEvtParam) {
    return sync([&] {
        handle_cast<Server>(hServer);
        out_ptr(phEvtParam);
        // No restriction, so no restriction's value: the SDK's answer for a key it has none for.
        return PRL_RESULT(PRL_ERR_NO_DATA);
    });
}

PRL_HANDLE PrlSrv_EnableConfirmationMode(PRL_HANDLE hServer, PRL_UINT32) {
    return async(PJOC_SRV_SET_SESSION_CONFIRMATION_MODE, [&] {
        return server_job(hServer, PJOC_SRV_SET_SESSION_CONFIRMATION_MODE, [](Server&) {
            set_confirmation_mode(true);
            return no_result();
        });
    });
}

PRL_HANDLE PrlSrv_DisableConfirmationMode(PRL_HANDLE hServer, PRL_CONST_STR sUser, PRL_CONST_STR sPasswd,
                                          PRL_UINT32) {
    return async(PJOC_SRV_SET_SESSION_CONFIRMATION_MODE, [&] {
        handle_cast<Server>(hServer);
        // The product asks for an administrator's name and password; the local
        // user of the embedded service is its administrator.
        require(sUser != nullptr && sPasswd != nullptr, PRL_ERR_INVALID_ARG, "null user or password");
        return server_job(hServer, PJOC_SRV_SET_SESSION_CONFIRMATION_MODE, [](Server&) {
            set_confirmation_mode(false);
            return no_result();
        });
    });
}

PRL_RESULT PrlSrv_IsConfirmationModeEnabled(PRL_HANDLE hServer, PRL_BOOL_PTR pbConfirmationModeEnabled) {
    return sync([&] {
        auto server = handle_cast<Server>(hServer);
        out_ptr(pbConfirmationModeEnabled);
        *pbConfirmationModeEnabled = server->connected() && confirmation_mode() ? PRL_TRUE : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrv_IsProxyConnection(PRL_HANDLE hServer, PRL_BOOL_PTR pbProxyConnection) {
    return sync([&] {
        handle_cast<Server>(hServer);
        *out_ptr(pbProxyConnection) = PRL_FALSE;  // the embedded service is reached directly
        return PRL_ERR_SUCCESS;
    });
}

// ---- vcmmd ----

PRL_HANDLE PrlSrv_GetVcmmdConfig(PRL_HANDLE hServer, PRL_UINT32) {
    return async(PJOC_SRV_GET_VCMMD_CONFIG, [&] {
        // Runtime and persistent policy are one here: no daemon runs apart
        // from the stored setting (VCMMD_COMMAND_RUNTIME gives the same).
        return server_job(hServer, PJOC_SRV_GET_VCMMD_CONFIG, [](Server&) {
            return std::make_shared<Result>(
                std::vector<Result::Param>{std::make_shared<VcmmdConfig>(stored_vcmmd_policy())});
        });
    });
}

PRL_HANDLE PrlSrv_SetVcmmdConfig(PRL_HANDLE hServer, PRL_HANDLE hVcmmdConfig, PRL_UINT32) {
    return async(PJOC_SRV_STORE_VALUE_BY_KEY, [&] {
        handle_cast<Server>(hServer);
        const std::string policy = handle_cast<VcmmdConfig>(hVcmmdConfig)->policy();
        return server_job(hServer, PJOC_SRV_STORE_VALUE_BY_KEY, [policy](Server&) {
            // The policies vcmmd offers (prlsrvctl set --vcmmd-policy density|performance).
            if (policy != "performance" && policy != "density")
                fail(PRL_ERR_INVALID_ARG, "unknown vcmmd policy '" + policy + "' (density or performance)");
            edit_state_doc(kVcmmdFile, "VcmmdConfig", [&](service::XmlTree& t) { t.set_text_at("Policy", policy); });
            return no_result();
        });
    });
}

PRL_RESULT PrlVcmmdConfig_GetPolicy(PRL_HANDLE hVcmmdConfig, PRL_STR sPolicy, PRL_UINT32_PTR pnSize) {
    return sync([&] {
        auto cfg = handle_cast<VcmmdConfig>(hVcmmdConfig);
        out_ptr(pnSize);
        return copy_out(cfg->policy(), sPolicy, pnSize);
    });
}

PRL_RESULT PrlVcmmdConfig_SetPolicy(PRL_HANDLE hVcmmdConfig, PRL_CONST_STR sPolicy) {
    return sync([&] {
        auto cfg = handle_cast<VcmmdConfig>(hVcmmdConfig);
        cfg->set_policy(line_arg(sPolicy, 255));
        return PRL_ERR_SUCCESS;
    });
}

// ---- CT templates and plugins: none installed ----

PRL_HANDLE PrlSrv_GetCtTemplateList(PRL_HANDLE hServer, PRL_UINT32) {
    return async(PJOC_SRV_GET_CT_TEMPLATE_LIST, [&] {
        // Containers here are configurations only: no template area, no templates.
        return server_job(hServer, PJOC_SRV_GET_CT_TEMPLATE_LIST,
                          [](Server&) { return std::make_shared<Result>(); });
    });
}

PRL_HANDLE PrlSrv_RemoveCtTemplate(PRL_HANDLE hServer, PRL_CONST_STR sName, PRL_CONST_STR sOsTmplName, PRL_UINT32) {
    return async(PJOC_SRV_REMOVE_CT_TEMPLATE, [&] {
        handle_cast<Server>(hServer);
        const std::string name = line_arg(sName);
        if (sOsTmplName) line_arg(sOsTmplName);
        return server_job(hServer, PJOC_SRV_REMOVE_CT_TEMPLATE, [name](Server&) -> ResultPtr {
            fail(PRL_ERR_TEMPLATE_NOT_FOUND, "no such template: " + name);
        });
    });
}

PRL_HANDLE PrlSrv_CopyCtTemplate(PRL_HANDLE hSrv, PRL_CONST_STR sName, PRL_CONST_STR sOsTmplName,
                                 PRL_CONST_STR sTargetServerHostname, PRL_UINT32, PRL_CONST_STR, PRL_UINT32,
                                 PRL_UINT32) {
    return async(PJOC_SRV_COPY_CT_TEMPLATE, [&] {
        handle_cast<Server>(hSrv);
        const std::string name = line_arg(sName);
        if (sOsTmplName) line_arg(sOsTmplName);
        line_arg(sTargetServerHostname);
        return server_job(hSrv, PJOC_SRV_COPY_CT_TEMPLATE, [name](Server&) -> ResultPtr {
            fail(PRL_ERR_TEMPLATE_NOT_FOUND, "no such template: " + name);
        });
    });
}

PRL_HANDLE PrlSrv_GetPluginsList(PRL_HANDLE hServer, PRL_CONST_STR sClassId, PRL_UINT32) {
    return async(PJOC_SRV_GET_PLUGINS_LIST, [&] {
        handle_cast<Server>(hServer);
        if (sClassId) line_arg(sClassId);
        return server_job(hServer, PJOC_SRV_GET_PLUGINS_LIST, [](Server&) { return std::make_shared<Result>(); });
    });
}

PRL_HANDLE PrlSrv_RefreshPlugins(PRL_HANDLE hServer, PRL_UINT32) {
    return async(PJOC_SRV_REFRESH_PLUGINS, [&] {
        return server_job(hServer, PJOC_SRV_REFRESH_PLUGINS, [](Server&) { return no_result(); });
    });
}

// ---- offline management services ----

PRL_RESULT PrlOffmgmtService_Create(PRL_HANDLE_PTR phOffmgmtService) {
    return sync([&] {
        give(std::make_shared<OffmgmtService>(), out_ptr(phOffmgmtService));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlOffmgmtService_GetName(PRL_HANDLE hOffmgmtService, PRL_STR sName, PRL_UINT32_PTR pnNameBufLength) {
    return sync([&] {
        auto s = handle_cast<OffmgmtService>(hOffmgmtService);
        out_ptr(pnNameBufLength);
        return copy_out(s->data().name, sName, pnNameBufLength);
    });
}

PRL_RESULT PrlOffmgmtService_SetName(PRL_HANDLE hOffmgmtService, PRL_CONST_STR sName) {
    return sync([&] {
        auto s = handle_cast<OffmgmtService>(hOffmgmtService);
        std::string name = line_arg(sName, 255);
        s->edit([&](OfflineServiceData& d) { d.name = std::move(name); });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlOffmgmtService_GetPort(PRL_HANDLE hOffmgmtService, PRL_UINT32_PTR pnPort) {
    return sync([&] {
        auto s = handle_cast<OffmgmtService>(hOffmgmtService);
        *out_ptr(pnPort) = s->data().port;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlOffmgmtService_SetPort(PRL_HANDLE hOffmgmtService, PRL_UINT32 nPort) {
    return sync([&] {
        auto s = handle_cast<OffmgmtService>(hOffmgmtService);
        require(nPort <= 65535, PRL_ERR_INVALID_ARG, "not a TCP port");
        s->edit([&](OfflineServiceData& d) { d.port = nPort; });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlOffmgmtService_IsUsedByDefault(PRL_HANDLE hOffmgmtService, PRL_BOOL_PTR pbDefault) {
    return sync([&] {
        auto s = handle_cast<OffmgmtService>(hOffmgmtService);
        *out_ptr(pbDefault) = s->data().used_by_default ? PRL_TRUE : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlOffmgmtService_SetUsedByDefault(PRL_HANDLE hOffmgmtService, PRL_BOOL bDefault) {
    return sync([&] {
        auto s = handle_cast<OffmgmtService>(hOffmgmtService);
        s->edit([&](OfflineServiceData& d) { d.used_by_default = bDefault != PRL_FALSE; });
        return PRL_ERR_SUCCESS;
    });
}

PRL_HANDLE PrlSrv_GetOfflineServicesList(PRL_HANDLE hServer, PRL_UINT32) {
    return async(PJOC_SRV_GET_OFFLINE_SERVICES_LIST, [&] {
        return server_job(hServer, PJOC_SRV_GET_OFFLINE_SERVICES_LIST, [](Server&) {
            std::vector<Result::Param> params;
            for (auto& d : stored_offline_services()) params.emplace_back(std::make_shared<OffmgmtService>(d));
            return std::make_shared<Result>(std::move(params));
        });
    });
}

PRL_HANDLE PrlSrv_UpdateOfflineService(PRL_HANDLE hServer, PRL_HANDLE hOffmgmtService, PRL_UINT32) {
    return async(PJOC_SRV_UPDATE_OFFLINE_SERVICE, [&] {
        handle_cast<Server>(hServer);
        const OfflineServiceData d = handle_cast<OffmgmtService>(hOffmgmtService)->data();
        require(!d.name.empty(), PRL_ERR_INVALID_ARG, "an offline service needs a name");
        return server_job(hServer, PJOC_SRV_UPDATE_OFFLINE_SERVICE, [d](Server&) {
            // Adds the service, or replaces the one of the same name.
            edit_state_doc(kOfflineFile, "OfflineServices", [&](service::XmlTree& t) {
                service::XmlTree* target = nullptr;
                for (service::XmlTree* s : t.all("OfflineService"))
                    if (s->text_at("Name").value_or("") == d.name) target = s;
                if (!target) target = &t.add_child("OfflineService");
                target->set_text_at("Name", d.name);
                target->set_text_at("Port", std::to_string(d.port));
                target->set_text_at("UsedByDefault", d.used_by_default ? "true" : "false");
            });
            return no_result();
        });
    });
}

PRL_HANDLE PrlSrv_DeleteOfflineService(PRL_HANDLE hServer, PRL_HANDLE hOffmgmtService, PRL_UINT32) {
    return async(PJOC_SRV_DELETE_OFFLINE_SERVICE, [&] {
        handle_cast<Server>(hServer);
        const std::string name = handle_cast<OffmgmtService>(hOffmgmtService)->data().name;
        return server_job(hServer, PJOC_SRV_DELETE_OFFLINE_SERVICE, [name](Server&) {
            // Deleting a service that is not there changes nothing and succeeds.
            edit_state_doc(kOfflineFile, "OfflineServices", [&](service::XmlTree& t) {
                std::vector<service::XmlTree> kept;
                for (const service::XmlTree& c : t.children) {
                    if (c.name != "OfflineService" || c.text_at("Name").value_or("") != name) kept.push_back(c);
                }
                t.children = std::move(kept);
            });
            return no_result();
        });
    });
}

}  // extern "C"
