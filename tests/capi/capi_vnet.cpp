// Virtual networks, port forwarding, IP private networks, network classes,
// shaping and the network service calls (PrlApiNet.h), black-box. The scalar
// PrlVirtNet_ pairs are tested by the generated property tests.
#include "capi.h"
#include "test_home.h"

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

using capi::Handle;

namespace {

struct Session {
    prl::test::TestHome home;
    capi::Api api;
    Handle server;
    Session() {
        REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
        REQUIRE(run(PrlSrv_LoginLocal(server, nullptr, 0, PSL_HIGH_SECURITY)) == PRL_ERR_SUCCESS);
    }
    ~Session() {
        Handle job(PrlSrv_Logoff(server));
        PrlJob_Wait(job, 60000);
    }

    // Waits for a job; its return code.
    static PRL_RESULT run(PRL_HANDLE job_handle, Handle* result = nullptr) {
        Handle job(job_handle);
        PrlJob_Wait(job, 60000);
        PRL_RESULT rc = PRL_ERR_FAILURE;
        REQUIRE_PRL_OK(PrlJob_GetRetCode(job, &rc));
        if (result && PRL_SUCCEEDED(rc)) REQUIRE_PRL_OK(PrlJob_GetResult(job, result->out()));
        return rc;
    }

    std::vector<Handle> networks() {
        Handle result;
        REQUIRE_PRL_OK(run(PrlSrv_GetVirtualNetworkList(server, 0), &result));
        PRL_UINT32 n = 0;
        REQUIRE_PRL_OK(PrlResult_GetParamsCount(result, &n));
        std::vector<Handle> out;
        for (PRL_UINT32 i = 0; i < n; ++i) {
            Handle h;
            REQUIRE_PRL_OK(PrlResult_GetParamByIndex(result, i, h.out()));
            out.push_back(std::move(h));
        }
        return out;
    }

    Handle network(const std::string& name) {
        for (auto& h : networks())
            if (id(h) == name) return std::move(h);
        return Handle();
    }

    static std::string id(PRL_HANDLE net) {
        return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVirtNet_GetNetworkId(net, b, l); });
    }
};

Handle new_network(const char* name) {
    Handle net;
    REQUIRE_PRL_OK(PrlVirtNet_Create(net.out()));
    REQUIRE_PRL_OK(PrlVirtNet_SetNetworkId(net, name));
    return net;
}

std::string str(PRL_HANDLE h, PRL_RESULT (*get)(PRL_HANDLE, PRL_STR, PRL_UINT32_PTR)) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return get(h, b, l); });
}

struct Counter {
    std::atomic<int> prefs{0}, hw{0};
    static PRL_RESULT handler(PRL_HANDLE h, void* data) {
        auto* c = static_cast<Counter*>(data);
        PRL_HANDLE_TYPE type = PHT_ERROR;
        PrlHandle_GetType(h, &type);
        if (type == PHT_EVENT) {
            PRL_EVENT_TYPE e = PET_DSP_EVT_ERROR_MESSAGE;
            PrlEvent_GetType(h, &e);
            if (e == PET_DSP_EVT_COMMON_PREFS_CHANGED) ++c->prefs;
            if (e == PET_DSP_EVT_HW_CONFIG_CHANGED) ++c->hw;
        }
        PrlHandle_Free(h);
        return PRL_ERR_SUCCESS;
    }
};

}  // namespace

TEST_CASE("a new state root has the product's default host-only network", "[vnet]") {
    Session s;
    Handle host_only = s.network("Host-Only");
    REQUIRE(host_only.get() != PRL_INVALID_HANDLE);
    PRL_NET_VIRTUAL_NETWORK_TYPE type = PVN_BRIDGED_ETHERNET;
    REQUIRE_PRL_OK(PrlVirtNet_GetNetworkType(host_only, &type));
    CHECK(type == PVN_HOST_ONLY);
    CHECK(str(host_only, PrlVirtNet_GetDescription) == "Host Only Networking");
    CHECK(str(host_only, PrlVirtNet_GetHostIPAddress) == "10.37.130.2");
    CHECK(str(host_only, PrlVirtNet_GetIPNetMask) == "255.255.255.0");
    CHECK(str(host_only, PrlVirtNet_GetIPScopeStart) == "10.37.130.1");
    CHECK(str(host_only, PrlVirtNet_GetIPScopeEnd) == "10.37.130.254");
    CHECK(str(host_only, PrlVirtNet_GetHostIP6Address) == "fdb2:2c26:f4e4::1");
    PRL_BOOL on = PRL_FALSE;
    REQUIRE_PRL_OK(PrlVirtNet_IsDHCPServerEnabled(host_only, &on));
    CHECK(on == PRL_TRUE);
    REQUIRE_PRL_OK(PrlVirtNet_IsNATServerEnabled(host_only, &on));
    CHECK(on == PRL_FALSE);
    PRL_UINT32 index = 99;
    REQUIRE_PRL_OK(PrlVirtNet_GetAdapterIndex(host_only, &index));
    CHECK(index == 0);
    // "Bridged" exists exactly when the host has a default route.
    Handle bridged = s.network("Bridged");
    if (bridged.get() != PRL_INVALID_HANDLE) {
        REQUIRE_PRL_OK(PrlVirtNet_GetNetworkType(bridged, &type));
        CHECK(type == PVN_BRIDGED_ETHERNET);
        CHECK(str(bridged, PrlVirtNet_GetBoundCardMac).size() == 17);
    }
}

TEST_CASE("virtual networks: add, update, delete with the product's codes and events", "[vnet]") {
    Session s;
    Counter events;
    REQUIRE_PRL_OK(PrlSrv_RegEventHandler(s.server, &Counter::handler, &events));

    Handle net = new_network("vnet-a");
    REQUIRE_PRL_OK(PrlVirtNet_SetDescription(net, "first"));
    REQUIRE_PRL_OK(Session::run(PrlSrv_AddVirtualNetwork(s.server, net, 0)));
    CHECK(Session::run(PrlSrv_AddVirtualNetwork(s.server, net, 0)) == PRL_NET_DUPLICATE_VIRTUAL_NETWORK_ID);

    // prlsrvctl's sequence: find it in the list, change it, update.
    Handle listed = s.network("vnet-a");
    REQUIRE(listed.get() != PRL_INVALID_HANDLE);
    CHECK(str(listed, PrlVirtNet_GetDescription) == "first");
    REQUIRE_PRL_OK(PrlVirtNet_SetDescription(listed, "second"));
    REQUIRE_PRL_OK(PrlVirtNet_SetIPNetMask(listed, "16"));
    CHECK(str(listed, PrlVirtNet_GetIPNetMask) == "255.255.0.0");
    REQUIRE_PRL_OK(Session::run(PrlSrv_UpdateVirtualNetwork(s.server, listed, 0)));
    Handle again = s.network("vnet-a");
    CHECK(str(again, PrlVirtNet_GetDescription) == "second");
    CHECK(str(again, PrlVirtNet_GetIPNetMask) == "255.255.0.0");

    // A network cannot be renamed; an unknown one is not found.
    REQUIRE_PRL_OK(PrlVirtNet_SetNetworkId(again, "vnet-b"));
    CHECK(Session::run(PrlSrv_UpdateVirtualNetwork(s.server, again, 0)) == PRL_NET_DUPLICATE_VIRTUAL_NETWORK_ID);
    Handle ghost = new_network("ghost");
    CHECK(Session::run(PrlSrv_UpdateVirtualNetwork(s.server, ghost, 0)) == PRL_NET_VIRTUAL_NETWORK_NOT_FOUND);
    CHECK(Session::run(PrlSrv_DeleteVirtualNetwork(s.server, ghost, 0)) == PRL_NET_VIRTUAL_NETWORK_ID_NOT_EXISTS);

    REQUIRE_PRL_OK(Session::run(PrlSrv_DeleteVirtualNetwork(s.server, net, 0)));
    CHECK(s.network("vnet-a").get() == PRL_INVALID_HANDLE);

    for (int i = 0; i < 200 && events.hw.load() < 6; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(events.prefs.load() >= 6);
    CHECK(events.hw.load() >= 6);
    REQUIRE_PRL_OK(PrlSrv_UnregEventHandler(s.server, &Counter::handler, &events));
}

TEST_CASE("virtual networks: the product's host-only and bridged checks", "[vnet]") {
    Session s;
    Handle net = new_network("vnet-dhcp");
    REQUIRE_PRL_OK(PrlVirtNet_SetDHCPServerEnabled(net, PRL_TRUE));
    REQUIRE_PRL_OK(PrlVirtNet_SetIPScopeStart(net, "10.1.2.10"));
    REQUIRE_PRL_OK(PrlVirtNet_SetIPScopeEnd(net, "10.1.2.12"));
    CHECK(Session::run(PrlSrv_AddVirtualNetwork(s.server, net, 0)) == PRL_NET_VALID_DHCP_SCOPE_RANGE_LESS_MIN);
    REQUIRE_PRL_OK(PrlVirtNet_SetIPScopeEnd(net, "10.1.3.100"));
    CHECK(Session::run(PrlSrv_AddVirtualNetwork(s.server, net, 0)) == PRL_NET_VALID_MISMATCH_DHCP_SCOPE_MASK);
    REQUIRE_PRL_OK(PrlVirtNet_SetIPScopeEnd(net, "10.1.2.200"));
    REQUIRE_PRL_OK(PrlVirtNet_SetHostIPAddress(net, "10.1.2.255"));
    CHECK(Session::run(PrlSrv_AddVirtualNetwork(s.server, net, 0)) == PRL_NET_VALID_WRONG_HOST_IP_ADDR);
    REQUIRE_PRL_OK(PrlVirtNet_SetHostIPAddress(net, "10.1.2.1"));
    REQUIRE_PRL_OK(PrlVirtNet_SetIPNetMask(net, "255.255.255.248"));
    CHECK(Session::run(PrlSrv_AddVirtualNetwork(s.server, net, 0)) == PRL_NET_VALID_WRONG_NET_MASK);
    REQUIRE_PRL_OK(PrlVirtNet_SetIPNetMask(net, "24"));
    REQUIRE_PRL_OK(Session::run(PrlSrv_AddVirtualNetwork(s.server, net, 0)));

    // Two bridged networks on one adapter and VLAN: refused.
    Handle b1 = new_network("br-one"), b2 = new_network("br-two");
    for (PRL_HANDLE b : {b1.get(), b2.get()}) {
        REQUIRE_PRL_OK(PrlVirtNet_SetNetworkType(b, PVN_BRIDGED_ETHERNET));
        REQUIRE_PRL_OK(PrlVirtNet_SetBoundCardMac(b, "02:00:00:AA:BB:CC"));
    }
    REQUIRE_PRL_OK(Session::run(PrlSrv_AddVirtualNetwork(s.server, b1, 0)));
    CHECK(Session::run(PrlSrv_AddVirtualNetwork(s.server, b2, 0)) == PRL_NET_ADAPTER_ALREADY_USED);
    REQUIRE_PRL_OK(PrlVirtNet_SetVlanTag(b2, 10));
    REQUIRE_PRL_OK(Session::run(PrlSrv_AddVirtualNetwork(s.server, b2, 0)));

    // Made host-only, a network loses its adapter binding.
    Handle listed = s.network("br-two");
    REQUIRE_PRL_OK(PrlVirtNet_SetNetworkType(listed, PVN_HOST_ONLY));
    REQUIRE_PRL_OK(Session::run(PrlSrv_UpdateVirtualNetwork(s.server, listed, 0)));
    Handle now = s.network("br-two");
    CHECK(str(now, PrlVirtNet_GetBoundCardMac).empty());
    PRL_UINT16 vlan = 0;
    REQUIRE_PRL_OK(PrlVirtNet_GetVlanTag(now, &vlan));
    CHECK(vlan == PRL_INVALID_VLAN_TAG);
}

TEST_CASE("virtual networks: argument checks", "[vnet]") {
    Session s;
    Handle net = new_network("args");
    CHECK(PrlVirtNet_Create(nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVirtNet_SetIPNetMask(net, "33") == PRL_ERR_INVALID_ARG);
    CHECK(PrlVirtNet_SetIPNetMask(net, "255.0.255.0") == PRL_ERR_INVALID_ARG);
    CHECK(PrlVirtNet_SetIPNetMask(net, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVirtNet_SetIPNetMask(s.server, "24") == PRL_ERR_INVALID_ARG);
    CHECK(PrlVirtNet_SetHostIPAddress(net, "10.0.0.256") == PRL_ERR_INVALID_ARG);
    CHECK(PrlVirtNet_SetNetworkId(net, "two\nlines") == PRL_ERR_INVALID_ARG);
    CHECK(PrlVirtNet_SetNetworkId(net, "\xff\xfe") == PRL_ERR_INVALID_ARG);
    Handle list;
    CHECK(PrlVirtNet_GetPortForwardList(net, static_cast<PRL_PORT_FORWARDING_TYPE>(7), list.out()) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVirtNet_GetPortForwardList(net, PPF_TCP, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVirtNet_SetPortForwardList(net, PPF_UDP, s.server) == PRL_ERR_INVALID_ARG);
    CHECK(Session::run(PrlSrv_AddVirtualNetwork(s.server, s.server, 0)) == PRL_ERR_INVALID_ARG);
    CHECK(Session::run(PrlSrv_AddVirtualNetwork(net, net, 0)) == PRL_ERR_INVALID_ARG);
    CHECK(Session::run(PrlSrv_GetVirtualNetworkList(capi::forged_handle(), 0)) == PRL_ERR_INVALID_ARG);
    Handle unnamed;
    REQUIRE_PRL_OK(PrlVirtNet_Create(unnamed.out()));
    CHECK(Session::run(PrlSrv_AddVirtualNetwork(s.server, unnamed, 0)) == PRL_ERR_INVALID_ARG);
    Handle offline;
    REQUIRE_PRL_OK(PrlSrv_Create(offline.out()));
    CHECK(Session::run(PrlSrv_GetVirtualNetworkList(offline, 0)) == PRL_ERR_NOT_CONNECTED_TO_DISPATCHER);
}

TEST_CASE("virtual networks: port-forwarding rules survive an update", "[vnet]") {
    Session s;
    Handle net = new_network("nat");
    REQUIRE_PRL_OK(PrlVirtNet_SetNATServerEnabled(net, PRL_TRUE));
    Handle rule;
    REQUIRE_PRL_OK(PrlPortFwd_Create(rule.out()));
    CHECK(str(rule, PrlPortFwd_GetRedirectIPAddress) == "0.0.0.0");
    REQUIRE_PRL_OK(PrlPortFwd_SetRuleName(rule, "web"));
    REQUIRE_PRL_OK(PrlPortFwd_SetIncomingPort(rule, 8080));
    REQUIRE_PRL_OK(PrlPortFwd_SetRedirectPort(rule, 80));
    CHECK(PrlPortFwd_SetRedirectIPAddress(rule, "vm-name") == PRL_ERR_INVALID_ARG);  // prlsrvctl then sets the VM
    REQUIRE_PRL_OK(PrlPortFwd_SetRedirectVm(rule, "vm-name"));
    REQUIRE_PRL_OK(PrlPortFwd_SetRedirectIPAddress(rule, "10.37.130.5"));
    CHECK(PrlPortFwd_SetRuleName(rule, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlPortFwd_GetIncomingPort(rule, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlPortFwd_GetIncomingPort(net, nullptr) == PRL_ERR_INVALID_ARG);

    Handle list;
    REQUIRE_PRL_OK(PrlApi_CreateHandlesList(list.out()));
    REQUIRE_PRL_OK(PrlHndlList_AddItem(list, rule));
    REQUIRE_PRL_OK(PrlVirtNet_SetPortForwardList(net, PPF_TCP, list));
    REQUIRE_PRL_OK(Session::run(PrlSrv_AddVirtualNetwork(s.server, net, 0)));

    Handle listed = s.network("nat");
    Handle tcp, udp;
    REQUIRE_PRL_OK(PrlVirtNet_GetPortForwardList(listed, PPF_TCP, tcp.out()));
    REQUIRE_PRL_OK(PrlVirtNet_GetPortForwardList(listed, PPF_UDP, udp.out()));
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlHndlList_GetItemsCount(udp, &n));
    CHECK(n == 0);
    REQUIRE_PRL_OK(PrlHndlList_GetItemsCount(tcp, &n));
    REQUIRE(n == 1);
    Handle got;
    REQUIRE_PRL_OK(PrlHndlList_GetItem(tcp, 0, got.out()));
    CHECK(str(got, PrlPortFwd_GetRuleName) == "web");
    CHECK(str(got, PrlPortFwd_GetRedirectVm) == "vm-name");
    CHECK(str(got, PrlPortFwd_GetRedirectIPAddress) == "10.37.130.5");
    PRL_UINT16 port = 0;
    REQUIRE_PRL_OK(PrlPortFwd_GetIncomingPort(got, &port));
    CHECK(port == 8080);
    REQUIRE_PRL_OK(PrlPortFwd_GetRedirectPort(got, &port));
    CHECK(port == 80);

    // An invalid list handle clears the rules.
    REQUIRE_PRL_OK(PrlVirtNet_SetPortForwardList(listed, PPF_TCP, PRL_INVALID_HANDLE));
    REQUIRE_PRL_OK(Session::run(PrlSrv_UpdateVirtualNetwork(s.server, listed, 0)));
    Handle cleared;
    REQUIRE_PRL_OK(PrlVirtNet_GetPortForwardList(s.network("nat"), PPF_TCP, cleared.out()));
    REQUIRE_PRL_OK(PrlHndlList_GetItemsCount(cleared, &n));
    CHECK(n == 0);
}

TEST_CASE("the network document keeps elements it does not model", "[vnet]") {
    Session s;
    s.networks();  // creates network.xml with the defaults
    const std::string path = std::string(std::getenv("PRLSHIM_HOME")) + "/network.xml";
    std::stringstream ss;
    ss << std::ifstream(path).rdbuf();
    std::string doc = ss.str();
    const auto at = doc.find("<VirtualNetworks>");
    REQUIRE(at != std::string::npos);
    doc.insert(at, "<VZNetworkConfig><VLANList/><IPAddressMappingList/></VZNetworkConfig><Future>kept</Future>");
    // and an element of a network we do not model
    const auto host = doc.find("<NetworkID>Host-Only</NetworkID>");
    REQUIRE(host != std::string::npos);
    doc.insert(host, "<Unknown>x</Unknown>");
    std::ofstream(path) << doc;

    REQUIRE_PRL_OK(Session::run(PrlSrv_AddVirtualNetwork(s.server, new_network("extra"), 0)));
    Handle host_only = s.network("Host-Only");
    REQUIRE_PRL_OK(PrlVirtNet_SetDescription(host_only, "changed"));
    REQUIRE_PRL_OK(Session::run(PrlSrv_UpdateVirtualNetwork(s.server, host_only, 0)));
    std::stringstream after;
    after << std::ifstream(path).rdbuf();
    CHECK(after.str().find("<Future>kept</Future>") != std::string::npos);
    CHECK(after.str().find("<VLANList/>") != std::string::npos);
    CHECK(after.str().find("<Unknown>x</Unknown>") != std::string::npos);
    CHECK(after.str().find("changed") != std::string::npos);
}

TEST_CASE("IP private networks: add, list, update, remove", "[vnet][privnet]") {
    Session s;
    Handle net;
    REQUIRE_PRL_OK(PrlIPPrivNet_Create(net.out()));
    REQUIRE_PRL_OK(PrlIPPrivNet_SetName(net, "priv"));
    Handle addrs;
    REQUIRE_PRL_OK(PrlApi_CreateStringsList(addrs.out()));
    REQUIRE_PRL_OK(PrlStrList_AddItem(addrs, "10.10.0.0/16"));
    REQUIRE_PRL_OK(PrlStrList_AddItem(addrs, "fd00::/64"));
    REQUIRE_PRL_OK(PrlIPPrivNet_SetNetAddresses(net, addrs));
    REQUIRE_PRL_OK(PrlIPPrivNet_SetGlobal(net, PRL_TRUE));
    REQUIRE_PRL_OK(Session::run(PrlSrv_AddIPPrivateNetwork(s.server, net, 0)));
    CHECK(Session::run(PrlSrv_AddIPPrivateNetwork(s.server, net, 0)) == PRL_NET_DUPLICATE_IPPRIVATE_NETWORK_NAME);

    Handle result;
    REQUIRE_PRL_OK(Session::run(PrlSrv_GetIPPrivateNetworksList(s.server, 0), &result));
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlResult_GetParamsCount(result, &n));
    REQUIRE(n == 1);
    Handle got;
    REQUIRE_PRL_OK(PrlResult_GetParamByIndex(result, 0, got.out()));
    CHECK(str(got, PrlIPPrivNet_GetName) == "priv");
    PRL_BOOL global = PRL_FALSE;
    REQUIRE_PRL_OK(PrlIPPrivNet_IsGlobal(got, &global));
    CHECK(global == PRL_TRUE);
    Handle got_addrs;
    REQUIRE_PRL_OK(PrlIPPrivNet_GetNetAddresses(got, got_addrs.out()));
    REQUIRE_PRL_OK(PrlStrList_GetItemsCount(got_addrs, &n));
    CHECK(n == 2);

    Handle bad;
    REQUIRE_PRL_OK(PrlApi_CreateStringsList(bad.out()));
    REQUIRE_PRL_OK(PrlStrList_AddItem(bad, "fd00::1"));  // IPv6 needs a prefix
    REQUIRE_PRL_OK(PrlIPPrivNet_SetNetAddresses(got, bad));
    CHECK(Session::run(PrlSrv_UpdateIPPrivateNetwork(s.server, got, 0)) == PRL_NET_IPPRIVATE_NETWORK_INVALID_IP);
    REQUIRE_PRL_OK(PrlIPPrivNet_SetNetAddresses(got, addrs));
    REQUIRE_PRL_OK(Session::run(PrlSrv_UpdateIPPrivateNetwork(s.server, got, 0)));

    REQUIRE_PRL_OK(Session::run(PrlSrv_RemoveIPPrivateNetwork(s.server, got, 0)));
    CHECK(Session::run(PrlSrv_RemoveIPPrivateNetwork(s.server, got, 0)) == PRL_NET_IPPRIVATE_NETWORK_DOES_NOT_EXIST);
    CHECK(Session::run(PrlSrv_UpdateIPPrivateNetwork(s.server, got, 0)) == PRL_NET_IPPRIVATE_NETWORK_DOES_NOT_EXIST);
    CHECK(PrlIPPrivNet_SetName(got, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlIPPrivNet_SetNetAddresses(got, got) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("network classes and shaping are stored and read back", "[vnet][shaping]") {
    Session s;
    Handle cls;
    REQUIRE_PRL_OK(PrlNetworkClass_Create(3, cls.out()));
    Handle nets;
    REQUIRE_PRL_OK(PrlApi_CreateStringsList(nets.out()));
    REQUIRE_PRL_OK(PrlStrList_AddItem(nets, "10.0.0.0/8"));
    REQUIRE_PRL_OK(PrlNetworkClass_SetNetworkList(cls, nets));
    Handle classes;
    REQUIRE_PRL_OK(PrlApi_CreateHandlesList(classes.out()));
    REQUIRE_PRL_OK(PrlHndlList_AddItem(classes, cls));
    REQUIRE_PRL_OK(Session::run(PrlSrv_UpdateNetworkClassesList(s.server, classes, 0)));

    Handle result, list, first;
    REQUIRE_PRL_OK(Session::run(PrlSrv_GetNetworkClassesList(s.server, 0), &result));
    REQUIRE_PRL_OK(PrlResult_GetParam(result, list.out()));
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlHndlList_GetItemsCount(list, &n));
    REQUIRE(n == 1);
    REQUIRE_PRL_OK(PrlHndlList_GetItem(list, 0, first.out()));
    PRL_UINT32 id = 0;
    REQUIRE_PRL_OK(PrlNetworkClass_GetClassId(first, &id));
    CHECK(id == 3);
    Handle got_nets;
    REQUIRE_PRL_OK(PrlNetworkClass_GetNetworkList(first, got_nets.out()));
    CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlStrList_GetItem(got_nets, 0, b, l); }) ==
          "10.0.0.0/8");

    Handle cfg_result, cfg;
    REQUIRE_PRL_OK(Session::run(PrlSrv_GetNetworkShapingConfig(s.server, 0), &cfg_result));
    REQUIRE_PRL_OK(PrlResult_GetParam(cfg_result, cfg.out()));
    PRL_BOOL on = PRL_TRUE;
    REQUIRE_PRL_OK(PrlNetworkShapingConfig_IsEnabled(cfg, &on));
    CHECK(on == PRL_FALSE);
    Handle entry, bw;
    REQUIRE_PRL_OK(PrlNetworkShapingEntry_Create(3, 1000, entry.out()));
    REQUIRE_PRL_OK(PrlNetworkShapingEntry_SetDevice(entry, "eth0"));
    REQUIRE_PRL_OK(PrlNetworkShapingEntry_SetRate(entry, 200));
    REQUIRE_PRL_OK(PrlNetworkShapingEntry_SetRateMPU(entry, -1));
    CHECK(PrlNetworkShapingEntry_SetDevice(entry, "") == PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlNetworkShapingBandwidthEntry_Create("eth0", 100000, bw.out()));
    Handle entries, bws;
    REQUIRE_PRL_OK(PrlApi_CreateHandlesList(entries.out()));
    REQUIRE_PRL_OK(PrlHndlList_AddItem(entries, entry));
    REQUIRE_PRL_OK(PrlApi_CreateHandlesList(bws.out()));
    REQUIRE_PRL_OK(PrlHndlList_AddItem(bws, bw));
    REQUIRE_PRL_OK(PrlNetworkShapingConfig_SetNetworkShapingList(cfg, entries));
    REQUIRE_PRL_OK(PrlNetworkShapingConfig_SetNetworkDeviceBandwidthList(cfg, bws));
    REQUIRE_PRL_OK(PrlNetworkShapingConfig_SetEnabled(cfg, PRL_TRUE));
    REQUIRE_PRL_OK(Session::run(PrlSrv_UpdateNetworkShapingConfig(s.server, cfg, 0)));
    REQUIRE_PRL_OK(Session::run(PrlSrv_RestartNetworkShaping(s.server, 0)));

    Handle again_result, again, got_entries, got_entry, got_bws, got_bw;
    REQUIRE_PRL_OK(Session::run(PrlSrv_GetNetworkShapingConfig(s.server, 0), &again_result));
    REQUIRE_PRL_OK(PrlResult_GetParam(again_result, again.out()));
    REQUIRE_PRL_OK(PrlNetworkShapingConfig_IsEnabled(again, &on));
    CHECK(on == PRL_TRUE);
    REQUIRE_PRL_OK(PrlNetworkShapingConfig_GetNetworkShapingList(again, got_entries.out()));
    REQUIRE_PRL_OK(PrlHndlList_GetItem(got_entries, 0, got_entry.out()));
    CHECK(str(got_entry, PrlNetworkShapingEntry_GetDevice) == "eth0");
    PRL_UINT32 v = 0;
    REQUIRE_PRL_OK(PrlNetworkShapingEntry_GetTotalRate(got_entry, &v));
    CHECK(v == 1000);
    REQUIRE_PRL_OK(PrlNetworkShapingEntry_GetRate(got_entry, &v));
    CHECK(v == 200);
    REQUIRE_PRL_OK(PrlNetworkShapingEntry_GetClassId(got_entry, &v));
    CHECK(v == 3);
    PRL_INT32 mpu = 0;
    REQUIRE_PRL_OK(PrlNetworkShapingEntry_GetRateMPU(got_entry, &mpu));
    CHECK(mpu == -1);
    REQUIRE_PRL_OK(PrlNetworkShapingConfig_GetNetworkDeviceBandwidthList(again, got_bws.out()));
    REQUIRE_PRL_OK(PrlHndlList_GetItem(got_bws, 0, got_bw.out()));
    CHECK(str(got_bw, PrlNetworkShapingBandwidthEntry_GetDevice) == "eth0");
    REQUIRE_PRL_OK(PrlNetworkShapingBandwidthEntry_GetBandwidth(got_bw, &v));
    CHECK(v == 100000);

    CHECK(PrlNetworkShapingBandwidthEntry_Create(nullptr, 1, bw.out()) == PRL_ERR_INVALID_ARG);
    CHECK(PrlNetworkShapingEntry_GetRate(bw, &v) == PRL_ERR_INVALID_ARG);
    CHECK(PrlNetworkClass_GetClassId(entry, &id) == PRL_ERR_INVALID_ARG);
    CHECK(Session::run(PrlSrv_UpdateNetworkShapingConfig(s.server, entry, 0)) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("the network service calls answer as the product's dispatcher", "[vnet]") {
    Session s;
    CHECK(Session::run(PrlSrv_GetNetServiceStatus(s.server)) == PRL_ERR_UNIMPLEMENTED);
    CHECK(Session::run(PrlSrv_NetServiceRestoreDefaults(s.server)) == PRL_ERR_UNIMPLEMENTED);
    CHECK(Session::run(PrlSrv_NetServiceStart(s.server)) == PRL_ERR_INVALID_ARG);
    CHECK(Session::run(PrlSrv_NetServiceStop(s.server)) == PRL_ERR_INVALID_ARG);
    CHECK(Session::run(PrlSrv_NetServiceRestart(s.server)) == PRL_ERR_INVALID_ARG);
}
