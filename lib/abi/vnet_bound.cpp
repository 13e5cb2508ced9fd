// PrlVirtNet_GetBoundAdapterInfo: the host adapter (PHT_HW_NET_ADAPTER of a
// PHT_SERVER_CONFIG) a bridged virtual network is bound to. As in the SDK,
// the adapter is the one whose MAC address is the network's BoundCardMac and
// whose VLAN tag is the network's VLANTag, other than the network's own
// adapter (HostOnlyNetwork/VirtuozzoAdapter/Name: a bridge carries the MAC of
// its port); none is PRL_ERR_NETWORK_ADAPTER_NOT_FOUND (prlsrvctl then prints
// the MAC).
#include "boundary.h"

#include "core/hw_objects.h"
#include "core/info_objects.h"
#include "core/net_objects.h"

#include <PrlApiNet.h>

#include <cctype>
#include <string>

using namespace prl;
using namespace prl::abi;

namespace {

// Hex digits only, upper case: "00:1c:42:aa:bb:cc" and "001C42AABBCC" compare equal.
std::string mac_digits(const std::string& text) {
    std::string out;
    for (char ch : text)
        if (std::isxdigit(static_cast<unsigned char>(ch))) out += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return out;
}

unsigned vlan_of(const service::XmlTree& net) {
    const auto text = net.text_at("VLANTag");
    if (!text || text->empty() || text->size() > 5) return PRL_INVALID_VLAN_TAG;
    for (char ch : *text)
        if (!std::isdigit(static_cast<unsigned char>(ch))) return PRL_INVALID_VLAN_TAG;
    return static_cast<unsigned>(std::stoul(*text));
}

}  // namespace

extern "C" {

PRL_RESULT PrlVirtNet_GetBoundAdapterInfo(PRL_HANDLE hVirtNet, PRL_HANDLE hSrvConfig, PRL_HANDLE_PTR phNetAdapter) {
    return sync([&] {
        const service::XmlTree net = handle_cast<VirtualNetwork>(hVirtNet)->copy();
        auto cfg = handle_cast<ServerConfig>(hSrvConfig);
        out_ptr(phNetAdapter);
        const std::string mac = mac_digits(net.text_at("BoundCardMac").value_or(""));
        const std::string own = net.text_at("HostOnlyNetwork/VirtuozzoAdapter/Name").value_or("");
        const unsigned vlan = vlan_of(net);
        if (!mac.empty()) {
            for (const auto& adapter : cfg->devices.net) {
                if (adapter->adapter.name != own && mac_digits(adapter->adapter.mac) == mac &&
                    adapter->adapter.vlan_tag == vlan) {
                    give(adapter, phNetAdapter);
                    return PRL_ERR_SUCCESS;
                }
            }
        }
        return PRL_ERR_NETWORK_ADAPTER_NOT_FOUND;
    });
}

}  // extern "C"
