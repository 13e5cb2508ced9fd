#include "net_ops.h"

#include "error.h"
#include "lists.h"
#include "net_objects.h"

#include "service/store/net_address.h"
#include "service/store/uuid_text.h"
#include "service/store/vm_config.h"

#include <algorithm>

namespace prl::net_ops {
namespace {

using service::XmlTree;

constexpr const char* kNetworks = "VirtualNetworks";
constexpr const char* kPrivate = "PrivateNetworks";
constexpr const char* kClasses = "NetworkClassesConfig";
constexpr const char* kShaping = "NetworkShapingConfig";
constexpr std::size_t kMaxElements = 20000;  // one object's element bound

std::string text(const XmlTree& t, const char* path, const char* fallback = "") {
    return t.text_at(path).value_or(fallback);
}

bool is_host_only(const XmlTree& net) { return text(net, "NetworkType", "1") == "1"; }

// The product announces each of its network commands to every client,
// whatever its outcome.
void announce(Server& server) {
    for (auto type : {PET_DSP_EVT_COMMON_PREFS_CHANGED, PET_DSP_EVT_HW_CONFIG_CHANGED}) {
        EventData d;
        d.type = type;
        d.issuer_type = PIE_DISPATCHER;
        server.emit(std::move(d));
    }
}

void change(Server& server, const std::function<void(XmlTree&)>& f) {
    auto svc = server.service();
    try {
        svc->update_network_config(f);
    } catch (...) {
        announce(server);
        throw;
    }
    announce(server);
}

void check_object(const XmlTree& t, const char* element) {
    require(t.name == element, PRL_ERR_INVALID_ARG, "not a network object");
    require(t.size() <= kMaxElements, PRL_ERR_INVALID_ARG, "object too large");
}

void check_name(const std::string& name) {
    require(!name.empty() && name.size() <= 1024 && service::is_storable_path(name), PRL_ERR_INVALID_ARG,
            "a network needs a name of one line of text");
}

bool valid_ip(std::uint32_t ip) {
    if (ip == 0) return false;
    for (; ip; ip >>= 8)
        if ((ip & 0xff) == 0xff) return false;
    return true;
}

bool valid_mask(std::uint32_t mask) {
    if (!(mask & 0x10000000u)) return false;  // the product tests this bit
    if (mask & 0x1f) return false;             // at least 32 addresses
    const std::uint32_t inv = ~mask;
    return (inv & (inv + 1)) == 0;
}

std::uint32_t v4(const XmlTree& t, const char* path, const char* fallback) {
    return service::parse_ipv4(text(t, path, fallback)).value_or(0);
}

// Bridged networks bound to the same adapter MAC and VLAN as `net`, other
// than the one named `except`.
bool adapter_in_use(const XmlTree& doc, const XmlTree& net, const std::string& except) {
    const std::string mac = service::mac_digits(text(net, "BoundCardMac"));
    if (mac.empty() || is_host_only(net)) return false;
    const std::string vlan = text(net, "VLANTag", "65535");
    const XmlTree* nets = doc.find(kNetworks);
    if (!nets) return false;
    for (const XmlTree* n : nets->all("VirtualNetwork")) {
        if (text(*n, "NetworkID") == except || is_host_only(*n)) continue;
        if (service::mac_digits(text(*n, "BoundCardMac")) == mac && text(*n, "VLANTag", "65535") == vlan) return true;
    }
    return false;
}

XmlTree* network_named(XmlTree& doc, const std::string& name) {
    for (XmlTree* n : doc.ensure(kNetworks).all("VirtualNetwork"))
        if (text(*n, "NetworkID") == name) return n;
    return nullptr;
}

XmlTree* network_with_uuid(XmlTree& doc, const std::string& uuid) {
    for (XmlTree* n : doc.ensure(kNetworks).all("VirtualNetwork"))
        if (service::normalize_uuid(text(*n, "Uuid")) == service::normalize_uuid(uuid)) return n;
    return nullptr;
}

void check_network(const XmlTree& doc, const XmlTree& net, const std::string& self) {
    if (is_host_only(net)) {
        const PRL_RESULT rc = validate_host_only(net);
        if (PRL_FAILED(rc)) fail(rc, "host-only network parameters refused");
    } else if (adapter_in_use(doc, net, self)) {
        fail(PRL_NET_ADAPTER_ALREADY_USED, "another bridged network is bound to that adapter");
    }
}

ResultPtr objects_of(const XmlTree& doc, const char* section, const char* element,
                     const std::function<ObjectPtr(const XmlTree&)>& make) {
    auto result = std::make_shared<Result>();
    if (const XmlTree* s = doc.find(section))
        for (const XmlTree* n : s->all(element)) result->add(make(*n));
    return result;
}

void check_private(const XmlTree& net) {
    for (const XmlTree* a : net.all("NetAddress")) {
        if (a->text == "*") continue;
        std::string ip, mask;
        bool ok = service::split_ip_mask(a->text, ip, mask);
        if (ok && service::is_ipv6(ip) && (mask.empty() || mask == "128")) ok = false;
        if (!ok) fail(PRL_NET_IPPRIVATE_NETWORK_INVALID_IP, "not an address of a private network: " + a->text);
    }
}

XmlTree* private_named(XmlTree& doc, const std::string& name) {
    for (XmlTree* n : doc.ensure(kPrivate).all("PrivateNetwork"))
        if (text(*n, "Name") == name) return n;
    return nullptr;
}

}  // namespace

PRL_RESULT validate_host_only(const XmlTree& net) {
    const XmlTree empty;
    const XmlTree* h = net.find("HostOnlyNetwork");
    const XmlTree& host = h ? *h : empty;
    const std::uint32_t mask = v4(host, "IPNetMask", "255.255.255.0");
    if (!valid_mask(mask)) return PRL_NET_VALID_WRONG_NET_MASK;
    if (!valid_ip(v4(host, "HostIPAddress", "127.0.0.1"))) return PRL_NET_VALID_WRONG_HOST_IP_ADDR;
    if (!valid_ip(v4(host, "DhcpIPAddress", "127.0.0.1"))) return PRL_NET_VALID_WRONG_DHCP_IP_ADDR;
    if (text(host, "DHCPServer/Enabled", "false") == "true") {
        const std::uint32_t start = v4(host, "DHCPServer/IPScopeStart", "127.0.0.1");
        const std::uint32_t end = v4(host, "DHCPServer/IPScopeEnd", "127.0.0.1");
        if (!valid_ip(start) || !valid_ip(end)) return PRL_NET_VALID_DHCP_RANGE_WRONG_IP_ADDRS;
        if ((start & mask) != (end & mask)) return PRL_NET_VALID_MISMATCH_DHCP_SCOPE_MASK;
        if (static_cast<long long>(end) - static_cast<long long>(start) < 15) return PRL_NET_VALID_DHCP_SCOPE_RANGE_LESS_MIN;
    }
    return PRL_ERR_SUCCESS;
}

ResultPtr list_networks(Server& server) {
    return objects_of(server.service()->network_config(), kNetworks, net_element::virtual_network,
                      [](const XmlTree& n) { return std::make_shared<VirtualNetwork>(net_element::virtual_network, n); });
}

void add_network(Server& server, XmlTree net) {
    check_object(net, net_element::virtual_network);
    const std::string name = text(net, "NetworkID");
    check_name(name);
    change(server, [&](XmlTree& doc) {
        if (network_named(doc, name)) fail(PRL_NET_DUPLICATE_VIRTUAL_NETWORK_ID, "a virtual network of that name exists");
        check_network(doc, net, name);
        const std::string uuid = text(net, "Uuid");
        if (!service::normalize_uuid(uuid) || network_with_uuid(doc, uuid)) net.set_text_at("Uuid", service::new_braced_uuid());
        XmlTree& nets = doc.ensure(kNetworks);
        nets.add_child(net_element::virtual_network) = net;
    });
}

void update_network(Server& server, XmlTree net) {
    check_object(net, net_element::virtual_network);
    const std::string name = text(net, "NetworkID");
    change(server, [&](XmlTree& doc) {
        const std::string uuid = text(net, "Uuid");
        XmlTree* old = service::normalize_uuid(uuid) ? network_with_uuid(doc, uuid) : network_named(doc, name);
        if (!old) fail(PRL_NET_VIRTUAL_NETWORK_NOT_FOUND, "no such virtual network");
        if (text(*old, "NetworkID") != name) fail(PRL_NET_DUPLICATE_VIRTUAL_NETWORK_ID, "a virtual network cannot be renamed");
        if (is_host_only(net) && !is_host_only(*old)) {
            // Made host-only: it is bound to no adapter any more.
            net.set_text_at("BoundCardMac", "");
            net.erase("VZVirtualNetwork");
            net.set_text_at("VLANTag", "65535");
        }
        check_network(doc, net, name);
        if (!service::normalize_uuid(uuid)) net.set_text_at("Uuid", text(*old, "Uuid"));
        *old = net;
    });
}

void delete_network(Server& server, const XmlTree& net) {
    check_object(net, net_element::virtual_network);
    const std::string name = text(net, "NetworkID");
    change(server, [&](XmlTree& doc) {
        XmlTree& nets = doc.ensure(kNetworks);
        auto it = std::find_if(nets.children.begin(), nets.children.end(), [&](const XmlTree& n) {
            return n.name == net_element::virtual_network && text(n, "NetworkID") == name;
        });
        if (it == nets.children.end()) fail(PRL_NET_VIRTUAL_NETWORK_ID_NOT_EXISTS, "no virtual network of that name");
        nets.children.erase(it);
    });
}

ResultPtr list_private_networks(Server& server) {
    return objects_of(server.service()->network_config(), kPrivate, net_element::private_network,
                      [](const XmlTree& n) { return std::make_shared<PrivateNetwork>(net_element::private_network, n); });
}

void add_private_network(Server& server, XmlTree net) {
    check_object(net, net_element::private_network);
    const std::string name = text(net, "Name");
    check_name(name);
    change(server, [&](XmlTree& doc) {
        if (private_named(doc, name)) fail(PRL_NET_DUPLICATE_IPPRIVATE_NETWORK_NAME, "an IP private network of that name exists");
        check_private(net);
        doc.ensure(kPrivate).add_child(net_element::private_network) = net;
    });
}

void update_private_network(Server& server, XmlTree net) {
    check_object(net, net_element::private_network);
    const std::string name = text(net, "Name");
    change(server, [&](XmlTree& doc) {
        XmlTree* old = private_named(doc, name);
        if (!old) fail(PRL_NET_IPPRIVATE_NETWORK_DOES_NOT_EXIST, "no IP private network of that name");
        check_private(net);
        *old = net;
    });
}

void remove_private_network(Server& server, const XmlTree& net) {
    check_object(net, net_element::private_network);
    const std::string name = text(net, "Name");
    change(server, [&](XmlTree& doc) {
        XmlTree& nets = doc.ensure(kPrivate);
        auto it = std::find_if(nets.children.begin(), nets.children.end(), [&](const XmlTree& n) {
            return n.name == net_element::private_network && text(n, "Name") == name;
        });
        if (it == nets.children.end()) fail(PRL_NET_IPPRIVATE_NETWORK_DOES_NOT_EXIST, "no IP private network of that name");
        nets.children.erase(it);
    });
}

ResultPtr network_classes(Server& server) {
    const XmlTree doc = server.service()->network_config();
    auto list = std::make_shared<HandlesList>();
    if (const XmlTree* s = doc.find(kClasses))
        for (const XmlTree* c : s->all(net_element::network_class))
            list->add(std::make_shared<NetworkClass>(net_element::network_class, *c));
    return std::make_shared<Result>(std::vector<Result::Param>{list});
}

void update_network_classes(Server& server, std::vector<XmlTree> classes) {
    for (const auto& c : classes) check_object(c, net_element::network_class);
    change(server, [&](XmlTree& doc) {
        XmlTree& s = doc.ensure(kClasses);
        s.remove_all(net_element::network_class);
        for (auto& c : classes) s.add_child(net_element::network_class) = std::move(c);
    });
}

ResultPtr shaping_config(Server& server) {
    const XmlTree doc = server.service()->network_config();
    const XmlTree* s = doc.find(kShaping);
    auto config = std::make_shared<ShapingConfig>(net_element::shaping_config, s ? *s : XmlTree{});
    return std::make_shared<Result>(std::vector<Result::Param>{config});
}

void update_shaping_config(Server& server, XmlTree config) {
    check_object(config, net_element::shaping_config);
    change(server, [&](XmlTree& doc) { doc.ensure(kShaping) = std::move(config); });
}

void restart_shaping(Server& server) {
    server.service();  // logged in
    announce(server);
}

}  // namespace prl::net_ops
