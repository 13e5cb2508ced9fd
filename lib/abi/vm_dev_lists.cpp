// Device kinds prlshim does not model: display adapters (PciVideoAdapter),
// generic PCI and generic SCSI devices (GenericPciDevice, GenericScsiDevice).
// A configuration from a real host may hold some (they are kept, untouched,
// in its tree): the counts are true, but no handle is made for one
// (PRL_ERR_UNSUPPORTED_DEVICE_TYPE); a position past the end is
// PRL_ERR_INVALID_ARG, as in the SDK.
#include "boundary.h"

#include "core/vm.h"

using namespace prl;
using namespace prl::abi;

namespace {

PRL_UINT32 kept(const Handle<Vm>& vm, const char* element) {
    return vm->read([&](const service::VmConfig& c) {
        const service::XmlTree* hw = c.extra.find("Hardware");
        return static_cast<PRL_UINT32>(hw ? hw->all(element).size() : 0);
    });
}

PRL_RESULT count(PRL_HANDLE hVmCfg, const char* element, PRL_UINT32_PTR out) {
    auto vm = handle_cast<Vm>(hVmCfg);
    *out_ptr(out) = kept(vm, element);
    return PRL_ERR_SUCCESS;
}

PRL_RESULT item(PRL_HANDLE hVmCfg, const char* element, PRL_UINT32 position, PRL_HANDLE_PTR out) {
    auto vm = handle_cast<Vm>(hVmCfg);
    out_ptr(out);
    require(position < kept(vm, element), PRL_ERR_INVALID_ARG, "no device at that position");
    fail(PRL_ERR_UNSUPPORTED_DEVICE_TYPE, "prlshim does not model this device type");
}

}  // namespace

extern "C" {

PRL_RESULT PrlVmCfg_GetDisplayDevsCount(PRL_HANDLE hVmCfg, PRL_UINT32_PTR pnDisplayDevsCount) {
    return sync([&] { return count(hVmCfg, "PciVideoAdapter", pnDisplayDevsCount); });
}

PRL_RESULT PrlVmCfg_GetDisplayDev(PRL_HANDLE hVmCfg, PRL_UINT32 nIndex, PRL_HANDLE_PTR phDevice) {
    return sync([&] { return item(hVmCfg, "PciVideoAdapter", nIndex, phDevice); });
}

PRL_RESULT PrlVmCfg_GetGenericPciDevsCount(PRL_HANDLE hVmCfg, PRL_UINT32_PTR pnGenericPciDevsCount) {
    return sync([&] { return count(hVmCfg, "GenericPciDevice", pnGenericPciDevsCount); });
}

PRL_RESULT PrlVmCfg_GetGenericPciDev(PRL_HANDLE hVmCfg, PRL_UINT32 nIndex, PRL_HANDLE_PTR phDevice) {
    return sync([&] { return item(hVmCfg, "GenericPciDevice", nIndex, phDevice); });
}

PRL_RESULT PrlVmCfg_GetGenericScsiDevsCount(PRL_HANDLE hVmCfg, PRL_UINT32_PTR pnGenericScsiDevsCount) {
    return sync([&] { return count(hVmCfg, "GenericScsiDevice", pnGenericScsiDevsCount); });
}

PRL_RESULT PrlVmCfg_GetGenericScsiDev(PRL_HANDLE hVmCfg, PRL_UINT32 nIndex, PRL_HANDLE_PTR phDevice) {
    return sync([&] { return item(hVmCfg, "GenericScsiDevice", nIndex, phDevice); });
}

}  // extern "C"
