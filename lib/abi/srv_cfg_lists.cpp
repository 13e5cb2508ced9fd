// PrlSrvCfg_Get<Kind>Count / PrlSrvCfg_Get<Kind>: the host's devices of each
// kind, as found when PrlSrv_GetSrvConfig read the host. An index past the
// end is PRL_ERR_INVALID_ARG, as in the SDK.
#include "boundary.h"

#include "core/info_objects.h"

using namespace prl;
using namespace prl::abi;

namespace {

template <class List>
PRL_RESULT count(PRL_HANDLE hSrvConfig, PRL_UINT32_PTR pnCount, List HwLists::*list) {
    return sync([&] {
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        *out_ptr(pnCount) = static_cast<PRL_UINT32>((cfg->devices.*list).size());
        return PRL_ERR_SUCCESS;
    });
}

template <class List>
PRL_RESULT item(PRL_HANDLE hSrvConfig, PRL_UINT32 nIndex, PRL_HANDLE_PTR phDevice, List HwLists::*list) {
    return sync([&] {
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        out_ptr(phDevice);
        const List& items = cfg->devices.*list;
        require(nIndex < items.size(), PRL_ERR_INVALID_ARG, "no device at that index");
        give(items[nIndex], phDevice);
        return PRL_ERR_SUCCESS;
    });
}

}  // namespace

extern "C" {

PRL_RESULT PrlSrvCfg_GetFloppyDisksCount(PRL_HANDLE hSrvConfig, PRL_UINT32_PTR pnFloppyDisksCount) {
    return count(hSrvConfig, pnFloppyDisksCount, &HwLists::floppy);
}

PRL_RESULT PrlSrvCfg_GetFloppyDisk(PRL_HANDLE hSrvConfig, PRL_UINT32 nIndex, PRL_HANDLE_PTR phDevice) {
    return item(hSrvConfig, nIndex, phDevice, &HwLists::floppy);
}

PRL_RESULT PrlSrvCfg_GetOpticalDisksCount(PRL_HANDLE hSrvConfig, PRL_UINT32_PTR pnOpticalDisksCount) {
    return count(hSrvConfig, pnOpticalDisksCount, &HwLists::optical);
}

PRL_RESULT PrlSrvCfg_GetOpticalDisk(PRL_HANDLE hSrvConfig, PRL_UINT32 nIndex, PRL_HANDLE_PTR phDevice) {
    return item(hSrvConfig, nIndex, phDevice, &HwLists::optical);
}

PRL_RESULT PrlSrvCfg_GetSerialPortsCount(PRL_HANDLE hSrvConfig, PRL_UINT32_PTR pnSerialPortsCount) {
    return count(hSrvConfig, pnSerialPortsCount, &HwLists::serial);
}

PRL_RESULT PrlSrvCfg_GetSerialPort(PRL_HANDLE hSrvConfig, PRL_UINT32 nIndex, PRL_HANDLE_PTR phDevice) {
    return item(hSrvConfig, nIndex, phDevice, &HwLists::serial);
}

PRL_RESULT PrlSrvCfg_GetParallelPortsCount(PRL_HANDLE hSrvConfig, PRL_UINT32_PTR pnParallelPortsCount) {
    return count(hSrvConfig, pnParallelPortsCount, &HwLists::parallel);
}

PRL_RESULT PrlSrvCfg_GetParallelPort(PRL_HANDLE hSrvConfig, PRL_UINT32 nIndex, PRL_HANDLE_PTR phDevice) {
    return item(hSrvConfig, nIndex, phDevice, &HwLists::parallel);
}

PRL_RESULT PrlSrvCfg_GetSoundOutputDevsCount(PRL_HANDLE hSrvConfig, PRL_UINT32_PTR pnSoundOutputDevsCount) {
    return count(hSrvConfig, pnSoundOutputDevsCount, &HwLists::sound_out);
}

PRL_RESULT PrlSrvCfg_GetSoundOutputDev(PRL_HANDLE hSrvConfig, PRL_UINT32 nIndex, PRL_HANDLE_PTR phDevice) {
    return item(hSrvConfig, nIndex, phDevice, &HwLists::sound_out);
}

PRL_RESULT PrlSrvCfg_GetSoundMixerDevsCount(PRL_HANDLE hSrvConfig, PRL_UINT32_PTR pnSoundMixerDevsCount) {
    return count(hSrvConfig, pnSoundMixerDevsCount, &HwLists::sound_mixer);
}

PRL_RESULT PrlSrvCfg_GetSoundMixerDev(PRL_HANDLE hSrvConfig, PRL_UINT32 nIndex, PRL_HANDLE_PTR phDevice) {
    return item(hSrvConfig, nIndex, phDevice, &HwLists::sound_mixer);
}

PRL_RESULT PrlSrvCfg_GetPrintersCount(PRL_HANDLE hSrvConfig, PRL_UINT32_PTR pnPrintersCount) {
    return count(hSrvConfig, pnPrintersCount, &HwLists::printers);
}

PRL_RESULT PrlSrvCfg_GetPrinter(PRL_HANDLE hSrvConfig, PRL_UINT32 nIndex, PRL_HANDLE_PTR phDevice) {
    return item(hSrvConfig, nIndex, phDevice, &HwLists::printers);
}

PRL_RESULT PrlSrvCfg_GetUsbDevsCount(PRL_HANDLE hSrvConfig, PRL_UINT32_PTR pnUsbDevsCount) {
    return count(hSrvConfig, pnUsbDevsCount, &HwLists::usb);
}

PRL_RESULT PrlSrvCfg_GetUsbDev(PRL_HANDLE hSrvConfig, PRL_UINT32 nIndex, PRL_HANDLE_PTR phDevice) {
    return item(hSrvConfig, nIndex, phDevice, &HwLists::usb);
}

PRL_RESULT PrlSrvCfg_GetHardDisksCount(PRL_HANDLE hSrvConfig, PRL_UINT32_PTR pnHardDisksCount) {
    return count(hSrvConfig, pnHardDisksCount, &HwLists::disks);
}

PRL_RESULT PrlSrvCfg_GetHardDisk(PRL_HANDLE hSrvConfig, PRL_UINT32 nIndex, PRL_HANDLE_PTR phDevice) {
    return item(hSrvConfig, nIndex, phDevice, &HwLists::disks);
}

PRL_RESULT PrlSrvCfg_GetNetAdaptersCount(PRL_HANDLE hSrvConfig, PRL_UINT32_PTR pnNetAdaptersCount) {
    return count(hSrvConfig, pnNetAdaptersCount, &HwLists::net);
}

PRL_RESULT PrlSrvCfg_GetNetAdapter(PRL_HANDLE hSrvConfig, PRL_UINT32 nIndex, PRL_HANDLE_PTR phDevice) {
    return item(hSrvConfig, nIndex, phDevice, &HwLists::net);
}

PRL_RESULT PrlSrvCfg_GetGenericPciDevicesCount(PRL_HANDLE hSrvConfig, PRL_UINT32_PTR pnGenericPciDevicesCount) {
    return count(hSrvConfig, pnGenericPciDevicesCount, &HwLists::pci);
}

PRL_RESULT PrlSrvCfg_GetGenericPciDevice(PRL_HANDLE hSrvConfig, PRL_UINT32 nIndex, PRL_HANDLE_PTR phDevice) {
    return item(hSrvConfig, nIndex, phDevice, &HwLists::pci);
}

PRL_RESULT PrlSrvCfg_GetGenericScsiDevicesCount(PRL_HANDLE hSrvConfig, PRL_UINT32_PTR pnGenericScsiDevicesCount) {
    return count(hSrvConfig, pnGenericScsiDevicesCount, &HwLists::scsi);
}

PRL_RESULT PrlSrvCfg_GetGenericScsiDevice(PRL_HANDLE hSrvConfig, PRL_UINT32 nIndex, PRL_HANDLE_PTR phDevice) {
    return item(hSrvConfig, nIndex, phDevice, &HwLists::scsi);
}

}  // extern "C"
