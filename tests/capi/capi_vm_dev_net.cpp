// PrlVmDevNet_* beyond single values: MAC addresses, address lists,
// gateways, the firewall and its rules (PrlFirewallRule_*).
#include "devices_fixture.h"

#include <cctype>
#include <string>

using capi::Handle;
using capi::NewVm;

namespace {

std::string mac_of(PRL_HANDLE net) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDevNet_GetMacAddress(net, b, l); });
}
std::string canonical_mac_of(PRL_HANDLE net) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDevNet_GetMacAddressCanonical(net, b, l); });
}

bool is_product_mac(const std::string& mac) {
    if (mac.size() != 12 || mac.compare(0, 6, "001C42") != 0) return false;
    for (char c : mac)
        if (!std::isxdigit(static_cast<unsigned char>(c)) || std::islower(static_cast<unsigned char>(c))) return false;
    return true;
}

std::vector<std::string> addresses(PRL_HANDLE net) {
    Handle list;
    REQUIRE_PRL_OK(PrlVmDevNet_GetNetAddresses(net, list.out()));
    return capi::strings_of(list);
}

Handle rule(const char* proto, PRL_UINT32 local_port, const char* remote) {
    Handle r;
    REQUIRE_PRL_OK(PrlFirewallRule_Create(r.out()));
    REQUIRE_PRL_OK(PrlFirewallRule_SetProtocol(r, proto));
    REQUIRE_PRL_OK(PrlFirewallRule_SetLocalPort(r, local_port));
    REQUIRE_PRL_OK(PrlFirewallRule_SetRemoteNetAddress(r, remote));
    return r;
}

}  // namespace

TEST_CASE("net adapter: a new adapter has a generated MAC under the product's prefix", "[vmdevnet]") {
    NewVm t;
    Handle net = t.create(PDE_GENERIC_NETWORK_ADAPTER);
    const std::string mac = mac_of(net);
    CHECK(is_product_mac(mac));
    CHECK(canonical_mac_of(net) == mac.substr(0, 2) + ":" + mac.substr(2, 2) + ":" + mac.substr(4, 2) + ":" +
                                       mac.substr(6, 2) + ":" + mac.substr(8, 2) + ":" + mac.substr(10, 2));
    REQUIRE_PRL_OK(PrlVmDevNet_GenerateMacAddr(net));
    CHECK(is_product_mac(mac_of(net)));

    REQUIRE_PRL_OK(PrlVmDevNet_SetMacAddress(net, "00:1c:42:ab:cd:ef"));
    CHECK(mac_of(net) == "001C42ABCDEF");
    REQUIRE_PRL_OK(PrlVmDevNet_SetMacAddress(net, "001C42000001"));
    CHECK(canonical_mac_of(net) == "00:1C:42:00:00:01");
    REQUIRE_PRL_OK(PrlVmDevNet_SetMacAddress(net, "02-00-00-00-00-0A"));
    CHECK(mac_of(net) == "02000000000A");
    for (const char* bad : {"", "001C42", "00:1C:42:AB:CD", "00:1C:42:AB:CD:EG", "001C42ABCDEF0", "00:1C-42:AB:CD:EF"})
        CHECK(PrlVmDevNet_SetMacAddress(net, bad) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevNet_SetMacAddress(net, nullptr) == PRL_ERR_INVALID_ARG);

    Handle hdd = t.create(PDE_HARD_DISK);
    PRL_UINT32 len = 0;
    CHECK(PrlVmDevNet_GetMacAddress(hdd, nullptr, &len) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevNet_GenerateMacAddr(hdd) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevNet_GenerateMacAddr(capi::forged_handle()) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevNet_GetMacAddress(net, nullptr, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevNet_GetMacAddressCanonical(t.vm, nullptr, &len) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("net adapter: address lists", "[vmdevnet]") {
    NewVm t;
    Handle net = t.create(PDE_GENERIC_NETWORK_ADAPTER);
    CHECK(addresses(net).empty());
    Handle ips = capi::strings_list({"10.0.0.2/24", "192.168.1.5/255.255.0.0", "10.1.1.1", "fe80::1/64"});
    REQUIRE_PRL_OK(PrlVmDevNet_SetNetAddresses(net, ips));
    CHECK(addresses(net) == std::vector<std::string>{"10.0.0.2/255.255.255.0", "192.168.1.5/255.255.0.0", "10.1.1.1",
                                                     "fe80::1/64"});
    for (const char* bad : {"10.0.0.300", "10.0.0.1/33", "10.0.0.1/255.0.255.0", "host", "fe80::1/129", "10.0.0.1/"}) {
        Handle one = capi::strings_list({"10.0.0.9", bad});
        INFO(bad);
        CHECK(PrlVmDevNet_SetNetAddresses(net, one) == PRL_ERR_INVALID_ARG);
    }
    CHECK(addresses(net).size() == 4);  // a refused list changes nothing
    REQUIRE_PRL_OK(PrlVmDevNet_SetNetAddresses(net, PRL_INVALID_HANDLE));  // clears, as in the SDK
    CHECK(addresses(net).empty());

    Handle dns = capi::strings_list({"8.8.8.8", "1.1.1.1"});
    REQUIRE_PRL_OK(PrlVmDevNet_SetDnsServers(net, dns));
    Handle out;
    REQUIRE_PRL_OK(PrlVmDevNet_GetDnsServers(net, out.out()));
    CHECK(capi::strings_of(out) == std::vector<std::string>{"8.8.8.8", "1.1.1.1"});
    Handle domains = capi::strings_list({"example.org"});
    REQUIRE_PRL_OK(PrlVmDevNet_SetSearchDomains(net, domains));
    REQUIRE_PRL_OK(PrlVmDevNet_GetSearchDomains(net, out.out()));
    CHECK(capi::strings_of(out) == std::vector<std::string>{"example.org"});
    Handle hostile = capi::strings_list({"bad\x01item"});
    CHECK(PrlVmDevNet_SetSearchDomains(net, hostile) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevNet_SetDnsServers(net, t.vm) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevNet_GetDnsServers(net, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevNet_GetNetAddresses(t.vm, out.out()) == PRL_ERR_INVALID_ARG);
    Handle hdd = t.create(PDE_HARD_DISK);
    CHECK(PrlVmDevNet_SetNetAddresses(hdd, ips) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("net adapter: gateways", "[vmdevnet]") {
    NewVm t;
    Handle net = t.create(PDE_GENERIC_NETWORK_ADAPTER);
    auto gw = [&] { return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDevNet_GetDefaultGateway(net, b, l); }); };
    auto gw6 = [&] {
        return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDevNet_GetDefaultGatewayIPv6(net, b, l); });
    };
    CHECK(gw().empty());
    REQUIRE_PRL_OK(PrlVmDevNet_SetDefaultGateway(net, "10.0.0.1"));
    CHECK(gw() == "10.0.0.1");
    CHECK(PrlVmDevNet_SetDefaultGateway(net, "fe80::1") == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevNet_SetDefaultGateway(net, "10.0.0") == PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlVmDevNet_SetDefaultGatewayIPv6(net, "fe80::1"));
    CHECK(gw6() == "fe80::1");
    CHECK(PrlVmDevNet_SetDefaultGatewayIPv6(net, "10.0.0.1") == PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlVmDevNet_SetDefaultGateway(net, ""));
    CHECK(gw().empty());
    CHECK(PrlVmDevNet_SetDefaultGateway(net, nullptr) == PRL_ERR_INVALID_ARG);
    PRL_UINT32 len = 0;
    CHECK(PrlVmDevNet_GetDefaultGateway(net, nullptr, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevNet_GetDefaultGatewayIPv6(capi::forged_handle(), nullptr, &len) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("firewall rules: standalone objects", "[vmdevnet]") {
    capi::Api api;
    Handle r;
    REQUIRE_PRL_OK(PrlFirewallRule_Create(r.out()));
    PRL_UINT32 port = 9;
    REQUIRE_PRL_OK(PrlFirewallRule_GetLocalPort(r, &port));
    CHECK(port == 0);
    REQUIRE_PRL_OK(PrlFirewallRule_SetLocalPort(r, 22));
    REQUIRE_PRL_OK(PrlFirewallRule_SetRemotePort(r, 1024));
    REQUIRE_PRL_OK(PrlFirewallRule_SetProtocol(r, "tcp"));
    REQUIRE_PRL_OK(PrlFirewallRule_SetLocalNetAddress(r, "10.0.0.2"));
    REQUIRE_PRL_OK(PrlFirewallRule_SetRemoteNetAddress(r, "0.0.0.0/0"));
    REQUIRE_PRL_OK(PrlFirewallRule_GetLocalPort(r, &port));
    CHECK(port == 22);
    REQUIRE_PRL_OK(PrlFirewallRule_GetRemotePort(r, &port));
    CHECK(port == 1024);
    CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlFirewallRule_GetProtocol(r, b, l); }) == "tcp");
    CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlFirewallRule_GetLocalNetAddress(r, b, l); }) ==
          "10.0.0.2");
    CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlFirewallRule_GetRemoteNetAddress(r, b, l); }) ==
          "0.0.0.0/0");
    CHECK(PrlFirewallRule_Create(nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlFirewallRule_GetLocalPort(r, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlFirewallRule_SetProtocol(r, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlFirewallRule_SetProtocol(r, "tcp\n") == PRL_ERR_INVALID_ARG);
    CHECK(PrlFirewallRule_SetLocalNetAddress(r, "\xff\xfe") == PRL_ERR_INVALID_ARG);
    PRL_UINT32 len = 0;
    for (PRL_HANDLE bad : {capi::forged_handle(), PRL_HANDLE(PRL_INVALID_HANDLE)}) {
        CHECK(PrlFirewallRule_GetRemotePort(bad, &port) == PRL_ERR_INVALID_ARG);
        CHECK(PrlFirewallRule_SetRemotePort(bad, 1) == PRL_ERR_INVALID_ARG);
        CHECK(PrlFirewallRule_SetLocalPort(bad, 1) == PRL_ERR_INVALID_ARG);
        CHECK(PrlFirewallRule_GetProtocol(bad, nullptr, &len) == PRL_ERR_INVALID_ARG);
        CHECK(PrlFirewallRule_GetLocalNetAddress(bad, nullptr, &len) == PRL_ERR_INVALID_ARG);
        CHECK(PrlFirewallRule_GetRemoteNetAddress(bad, nullptr, &len) == PRL_ERR_INVALID_ARG);
        CHECK(PrlFirewallRule_SetRemoteNetAddress(bad, "x") == PRL_ERR_INVALID_ARG);
    }
}

TEST_CASE("net adapter: firewall policy and rule lists survive a commit", "[vmdevnet]") {
    capi::DevSession s;
    Handle vm = s.new_vm("firewall");
    Handle net;
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_GENERIC_NETWORK_ADAPTER, net.out()));
    PRL_FIREWALL_POLICY policy = PFP_DENY;
    REQUIRE_PRL_OK(PrlVmDevNet_GetFirewallDefaultPolicy(net, PFD_INCOMING, &policy));
    CHECK(policy == PFP_ACCEPT);
    REQUIRE_PRL_OK(PrlVmDevNet_SetFirewallDefaultPolicy(net, PFD_INCOMING, PFP_DENY));
    CHECK(PrlVmDevNet_SetFirewallDefaultPolicy(net, PFD_OUTGOING, static_cast<PRL_FIREWALL_POLICY>(7)) ==
          PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevNet_GetFirewallDefaultPolicy(net, PFD_INCOMING, nullptr) == PRL_ERR_INVALID_ARG);

    Handle list;
    REQUIRE_PRL_OK(PrlApi_CreateHandlesList(list.out()));
    Handle r1 = rule("tcp", 22, "10.0.0.0/8"), r2 = rule("udp", 53, "");
    REQUIRE_PRL_OK(PrlHndlList_AddItem(list, r1));
    REQUIRE_PRL_OK(PrlHndlList_AddItem(list, r2));
    REQUIRE_PRL_OK(PrlVmDevNet_SetFirewallRuleList(net, PFD_INCOMING, list));
    Handle mixed;
    REQUIRE_PRL_OK(PrlApi_CreateHandlesList(mixed.out()));
    REQUIRE_PRL_OK(PrlHndlList_AddItem(mixed, r1));
    REQUIRE_PRL_OK(PrlHndlList_AddItem(mixed, vm));
    CHECK(PrlVmDevNet_SetFirewallRuleList(net, PFD_OUTGOING, mixed) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmDevNet_SetFirewallRuleList(net, PFD_OUTGOING, vm) == PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlVmDevNet_SetFirewallEnabled(net, PRL_TRUE));
    s.reg(vm);

    const std::string text = capi::DevSession::config_text(vm);
    CHECK(text.find("<FirewallRule>") != std::string::npos);
    Handle again = s.reload(vm);
    Handle net2;
    REQUIRE_PRL_OK(PrlVmCfg_GetNetAdapter(again, 0, net2.out()));
    REQUIRE_PRL_OK(PrlVmDevNet_GetFirewallDefaultPolicy(net2, PFD_INCOMING, &policy));
    CHECK(policy == PFP_DENY);
    REQUIRE_PRL_OK(PrlVmDevNet_GetFirewallDefaultPolicy(net2, PFD_OUTGOING, &policy));
    CHECK(policy == PFP_ACCEPT);
    Handle rules;
    REQUIRE_PRL_OK(PrlVmDevNet_GetFirewallRuleList(net2, PFD_INCOMING, rules.out()));
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlHndlList_GetItemsCount(rules, &n));
    REQUIRE(n == 2);
    Handle first;
    REQUIRE_PRL_OK(PrlHndlList_GetItem(rules, 0, first.out()));
    PRL_UINT32 port = 0;
    REQUIRE_PRL_OK(PrlFirewallRule_GetLocalPort(first, &port));
    CHECK(port == 22);
    CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlFirewallRule_GetRemoteNetAddress(first, b, l); }) ==
          "10.0.0.0/8");
    REQUIRE_PRL_OK(PrlVmDevNet_GetFirewallRuleList(net2, PFD_OUTGOING, rules.out()));
    REQUIRE_PRL_OK(PrlHndlList_GetItemsCount(rules, &n));
    CHECK(n == 0);
    REQUIRE_PRL_OK(PrlVmDevNet_SetFirewallRuleList(net2, PFD_INCOMING, PRL_INVALID_HANDLE));
    REQUIRE_PRL_OK(PrlVmDevNet_GetFirewallRuleList(net2, PFD_INCOMING, rules.out()));
    REQUIRE_PRL_OK(PrlHndlList_GetItemsCount(rules, &n));
    CHECK(n == 0);
    CHECK(PrlVmDevNet_GetFirewallRuleList(net2, PFD_INCOMING, nullptr) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("net adapter: MAC and addresses reach config.pvs", "[vmdevnet]") {
    capi::DevSession s;
    Handle vm = s.new_vm("net-disk");
    Handle net;
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_GENERIC_NETWORK_ADAPTER, net.out()));
    REQUIRE_PRL_OK(PrlVmDevNet_SetMacAddress(net, "00:1C:42:12:34:56"));
    Handle ips = capi::strings_list({"10.0.0.2/24"});
    REQUIRE_PRL_OK(PrlVmDevNet_SetNetAddresses(net, ips));
    s.reg(vm);
    const std::string text = capi::DevSession::config_text(vm);
    CHECK(text.find("<MAC>001C42123456</MAC>") != std::string::npos);
    CHECK(text.find("<StaticAddress>1</StaticAddress>") != std::string::npos);
    CHECK(text.find("<NetAddress>10.0.0.2/255.255.255.0</NetAddress>") != std::string::npos);
    Handle again = s.reload(vm);
    Handle net2;
    REQUIRE_PRL_OK(PrlVmCfg_GetNetAdapter(again, 0, net2.out()));
    CHECK(mac_of(net2) == "001C42123456");
    CHECK(addresses(net2) == std::vector<std::string>{"10.0.0.2/255.255.255.0"});
}
