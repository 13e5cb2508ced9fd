// prlsrvctl net: list, info, add, set, del and the compatibility forms
// addif, delif and change, with the product's options, messages and layouts
// (docs/prlctl.md). Options are read the product's way (OptionScanner): the
// first unknown word names the network, a second one is refused.
#include "commands.h"
#include "option_scanner.h"
#include "option_values.h"
#include "report.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>

namespace prlctl {
namespace {

// What one command line asks for.
struct NatRule {
    std::string name, redirect;  // redirect: an IP address or a VM
    int in_port = 0, redirect_port = 0;
};
struct Address {  // "addr[/mask]"; an IPv6 mask given in bits becomes a hex mask
    std::string ip, mask;
};
struct NetRequest {
    enum Command { kList, kInfo, kAdd, kSet, kDel } command = kList;
    std::string id, description, ifname, mac;
    std::string scope_start, scope_end, scope6_start, scope6_end, dhcp_ip, dhcp_ip6;
    Address host_ip, host_ip6;
    int dhcp = -1, dhcp6 = -1;  // -1: unchanged
    int type = -1;              // a PRL_NET_VIRTUAL_NETWORK_TYPE, -1: unchanged
    bool shared = false, no_slave = false, json = false;
    std::vector<NatRule> nat_add[2];      // by PRL_PORT_FORWARDING_TYPE: TCP, UDP
    std::vector<std::string> nat_del[2];
};

const std::vector<OptionSpec> kNetOptions = {
    {"verbose", 'v', true},        {"timeout", 0, true},          {"login", 'l', true},
    {"read-passwd", 'p', true},    {"compat", 0, false},          {"name", 'n', true},
    {"ifname", 'i', true},         {"description", 'd', true},    {"type", 't', true},
    {"mac", 'm', true},            {"ip-scope-start", 0, true},   {"ip-scope-end", 0, true},
    {"ip6-scope-start", 0, true},  {"ip6-scope-end", 0, true},    {"nat-tcp-add", 0, true},
    {"nat-udp-add", 0, true},      {"nat-tcp-del", 0, true},      {"nat-udp-del", 0, true},
    {"ip", 0, true},               {"ip6", 0, true},              {"dhcp-server", 0, true},
    {"dhcp6-server", 0, true},     {"dhcp-ip", 0, true},          {"dhcp-ip6", 0, true},
    {"json", 'j', false},          {"no-slave", 'j', false}};  // the product gave both 'j'; json wins

std::vector<std::string> split_commas(const std::string& text) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t comma; (comma = text.find(',', start)) != std::string::npos; start = comma + 1)
        parts.push_back(text.substr(start, comma - start));
    parts.push_back(text.substr(start));
    return parts;
}

// An IPv6 mask given in bits, written as the product writes it ("/64" ->
// "FFFF:FFFF:FFFF:FFFF:0000:..."); anything else is kept.
std::string ip6_mask(const std::string& mask) {
    if (mask.find(':') != std::string::npos) return mask;
    const int bits = std::atoi(mask.c_str());
    if (bits < 0 || bits > 128) return mask;
    std::string m = "0000:0000:0000:0000:0000:0000:0000:0000";
    std::size_t pos = 0;
    for (int i = 0; i < bits / 4; ++i, ++pos) {
        if (m[pos] == ':') ++pos;
        m[pos] = 'F';
    }
    if (pos < m.size() && m[pos] == ':') ++pos;
    if (pos < m.size()) m[pos] = "08CE"[bits % 4];
    return m;
}

// "addr[/mask]": an IPv6 address in its canonical form, its mask in hex.
Address address(const std::string& text) {
    Address a;
    const auto slash = text.find('/');
    a.ip = text.substr(0, slash);
    if (slash != std::string::npos) a.mask = text.substr(slash + 1);
    if (a.ip.find(':') == std::string::npos) return a;
    a.ip = canonical_ip(a.ip);
    if (slash != std::string::npos) a.mask = ip6_mask(a.mask);
    return a;
}

NetRequest::Command command_of(const std::string& word) {
    if (word == "list") return NetRequest::kList;
    if (word == "set") return NetRequest::kSet;
    if (word == "add" || word == "new") return NetRequest::kAdd;
    if (word == "del") return NetRequest::kDel;
    if (word == "info") return NetRequest::kInfo;
    throw UsageError{};
}

void take_option(NetRequest& rq, const std::string& name, const std::string& v) {
    if (name == "name")
        throw UsageError{"Virtual network's renaming is now deprecated. You may create new virtual network with "
                         "specified name and reattach all virtual machines to it."};
    if (name == "description") rq.description = v;
    else if (name == "ifname") rq.ifname = v;
    else if (name == "ip-scope-start") rq.scope_start = v;
    else if (name == "ip-scope-end") rq.scope_end = v;
    else if (name == "ip6-scope-start") rq.scope6_start = v;
    else if (name == "ip6-scope-end") rq.scope6_end = v;
    else if (name == "nat-tcp-add" || name == "nat-udp-add") {
        const std::vector<std::string> parts = split_commas(v);
        if (parts.size() != 4)
            throw UsageError{"An incorrect value for --nat-<tcp|udp>-add is specified: " + v};
        rq.nat_add[name == "nat-tcp-add" ? PPF_TCP : PPF_UDP].push_back(
            {parts[0], parts[1], std::atoi(parts[2].c_str()), std::atoi(parts[3].c_str())});
    } else if (name == "nat-tcp-del" || name == "nat-udp-del") {
        if (v.empty()) throw UsageError{"An incorrect value for --nat-<tcp|udp>-del is specified: rule name is empty"};
        rq.nat_del[name == "nat-tcp-del" ? PPF_TCP : PPF_UDP].push_back(v);
    } else if (name == "ip") rq.host_ip = address(v);
    else if (name == "ip6") rq.host_ip6 = address(v);
    else if (name == "dhcp-server" || name == "dhcp6-server") {
        int& field = name == "dhcp-server" ? rq.dhcp : rq.dhcp6;
        if ((field = on_off(v)) == -1) throw UsageError{"An incorrect value for --" + name + " is specified: " + v};
    } else if (name == "dhcp-ip") rq.dhcp_ip = v;
    else if (name == "dhcp-ip6") rq.dhcp_ip6 = v;
    else if (name == "type") {
        if (v == "bridged") rq.type = PVN_BRIDGED_ETHERNET;
        else if (v == "host-only" || v == "shared") rq.type = PVN_HOST_ONLY;
        else throw UsageError{"An unknown Virtual Network type: " + v};
        rq.shared = v == "shared";
    } else if (name == "mac") rq.mac = v;
    else if (name == "json") rq.json = true;
    else if (name == "login" || name == "read-passwd")
        throw UsageError{"Only the local server can be managed: --" + name + " is not supported."};
    // verbose, timeout and compat change nothing here.
}

NetRequest parse(int argc, char** argv) {
    if (argc < 3) throw UsageError{};
    const std::string word = argv[2];
    NetRequest rq;
    // The compatibility forms of vznetcfg: fixed operands, no options.
    if (word == "addif" || word == "delif" || word == "change") {
        if (argc < (word == "delif" ? 4 : 5)) throw UsageError{};
        rq.command = NetRequest::kSet;
        if (word == "delif") {
            rq.ifname = argv[3];
            rq.type = PVN_HOST_ONLY;
        } else {
            rq.id = argv[3];
            if (word == "addif") {
                rq.ifname = argv[4];
                rq.type = PVN_BRIDGED_ETHERNET;
            }
        }
        return rq;
    }
    rq.command = command_of(word);
    OptionScanner scan(argc, argv, 3, kNetOptions);
    for (;;) {
        const OptionScanner::Kind k = scan.next();
        if (k == OptionScanner::kEnd) break;
        if (k == OptionScanner::kMissingValue) throw UsageError{scan.message()};
        if (k == OptionScanner::kUnknown) {
            const std::string w = word_or_null(scan.take_word());
            if (!rq.id.empty()) throw UsageError{"An unknown option: " + w};
            rq.id = w;
            continue;
        }
        if (std::strcmp(scan.option().name, "no-slave") == 0)
            rq.no_slave = true;
        else
            take_option(rq, scan.option().name, scan.value());
    }
    if (rq.id.empty() && rq.command != NetRequest::kList) throw UsageError{"The Virtual Network name is not specified."};
    if (!rq.ifname.empty() && !rq.mac.empty())
        throw UsageError{"Specify either the --ifname or --mac option, but not both options."};
    if (rq.type == PVN_BRIDGED_ETHERNET && rq.ifname.empty() && rq.mac.empty())
        throw UsageError{"For a bridged Virtual Network, you need to specify either the --ifname or --mac option."};
    if (!rq.ifname.empty() && rq.type == PVN_HOST_ONLY)
        throw UsageError{"The --ifname option should be specified for bridged virtual networks only"};
    return rq;
}

// ---- the server's side ----

// A host network adapter, as the product's tools find them by name or id.
struct HostAdapter {
    std::string name, id, mac;
    PRL_UINT32 index = 0;
    PRL_UINT16 vlan = 0;
};

// What the commands look up more than once: the networks, the server's
// configuration and its adapters, the VMs' adapters (read when first needed).
class Host {
public:
    explicit Host(PRL_HANDLE server) : server_(server) {}
    PRL_HANDLE server() const { return server_; }

    // The networks as the server has them now (read again on each call).
    const std::vector<Handle>& networks() {
        networks_ = wait_params(PrlSrv_GetVirtualNetworkList(server_, 0),
                                "Failed to retrieve the list of Virtual Networks");
        return networks_;
    }
    PRL_HANDLE config() {
        if (!config_) config_ = server_config(server_);
        return *config_;
    }
    const std::vector<HostAdapter>& adapters() {
        if (adapters_) return *adapters_;
        adapters_.emplace();
        PRL_UINT32 n = 0;
        PrlSrvCfg_GetNetAdaptersCount(config(), &n);
        for (PRL_UINT32 i = 0; i < n; ++i) {
            Handle dev;
            if (PRL_FAILED(PrlSrvCfg_GetNetAdapter(config(), i, dev.out()))) continue;
            HostAdapter a;
            a.name = text_of(PrlSrvCfgDev_GetName, dev);
            a.id = text_of(PrlSrvCfgDev_GetId, dev);
            a.mac = text_of(PrlSrvCfgNet_GetMacAddress, dev);
            PrlSrvCfgNet_GetSysIndex(dev, &a.index);
            if (PRL_FAILED(PrlSrvCfgNet_GetVlanTag(dev, &a.vlan))) a.vlan = 0;
            adapters_->push_back(a);
        }
        return *adapters_;
    }
    const HostAdapter* adapter_named(const std::string& name) {
        for (const HostAdapter& a : adapters())
            if (a.name == name || a.id == name) return &a;
        return nullptr;
    }
    // The host interfaces of the VMs' adapters on network `id`, comma-separated.
    std::string slave_interfaces(const std::string& id) {
        if (!vm_adapters_) {
            vm_adapters_.emplace();
            for (const Vm& vm : all_vms(server_, PVTF_CT | PVTF_VM | PGVLF_GET_STATE_INFO | PGVLF_GET_NET_INFO)) {
                PRL_UINT32 n = 0;
                PrlVmCfg_GetNetAdaptersCount(vm.cfg, &n);
                for (PRL_UINT32 i = 0; i < n; ++i) {
                    Handle dev;
                    if (PRL_FAILED(PrlVmCfg_GetNetAdapter(vm.cfg, i, dev.out()))) continue;
                    vm_adapters_->emplace_back(text_of(PrlVmDevNet_GetVirtualNetworkId, dev),
                                               text_of(PrlVmDevNet_GetHostInterfaceName, dev));
                }
            }
        }
        std::string list;
        for (const auto& [network, interface] : *vm_adapters_)
            if (network == id) list += (list.empty() ? "" : ",") + interface;
        return list;
    }

private:
    PRL_HANDLE server_;
    std::vector<Handle> networks_;
    std::optional<Handle> config_;
    std::optional<std::vector<HostAdapter>> adapters_;
    std::optional<std::vector<std::pair<std::string, std::string>>> vm_adapters_;
};

// ---- info and list ----

// A value at the top level: a "Key: value" line (info) or a table cell (list).
void field(Report& r, bool detailed, const char* key, const char* format, const std::string& value) {
    if (detailed)
        r.str(key, value);
    else
        r.cell(key, format, value);
}

void print_nat_rules(Report& r, PRL_HANDLE net) {
    r.section("NAT server");
    for (PRL_PORT_FORWARDING_TYPE t : {PPF_TCP, PPF_UDP}) {
        Handle rules;
        PRL_UINT32 n = 0;
        if (PRL_FAILED(PrlVirtNet_GetPortForwardList(net, t, rules.out())) ||
            PRL_FAILED(PrlHndlList_GetItemsCount(rules, &n)) || n == 0)
            continue;
        r.section(t == PPF_TCP ? "TCP rules" : "UDP rules");
        for (PRL_UINT32 i = 0; i < n; ++i) {
            Handle rule;
            if (PRL_FAILED(PrlHndlList_GetItem(rules, i, rule.out()))) continue;
            std::string redirect = text_of(PrlPortFwd_GetRedirectVm, rule);
            if (redirect.empty()) redirect = text_of(PrlPortFwd_GetRedirectIPAddress, rule);
            PRL_UINT16 in_port = 0, redirect_port = 0;
            PrlPortFwd_GetIncomingPort(rule, &in_port);
            PrlPortFwd_GetRedirectPort(rule, &redirect_port);
            // One line per rule in plain text, an object in JSON.
            const bool line = !r.json();
            if (line) r.group(text_of(PrlPortFwd_GetRuleName, rule));
            else r.section(text_of(PrlPortFwd_GetRuleName, rule));
            r.str("redirect IP/VM id", redirect, line);
            r.num("in port", in_port, "", line);
            r.num("redirect port", redirect_port, "", line);
            r.end(line);
        }
        r.end(false);
    }
    r.end(false);
}

void print_bridge_and_slaves(Report& r, Host& host, PRL_HANDLE net, const std::string& id, bool detailed,
                             bool no_slave) {
    field(r, detailed, "Bridge", "%-15s", text_of(PrlVirtNet_GetAdapterName, net));
    if (!no_slave) field(r, detailed, "Slave interfaces", "%-15s", host.slave_interfaces(id));
}

void print_bridged(Report& r, Host& host, PRL_HANDLE net, const std::string& id, bool detailed, bool no_slave) {
    Handle adapter;
    const PRL_RESULT rc = PrlVirtNet_GetBoundAdapterInfo(net, host.config(), adapter.out());
    // An adapter the host does not have is shown by its MAC address.
    field(r, detailed, "Bound To", "%-15s",
          rc == PRL_ERR_NETWORK_ADAPTER_NOT_FOUND ? text_of(PrlVirtNet_GetBoundCardMac, net)
                                                  : text_of(PrlSrvCfgDev_GetId, adapter));
    print_bridge_and_slaves(r, host, net, id, detailed, no_slave);
}

// A section of three addresses, shown when `enabled` says so.
void address_section(Report& r, PRL_HANDLE net, PRL_RESULT (*enabled)(PRL_HANDLE, PRL_BOOL_PTR), const char* title,
                     const std::vector<std::pair<const char*, PRL_RESULT (*)(PRL_HANDLE, PRL_STR, PRL_UINT32_PTR)>>& rows) {
    PRL_BOOL on = PRL_FALSE;
    if (PRL_FAILED(enabled(net, &on)) || !on) return;
    r.section(title);
    for (const auto& [key, getter] : rows) r.str(key, text_of(getter, net));
    r.end(false);
}

void print_host_only(Report& r, Host& host, PRL_HANDLE net, const std::string& id, bool detailed, bool no_slave) {
    // Host-only networks have had no virtual host adapter since PSBM5: often none is found.
    PRL_UINT32 index = 0;
    PrlVirtNet_GetAdapterIndex(net, &index);
    std::string bound;
    for (const HostAdapter& a : host.adapters())
        if (a.index == (index | 0x10000000u)) {  // the product's PRL_ADAPTER_START_INDEX
            bound = a.name;
            break;
        }
    field(r, detailed, "Bound To", "%-15s", bound);
    print_bridge_and_slaves(r, host, net, id, detailed, no_slave);
    if (!detailed) return;
    address_section(r, net, PrlVirtNet_IsAdapterEnabled, "Adapter",
                    {{"IP address", PrlVirtNet_GetHostIPAddress},
                     {"Subnet mask", PrlVirtNet_GetIPNetMask},
                     {"IPv6 address", PrlVirtNet_GetHostIP6Address},
                     {"IPv6 subnet mask", PrlVirtNet_GetIP6NetMask}});
    address_section(r, net, PrlVirtNet_IsDHCPServerEnabled, "DHCPv4 server",
                    {{"Server address", PrlVirtNet_GetDhcpIPAddress},
                     {"IP scope start address", PrlVirtNet_GetIPScopeStart},
                     {"IP scope end address", PrlVirtNet_GetIPScopeEnd}});
    address_section(r, net, PrlVirtNet_IsDHCP6ServerEnabled, "DHCPv6 server",
                    {{"Server IPv6 address", PrlVirtNet_GetDhcpIP6Address},
                     {"IPv6 scope start address", PrlVirtNet_GetIP6ScopeStart},
                     {"IPv6 scope end address", PrlVirtNet_GetIP6ScopeEnd}});
}

void print_network(Report& r, Host& host, PRL_HANDLE net, bool detailed, bool no_slave) {
    const std::string id = text_of(PrlVirtNet_GetNetworkId, net);
    if (detailed) {
        r.begin_object();
        r.str("Network ID", id);
    } else {
        r.begin_row();
        r.cell("Network ID", id.size() > 16 ? "%-15.15s~  " : "%-16.16s  ", id);
    }
    PRL_NET_VIRTUAL_NETWORK_TYPE type = PVN_HOST_ONLY;
    PRL_BOOL nat = PRL_FALSE;
    PrlVirtNet_GetNetworkType(net, &type);
    if (type == PVN_BRIDGED_ETHERNET) {
        field(r, detailed, "Type", "%-10s", "bridged");
        print_bridged(r, host, net, id, detailed, no_slave);
    } else if (PRL_SUCCEEDED(PrlVirtNet_IsNATServerEnabled(net, &nat)) && nat) {
        field(r, detailed, "Type", "%-10s", "shared");
        print_host_only(r, host, net, id, detailed, no_slave);
        if (!r.json()) r.str("", "\n", true, Report::kHidden);  // the product's " \n" before the NAT rules
        print_nat_rules(r, net);
    } else {
        field(r, detailed, "Type", "%-10s", "host-only");
        print_host_only(r, host, net, id, detailed, no_slave);
    }
    if (detailed)
        r.end_object();
    else
        r.end_row();
}

int list_networks(Host& host, const NetRequest& rq) {
    const std::vector<Handle>& nets = host.networks();
    Report r(rq.json);
    if (!rq.json)
        std::printf("%-17s %-9s %-14s %-14s %-15s\n", "Network ID", "Type", "Bound To", "Bridge", "Slave interfaces");
    r.begin_list();
    for (const Handle& net : nets) print_network(r, host, net, false, rq.no_slave);
    r.end_list();
    std::fputs(r.text().c_str(), stdout);
    return 0;
}

// ---- add, set, del ----

// Another reference to `h`.
Handle shared(PRL_HANDLE h) {
    PrlHandle_AddRef(h);
    return Handle(h);
}

// The network `rq` names, by name or (delif) by the adapter it is bound to.
Handle find_network(Host& host, const NetRequest& rq) {
    if (!rq.id.empty()) {
        for (const Handle& net : host.networks())
            if (text_of(PrlVirtNet_GetNetworkId, net) == rq.id) return shared(net);
        throw Error{1, "Virtual Network " + rq.id + " does not exist."};
    }
    const HostAdapter* a = host.adapter_named(rq.ifname);
    if (!a) {  // the product says both
        report(0, "Failed to find network adapter " + rq.ifname + " on the server.");
        throw Error{PRL_NET_ADAPTER_NOT_EXIST, "Failed to find a Virtual Network for network adapter " + rq.ifname + "."};
    }
    for (const Handle& net : host.networks()) {
        PRL_UINT16 vlan = 0;
        if (text_of(PrlVirtNet_GetBoundCardMac, net) == a->mac && PRL_SUCCEEDED(PrlVirtNet_GetVlanTag(net, &vlan)) &&
            vlan == a->vlan)
            return shared(net);
    }
    throw Error{1, "Failed to find a Virtual Network for network adapter " + rq.ifname + "."};
}

// A setter's failure, as the product reports it. Any failure while the
// settings are written exits with status 1.
void check(PRL_RESULT rc, const char* setter) {
    if (PRL_FAILED(rc)) throw Error{1, std::string("Error: ") + setter + " failed: " + result_text(rc)};
}

void set_text(PRL_HANDLE net, PRL_RESULT (*setter)(PRL_HANDLE, PRL_CONST_STR), const char* name,
              const std::string& value) {
    if (!value.empty()) check(setter(net, value.c_str()), name);
}

// The NAT rules of `rq` applied to `net`: deleted by name, then added; a
// rule added under a name that exists is refused.
void apply_nat_rules(PRL_HANDLE net, const NetRequest& rq) {
    for (PRL_PORT_FORWARDING_TYPE t : {PPF_TCP, PPF_UDP}) {
        if (rq.nat_add[PPF_TCP].empty() && rq.nat_add[PPF_UDP].empty() && rq.nat_del[PPF_TCP].empty() &&
            rq.nat_del[PPF_UDP].empty())
            return;
        Handle rules;
        check(PrlVirtNet_GetPortForwardList(net, t, rules.out()), "PrlVirtNet_GetPortForwardList");
        PRL_UINT32 n = 0;
        check(PrlHndlList_GetItemsCount(rules, &n), "PrlHndlList_GetItemsCount");
        std::vector<std::string> names;
        for (PRL_UINT32 i = 0; i < n; ++i) {
            Handle rule;
            check(PrlHndlList_GetItem(rules, i, rule.out()), "PrlHndlList_GetItem");
            names.push_back(text_of(PrlPortFwd_GetRuleName, rule));
        }
        for (const NatRule& add : rq.nat_add[t])
            if (std::find(names.begin(), names.end(), add.name) != names.end())
                throw Error{1, "The rule with '" + add.name + "' name already exists!"};
        const std::vector<std::string>& del = rq.nat_del[t];
        for (PRL_UINT32 i = n; i-- > 0;)
            if (std::find(del.begin(), del.end(), names[i]) != del.end())
                check(PrlHndlList_RemoveItem(rules, i), "PrlHndlList_RemoveItem");
        for (const NatRule& add : rq.nat_add[t]) {
            Handle rule;
            check(PrlPortFwd_Create(rule.out()), "PrlPortFwd_Create");
            check(PrlPortFwd_SetRuleName(rule, add.name.c_str()), "PrlPortFwd_SetRuleName");
            // Not an address: then the name or UUID of a VM.
            const PRL_RESULT rc = PrlPortFwd_SetRedirectIPAddress(rule, add.redirect.c_str());
            if (rc == PRL_ERR_INVALID_ARG)
                check(PrlPortFwd_SetRedirectVm(rule, add.redirect.c_str()), "PrlPortFwd_SetRedirectVm");
            else
                check(rc, "PrlPortFwd_SetRedirectIPAddress");
            check(PrlPortFwd_SetIncomingPort(rule, static_cast<PRL_UINT16>(add.in_port)), "PrlPortFwd_SetIncomingPort");
            check(PrlPortFwd_SetRedirectPort(rule, static_cast<PRL_UINT16>(add.redirect_port)),
                  "PrlPortFwd_SetRedirectPort");
            check(PrlHndlList_AddItem(rules, rule), "PrlHndlList_AddItem");
        }
        check(PrlVirtNet_SetPortForwardList(net, t, rules), "PrlVirtNet_SetPortForwardList");
    }
}

// Every setting `rq` gives, written into `net` in the product's order. An
// adapter already bound to a bridged network in `known` is refused (before
// an add the product knows no networks yet and leaves that to the server).
void apply(Host& host, PRL_HANDLE net, const NetRequest& rq, const std::vector<Handle>& known) {
    set_text(net, PrlVirtNet_SetNetworkId, "PrlVirtNet_SetNetworkId", rq.id);
    set_text(net, PrlVirtNet_SetDescription, "PrlVirtNet_SetDescription", rq.description);
    set_text(net, PrlVirtNet_SetHostIPAddress, "PrlVirtNet_SetHostIPAddress", rq.host_ip.ip);
    set_text(net, PrlVirtNet_SetIPNetMask, "PrlVirtNet_SetIPNetMask", rq.host_ip.mask);
    set_text(net, PrlVirtNet_SetHostIP6Address, "PrlVirtNet_SetHostIP6Address", rq.host_ip6.ip);
    set_text(net, PrlVirtNet_SetIP6NetMask, "PrlVirtNet_SetIP6NetMask", rq.host_ip6.mask);
    if (rq.dhcp != -1)
        check(PrlVirtNet_SetDHCPServerEnabled(net, rq.dhcp ? PRL_TRUE : PRL_FALSE), "PrlVirtNet_SetDHCPServerEnabled");
    if (rq.dhcp6 != -1)
        check(PrlVirtNet_SetDHCP6ServerEnabled(net, rq.dhcp6 ? PRL_TRUE : PRL_FALSE),
              "PrlVirtNet_SetDHCP6ServerEnabled");
    set_text(net, PrlVirtNet_SetDhcpIPAddress, "PrlVirtNet_SetDhcpIPAddress", rq.dhcp_ip);
    set_text(net, PrlVirtNet_SetDhcpIP6Address, "PrlVirtNet_SetDhcpIP6Address", rq.dhcp_ip6);
    set_text(net, PrlVirtNet_SetIPScopeStart, "PrlVirtNet_SetIPScopeStart", rq.scope_start);
    set_text(net, PrlVirtNet_SetIPScopeEnd, "PrlVirtNet_SetIPScopeEnd", rq.scope_end);
    set_text(net, PrlVirtNet_SetIP6ScopeStart, "PrlVirtNet_SetIP6ScopeStart", rq.scope6_start);
    set_text(net, PrlVirtNet_SetIP6ScopeEnd, "PrlVirtNet_SetIP6ScopeEnd", rq.scope6_end);
    if (rq.type != -1) {
        check(PrlVirtNet_SetNetworkType(net, static_cast<PRL_NET_VIRTUAL_NETWORK_TYPE>(rq.type)),
              "PrlVirtNet_SetNetworkType");
        check(PrlVirtNet_SetNATServerEnabled(net, rq.shared ? PRL_TRUE : PRL_FALSE), "PrlVirtNet_SetNATServerEnabled");
    }
    set_text(net, PrlVirtNet_SetBoundCardMac, "PrlVirtNet_SetBoundCardMac", rq.mac);
    if (!rq.ifname.empty() && !rq.id.empty()) {
        if (rq.type == PVN_HOST_ONLY) {
            check(PrlVirtNet_SetAdapterName(net, rq.ifname.c_str()), "PrlVirtNet_SetAdapterName");
        } else {
            const HostAdapter* a = host.adapter_named(rq.ifname);
            if (!a)
                throw Error{1, "Failed to find network adapter " + rq.ifname + " on the server."};
            for (const Handle& other : known) {
                PRL_UINT16 vlan = 0;
                PRL_NET_VIRTUAL_NETWORK_TYPE type = PVN_HOST_ONLY;
                if (text_of(PrlVirtNet_GetBoundCardMac, other) == a->mac &&
                    PRL_SUCCEEDED(PrlVirtNet_GetVlanTag(other, &vlan)) && vlan == a->vlan) {
                    check(PrlVirtNet_GetNetworkType(other, &type), "PrlVirtNet_GetNetworkType");
                    if (type == PVN_BRIDGED_ETHERNET)
                        throw Error{1, "Error: you cannot bind more than one bridged network to the same interface"};
                    break;  // the product looks at the first network bound there only
                }
            }
            check(PrlVirtNet_SetBoundCardMac(net, a->mac.c_str()), "PrlVirtNet_SetBoundCardMac");
            check(PrlVirtNet_SetVlanTag(net, a->vlan), "PrlVirtNet_SetVlanTag");
        }
    }
    apply_nat_rules(net, rq);
}

PRL_RESULT run(Host& host, const NetRequest& rq) {
    if (rq.command == NetRequest::kList) return list_networks(host, rq);
    std::string err;
    if (rq.command == NetRequest::kAdd) {
        Handle fresh;
        check(PrlVirtNet_Create(fresh.out()), "PrlVirtNet_Create");
        apply(host, fresh, rq, {});
        if (const PRL_RESULT rc = wait(Handle(PrlSrv_AddVirtualNetwork(host.server(), fresh, 0)), err))
            return report(rc, "Failed to add Virtual Network " + rq.id + ": " + err);
        if (rq.type == PVN_BRIDGED_ETHERNET) return 0;
    }
    // The product then reads the network back and writes every setting again.
    Handle net = find_network(host, rq);
    apply(host, net, rq, host.networks());
    if (rq.command == NetRequest::kAdd || rq.command == NetRequest::kSet) {
        if (const PRL_RESULT rc = wait(Handle(PrlSrv_UpdateVirtualNetwork(host.server(), net, 0)), err))
            return report(rc, "Failed to update Virtual Network " + rq.id + ": " + err);
    } else if (rq.command == NetRequest::kDel) {
        if (const PRL_RESULT rc = wait(Handle(PrlSrv_DeleteVirtualNetwork(host.server(), net, 0)), err))
            return report(rc, "Failed to delete Virtual Network " + rq.id + ": " + err);
    } else {
        Report r(rq.json);
        print_network(r, host, net, true, rq.no_slave);
        std::fputs(r.text().c_str(), stdout);
    }
    return 0;
}

}  // namespace

int net_action(int argc, char** argv) {
    NetRequest rq;
    try {
        rq = parse(argc, argv);
    } catch (const UsageError& e) {
        if (!e.message.empty()) std::fprintf(stderr, "%s\n", e.message.c_str());
        return 1;
    }
    return run_command([&](PRL_HANDLE server) -> PRL_RESULT {
        Host host(server);
        return run(host, rq);
    });
}

}  // namespace prlctl
