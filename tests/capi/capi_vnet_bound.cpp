// PrlVirtNet_GetBoundAdapterInfo: the host adapter a bridged network is bound to.
#include "session_fixture.h"

#include <PrlApiNet.h>

#include <cctype>
#include <string>

using capi::Handle;

TEST_CASE("PrlVirtNet_GetBoundAdapterInfo finds the host adapter by MAC and VLAN", "[vnet_bound]") {
    capi::Session s;
    Handle cfg = capi::job_param(PrlSrv_GetSrvConfig(s.server));
    PRL_UINT32 count = 0;
    REQUIRE_PRL_OK(PrlSrvCfg_GetNetAdaptersCount(cfg, &count));

    Handle net;
    REQUIRE_PRL_OK(PrlVirtNet_Create(net.out()));
    REQUIRE_PRL_OK(PrlVirtNet_SetNetworkType(net, PVN_BRIDGED_ETHERNET));

    // Nothing bound: the product's code, and prlsrvctl prints the MAC instead.
    Handle adapter;
    REQUIRE_PRL(PrlVirtNet_GetBoundAdapterInfo(net, cfg, adapter.out()), PRL_ERR_NETWORK_ADAPTER_NOT_FOUND);
    REQUIRE_PRL_OK(PrlVirtNet_SetBoundCardMac(net, "02:00:5E:FF:FF:FE"));
    REQUIRE_PRL(PrlVirtNet_GetBoundAdapterInfo(net, cfg, adapter.out()), PRL_ERR_NETWORK_ADAPTER_NOT_FOUND);

    for (PRL_UINT32 i = 0; i < count; ++i) {
        Handle hw;
        REQUIRE_PRL_OK(PrlSrvCfg_GetNetAdapter(cfg, i, hw.out()));
        const std::string mac = capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlSrvCfgNet_GetMacAddress(hw, b, l); });
        const std::string id = capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlSrvCfgDev_GetId(hw, b, l); });
        PRL_UINT16 vlan = 0;
        REQUIRE_PRL_OK(PrlSrvCfgNet_GetVlanTag(hw, &vlan));
        if (mac.size() != 12) continue;
        // Written the way a person types it: lower case with colons.
        std::string typed;
        for (std::size_t k = 0; k < 12; k += 2) {
            if (k) typed += ':';
            typed += static_cast<char>(std::tolower(static_cast<unsigned char>(mac[k])));
            typed += static_cast<char>(std::tolower(static_cast<unsigned char>(mac[k + 1])));
        }
        REQUIRE_PRL_OK(PrlVirtNet_SetBoundCardMac(net, typed.c_str()));
        REQUIRE_PRL_OK(PrlVirtNet_SetVlanTag(net, vlan));
        Handle found;
        REQUIRE_PRL_OK(PrlVirtNet_GetBoundAdapterInfo(net, cfg, found.out()));
        PRL_HANDLE_TYPE type = PHT_ERROR;
        REQUIRE_PRL_OK(PrlHandle_GetType(found, &type));
        CHECK(type == PHT_HW_NET_ADAPTER);
        CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlSrvCfgNet_GetMacAddress(found, b, l); }) == mac);
        // Another VLAN tag: not that adapter.
        REQUIRE_PRL_OK(PrlVirtNet_SetVlanTag(net, static_cast<PRL_UINT16>(vlan == 7 ? 8 : 7)));
        Handle none;
        CHECK(PrlVirtNet_GetBoundAdapterInfo(net, cfg, none.out()) == PRL_ERR_NETWORK_ADAPTER_NOT_FOUND);
        // The network's own adapter (a bridge with its port's MAC) is skipped.
        REQUIRE_PRL_OK(PrlVirtNet_SetVlanTag(net, vlan));
        REQUIRE_PRL_OK(PrlVirtNet_SetAdapterName(net, id.c_str()));
        Handle other;
        const PRL_RESULT rc = PrlVirtNet_GetBoundAdapterInfo(net, cfg, other.out());
        if (rc == PRL_ERR_SUCCESS)
            CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlSrvCfgDev_GetId(other, b, l); }) != id);
        else
            CHECK(rc == PRL_ERR_NETWORK_ADAPTER_NOT_FOUND);
        REQUIRE_PRL_OK(PrlVirtNet_SetAdapterName(net, ""));
        break;
    }

    REQUIRE_PRL(PrlVirtNet_GetBoundAdapterInfo(net, cfg, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVirtNet_GetBoundAdapterInfo(cfg, cfg, adapter.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVirtNet_GetBoundAdapterInfo(net, net, adapter.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVirtNet_GetBoundAdapterInfo(capi::forged_handle(), cfg, adapter.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVirtNet_GetBoundAdapterInfo(net, PRL_INVALID_HANDLE, adapter.out()), PRL_ERR_INVALID_ARG);
}
