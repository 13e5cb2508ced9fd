// PrlVm_* calls on a VM's local object that need no guest: its
// configuration as config.pvs text (PrlVm_ToString / PrlVm_FromString), the
// questions it waits on (none: no guest runs), and the state of its guest
// tools (PrlVm_GetToolsState, PrlVmToolsInfo_*).
#include "boundary.h"
#include "copy_out.h"

#include "core/lists.h"
#include "core/result.h"
#include "core/server.h"
#include "core/vm.h"
#include "service/store/error.h"
#include "service/store/text_rules.h"
#include "service/store/uuid_text.h"
#include "service/store/vm_config.h"

#include <cstddef>
#include <cstring>
#include <type_traits>

using namespace prl;
using namespace prl::abi;

namespace prl::abi {
void* malloc_copy(const std::string& text);  // serialize.cpp
}

namespace {

// PHT_VM_TOOLS_INFO: the tools' state and version, as the dispatcher reports them.
class VmToolsInfo : public Object {
public:
    VmToolsInfo(PRL_VM_TOOLS_STATE s, std::string v)
        : Object(PHT_VM_TOOLS_INFO), state(s), version(std::move(v)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_VM_TOOLS_INFO; }
    const PRL_VM_TOOLS_STATE state;
    const std::string version;
};

}  // namespace

extern "C" {

PRL_RESULT PrlVm_ToString(PRL_HANDLE hVm, PRL_VOID_PTR_PTR vm_config) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVm);
        out_ptr(vm_config);
        const std::string text = vm->read([](const service::VmConfig& c) { return service::to_config_pvs(c); });
        *vm_config = malloc_copy(text);  // the client frees it with PrlBuffer_Free
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVm_FromString(PRL_HANDLE hVm, PRL_CONST_STR vm_config) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVm);
        require(vm_config != nullptr, PRL_ERR_INVALID_ARG, "null configuration");
        const std::size_t n = ::strnlen(vm_config, service::max_config_pvs_bytes + 1);
        require(n <= service::max_config_pvs_bytes, PRL_ERR_INVALID_ARG, "configuration too large");
        service::VmConfig parsed;
        try {
            parsed = service::from_config_pvs(std::string(vm_config, n));
        } catch (const service::Error&) {
            fail(PRL_ERR_INVALID_ARG, "not a VM configuration (config.pvs)");
        }
        // Replaces the local copy, as an edit does; PrlVm_Commit stores it.
        vm->edit([&](service::VmConfig& c) { c = std::move(parsed); });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVm_GetQuestions(PRL_HANDLE hVm, PRL_HANDLE_PTR pQuestionsList) {
    return sync([&] {
        handle_cast<Vm>(hVm);
        out_ptr(pQuestionsList);
        // Questions come from a running guest's hypervisor; none is pending here.
        give(std::make_shared<HandlesList>(), pQuestionsList);
        return PRL_ERR_SUCCESS;
    });
}

PRL_HANDLE PrlVm_GetToolsState(PRL_HANDLE hVm) {
    return async(PJOC_VM_GET_TOOLS_STATE, [&] {
        VmPtr vm = handle_cast<Vm>(hVm).share();
        return give_job(vm->server()->start_job(PJOC_VM_GET_TOOLS_STATE, [vm](Job&) -> ResultPtr {
            vm->server()->service();  // needs a login
            require(vm->registered(), PRL_ERR_VM_UUID_NOT_FOUND, "the VM is not registered");
            // No tools can be installed without a running guest. A bundle from a
            // host that had them records their version (Settings/Tools/AgentVersion):
            // then they may be installed, as the product says for a stopped VM.
            const std::string version = vm->read([](const service::VmConfig& c) {
                return c.extra.text_at("Settings/Tools/AgentVersion").value_or("");
            });
            const PRL_VM_TOOLS_STATE state = version.empty() ? PTS_NOT_INSTALLED : PTS_POSSIBLY_INSTALLED;
            return std::make_shared<Result>(
                std::vector<Result::Param>{std::make_shared<VmToolsInfo>(state, version)});
        }));
    });
}

PRL_RESULT PrlVmToolsInfo_GetState(PRL_HANDLE hVmToolsInfo, PRL_VM_TOOLS_STATE_PTR pVmToolsState) {
    return sync([&] {
        auto info = handle_cast<VmToolsInfo>(hVmToolsInfo);
        enum_out(out_ptr(pVmToolsState), info->state);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmToolsInfo_GetVersion(PRL_HANDLE hVmToolsInfo, PRL_STR sVersion, PRL_UINT32_PTR pnVersionBufLength) {
    return sync([&] {
        auto info = handle_cast<VmToolsInfo>(hVmToolsInfo);
        out_ptr(pnVersionBufLength);
        return copy_out(info->version, sVersion, pnVersionBufLength);
    });
}

PRL_HANDLE PrlSrv_GetDefaultVmConfig(PRL_HANDLE hServer, PRL_CONST_GET_VM_CONFIG_PARAM_DATA_PTR pParam, PRL_UINT32) {
    return async(PJOC_SRV_GET_DEFAULT_VM_CONFIG, [&] {
        auto server = handle_cast<Server>(hServer).share();
        require(pParam != nullptr, PRL_ERR_INVALID_ARG, "null parameters");
        // The struct is packed: read the enum's bytes in place (binding a
        // reference to the field would copy it as an enum, and C may have put
        // any value there).
        std::underlying_type_t<PRL_VM_TYPE> raw_type;
        std::memcpy(&raw_type, reinterpret_cast<const char*>(pParam) + offsetof(PRL_GET_VM_CONFIG_PARAM_DATA, nVmType),
                    sizeof raw_type);
        const long long type = raw_type;
        require(type == PVT_VM || type == PVT_CT, PRL_ERR_INVALID_ARG, "not a VM type");
        if (pParam->sConfigSample) {
            const std::size_t n = ::strnlen(pParam->sConfigSample, 256);
            require(n < 256 && service::is_xml_safe_text(std::string(pParam->sConfigSample, n), 255),
                    PRL_ERR_INVALID_ARG, "bad configuration sample name");
        }
        const unsigned os = pParam->nOsVersion ? pParam->nOsVersion : PVS_GUEST_VER_LIN_OTHER;
        switch (os >> 8) {
            case PVS_GUEST_TYPE_MACOS: case PVS_GUEST_TYPE_WINDOWS: case PVS_GUEST_TYPE_LINUX:
            case PVS_GUEST_TYPE_FREEBSD: case PVS_GUEST_TYPE_OS2: case PVS_GUEST_TYPE_MSDOS:
            case PVS_GUEST_TYPE_NETWARE: case PVS_GUEST_TYPE_SOLARIS: case PVS_GUEST_TYPE_CHROMEOS:
            case PVS_GUEST_TYPE_ANDROID: case PVS_GUEST_TYPE_OTHER: break;
            default: fail(PRL_ERR_INVALID_ARG, "unknown guest OS version");
        }
        return give_job(server->start_job(PJOC_SRV_GET_DEFAULT_VM_CONFIG, [server, type, os](Job&) -> ResultPtr {
            server->service();  // needs a login
            // A new, unregistered VM or container with the product's defaults
            // for the guest OS; a container keeps its disk and gets the venet0
            // adapter every product container has (prlctl counts on a device
            // beside the disk). There are no vzctl configuration samples on
            // this host to apply.
            service::VmConfig cfg = service::make_default_config(os, true);
            cfg.uuid = service::new_braced_uuid();
            if (type == PVT_CT) {
                cfg.type = service::VmType::ct;
                cfg.devices = {service::venet_adapter()};
            }
            auto vm = server->new_vm();
            vm->edit([&](service::VmConfig& c) { c = std::move(cfg); });
            return std::make_shared<Result>(std::vector<Result::Param>{vm});
        }));
    });
}

}  // extern "C"
