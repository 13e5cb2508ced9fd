#include "vm_devices.h"

#include "option_values.h"
#include "vm_info.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <tuple>

namespace prlctl {

void check(PRL_RESULT rc, const std::string& what) {
    if (PRL_FAILED(rc)) throw ApplyError{rc, what + ": " + result_text(rc)};
}

namespace {

// A device of the VM by its prlctl name (hdd0, cdrom1, net0, usb...).
struct VmDevice {
    std::string name;
    PRL_DEVICE_TYPE type;
    PRL_UINT32 index;
};

const struct {
    PRL_DEVICE_TYPE type;
    const char* prefix;  // "usb" and "sound" have no index in their name
    bool indexed;
} kDeviceNames[] = {{PDE_FLOPPY_DISK, "fdd", true},       {PDE_HARD_DISK, "hdd", true},
                    {PDE_OPTICAL_DISK, "cdrom", true},    {PDE_GENERIC_NETWORK_ADAPTER, "net", true},
                    {PDE_SERIAL_PORT, "serial", true},    {PDE_PARALLEL_PORT, "parallel", true},
                    {PDE_USB_DEVICE, "usb", false},       {PDE_SOUND_DEVICE, "sound", true}};

std::vector<VmDevice> devices_of(PRL_HANDLE cfg) {
    std::vector<VmDevice> list;
    for (const auto& kind : kDeviceNames) {
        PRL_UINT32 n = 0;
        if (PRL_FAILED(PrlVmCfg_GetDevsCountByType(cfg, kind.type, &n))) continue;
        for (PRL_UINT32 i = 0; i < n; ++i) {
            Handle dev;
            PRL_UINT32 index = 0;
            if (PRL_FAILED(PrlVmCfg_GetDevByType(cfg, kind.type, i, dev.out()))) continue;
            PrlVmDev_GetIndex(dev, &index);
            list.push_back({kind.indexed ? kind.prefix + std::to_string(index) : kind.prefix, kind.type, index});
        }
    }
    return list;
}

const VmDevice* device_named(const std::vector<VmDevice>& devices, const std::string& name) {
    for (const VmDevice& d : devices)
        if (d.name == name) return &d;
    return nullptr;
}

bool in_container(PRL_HANDLE cfg) {
    PRL_VM_TYPE type = PVT_VM;
    PrlVmCfg_GetVmType(cfg, &type);
    return type == PVT_CT;
}

// Network options without --device-set: a container's venet0, a VM's first
// adapter, as the product picks them.
const VmDevice* default_adapter(PRL_HANDLE cfg, const std::vector<VmDevice>& devices) {
    if (in_container(cfg)) return device_named(devices, "net4294967295");
    for (const VmDevice& d : devices)
        if (d.type == PDE_GENERIC_NETWORK_ADAPTER) return &d;
    return nullptr;
}

Handle device_handle(PRL_HANDLE cfg, const VmDevice& d) {
    PRL_UINT32 n = 0;
    PrlVmCfg_GetDevsCountByType(cfg, d.type, &n);
    for (PRL_UINT32 i = 0; i < n; ++i) {
        Handle dev;
        PRL_UINT32 index = 0;
        if (PRL_SUCCEEDED(PrlVmCfg_GetDevByType(cfg, d.type, i, dev.out())) &&
            PRL_SUCCEEDED(PrlVmDev_GetIndex(dev, &index)) && index == d.index)
            return dev;
    }
    return Handle();
}


// An entry of the VM's boot order.
struct BootEntry {
    Handle handle;
    PRL_DEVICE_TYPE type;
    PRL_UINT32 index, sequence;
};

std::vector<BootEntry> boot_entries(PRL_HANDLE cfg) {
    PRL_UINT32 n = 0;
    check(PrlVmCfg_GetBootDevCount(cfg, &n), "PrlVmCfg_GetBootDevCount");
    std::vector<BootEntry> entries(n);
    for (PRL_UINT32 i = 0; i < n; ++i) {
        BootEntry& e = entries[i];
        check(PrlVmCfg_GetBootDev(cfg, i, e.handle.out()), "PrlVmCfg_GetBootDev");
        check(PrlBootDev_GetType(e.handle, &e.type), "PrlBootDev_GetType");
        check(PrlBootDev_GetIndex(e.handle, &e.index), "PrlBootDev_GetIndex");
        check(PrlBootDev_GetSequenceIndex(e.handle, &e.sequence), "PrlBootDev_GetSequenceIndex");
    }
    return entries;
}

void add_boot_entry(PRL_HANDLE cfg, PRL_DEVICE_TYPE type, PRL_UINT32 index, PRL_UINT32 sequence, bool in_use) {
    Handle b;
    check(PrlVmCfg_CreateBootDev(cfg, b.out()), "PrlVmCfg_CreateBootDev");
    check(PrlBootDev_SetType(b, type), "PrlBootDev_SetType");
    check(PrlBootDev_SetIndex(b, index), "PrlBootDev_SetIndex");
    check(PrlBootDev_SetSequenceIndex(b, sequence), "PrlBootDev_SetSequenceIndex");
    check(PrlBootDev_SetInUse(b, in_use ? PRL_TRUE : PRL_FALSE), "PrlBootDev_SetInUse");
}

// "addr[/mask]" with an IPv6 address in its canonical form.
std::string normalized_address(const std::string& text) {
    const auto slash = text.find('/');
    return canonical_ip(text.substr(0, slash)) + (slash == std::string::npos ? std::string() : text.substr(slash));
}

std::string address_of(const std::string& text) { return text.substr(0, text.find('/')); }

std::vector<std::string> addresses(PRL_HANDLE dev) {
    std::vector<std::string> out;
    Handle list;
    PRL_UINT32 n = 0;
    if (PRL_FAILED(PrlVmDevNet_GetNetAddresses(dev, list.out())) || PRL_FAILED(PrlStrList_GetItemsCount(list, &n)))
        return out;
    for (PRL_UINT32 i = 0; i < n; ++i) {
        char buf[128] = "";
        PRL_UINT32 len = sizeof buf;
        if (PRL_SUCCEEDED(PrlStrList_GetItem(list, i, buf, &len))) out.push_back(normalized_address(buf));
    }
    return out;
}

// The adapter's addresses after the change: the present ones not named by
// --ipadd or --ipdel (by address, whatever the mask), then --ipadd's.
std::vector<std::string> new_addresses(PRL_HANDLE dev, const DeviceChange& c) {
    std::vector<std::string> out;
    auto named = [&](const std::string& a) {
        for (const auto* list : {&c.ip_add, &c.ip_del})
            for (const std::string& x : *list)
                if (address_of(x) == address_of(a)) return true;
        return false;
    };
    if (!c.delete_all_ips)
        for (const std::string& a : addresses(dev))
            if (!named(a)) out.push_back(a);
    out.insert(out.end(), c.ip_add.begin(), c.ip_add.end());
    return out;
}

bool network_exists(PRL_HANDLE server, const std::string& id) {
    for (const Handle& net : wait_params(PrlSrv_GetVirtualNetworkList(server, 0), "PrlSrv_GetVirtualNetworkList"))
        if (text_of(PrlVirtNet_GetNetworkId, net) == id) return true;
    return false;
}

// The network settings of an adapter; true when any changed.
// The adapter's own options: card, DNS lists, automatic configuration,
// packet filters, firewall; checked as the product checks them.
void read_adapter_options(const CommandLine& cl, DeviceChange& c) {
    auto bad = [](const std::string& option, const std::string& v) {
        return Error{1, "An incorrect value for --" + option + " is specified: " + v};
    };
    if (cl.has("adapter-type")) {
        const std::string v = cl.get("adapter-type");
        if (v == "virtio") c.adapter_type = PNT_VIRTIO;
        else if (v == "e1000") c.adapter_type = PNT_E1000;
        else if (v == "hyperv") c.adapter_type = PNT_HYPERV;
        else if (v == "rtl") c.adapter_type = PNT_RTL;
        else throw Error{1, "An incorrect value for --adapter-type is specified: " + v};
    }
    if (sets_network_adapter(cl)) {
        if (cl.has("nameserver")) c.nameservers = split_words(cl.get("nameserver"), " ,");
        if (cl.has("searchdomain")) c.search_domains = split_words(cl.get("searchdomain"), " ,");
    }
    for (const auto& [option, field] : {std::make_pair("configure", &c.configure),
                                        std::make_pair("ipfilter", &c.ip_filter),
                                        std::make_pair("macfilter", &c.mac_filter),
                                        std::make_pair("preventpromisc", &c.prevent_promisc)}) {
        if (cl.has(option) && (*field = on_off(cl.get(option))) == -1)
            throw Error{1, std::string("An invalid value was specified for --") + option + ": " + cl.get(option)};
    }
    if (cl.has("fw") && (c.firewall = on_off(cl.get("fw"))) == -1) throw bad("fw", cl.get("fw"));
    if (cl.has("fw-policy")) {
        const std::string v = cl.get("fw-policy");
        c.firewall_policy = v == "accept" ? PFP_ACCEPT : v == "deny" ? PFP_DENY : -1;
        if (c.firewall_policy == -1) throw bad("fw-policy", v);
    }
    if (cl.has("fw-direction")) {
        const std::string v = cl.get("fw-direction");
        c.firewall_direction = v == "in" ? PFD_INCOMING : v == "out" ? PFD_OUTGOING : -1;
        if (c.firewall_direction == -1) throw bad("fw-direction", v);
    }
    for (const std::string& v : cl.all("fw-rule")) {
        // "PROTO LOCAL_IP LOCAL_PORT REMOTE_IP REMOTE_PORT", "*" for any, read
        // with the product's field widths.
        char proto[11], local_ip[46], local_port[6], remote_ip[46], remote_port[6];
        if (std::sscanf(v.c_str(), "%10s %45s %5s %45s %5s", proto, local_ip, local_port, remote_ip, remote_port) != 5)
            throw Error{1, "An incorrect firewall rule syntax: " + v};
        auto any = [](const char* field) { return std::string(field) == "*"; };
        DeviceChange::FirewallRule r;
        if (!any(proto)) r.protocol = proto;
        if (!any(local_ip)) r.local_ip = local_ip;
        if (!any(local_port)) r.local_port = static_cast<PRL_UINT32>(std::atoi(local_port));
        if (!any(remote_ip)) r.remote_ip = remote_ip;
        if (!any(remote_port)) r.remote_port = static_cast<PRL_UINT32>(std::atoi(remote_port));
        c.firewall_rules.push_back(r);
    }
}

// The firewall options; true when something was set.
bool configure_firewall(PRL_HANDLE dev, const DeviceChange& c) {
    bool changed = false;
    if (c.firewall != -1) {
        check(PrlVmDevNet_SetFirewallEnabled(dev, c.firewall ? PRL_TRUE : PRL_FALSE), "PrlVmDevNet_SetFirewallEnabled");
        changed = true;
    }
    if (c.firewall_policy != -1) {
        const auto policy = static_cast<PRL_FIREWALL_POLICY>(c.firewall_policy);
        // Without a direction, both.
        PRL_RESULT rc = 0;
        if (c.firewall_direction == -1) {
            rc = PrlVmDevNet_SetFirewallDefaultPolicy(dev, PFD_INCOMING, policy);
            if (!rc) rc = PrlVmDevNet_SetFirewallDefaultPolicy(dev, PFD_OUTGOING, policy);
        } else {
            rc = PrlVmDevNet_SetFirewallDefaultPolicy(dev, static_cast<PRL_FIREWALL_DIRECTION>(c.firewall_direction), policy);
        }
        check(rc, "PrlVmDevNet_SetFirewallDefaultPolicy");
        changed = true;
    }
    if (!c.firewall_rules.empty()) {
        auto fail = [](const char* what, PRL_RESULT rc) { throw ApplyError{-1, std::string(what) + ": " + result_text(rc)}; };
        Handle list;
        PrlApi_CreateHandlesList(list.out());
        for (const DeviceChange::FirewallRule& r : c.firewall_rules) {
            Handle rule;
            // The product names another setter when the rule cannot be made.
            if (const PRL_RESULT rc = PrlFirewallRule_Create(rule.out())) fail("PrlFirewallRule_SetLocalPort", rc);
            if (!r.protocol.empty())
                if (const PRL_RESULT rc = PrlFirewallRule_SetProtocol(rule, r.protocol.c_str()))
                    fail("PrlFirewallRule_SetProtocol", rc);
            if (r.local_port)
                if (const PRL_RESULT rc = PrlFirewallRule_SetLocalPort(rule, r.local_port))
                    fail("PrlFirewallRule_SetLocalPort", rc);
            if (!r.local_ip.empty())
                if (const PRL_RESULT rc = PrlFirewallRule_SetLocalNetAddress(rule, r.local_ip.c_str()))
                    fail("PrlFirewallRule_SetLocalNetAddress", rc);
            if (r.remote_port)
                if (const PRL_RESULT rc = PrlFirewallRule_SetRemotePort(rule, r.remote_port))
                    fail("PrlFirewallRule_SetRemotePort", rc);
            if (!r.remote_ip.empty())
                if (const PRL_RESULT rc = PrlFirewallRule_SetRemoteNetAddress(rule, r.remote_ip.c_str()))
                    fail("PrlFirewallRule_SetRemoteNetAddress", rc);
            if (const PRL_RESULT rc = PrlHndlList_AddItem(list, rule)) fail("PrlHndlList_AddItem", rc);
        }
        if (const PRL_RESULT rc = PrlVmDevNet_SetFirewallRuleList(
                dev, static_cast<PRL_FIREWALL_DIRECTION>(c.firewall_direction), list))
            fail("PrlVmDevNet_SetFirewallRuleList", rc);
        changed = true;
    }
    return changed;
}

bool configure_network(PRL_HANDLE server, PRL_HANDLE dev, const DeviceChange& c) {
    bool changed = false;
    if (c.adapter_type) {
        check(PrlVmDevNet_SetAdapterType(dev, *c.adapter_type), "PrlVmDevNet_SetAdapterType");
        changed = true;
    }
    if (c.network) {
        if (!network_exists(server, *c.network))
            say("Warning: The virtual network '" + *c.network + "' is not configured");
        check(PrlVmDevNet_SetVirtualNetworkId(dev, c.network->c_str()), "PrlVmDevNet_SetVirtualNetworkId");
        check(PrlVmDev_SetEmulatedType(dev, PRL_VM_DEV_EMULATION_TYPE(PNA_BRIDGED_ETHERNET)), "PrlVmDev_SetEmulatedType");
        changed = true;
    }
    if (c.mac) {
        if (*c.mac == "auto") check(PrlVmDevNet_GenerateMacAddr(dev), "PrlVmDevNet_GenerateMacAddr");
        else check(PrlVmDevNet_SetMacAddress(dev, c.mac->c_str()), "PrlVmDevNet_SetMacAddress");
        changed = true;
    }
    PRL_VM_DEV_EMULATION_TYPE emulation = PDT_ANY_TYPE;
    PrlVmDev_GetEmulatedType(dev, &emulation);
    if (emulation == PRL_VM_DEV_EMULATION_TYPE(PNA_ROUTED)) {
        if (c.dhcp != -1 || c.dhcp6 != -1)
            throw ApplyError{1, "This adapter is in the routed mode. Configuration via DHCP is not supported."};
        if (!c.gateway.empty() || !c.gateway6.empty())
            throw ApplyError{1, "This adapter is in the routed mode. Configuration of the default gateway is not supported."};
    }
    int updated = 0;
    if (c.nameservers && !c.nameservers->empty()) {
        check(PrlVmDevNet_SetDnsServers(dev, string_list(*c.nameservers)), "PrlVmDevNet_SetDnsServers");
        ++updated;
    }
    if (c.search_domains) {  // an empty list removes them
        check(PrlVmDevNet_SetSearchDomains(dev, string_list(*c.search_domains)), "PrlVmDevNet_SetSearchDomains");
        ++updated;
    }
    if (!c.ip_add.empty() || !c.ip_del.empty() || c.delete_all_ips) {
        const std::vector<std::string> ips = new_addresses(dev, c);
        bool v4 = false, v6 = false;
        std::string text;
        for (const std::string& ip : ips) {
            (ip.find(':') != std::string::npos ? v6 : v4) = true;
            text += ip + " ";
        }
        if (const PRL_RESULT rc = PrlVmDevNet_SetNetAddresses(dev, string_list(ips)))
            throw ApplyError{rc, rc == PRL_ERR_INVALID_ARG ? "The following IP addresses are invalid: '" + text + "'"
                                                           : "PrlVmDevNet_SetNetAddresses: " + result_text(rc)};
        // Without an IPv4 address the adapter is configured by DHCP.
        check(PrlVmDevNet_SetConfigureWithDhcp(dev, v4 ? PRL_FALSE : PRL_TRUE), "PrlVmDevNet_SetConfigureWithDhcp");
        if (v6) check(PrlVmDevNet_SetConfigureWithDhcpIPv6(dev, PRL_FALSE), "PrlVmDevNet_SetConfigureWithDhcp");
        ++updated;
    }
    if (c.dhcp != -1) {
        check(PrlVmDevNet_SetConfigureWithDhcp(dev, c.dhcp ? PRL_TRUE : PRL_FALSE), "PrlVmDevNet_SetConfigureWithDhcp");
        ++updated;
    }
    if (c.dhcp6 != -1) {
        check(PrlVmDevNet_SetConfigureWithDhcpIPv6(dev, c.dhcp6 ? PRL_TRUE : PRL_FALSE),
              "PrlVmDevNet_SetConfigureWithDhcpIPv6");
        ++updated;
    }
    for (const auto& [gw, setter, name] :
         {std::make_tuple(c.gateway, PrlVmDevNet_SetDefaultGateway, "PrlVmDevNet_SetDefaultGateway"),
          std::make_tuple(c.gateway6, PrlVmDevNet_SetDefaultGatewayIPv6, "PrlVmDevNet_SetDefaultGatewayIPv6")}) {
        if (gw.empty()) continue;
        const std::string value = gw == "x" ? "" : gw;
        if (const PRL_RESULT rc = setter(dev, value.c_str()))
            throw ApplyError{rc, rc == PRL_ERR_INVALID_ARG
                                     ? "The following gateway is invalid: '" + value + "'"
                                     : std::string(name) + "(" + value + "): " + result_text(rc)};
        ++updated;
    }
    if (updated || c.configure != -1) {
        PRL_BOOL enable = PRL_TRUE;
        if (c.configure != -1) {
            enable = c.configure ? PRL_TRUE : PRL_FALSE;
        } else {
            PRL_BOOL auto_apply = PRL_FALSE;
            check(PrlVmDevNet_IsAutoApply(dev, &auto_apply), "PrlVmDevNet_GetAutoApply");
            if (!auto_apply) say("Enable automatic reconfiguration for this network adapter.");
        }
        check(PrlVmDevNet_SetAutoApply(dev, enable), "PrlVmDevNet_SetAutoApply");
        ++updated;
    }
    for (const auto& [value, setter, name] :
         {std::make_tuple(c.mac_filter, PrlVmDevNet_SetPktFilterPreventMacSpoof, "PrlVmDevNet_SetPktFilterPreventMacSpoof"),
          std::make_tuple(c.prevent_promisc, PrlVmDevNet_SetPktFilterPreventPromisc,
                          "PrlVmDevNet_SetPktFilterPreventPromisc"),
          std::make_tuple(c.ip_filter, PrlVmDevNet_SetPktFilterPreventIpSpoof, "PrlVmDevNet_SetPktFilterPreventIpSpoof")}) {
        if (value == -1) continue;
        check(setter(dev, value ? PRL_TRUE : PRL_FALSE), name);
        ++updated;
    }
    if (configure_firewall(dev, c)) changed = true;
    return changed || updated;
}

}  // namespace

bool sets_network_adapter(const CommandLine& cl) {
    const std::string name = cl.get("device-set");
    return cl.has("device-set") && (name.rfind("net", 0) == 0 || name == "venet0");
}

std::optional<DeviceChange> read_device_change(const CommandLine& cl) {
    // Without --device-set, the product takes the network parameters for an
    // adapter it then does not find by its (empty) name; other device
    // options it refuses at once.
    bool network_parameters = false;
    for (const char* o : {"ipadd", "ipdel", "dhcp", "dhcp6", "gw", "gw6", "ipfilter", "preventpromisc", "macfilter",
                          "configure", "adapter-type", "fw", "fw-policy"})
        network_parameters = network_parameters || cl.has(o);
    if (cl.has("device-set") && cl.has("device-add"))
        throw Error{1, std::string("The --") + (cl.given.front().first == "device-add" ? "device-set" : "device-add") +
                           " option is specified  several times."};
    DeviceChange c;
    read_more_device_options(cl, c);
    // The product's legacy "--size N" alone resizes hdd0.
    const bool resize_first_disk = !cl.has("device-set") && !cl.has("device-add") && c.size && *c.size;
    if (!cl.has("device-set") && !cl.has("device-add") && !network_parameters && !resize_first_disk) {
        for (const char* o : {"network", "mac", "image", "connect", "disconnect", "size",
                              "iface", "position", "passthr"})
            if (cl.has(o)) throw Error{1, "The device is not specified."};
        return std::nullopt;
    }
    if (cl.has("device-add")) {
        c.add = true;
        c.kind = cl.get("device-add");
        static const char* const kAddable[] = {"hdd", "cdrom", "net", "fdd", "serial", "parallel", "usb", "sound", "pci"};
        if (std::find(std::begin(kAddable), std::end(kAddable), c.kind) == std::end(kAddable))
            throw Error{1, "An incorrect parameter for --device-add is specified: " + c.kind};
        if (cl.has("type") && c.kind == "net") {  // others: read_more_device_options
            if (cl.get("type") != "routed")
                throw Error{1, "An invalid device type is specified for " + c.kind};
            c.routed = true;
        }
    }
    c.name = resize_first_disk ? "hdd0" : cl.get("device-set");
    const std::string kind = c.name.substr(0, c.name.find_first_of("0123456789"));
    static const char* const kKinds[] = {"hdd", "cdrom", "net", "fdd", "serial", "parallel", "usb", "sound", "pci"};
    if (cl.has("device-set") && std::find(std::begin(kKinds), std::end(kKinds), kind) == std::end(kKinds))
        throw Error{1, "An incorrect parameter for --device-set is specified: " + c.name};
    if (cl.has("enable") && cl.has("disable")) throw Error{1, "Unable to simultaneously use --enable and --disable"};
    // The product refuses --connect after --disconnect only; in the other
    // order both apply, and the adapter ends disconnected.
    auto first = [&](const char* option) {
        return std::find_if(cl.given.begin(), cl.given.end(), [&](const auto& o) { return o.first == option; });
    };
    if (cl.has("connect") && cl.has("disconnect") && first("disconnect") < first("connect"))
        throw Error{1, "Unable to simultaneously use --connect and --disconnect"};
    c.enable = cl.has("enable");
    c.disable = cl.has("disable");
    c.connect = cl.has("connect");
    c.disconnect = cl.has("disconnect");
    if (cl.has("network")) c.network = cl.get("network");
    if (cl.has("image") && !c.image) c.image = cl.get("image");
    if (cl.has("mac")) {
        // Pairs of hex digits, or "auto".
        const std::string m = cl.get("mac");
        bool ok = m == "auto" || (!m.empty() && m.size() % 2 == 0);
        for (std::size_t i = 0; ok && m != "auto" && i < m.size(); ++i) ok = std::isxdigit(static_cast<unsigned char>(m[i]));
        if (!ok) throw Error{1, "An incorrect value for --mac is specified: " + m};
        c.mac = m;
    }
    for (const std::string& a : cl.all("ipadd")) c.ip_add.push_back(normalized_address(a));
    for (const std::string& a : cl.all("ipdel")) {
        if (a == "all") c.delete_all_ips = true;
        else c.ip_del.push_back(normalized_address(a));
    }
    for (const auto& [option, field] : {std::make_pair("dhcp", &c.dhcp), std::make_pair("dhcp6", &c.dhcp6)}) {
        if (!cl.has(option)) continue;
        const std::string v = cl.get(option);
        *field = on_off(v);
        if (*field == -1) throw Error{1, std::string("An incorrect value for --") + option + " is specified: " + v};
    }
    if (cl.has("gw")) c.gateway = cl.get("gw").empty() ? "x" : cl.get("gw");
    if (cl.has("gw6")) c.gateway6 = cl.get("gw6").empty() ? "x" : cl.get("gw6");
    read_adapter_options(cl, c);
    if (c.firewall_direction != -1 && c.firewall_policy == -1 && c.firewall_rules.empty())
        throw Error{1, "The --fw-direction option must be used either with the --fw-policy or --fw-rule option."};
    if (!c.firewall_rules.empty() && c.firewall_direction == -1)
        throw Error{1, "You must specify the --fw-direction option."};
    return c;
}

// A device by its name, else by its system name (an image path, an
// interface name), as the product looks it up.
const VmDevice* device_named_or_by_system_name(PRL_HANDLE cfg, const std::vector<VmDevice>& devices,
                                               const std::string& name) {
    if (const VmDevice* d = device_named(devices, name)) return d;
    for (const VmDevice& d : devices)
        if (text_of(PrlVmDev_GetSysName, device_handle(cfg, d)) == name) return &d;
    return nullptr;
}

void remove_devices(PRL_HANDLE cfg, const std::vector<std::string>& names) {
    std::size_t removed = 0;
    for (const std::string& name : names) {
        const std::vector<VmDevice> devices = devices_of(cfg);
        const VmDevice* d = device_named_or_by_system_name(cfg, devices, name);
        if (!d) {
            // The product's search by system name also asks the devices it
            // removed before, and reports each as removed.
            for (std::size_t i = 0; i < removed; ++i)
                report(0, "PrlVmDev_GetSysName: " + result_text(PRL_ERR_OBJECT_WAS_REMOVED));
            throw ApplyError{1, "The " + name + " device does not exist."};
        }
        say("Remove the " + d->name + " device.");
        check(PrlVmDev_Remove(device_handle(cfg, *d)), "PrlVmDev_Remove");
        ++removed;
    }
}

// The boot list: the named devices in order, in use; the others that had a
// boot entry after them, not in use (the product keeps every bootable
// device listed).
void set_boot_order(PRL_HANDLE cfg, const std::vector<std::string>& names) {
    const std::vector<VmDevice> devices = devices_of(cfg);
    std::vector<VmDevice> rest;  // the present entries, in the list's order
    std::vector<BootEntry> entries = boot_entries(cfg);
    for (const BootEntry& e : entries)
        for (const VmDevice& d : devices)
            if (d.type == e.type && d.index == e.index) rest.push_back(d);
    for (const BootEntry& e : entries) check(PrlBootDev_Remove(e.handle), "PrlBootDev_Remove");
    PRL_UINT32 sequence = 0;
    for (const std::string& name : names) {
        const VmDevice* d = device_named(devices, name);
        if (!d) throw ApplyError{1, "The " + name + " device does not exist."};
        rest.erase(std::remove_if(rest.begin(), rest.end(), [&](const VmDevice& r) { return r.name == name; }),
                   rest.end());
        add_boot_entry(cfg, d->type, d->index, ++sequence, true);
    }
    for (const VmDevice& d : rest) add_boot_entry(cfg, d.type, d.index, ++sequence, false);
}

void configure_device(PRL_HANDLE server, PRL_HANDLE cfg, DeviceChange& c) {
    const std::vector<VmDevice> devices = devices_of(cfg);
    const VmDevice* d = c.name.empty() ? default_adapter(cfg, devices) : device_named(devices, c.name);
    if (!d) throw ApplyError{1, "The " + c.name + " device does not exist."};
    c.name = d->name;  // for the "Configured" line after the commit
    Handle dev = device_handle(cfg, *d);
    if (d->type != PDE_GENERIC_NETWORK_ADAPTER && d->type != PDE_OPTICAL_DISK)
        return configure_more_device(server, cfg, dev, d->type, c);
    bool changed = false;
    auto toggle = [&](bool given, PRL_RESULT (*setter)(PRL_HANDLE, PRL_BOOL), bool value, const char* name) {
        if (!given) return;
        check(setter(dev, value ? PRL_TRUE : PRL_FALSE), name);
        changed = true;
    };
    toggle(c.enable, PrlVmDev_SetEnabled, true, "PrlVmDev_SetEnabled");
    toggle(c.disable, PrlVmDev_SetEnabled, false, "PrlVmDev_SetEnabled");
    toggle(c.connect, PrlVmDev_SetConnected, true, "PrlVmDev_SetConnected");
    toggle(c.disconnect, PrlVmDev_SetConnected, false, "PrlVmDev_SetConnected");
    if (d->type == PDE_OPTICAL_DISK) set_storage_options(dev, d->type, c);
    if (d->type == PDE_GENERIC_NETWORK_ADAPTER) {
        if (configure_network(server, dev, c) || changed)
            say("Configure " + device_info_line(dev, d->type, in_container(cfg)));
    } else {
        optical_source(server, dev, c);  // the product says "Creating" here too
    }
}

void make_disk_image(PRL_HANDLE dev, std::optional<PRL_UINT32> size_mb, bool replace) {
    check(PrlVmDevHd_SetDiskType(dev, PHD_EXPANDING_HARD_DISK), "PrlVmDevHd_SetDiskType");
    PRL_UINT32 size = size_mb.value_or(0);
    if (!size && (PRL_FAILED(PrlVmDevHd_GetDiskSize(dev, &size)) || !size)) size = 64;
    PrlVmDevHd_SetDiskSize(dev, size);
    say("Creating " + device_info_line(dev, PDE_HARD_DISK));
    std::string err;
    if (const PRL_RESULT rc = wait(Handle(PrlVmDev_CreateImage(dev, replace ? PRL_TRUE : PRL_FALSE, PRL_TRUE)), err))
        throw ApplyError{rc, "PrlVmDev_CreateImage: " + err};
}

PRL_RESULT validate(PRL_HANDLE cfg, PRL_VM_CONFIG_SECTIONS section, const std::string& kind) {
    Handle job(PrlVm_ValidateConfig(cfg, section));
    PRL_RESULT code = 0;
    if (const PRL_RESULT rc = PrlJob_Wait(job, UINT32_MAX))
        throw ApplyError{rc, "Unable to commit " + kind + " configuration: " + result_text(rc)};
    PrlJob_GetRetCode(job, &code);
    Handle result;
    PRL_UINT32 n = 0;
    if (PRL_FAILED(PrlJob_GetResult(job, result.out())) || PRL_FAILED(PrlResult_GetParamsCount(result, &n)) || !n)
        return code;
    say(kind + " configuration validation result(s) :");
    for (PRL_UINT32 i = 0; i < n; ++i) {
        Handle event;
        if (PRL_FAILED(PrlResult_GetParamByIndex(result, i, event.out()))) break;
        PRL_RESULT err = 0;
        if (PRL_FAILED(PrlEvent_GetErrCode(event, &err))) continue;
        std::string line = "* ";
        for (PRL_BOOL brief : {PRL_TRUE, PRL_FALSE}) {
            char buf[4096] = "";
            PRL_UINT32 len = sizeof buf;
            if (PRL_SUCCEEDED(PrlEvent_GetErrString(event, brief, PRL_FALSE, buf, &len))) line += buf;
        }
        say(line);
    }
    return code;
}

namespace {

// The first "harddisk<N>.hdd" (N from 1) not in the VM's folder, as the
// product names a new disk: it tries as many numbers as the folder has entries.
std::string new_disk_path(const std::string& home) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(home, ec)) names.push_back(entry.path().filename());
    for (std::size_t id = 1; id <= names.size(); ++id) {
        const std::string name = "harddisk" + std::to_string(id) + ".hdd";
        if (std::find(names.begin(), names.end(), name) == names.end())
            return home + (home.back() == '/' ? "" : "/") + name;
    }
    return {};
}

}  // namespace

void append_to_boot_order(PRL_HANDLE cfg, PRL_DEVICE_TYPE type, PRL_UINT32 index) {
    PRL_UINT32 last = 0;
    for (const BootEntry& e : boot_entries(cfg)) {
        if (e.type == type && e.index == index) return;
        last = std::max(last, e.sequence);
    }
    add_boot_entry(cfg, type, index, last + 1, true);
}

PRL_DEVICE_TYPE device_kind(const std::string& prefix) {
    for (const auto& kind : kDeviceNames)
        if (prefix == kind.prefix) return kind.type;
    return PDE_GENERIC_DEVICE;
}

namespace {

void add_disk(const Vm& vm, PRL_HANDLE dev, const DeviceChange& c) {
    const std::string path = c.image ? *c.image : new_disk_path(home_dir(vm.cfg));
    check(PrlVmDev_SetImagePath(dev, path.c_str()), "PrlVmDev_SetImagePath");
    check(PrlVmDev_SetEmulatedType(dev, PDT_USE_IMAGE_FILE), "PrlVmDev_SetEmulatedType");
    check(PrlVmDev_SetFriendlyName(dev, path.c_str()), "PrlVmDev_SetFriendlyName");
    check(PrlVmDev_SetSysName(dev, path.c_str()), "PrlVmDev_SetSysName");
    if (c.image) {  // an existing image
        say("Creating " + disk_line_without_type_and_size(dev));
    } else {
        make_disk_image(dev, c.size, false);
    }
    if (const PRL_RESULT rc = validate(vm.cfg, PVC_HARD_DISK, vm.kind())) throw ApplyError{rc, ""};
}

}  // namespace

void add_device(PRL_HANDLE server, const Vm& vm, DeviceChange& c) {
    const PRL_DEVICE_TYPE type = device_kind(c.kind);
    if (type == PDE_GENERIC_DEVICE) return add_pci_device(server, vm, c);
    if (type == PDE_OPTICAL_DISK && !c.image && !c.device)
        throw ApplyError{-1, "The device type is not specified. Use either the --device or --image option."};
    Handle dev;
    if (const PRL_RESULT rc = PrlVmCfg_AddDefaultDeviceEx(vm.cfg, server_config(server), type, dev.out()))
        throw ApplyError{rc, "Failed to create the device: " + result_text(rc)};
    PRL_UINT32 index = 0;
    PrlVmDev_GetIndex(dev, &index);
    c.name = type == PDE_USB_DEVICE ? c.kind : c.kind + std::to_string(index);
    if (type != PDE_GENERIC_NETWORK_ADAPTER && type != PDE_HARD_DISK && type != PDE_OPTICAL_DISK)
        return add_more_device(server, vm, dev, type, c);
    if (!c.disable) check(PrlVmDev_SetEnabled(dev, PRL_TRUE), "PrlVmDev_SetEnabled");
    if (c.disable) check(PrlVmDev_SetEnabled(dev, PRL_FALSE), "PrlVmDev_SetEnabled");
    if (c.connect || c.disconnect) check(PrlVmDev_SetConnected(dev, c.disconnect ? PRL_FALSE : PRL_TRUE), "PrlVmDev_SetConnected");
    if (type == PDE_GENERIC_NETWORK_ADAPTER) {
        DeviceChange net = c;
        if (c.routed) {
            check(PrlVmDev_SetEmulatedType(dev, PRL_VM_DEV_EMULATION_TYPE(PNA_ROUTED)), "PrlVmDev_SetEmulatedType");
        } else if (!net.network) {
            net.network = "Bridged";  // the product's default
        } else if (!network_exists(server, *net.network)) {
            // The product sets a named network twice, and warns twice.
            say("Warning: The virtual network '" + *net.network + "' is not configured");
        }
        configure_network(server, dev, net);
        say("Creating " + device_info_line(dev, type));
        validate(vm.cfg, PVC_NETWORK_ADAPTER, vm.kind());
    } else if (type == PDE_OPTICAL_DISK) {
        set_storage_options(dev, type, c);
        optical_source(server, dev, c);
    } else {
        set_storage_options(dev, type, c);
        if (c.device) attach_host_disk(server, vm.cfg, dev, c);
        else add_disk(vm, dev, c);
    }
    append_to_boot_order(vm.cfg, type, index);
}

std::string device_line(PRL_HANDLE cfg, const std::string& name) {
    const std::vector<VmDevice> devices = devices_of(cfg);
    const VmDevice* d = device_named(devices, name);
    if (!d) return {};
    Handle dev = device_handle(cfg, *d);
    return dev ? device_info_line(dev, d->type, in_container(cfg)) : std::string();
}

}  // namespace prlctl
