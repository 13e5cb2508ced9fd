// PrlSrvCfg_*: the host configuration (PHT_SERVER_CONFIG, from
// PrlSrv_GetSrvConfig): host memory, CPUs, name and operating system, read
// from the service's host facts.
#include "boundary.h"
#include "copy_out.h"

#include "core/info_objects.h"

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

}  // extern "C"
