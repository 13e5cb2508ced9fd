// A VM's identity and state as its configuration handle reports them:
// validity (PrlVmCfg_GetConfigValidity, PrlVmCfg_IsConfigInvalid), the
// container / environment ids, where it lives and who changed it, its run-time
// info (PrlVmCfg_GetVmInfo, PrlVmInfo_*) and its access rights
// (PrlVmCfg_GetAccessRights, PrlAcl_*). What the product's dispatcher adds to
// a configuration it sends (ValidRc, CtId, VmFilesLocation, the VM info) the
// embedded service derives here from the bundle and the state root.
#include "product_date.h"
#include "boundary.h"
#include "copy_out.h"

#include "core/access_rights.h"
#include "core/info_objects.h"
#include "core/server.h"
#include "core/vm.h"
#include "remote/connection.h"

#include "service/store/error.h"
#include "service/store/uuid_text.h"
#include "service/store/vm_config.h"

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

using namespace prl;
using namespace prl::abi;

namespace {

std::optional<long long> number_at(const service::XmlTree& t, const char* path) {
    auto text = t.text_at(path);
    if (!text || text->empty()) return std::nullopt;
    char* end = nullptr;
    const long long v = std::strtoll(text->c_str(), &end, 10);
    if (!end || *end != '\0') return std::nullopt;
    return v;
}

// The product's container-style id of a VM (Uuid::toVzid): the UUID's first
// four bytes read as a host-order (little-endian) integer, bit 31 cleared and
// bit 30 set, in decimal.
std::string vzid_of(const std::string& uuid) {
    std::string hex;
    for (char c : uuid)
        if (std::isxdigit(static_cast<unsigned char>(c))) hex += c;
    if (hex.size() != 32) return {};
    std::uint32_t id = 0;
    for (int i = 3; i >= 0; --i) id = (id << 8) | static_cast<std::uint32_t>(std::stoul(hex.substr(i * 2, 2), nullptr, 16));
    id &= ~(1u << 31);
    id |= 1u << 30;
    return std::to_string(id);
}

// The product writes dates as "yyyy-MM-dd hh:mm:ss"; a file may hold the
// xs:dateTime spelling with a 'T'.
std::string product_date(std::string text) {
    if (text.size() >= 19 && text[10] == 'T') text[10] = ' ';
    if (text.size() > 19) text.resize(19);
    return text;
}

PRL_RESULT string_of(PRL_HANDLE hVmCfg, PRL_STR buf, PRL_UINT32_PTR len,
                     std::string (*f)(const service::VmConfig&)) {
    auto vm = handle_cast<Vm>(hVmCfg);
    out_ptr(len);
    return copy_out(vm->read(f), buf, len);
}

AclFacts acl_of(const Vm& vm) {
    // In a session with prlshimd, "me" is the user who logged in.
    const auto daemon = vm.server() ? vm.server()->daemon() : nullptr;
    const std::string me = daemon ? daemon->user() : current_user_name();
    return vm.read([&me](const service::VmConfig& c) { return acl_from_security(c.extra.find("Security"), me); });
}

}  // namespace

extern "C" {

// ---- validity ----

PRL_RESULT PrlVmCfg_GetConfigValidity(PRL_HANDLE hVmCfg, PRL_RESULT_PTR pnErrCode) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        out_ptr(pnErrCode);
        // The dispatcher marks the configurations it sends with ValidRc; every
        // VM the embedded service lists was read and checked whole, so its
        // configuration is valid unless the document itself says otherwise.
        const long long rc = vm->read([](const service::VmConfig& c) {
            return number_at(c.extra, "ValidRc").value_or(PRL_ERR_SUCCESS);
        });
        *pnErrCode = static_cast<PRL_RESULT>(rc);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_IsConfigInvalid(PRL_RESULT nErrCode, PRL_BOOL_PTR pbInvalid) {
    return sync_anytime([&] {
        out_ptr(pbInvalid);
        switch (nErrCode) {
        case PRL_ERR_VM_CONFIG_DOESNT_EXIST:
        case PRL_ERR_PARSE_VM_CONFIG:
        case PRL_ERR_VM_CONFIG_INVALID_VM_UUID:
        case PRL_ERR_VM_CONFIG_INVALID_SERVER_UUID: *pbInvalid = PRL_TRUE; break;
        default: *pbInvalid = PRL_FALSE; break;
        }
        return PRL_ERR_SUCCESS;
    });
}

// ---- identity ----

PRL_RESULT PrlVmCfg_GetCtId(PRL_HANDLE hVmCfg, PRL_STR sCtId, PRL_UINT32_PTR pnCtIdBufLength) {
    return sync([&] {
        return string_of(hVmCfg, sCtId, pnCtIdBufLength, [](const service::VmConfig& c) -> std::string {
            if (auto kept = c.extra.text_at("Identification/CtId"); kept && !kept->empty()) return *kept;
            if (c.uuid.empty()) return {};
            if (c.type == service::VmType::vm) return vzid_of(c.uuid);
            // A container's id is its UUID without braces (as vzctl names new containers).
            std::string id = c.uuid;
            if (id.size() >= 2 && id.front() == '{' && id.back() == '}') id = id.substr(1, id.size() - 2);
            return id;
        });
    });
}

PRL_RESULT PrlVmCfg_GetEnvId(PRL_HANDLE hVmCfg, PRL_UINT32_PTR pnEnvId) {
    return sync([&] {
        handle_cast<Vm>(hVmCfg);
        *out_ptr(pnEnvId) = 0;  // the SDK always answers 0
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetServerUuid(PRL_HANDLE hVmCfg, PRL_STR sServerUuid, PRL_UINT32_PTR pnServerUuidBufLength) {
    return sync([&] {
        return string_of(hVmCfg, sServerUuid, pnServerUuidBufLength,
                         [](const service::VmConfig& c) { return c.server_uuid; });
    });
}

PRL_RESULT PrlVmCfg_GetLocation(PRL_HANDLE hVmCfg, PRL_VM_LOCATION_PTR pnVmLocation) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        out_ptr(pnVmLocation);
        const long long where = vm->read([](const service::VmConfig& c) -> long long {
            if (auto kept = number_at(c.extra, "Identification/VmFilesLocation")) return *kept;
            // The dispatcher fills it from the bundle's file system; the
            // embedded service keeps bundles on the local file system.
            return c.home_path.empty() ? PVL_UNKNOWN : PVL_LOCAL_FS;
        });
        enum_out(pnVmLocation, where);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetLastModifiedDate(PRL_HANDLE hVmCfg, PRL_STR sVmLastModifiedDate,
                                        PRL_UINT32_PTR pnVmLastModifiedDateBufLength) {
    return sync([&] {
        return string_of(hVmCfg, sVmLastModifiedDate, pnVmLastModifiedDateBufLength,
                         [](const service::VmConfig& c) -> std::string {
                             auto kept = c.extra.text_at("Identification/ChangeDateTime");
                             return kept && !kept->empty() ? product_date(*kept) : "1752-01-01 00:00:00";
                         });
    });
}

PRL_RESULT PrlVmCfg_GetUptimeStartDate(PRL_HANDLE hVmCfg, PRL_STR sVmUptimeStartDate,
                                       PRL_UINT32_PTR pnVmUptimeStartDateBufLength) {
    return sync([&] {
        return string_of(hVmCfg, sVmUptimeStartDate, pnVmUptimeStartDateBufLength,
                         [](const service::VmConfig& c) -> std::string {
                             auto kept = c.extra.text_at("Identification/VmUptimeStartDateTime");
                             // The model's default is the current UTC time.
                             return kept && !kept->empty() ? product_date(*kept) : product_utc_now();
                         });
    });
}

// ---- run-time info ----

PRL_RESULT PrlVmCfg_GetVmInfo(PRL_HANDLE hVmCfg, PRL_HANDLE_PTR phVmInfo) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        out_ptr(phVmInfo);
        // Only a configuration the service sent carries VM info: a VM made in
        // the client and not registered has none (as in the SDK).
        require(vm->registered(), PRL_ERR_NO_DATA, "the VM is not registered: no VM info");
        service::VmState state = service::VmState::unknown;
        try {
            state = vm->server()->service()->power_state(vm->uuid());
        } catch (const service::Error&) {
            // Unregistered meanwhile (another process): its state is unknown.
        }
        give(std::make_shared<VmInfo>(state, acl_of(*vm)), phVmInfo);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetAccessRights(PRL_HANDLE hVmCfg, PRL_HANDLE_PTR phVmAcl) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        out_ptr(phVmAcl);
        give(std::make_shared<AccessRights>(acl_of(*vm)), phVmAcl);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmInfo_GetAdditionState(PRL_HANDLE handle, VIRTUAL_MACHINE_ADDITION_STATE_PTR pVmState) {
    return sync([&] {
        handle_cast<VmInfo>(handle);
        out_ptr(pVmState);
        // No backup, restore, clone or move runs on a VM while its info is read.
        enum_out(pVmState, VMAS_NOSTATE);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmInfo_GetAccessRights(PRL_HANDLE hVmInfo, PRL_HANDLE_PTR phVmAcl) {
    return sync([&] {
        auto info = handle_cast<VmInfo>(hVmInfo);
        out_ptr(phVmAcl);
        give(std::make_shared<AccessRights>(info->acl), phVmAcl);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmInfo_IsInvalidEx(PRL_HANDLE handle, PRL_BOOL_PTR pbIsInvalid, PRL_RESULT_PTR pnInvalidReason) {
    return sync([&] {
        handle_cast<VmInfo>(handle);
        out_ptr(pbIsInvalid);
        out_ptr(pnInvalidReason);
        *pbIsInvalid = PRL_FALSE;  // a listed VM's configuration was readable
        *pnInvalidReason = PRL_ERR_SUCCESS;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmInfo_IsVncServerStarted(PRL_HANDLE handle, PRL_BOOL_PTR pbIsVncServerStarted) {
    return sync([&] {
        handle_cast<VmInfo>(handle);
        *out_ptr(pbIsVncServerStarted) = PRL_FALSE;  // no guest runs, so no VNC server does
        return PRL_ERR_SUCCESS;
    });
}

// ---- PrlAcl_* ----

PRL_RESULT PrlAcl_IsAllowed(PRL_HANDLE hAcl, PRL_ALLOWED_VM_COMMAND nPermission, PRL_BOOL_PTR pbAllowed) {
    return sync([&] {
        auto acl = handle_cast<AccessRights>(hAcl);
        out_ptr(pbAllowed);
        const long long wanted = enum_in(nPermission);
        bool allowed = false;
        for (long long c : acl->facts().allowed) allowed = allowed || c == wanted;
        *pbAllowed = allowed ? PRL_TRUE : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlAcl_GetAccessForOthers(PRL_HANDLE hAcl, PRL_VM_ACCESS_FOR_OTHERS_PTR pnAccessForOthers) {
    return sync([&] {
        auto acl = handle_cast<AccessRights>(hAcl);
        out_ptr(pnAccessForOthers);
        enum_out(pnAccessForOthers, acl->facts().access_for_others);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlAcl_SetAccessForOthers(PRL_HANDLE hAcl, PRL_VM_ACCESS_FOR_OTHERS nAccessForOthers) {
    return sync([&] {
        auto acl = handle_cast<AccessRights>(hAcl);
        const long long level = enum_in(nAccessForOthers);
        require(level >= PAO_VM_NOT_SHARED && level <= PAO_VM_SHARED_ON_FULL_ACCESS, PRL_ERR_INVALID_ARG,
                "not a PRL_VM_ACCESS_FOR_OTHERS value");
        acl->set_access_for_others(level);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlAcl_GetOwnerName(PRL_HANDLE hAcl, PRL_STR sOwnerNameBuf, PRL_UINT32_PTR pnOwnerNameBufLength) {
    return sync([&] {
        auto acl = handle_cast<AccessRights>(hAcl);
        out_ptr(pnOwnerNameBufLength);
        return copy_out(acl->facts().owner, sOwnerNameBuf, pnOwnerNameBufLength);
    });
}

PRL_RESULT PrlAcl_IsCurrentSessionOwner(PRL_HANDLE hAcl, PRL_BOOL_PTR pbIsOwner) {
    return sync([&] {
        auto acl = handle_cast<AccessRights>(hAcl);
        *out_ptr(pbIsOwner) = acl->facts().is_owner ? PRL_TRUE : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
