#include "net_config.h"

#include "error.h"
#include "file_ops.h"
#include "uuid_text.h"

#include <cctype>
#include <fstream>
#include <sstream>

namespace prl::service {
namespace {

constexpr std::size_t kMaxBytes = 8u << 20;  // a document far above any real host's
constexpr const char* kRoot = "VirtuozzoNetworkConfig";

std::string read_small(const fs::path& p) {
    std::ifstream in(p);
    if (!in) return {};
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string trim(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    std::size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    return s.substr(i);
}

void text(XmlTree& parent, const char* path, const std::string& value) { parent.set_text_at(path, value); }

// The product's default host-only network for adapter index 0 on a server
// (shared networking off): prl-disp-service's FillDefaultVirtualNetworkParams.
XmlTree host_only_network() {
    XmlTree n;
    n.name = "VirtualNetwork";
    text(n, "Uuid", new_braced_uuid());
    text(n, "NetworkID", "Host-Only");
    text(n, "Description", "Host Only Networking");
    text(n, "Enabled", "true");
    text(n, "NetworkType", "1");  // PVN_HOST_ONLY
    text(n, "BoundCardMac", "");
    text(n, "VLANTag", "65535");  // PRL_INVALID_VLAN_TAG
    XmlTree& h = n.ensure("HostOnlyNetwork");
    text(h, "HostIPAddress", "10.37.130.2");
    text(h, "DhcpIPAddress", "10.37.130.1");
    text(h, "IPNetMask", "255.255.255.0");
    text(h, "HostIP6Address", "fdb2:2c26:f4e4::1");
    text(h, "DhcpIP6Address", "fdb2:2c26:f4e4::");
    text(h, "IP6NetMask", "ffff:ffff:ffff:ffff::");
    text(h, "VirtuozzoAdapter/Enabled", "true");
    text(h, "VirtuozzoAdapter/Name", "Virtuozzo Host-Only #0");
    text(h, "VirtuozzoAdapter/PrlAdapterIndex", "0");
    text(h, "VirtuozzoAdapter/HiddenAdapter", "true");
    text(h, "DHCPServer/Enabled", "true");
    text(h, "DHCPServer/IPScopeStart", "10.37.130.1");
    text(h, "DHCPServer/IPScopeEnd", "10.37.130.254");
    h.ensure("DHCPServer/IPReservations");
    text(h, "DHCPv6Server/Enabled", "true");
    text(h, "DHCPv6Server/IPScopeStart", "fdb2:2c26:f4e4::");
    text(h, "DHCPv6Server/IPScopeEnd", "fdb2:2c26:f4e4:0:ffff:ffff:ffff:ffff");
    h.ensure("DHCPv6Server/IPReservations");
    text(h, "NATServer/Enabled", "false");
    XmlTree& fwd = h.ensure("NATServer/PortForwarding");
    fwd.ensure("TCP");
    fwd.ensure("UDP");
    return n;
}

// The product's "Bridged" network of a server, bound to the adapter that had
// the default route when the configuration was made.
XmlTree bridged_network(const DefaultAdapter& a) {
    XmlTree n;
    n.name = "VirtualNetwork";
    text(n, "Uuid", new_braced_uuid());
    text(n, "NetworkID", "Bridged");
    text(n, "Description", "Bridged Network");
    text(n, "Enabled", "true");
    text(n, "NetworkType", "0");  // PVN_BRIDGED_ETHERNET
    text(n, "BoundCardMac", a.mac);
    text(n, "VLANTag", std::to_string(a.vlan_tag));
    return n;
}

}  // namespace

DefaultAdapter default_adapter() {
    DefaultAdapter a;
    // /proc/net/route: Iface Destination Gateway Flags RefCnt Use Metric Mask ...
    std::istringstream route(read_small("/proc/net/route"));
    std::string line;
    long best_metric = -1;
    std::getline(route, line);  // header
    while (std::getline(route, line)) {
        std::istringstream f(line);
        std::string iface, dest, gw, flags, refcnt, use, metric, mask;
        if (!(f >> iface >> dest >> gw >> flags >> refcnt >> use >> metric >> mask)) continue;
        if (dest != "00000000" || mask != "00000000") continue;
        const long m = std::strtol(metric.c_str(), nullptr, 10);
        if (best_metric >= 0 && m >= best_metric) continue;
        if (iface.empty() || iface.find('/') != std::string::npos || iface[0] == '.') continue;
        best_metric = m;
        a.name = iface;
    }
    if (a.name.empty()) return a;
    std::string mac = trim(read_small("/sys/class/net/" + a.name + "/address"));
    if (mac.size() != 17 || mac == "00:00:00:00:00:00") return DefaultAdapter{};
    for (char& c : mac) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    a.mac = mac;
    // /proc/net/vlan/<iface> exists for a VLAN interface: "... VID: 10 ..."
    const std::string vlan = read_small("/proc/net/vlan/" + a.name);
    const auto vid = vlan.find("VID:");
    if (vid != std::string::npos) {
        const long v = std::strtol(vlan.c_str() + vid + 4, nullptr, 10);
        if (v >= 0 && v < 4096) a.vlan_tag = static_cast<unsigned>(v);
    }
    return a;
}

XmlTree default_network_config() {
    XmlTree root;
    root.name = kRoot;
    XmlTree& nets = root.ensure("VirtualNetworks");
    nets.children.push_back(host_only_network());
    const DefaultAdapter a = default_adapter();
    if (!a.mac.empty()) nets.children.push_back(bridged_network(a));
    root.ensure("OffmgmtServices");
    root.ensure("NetworkClassesConfig");
    root.set_text_at("NetworkShapingConfig/Enabled", "false");
    root.ensure("PrivateNetworks");
    return root;
}

NetworkConfigFile::NetworkConfigFile(const StateRoot& root)
    : file_(root.network_config_file()), lock_(root.network_config_lock()) {}

XmlTree NetworkConfigFile::load_or_create() const {
    try {
        XmlTree t = parse_tree(read_file_bounded(file_, kMaxBytes), file_.string());
        if (t.name != kRoot) throw Error(Errc::corrupt, file_.string() + ": not a network configuration");
        return t;
    } catch (const Error& e) {
        if (e.code() != Errc::not_found) throw;
    }
    XmlTree fresh = default_network_config();
    // First writer wins; a reader racing with it reads the winner's.
    if (!create_file_once(file_, serialize_tree(fresh)))
        return parse_tree(read_file_bounded(file_, kMaxBytes), file_.string());
    return fresh;
}

XmlTree NetworkConfigFile::read() const { return load_or_create(); }

XmlTree NetworkConfigFile::update(const std::function<void(XmlTree&)>& change) {
    FileLock lock = acquire_lock(lock_, FileLock::Mode::exclusive);
    XmlTree doc = load_or_create();
    change(doc);
    const std::string bytes = serialize_tree(doc);
    if (bytes.size() > kMaxBytes) throw Error(Errc::invalid_argument, "the network configuration would be too large");
    write_file_atomic(file_, bytes);
    return doc;
}

}  // namespace prl::service
