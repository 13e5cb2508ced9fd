// PrlSrvCfgHdd_* (a host hard disk) and PrlSrvCfgHddPart_* (one of its
// partitions). Sizes are in bytes.
#include "getters.h"

#include "core/hw_objects.h"

using namespace prl;
using namespace prl::abi;


extern "C" {

PRL_RESULT PrlSrvCfgHdd_GetDevName(PRL_HANDLE hHardDisk, PRL_STR sDevName, PRL_UINT32_PTR pnDevNameBufLength) {
    return text<HwHardDisk>(hHardDisk, sDevName, pnDevNameBufLength, [](const HwHardDisk& d) { return d.disk.name; });
}

PRL_RESULT PrlSrvCfgHdd_GetDevId(PRL_HANDLE hHardDisk, PRL_STR sDevId, PRL_UINT32_PTR pnDevIdBufLength) {
    return text<HwHardDisk>(hHardDisk, sDevId, pnDevIdBufLength, [](const HwHardDisk& d) { return d.disk.id; });
}

PRL_RESULT PrlSrvCfgHdd_GetDevSize(PRL_HANDLE hHardDisk, PRL_UINT64_PTR pnSize) {
    return value<HwHardDisk>(hHardDisk, pnSize, [](const HwHardDisk& d) { return d.disk.size; });
}

PRL_RESULT PrlSrvCfgHdd_GetDiskIndex(PRL_HANDLE hHardDisk, PRL_UINT32_PTR pnIndex) {
    return value<HwHardDisk>(hHardDisk, pnIndex, [](const HwHardDisk& d) { return d.disk.index; });
}

PRL_RESULT PrlSrvCfgHdd_GetPartsCount(PRL_HANDLE hHardDisk, PRL_UINT32_PTR pnPartsCount) {
    return value<HwHardDisk>(hHardDisk, pnPartsCount,
                             [](const HwHardDisk& d) { return static_cast<PRL_UINT32>(d.parts.size()); });
}

PRL_RESULT PrlSrvCfgHdd_GetPart(PRL_HANDLE hHardDisk, PRL_UINT32 nIndex, PRL_HANDLE_PTR phPart) {
    return sync([&] {
        auto d = handle_cast<HwHardDisk>(hHardDisk);
        out_ptr(phPart);
        require(nIndex < d->parts.size(), PRL_ERR_INVALID_ARG, "no partition at that index");
        give(d->parts[nIndex], phPart);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrvCfgHddPart_GetName(PRL_HANDLE hPart, PRL_STR sName, PRL_UINT32_PTR pnNameBufLength) {
    return text<HwHddPart>(hPart, sName, pnNameBufLength, [](const HwHddPart& p) { return p.part.name; });
}

PRL_RESULT PrlSrvCfgHddPart_GetSysName(PRL_HANDLE hPart, PRL_STR sSysName, PRL_UINT32_PTR pnSysNameBufLength) {
    return text<HwHddPart>(hPart, sSysName, pnSysNameBufLength, [](const HwHddPart& p) { return p.part.sys_name; });
}

PRL_RESULT PrlSrvCfgHddPart_GetSize(PRL_HANDLE hPart, PRL_UINT64_PTR pnSize) {
    return value<HwHddPart>(hPart, pnSize, [](const HwHddPart& p) { return p.part.size; });
}

PRL_RESULT PrlSrvCfgHddPart_GetIndex(PRL_HANDLE hPart, PRL_UINT32_PTR pnIndex) {
    return value<HwHddPart>(hPart, pnIndex, [](const HwHddPart& p) { return p.part.index; });
}

PRL_RESULT PrlSrvCfgHddPart_GetType(PRL_HANDLE hPart, PRL_UINT32_PTR pnType) {
    return value<HwHddPart>(hPart, pnType, [](const HwHddPart& p) { return p.part.type; });
}

PRL_RESULT PrlSrvCfgHddPart_IsInUse(PRL_HANDLE hPart, PRL_BOOL_PTR pbInUse) {
    return value<HwHddPart>(hPart, pbInUse, [](const HwHddPart& p) { return prl_bool(p.part.in_use); });
}

PRL_RESULT PrlSrvCfgHddPart_IsLogical(PRL_HANDLE hPart, PRL_BOOL_PTR pbLogical) {
    return value<HwHddPart>(hPart, pbLogical, [](const HwHddPart& p) { return prl_bool(p.part.logical); });
}

PRL_RESULT PrlSrvCfgHddPart_IsActive(PRL_HANDLE hPart, PRL_BOOL_PTR pbActive) {
    return value<HwHddPart>(hPart, pbActive, [](const HwHddPart& p) { return prl_bool(p.part.active); });
}

}  // extern "C"
