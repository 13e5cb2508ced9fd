// PrlVmDevNet_*: what a network adapter holds beyond single values (those are
// table-driven, lib/abi/defs/properties/devices.tsv): its MAC address (a
// modelled field), its address lists and gateways, and its firewall.
#include "boundary.h"
#include "copy_out.h"
#include "dev_args.h"
#include "mac_address.h"
#include "tree_object.h"

#include "core/lists.h"
#include "core/vm_device.h"

using namespace prl;
using namespace prl::abi;

namespace {

using FirewallRule = TreeObject<PHT_FIREWALL_RULE>;

Handle<VmDevice> adapter(PRL_HANDLE h) {
    auto dev = handle_cast<VmDevice>(h);
    require(dev->kind() == DeviceKind::network_adapter, PRL_ERR_INVALID_ARG, "not a network adapter");
    return dev;
}

// f(Device&) on the adapter under the VM's lock; its element tree is named.
template <class F>
auto with_adapter(const Handle<VmDevice>& dev, F&& f) {
    return dev->with_device([&](service::Device& d, service::VmConfig&) {
        if (d.extra.name.empty()) {
            d.extra.name = service::element_name(d.kind);
            d.extra.set_attribute("id", std::to_string(d.index));
        }
        return f(d);
    });
}

std::vector<std::string> list_of(PRL_HANDLE h, const char* element) {
    auto dev = adapter(h);
    return with_adapter(dev, [&](service::Device& d) { return texts_of(d.extra, element); });
}

void set_list(PRL_HANDLE h, const char* element, const std::vector<std::string>& values) {
    auto dev = adapter(h);
    with_adapter(dev, [&](service::Device& d) { set_texts(d.extra, element, values); });
}

// Any direction but incoming is outgoing, as in the SDK.
std::string direction_path(const PRL_FIREWALL_DIRECTION& direction) {
    return enum_in(direction) == PFD_INCOMING ? "Firewall/Incoming/Direction" : "Firewall/Outgoing/Direction";
}

PRL_RESULT get_gateway(PRL_HANDLE h, const char* element, PRL_STR buf, PRL_UINT32_PTR len) {
    auto dev = adapter(h);
    out_ptr(len);
    return copy_out(with_adapter(dev, [&](service::Device& d) { return d.extra.text_at(element).value_or(""); }),
                    buf, len);
}

void set_gateway(PRL_HANDLE h, const char* element, PRL_CONST_STR value, bool v6) {
    auto dev = adapter(h);
    const std::string text = line_arg(value);
    require(text.empty() || (v6 ? is_ipv6(text) : is_ipv4(text)), PRL_ERR_INVALID_ARG,
            v6 ? "not an IPv6 address" : "not an IPv4 address");
    with_adapter(dev, [&](service::Device& d) { d.extra.set_text_at(element, text); });
}

}  // namespace

extern "C" {

PRL_RESULT PrlVmDevNet_GetMacAddress(PRL_HANDLE hVmDev, PRL_STR sMacAddress, PRL_UINT32_PTR pnMacAddressBufLength) {
    return sync([&] {
        auto dev = adapter(hVmDev);
        out_ptr(pnMacAddressBufLength);
        return copy_out(with_adapter(dev, [](service::Device& d) { return d.mac; }), sMacAddress,
                        pnMacAddressBufLength);
    });
}

PRL_RESULT PrlVmDevNet_GetMacAddressCanonical(PRL_HANDLE hVmDev, PRL_STR sMacAddress,
                                              PRL_UINT32_PTR pnMacAddressBufLength) {
    return sync([&] {
        auto dev = adapter(hVmDev);
        out_ptr(pnMacAddressBufLength);
        return copy_out(with_adapter(dev, [](service::Device& d) { return canonical_mac(d.mac); }), sMacAddress,
                        pnMacAddressBufLength);
    });
}

// A MAC set by hand is static: the product never regenerates it.
PRL_RESULT PrlVmDevNet_SetMacAddress(PRL_HANDLE hVmDev, PRL_CONST_STR sNewMacAddress) {
    return sync([&] {
        auto dev = adapter(hVmDev);
        require(sNewMacAddress != nullptr, PRL_ERR_INVALID_ARG, "null MAC address");
        auto mac = parse_mac(sNewMacAddress);
        require(mac.has_value(), PRL_ERR_INVALID_ARG, "not a MAC address (12 hex digits, ':' or '-' separated or not)");
        with_adapter(dev, [&](service::Device& d) {
            d.mac = *mac;
            d.extra.set_text_at("StaticAddress", "1");
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDevNet_GenerateMacAddr(PRL_HANDLE hVmDev) {
    return sync([&] {
        auto dev = adapter(hVmDev);
        const std::string mac = generate_mac();
        with_adapter(dev, [&](service::Device& d) {
            d.mac = mac;
            d.extra.set_text_at("StaticAddress", "0");
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDevNet_GetNetAddresses(PRL_HANDLE hVmDev, PRL_HANDLE_PTR phNetAddressesList) {
    return sync([&] {
        out_ptr(phNetAddressesList);
        give_strings(list_of(hVmDev, "NetAddress"), phNetAddressesList);
        return PRL_ERR_SUCCESS;
    });
}

// Each address is "ADDR" or "ADDR/MASK" (IPv4 or IPv6); they are kept as
// ADDR/MASK with an IPv4 mask written out in dotted form.
PRL_RESULT PrlVmDevNet_SetNetAddresses(PRL_HANDLE hVmDev, PRL_HANDLE hNetAddressesList) {
    return sync([&] {
        adapter(hVmDev);
        std::vector<std::string> values;
        for (const auto& item : strings_arg(hNetAddressesList)) {
            auto normal = normalize_ip_mask(item);
            if (!normal) fail(PRL_ERR_INVALID_ARG, "not an IP address with an optional mask: " + item);
            values.push_back(*normal);
        }
        set_list(hVmDev, "NetAddress", values);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDevNet_GetDnsServers(PRL_HANDLE hVmDev, PRL_HANDLE_PTR phDnsServersList) {
    return sync([&] {
        out_ptr(phDnsServersList);
        give_strings(list_of(hVmDev, "DnsIPAddress"), phDnsServersList);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDevNet_SetDnsServers(PRL_HANDLE hVmDev, PRL_HANDLE hDnsServersList) {
    return sync([&] {
        adapter(hVmDev);
        set_list(hVmDev, "DnsIPAddress", strings_arg(hDnsServersList));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDevNet_GetSearchDomains(PRL_HANDLE hVmDev, PRL_HANDLE_PTR phSearchDomainsList) {
    return sync([&] {
        out_ptr(phSearchDomainsList);
        give_strings(list_of(hVmDev, "SearchDomain"), phSearchDomainsList);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDevNet_SetSearchDomains(PRL_HANDLE hVmDev, PRL_HANDLE hSearchDomainsList) {
    return sync([&] {
        adapter(hVmDev);
        set_list(hVmDev, "SearchDomain", strings_arg(hSearchDomainsList));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDevNet_GetDefaultGateway(PRL_HANDLE hVmDev, PRL_STR sDefaultGateway,
                                         PRL_UINT32_PTR pnDefaultGatewayBufLength) {
    return sync([&] { return get_gateway(hVmDev, "DefaultGateway", sDefaultGateway, pnDefaultGatewayBufLength); });
}

PRL_RESULT PrlVmDevNet_SetDefaultGateway(PRL_HANDLE hVmDev, PRL_CONST_STR sNewDefaultGateway) {
    return sync([&] {
        set_gateway(hVmDev, "DefaultGateway", sNewDefaultGateway, false);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDevNet_GetDefaultGatewayIPv6(PRL_HANDLE hVmDev, PRL_STR sDefaultGateway,
                                             PRL_UINT32_PTR pnDefaultGatewayBufLength) {
    return sync([&] { return get_gateway(hVmDev, "DefaultGatewayIPv6", sDefaultGateway, pnDefaultGatewayBufLength); });
}

PRL_RESULT PrlVmDevNet_SetDefaultGatewayIPv6(PRL_HANDLE hVmDev, PRL_CONST_STR sNewDefaultGateway) {
    return sync([&] {
        set_gateway(hVmDev, "DefaultGatewayIPv6", sNewDefaultGateway, true);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDevNet_GetFirewallDefaultPolicy(PRL_HANDLE hVmDev, PRL_FIREWALL_DIRECTION nDirection,
                                                PRL_FIREWALL_POLICY_PTR pnPolicy) {
    return sync([&] {
        auto dev = adapter(hVmDev);
        out_ptr(pnPolicy);
        const std::string path = direction_path(nDirection) + "/DefaultPolicy";
        enum_out(pnPolicy, with_adapter(dev, [&](service::Device& d) { return int_at(d.extra, path, PFP_ACCEPT); }));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDevNet_SetFirewallDefaultPolicy(PRL_HANDLE hVmDev, PRL_FIREWALL_DIRECTION nDirection,
                                                PRL_FIREWALL_POLICY nPolicy) {
    return sync([&] {
        auto dev = adapter(hVmDev);
        const long long policy = enum_in(nPolicy);
        require(policy == PFP_ACCEPT || policy == PFP_DENY, PRL_ERR_INVALID_ARG, "policy must be PFP_ACCEPT or PFP_DENY");
        const std::string path = direction_path(nDirection) + "/DefaultPolicy";
        with_adapter(dev, [&](service::Device& d) { d.extra.set_text_at(path, std::to_string(policy)); });
        return PRL_ERR_SUCCESS;
    });
}

// The rules come out as copies (PHT_FIREWALL_RULE in a PHT_HANDLES_LIST);
// editing one changes nothing until the list is set again.
PRL_RESULT PrlVmDevNet_GetFirewallRuleList(PRL_HANDLE hVmDev, PRL_FIREWALL_DIRECTION nDirection,
                                           PRL_HANDLE_PTR phRuleList) {
    return sync([&] {
        auto dev = adapter(hVmDev);
        out_ptr(phRuleList);
        const std::string path = direction_path(nDirection) + "/FirewallRules";
        const auto rules = with_adapter(dev, [&](service::Device& d) {
            std::vector<service::XmlTree> out;
            if (const service::XmlTree* list = d.extra.find(path))
                for (const auto* r : list->all("FirewallRule")) out.push_back(*r);
            return out;
        });
        auto list = std::make_shared<HandlesList>();
        for (const auto& r : rules) list->add(std::make_shared<FirewallRule>("FirewallRule", r));
        give(list, phRuleList);
        return PRL_ERR_SUCCESS;
    });
}

// PRL_INVALID_HANDLE clears the list; any item not a firewall rule refuses it all.
PRL_RESULT PrlVmDevNet_SetFirewallRuleList(PRL_HANDLE hVmDev, PRL_FIREWALL_DIRECTION nDirection, PRL_HANDLE hRuleList) {
    return sync([&] {
        auto dev = adapter(hVmDev);
        std::vector<service::XmlTree> rules;
        if (hRuleList != PRL_INVALID_HANDLE) {
            auto items = handle_cast<HandlesList>(hRuleList)->items();
            require(items.size() <= 4096, PRL_ERR_INVALID_ARG, "too many rules");
            for (const auto& item : items) {
                require(item && FirewallRule::accepts(item->type()), PRL_ERR_INVALID_ARG, "not a firewall rule");
                rules.push_back(static_cast<FirewallRule&>(*item).copy());
            }
        }
        const std::string path = direction_path(nDirection) + "/FirewallRules";
        with_adapter(dev, [&](service::Device& d) {
            service::XmlTree& list = d.extra.ensure(path);
            list.remove_all("FirewallRule");
            for (auto& r : rules) list.add_child("FirewallRule") = std::move(r);
        });
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
