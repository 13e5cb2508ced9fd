// PrlSrvCfgDev_* (any host device, network adapters and PCI devices too, as
// the SDK accepts them), PrlSrvCfgNet_* (host network adapters) and
// PrlSrvCfgPci_* (host PCI devices).
#include "getters.h"

#include "core/hw_objects.h"
#include "core/lists.h"

using namespace prl;
using namespace prl::abi;


extern "C" {

// ---- PrlSrvCfgDev_* ----

PRL_RESULT PrlSrvCfgDev_GetName(PRL_HANDLE hGenericDevice, PRL_STR sDevName, PRL_UINT32_PTR pnDevNameBufLength) {
    return text<HwDevice>(hGenericDevice, sDevName, pnDevNameBufLength, [](const HwDevice& d) { return d.device.name; });
}

PRL_RESULT PrlSrvCfgDev_GetId(PRL_HANDLE hGenericDevice, PRL_STR sDevId, PRL_UINT32_PTR pnDevIdBufLength) {
    return text<HwDevice>(hGenericDevice, sDevId, pnDevIdBufLength, [](const HwDevice& d) { return d.device.id; });
}

PRL_RESULT PrlSrvCfgDev_GetType(PRL_HANDLE hGenericDevice, PRL_DEVICE_TYPE_PTR pnDevType) {
    return sync([&] {
        auto d = handle_cast<HwDevice>(hGenericDevice);
        enum_out(out_ptr(pnDevType), d->device.type);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrvCfgDev_IsConnectedToVm(PRL_HANDLE hGenericDevice, PRL_BOOL_PTR pbConnected) {
    // No guest runs here, so no host device is ever given to one.
    return value<HwDevice>(hGenericDevice, pbConnected, [](const HwDevice&) { return PRL_FALSE; });
}

PRL_RESULT PrlSrvCfgDev_GetDeviceState(PRL_HANDLE hGenericDevice, PRL_GENERIC_DEVICE_STATE_PTR pnDeviceState) {
    return sync([&] {
        auto d = handle_cast<HwDevice>(hGenericDevice);
        enum_out(out_ptr(pnDeviceState), d->state.load());
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrvCfgDev_SetDeviceState(PRL_HANDLE hGenericDevice, PRL_GENERIC_DEVICE_STATE nDeviceState) {
    return sync([&] {
        auto d = handle_cast<HwDevice>(hGenericDevice);
        // Kept in this configuration object, as the SDK keeps it, until the
        // configuration is read again; the states are PGS_CONNECTED_TO_HOST..PGS_CONNECTING_TO_VM.
        const long long state = enum_in(nDeviceState);
        require(state >= PGS_CONNECTED_TO_HOST && state <= PGS_CONNECTING_TO_VM, PRL_ERR_INVALID_ARG,
                "unknown device state");
        d->state = static_cast<int>(state);
        return PRL_ERR_SUCCESS;
    });
}

// ---- PrlSrvCfgNet_* ----

PRL_RESULT PrlSrvCfgNet_GetNetAdapterType(PRL_HANDLE hNetAdapter, PRL_HW_INFO_NET_ADAPTER_TYPE_PTR pnNetAdapterType) {
    return sync([&] {
        auto a = handle_cast<HwNetAdapter>(hNetAdapter);
        enum_out(out_ptr(pnNetAdapterType), a->adapter.type);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrvCfgNet_GetSysIndex(PRL_HANDLE hNetAdapter, PRL_UINT32_PTR pnSysIndex) {
    return value<HwNetAdapter>(hNetAdapter, pnSysIndex, [](const HwNetAdapter& a) { return a.adapter.sys_index; });
}

PRL_RESULT PrlSrvCfgNet_IsEnabled(PRL_HANDLE hNetAdapter, PRL_BOOL_PTR pbEnabled) {
    return value<HwNetAdapter>(hNetAdapter, pbEnabled, [](const HwNetAdapter& a) { return prl_bool(a.adapter.enabled); });
}

PRL_RESULT PrlSrvCfgNet_IsConfigureWithDhcp(PRL_HANDLE hNetAdapter, PRL_BOOL_PTR pbConfigureWithDhcp) {
    return value<HwNetAdapter>(hNetAdapter, pbConfigureWithDhcp, [](const HwNetAdapter& a) { return prl_bool(a.adapter.dhcp); });
}

PRL_RESULT PrlSrvCfgNet_IsConfigureWithDhcpIPv6(PRL_HANDLE hNetAdapter, PRL_BOOL_PTR pbConfigureWithDhcp) {
    return value<HwNetAdapter>(hNetAdapter, pbConfigureWithDhcp, [](const HwNetAdapter& a) { return prl_bool(a.adapter.dhcp6); });
}

PRL_RESULT PrlSrvCfgNet_GetDefaultGateway(PRL_HANDLE hNetAdapter, PRL_STR sDefaultGateway,
                                          PRL_UINT32_PTR pnDefaultGatewayBufLength) {
    return text<HwNetAdapter>(hNetAdapter, sDefaultGateway, pnDefaultGatewayBufLength,
                              [](const HwNetAdapter& a) { return a.adapter.gateway; });
}

PRL_RESULT PrlSrvCfgNet_GetDefaultGatewayIPv6(PRL_HANDLE hNetAdapter, PRL_STR sDefaultGateway,
                                              PRL_UINT32_PTR pnDefaultGatewayBufLength) {
    return text<HwNetAdapter>(hNetAdapter, sDefaultGateway, pnDefaultGatewayBufLength,
                              [](const HwNetAdapter& a) { return a.adapter.gateway6; });
}

PRL_RESULT PrlSrvCfgNet_GetMacAddress(PRL_HANDLE hNetAdapter, PRL_STR sMacAddress, PRL_UINT32_PTR pnMacAddressBufLength) {
    return text<HwNetAdapter>(hNetAdapter, sMacAddress, pnMacAddressBufLength,
                              [](const HwNetAdapter& a) { return a.adapter.mac; });
}

PRL_RESULT PrlSrvCfgNet_GetNetAddresses(PRL_HANDLE hNetAdapter, PRL_HANDLE_PTR phNetAddressesList) {
    return sync([&] {
        auto a = handle_cast<HwNetAdapter>(hNetAdapter);
        give(std::make_shared<StringsList>(a->adapter.addresses), out_ptr(phNetAddressesList));
        return PRL_ERR_SUCCESS;
    });
}

// Linux keeps name servers and search domains for the host, not per adapter
// (/etc/resolv.conf), so an adapter's own lists are empty.
PRL_RESULT PrlSrvCfgNet_GetDnsServers(PRL_HANDLE hNetAdapter, PRL_HANDLE_PTR phDnsServersList) {
    return sync([&] {
        handle_cast<HwNetAdapter>(hNetAdapter);
        give(std::make_shared<StringsList>(), out_ptr(phDnsServersList));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrvCfgNet_GetSearchDomains(PRL_HANDLE hNetAdapter, PRL_HANDLE_PTR phSearchDomainsList) {
    return sync([&] {
        handle_cast<HwNetAdapter>(hNetAdapter);
        give(std::make_shared<StringsList>(), out_ptr(phSearchDomainsList));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrvCfgNet_GetVlanTag(PRL_HANDLE hNetAdapter, PRL_UINT16_PTR pnVlanTag) {
    return value<HwNetAdapter>(hNetAdapter, pnVlanTag, [](const HwNetAdapter& a) { return a.adapter.vlan_tag; });
}

// ---- PrlSrvCfgPci_* ----

PRL_RESULT PrlSrvCfgPci_GetDeviceClass(PRL_HANDLE hGenericPci, PRL_GENERIC_PCI_DEVICE_CLASS_PTR pnGenericPciClass) {
    return sync([&] {
        auto d = handle_cast<HwPciDevice>(hGenericPci);
        enum_out(out_ptr(pnGenericPciClass), d->device.pci_class);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrvCfgPci_IsPrimaryDevice(PRL_HANDLE hGenericPci, PRL_BOOL_PTR pbIsPrimaryDevice) {
    return value<HwPciDevice>(hGenericPci, pbIsPrimaryDevice, [](const HwPciDevice& d) { return prl_bool(d.device.primary); });
}

}  // extern "C"
