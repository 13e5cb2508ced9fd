// PrlSrvCfg_*: the host configuration (PHT_SERVER_CONFIG, from
// PrlSrv_GetSrvConfig): host memory, CPUs, name, operating system and the
// host's network settings, read from the service's host facts and from the
// hardware found when the configuration was read. The device lists are in
// srv_cfg_lists.cpp.
#include "boundary.h"
#include "copy_out.h"

#include "core/info_objects.h"
#include "core/lists.h"

#include <algorithm>
#include <cctype>
#include <string>

using namespace prl;
using namespace prl::abi;

namespace {

// The host OS release as major.minor.subminor, taken from the facts'
// "<sysname> <release> <machine>" (e.g. "Linux 6.1.0-18-amd64 x86_64").
struct OsRelease {
    PRL_UINT32 part[3] = {0, 0, 0};
};

OsRelease os_release(const std::string& os_version) {
    OsRelease r;
    const auto space = os_version.find(' ');
    if (space == std::string::npos) return r;
    std::size_t i = space + 1;
    for (int n = 0; n < 3; ++n) {
        if (i >= os_version.size() || !std::isdigit(static_cast<unsigned char>(os_version[i]))) break;
        std::uint64_t v = 0;
        while (i < os_version.size() && std::isdigit(static_cast<unsigned char>(os_version[i]))) {
            v = v * 10 + static_cast<unsigned>(os_version[i] - '0');
            if (v > 0xFFFFFFFFull) v = 0xFFFFFFFFull;
            ++i;
        }
        r.part[n] = static_cast<PRL_UINT32>(v);
        if (i >= os_version.size() || os_version[i] != '.') break;
        ++i;
    }
    return r;
}

// The product's limit of network adapters in one VM.
constexpr PRL_UINT32 kMaxVmNetAdapters = 16;

PRL_HOST_OS_TYPE os_type(const std::string& os_version) {
    const std::string sysname = os_version.substr(0, os_version.find(' '));
    if (sysname == "Linux") return PHO_LIN;
    if (sysname == "Darwin") return PHO_MAC;
    return PHO_UNKNOWN;
}

}  // namespace

extern "C" {

PRL_RESULT PrlSrvCfg_GetHostRamSize(PRL_HANDLE hSrvConfig, PRL_UINT32_PTR pnHostRamSize) {
    return sync([&] {
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        const std::uint64_t mib = cfg->host.ram_mib;
        *out_ptr(pnHostRamSize) = mib > 0xFFFFFFFFull ? 0xFFFFFFFFu : static_cast<PRL_UINT32>(mib);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrvCfg_GetCpuCount(PRL_HANDLE hSrvConfig, PRL_UINT32_PTR pnCpuCount) {
    return sync([&] {
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        *out_ptr(pnCpuCount) = cfg->host.cpu_count;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrvCfg_GetHostname(PRL_HANDLE hSrvConfig, PRL_STR sHostname, PRL_UINT32_PTR pnHostnameBufLength) {
    return sync([&] {
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        out_ptr(pnHostnameBufLength);
        return copy_out(cfg->host.host_name, sHostname, pnHostnameBufLength);
    });
}

PRL_RESULT PrlSrvCfg_GetHostOsType(PRL_HANDLE hSrvConfig, PRL_HOST_OS_TYPE_PTR pnHostOsType) {
    return sync([&] {
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        *out_ptr(pnHostOsType) = os_type(cfg->host.os_version);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrvCfg_GetHostOsMajor(PRL_HANDLE hSrvConfig, PRL_UINT32_PTR pnHostOsMajor) {
    return sync([&] {
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        *out_ptr(pnHostOsMajor) = os_release(cfg->host.os_version).part[0];
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrvCfg_GetHostOsMinor(PRL_HANDLE hSrvConfig, PRL_UINT32_PTR pnHostOsMinor) {
    return sync([&] {
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        *out_ptr(pnHostOsMinor) = os_release(cfg->host.os_version).part[1];
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrvCfg_GetHostOsSubMinor(PRL_HANDLE hSrvConfig, PRL_UINT32_PTR pnHostOsSubMinor) {
    return sync([&] {
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        *out_ptr(pnHostOsSubMinor) = os_release(cfg->host.os_version).part[2];
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrvCfg_GetHostOsStrPresentation(PRL_HANDLE hSrvConfig, PRL_STR sHostOsStrPresentation,
                                              PRL_UINT32_PTR pnHostOsStrPresentationBufLength) {
    return sync([&] {
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        out_ptr(pnHostOsStrPresentationBufLength);
        return copy_out(cfg->host.os_version, sHostOsStrPresentation, pnHostOsStrPresentationBufLength);
    });
}

PRL_RESULT PrlSrvCfg_GetCpuModel(PRL_HANDLE hSrvConfig, PRL_STR sCpuModel, PRL_UINT32_PTR pnCpuModelBufLength) {
    return sync([&] {
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        out_ptr(pnCpuModelBufLength);
        return copy_out(cfg->hw.cpu.model, sCpuModel, pnCpuModelBufLength);
    });
}

PRL_RESULT PrlSrvCfg_GetCpuSpeed(PRL_HANDLE hSrvConfig, PRL_UINT32_PTR pnCpuSpeed) {
    return sync([&] {
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        *out_ptr(pnCpuSpeed) = cfg->hw.cpu.speed_mhz;  // MHz
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrvCfg_GetCpuMode(PRL_HANDLE hSrvConfig, PRL_CPU_MODE_PTR pnCpuMode) {
    return sync([&] {
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        *out_ptr(pnCpuMode) = cfg->hw.cpu.is_64bit ? PCM_CPU_MODE_64 : PCM_CPU_MODE_32;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrvCfg_GetCpuHvt(PRL_HANDLE hSrvConfig, PRL_CPU_HVT_PTR pnCpuHvt) {
    return sync([&] {
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        enum_out(out_ptr(pnCpuHvt), cfg->hw.cpu.hvt);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrvCfg_GetCpuFeatures(PRL_HANDLE hSrvConfig, PRL_CPU_FEATURES_PTR pCpuFeatures) {
    return sync([&] {
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        PRL_CPU_FEATURES* f = out_ptr(pCpuFeatures);
        const auto& r = cfg->hw.cpu.features;  // in the struct's field order
        f->nFEATURES = r[0];
        f->nEXT_FEATURES = r[1];
        f->nEXT_00000007_EBX = r[2];
        f->nEXT_00000007_ECX = r[3];
        f->nEXT_00000007_EDX = r[4];
        f->nEXT_80000001_ECX = r[5];
        f->nEXT_80000001_EDX = r[6];
        f->nEXT_80000007_EDX = r[7];
        f->nEXT_80000008_EAX = r[8];
        f->nEXT_0000000D_EAX = r[9];
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrvCfg_IsSoundDefaultEnabled(PRL_HANDLE hSrvConfig, PRL_BOOL_PTR pbSoundDefaultEnabled) {
    return sync([&] {
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        *out_ptr(pbSoundDefaultEnabled) = cfg->hw.sound_enabled ? PRL_TRUE : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrvCfg_IsUsbSupported(PRL_HANDLE hSrvConfig, PRL_BOOL_PTR pbUsbSupported) {
    return sync([&] {
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        *out_ptr(pbUsbSupported) = cfg->hw.usb_supported ? PRL_TRUE : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrvCfg_IsVtdSupported(PRL_HANDLE hSrvConfig, PRL_BOOL_PTR pbVtdSupported) {
    return sync([&] {
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        *out_ptr(pbVtdSupported) = cfg->hw.vtd_supported ? PRL_TRUE : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrvCfg_GetMaxHostNetAdapters(PRL_HANDLE hSrvConfig, PRL_UINT32_PTR pnMaxNetAdaptersCount) {
    return sync([&] {
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        // As the product counts it: the highest adapter index plus one.
        PRL_UINT32 top = 0;
        for (const auto& a : cfg->hw.net) top = std::max<PRL_UINT32>(top, a.sys_index + 1);
        *out_ptr(pnMaxNetAdaptersCount) = top;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrvCfg_GetMaxVmNetAdapters(PRL_HANDLE hSrvConfig, PRL_UINT32_PTR pnMaxNetAdaptersCount) {
    return sync([&] {
        handle_cast<ServerConfig>(hSrvConfig);
        *out_ptr(pnMaxNetAdaptersCount) = kMaxVmNetAdapters;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrvCfg_GetDefaultGateway(PRL_HANDLE hSrvConfig, PRL_STR sDefaultGateway,
                                       PRL_UINT32_PTR pnDefaultGatewayBufLength) {
    return sync([&] {
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        out_ptr(pnDefaultGatewayBufLength);
        return copy_out(cfg->hw.default_gateway, sDefaultGateway, pnDefaultGatewayBufLength);
    });
}

PRL_RESULT PrlSrvCfg_GetDefaultGatewayIPv6(PRL_HANDLE hSrvConfig, PRL_STR sDefaultGateway,
                                           PRL_UINT32_PTR pnDefaultGatewayBufLength) {
    return sync([&] {
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        out_ptr(pnDefaultGatewayBufLength);
        return copy_out(cfg->hw.default_gateway6, sDefaultGateway, pnDefaultGatewayBufLength);
    });
}

PRL_RESULT PrlSrvCfg_GetDnsServers(PRL_HANDLE hSrvConfig, PRL_HANDLE_PTR phDnsServersList) {
    return sync([&] {
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        give(std::make_shared<StringsList>(cfg->hw.dns_servers), out_ptr(phDnsServersList));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrvCfg_GetSearchDomains(PRL_HANDLE hSrvConfig, PRL_HANDLE_PTR phSearchDomainsList) {
    return sync([&] {
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        give(std::make_shared<StringsList>(cfg->hw.search_domains), out_ptr(phSearchDomainsList));
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
