// The client's objects of the network API (PrlApiNet.h): a virtual network,
// a port-forwarding rule, a network class, a shaping entry, a device
// bandwidth entry, the shaping configuration and an IP private network.
// Each holds a copy of one element of the network document
// (docs/virtual-networks.md) as an XmlTree, read and changed under its own
// lock; the server's jobs send and receive such copies.
#pragma once

#include "object.h"

#include "service/store/xml_tree.h"

#include <mutex>
#include <string>
#include <utility>

namespace prl {

template <PRL_HANDLE_TYPE Type>
class XmlObject : public Object {
public:
    XmlObject(const char* element, service::XmlTree tree) : Object(Type), tree_(std::move(tree)) {
        if (tree_.name.empty()) tree_.name = element;
    }
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == Type; }

    service::XmlTree copy() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return tree_;
    }
    template <class F>
    auto with_tree(F&& f) {
        std::lock_guard<std::mutex> lock(mutex_);
        return f(tree_);
    }

private:
    mutable std::mutex mutex_;
    service::XmlTree tree_;
};

// Element names, as in the product's NetworkConfig.xsd.
namespace net_element {
constexpr const char* virtual_network = "VirtualNetwork";
constexpr const char* port_forward = "ForwardEntry";
constexpr const char* network_class = "NetworkClasses";
constexpr const char* shaping_entry = "NetworkShaping";
constexpr const char* bandwidth_entry = "DeviceBandwidth";
constexpr const char* shaping_config = "NetworkShapingConfig";
constexpr const char* private_network = "PrivateNetwork";
}  // namespace net_element

using VirtualNetwork = XmlObject<PHT_VIRTUAL_NETWORK>;
using PortForward = XmlObject<PHT_PORT_FORWARDING>;
using NetworkClass = XmlObject<PHT_NETWORK_CLASS>;
using ShapingEntry = XmlObject<PHT_NETWORK_SHAPING>;
using BandwidthEntry = XmlObject<PHT_NETWORK_SHAPING_BANDWIDTH>;
using ShapingConfig = XmlObject<PHT_NETWORK_SHAPING_CONFIG>;
using PrivateNetwork = XmlObject<PHT_IPPRIV_NET>;

}  // namespace prl
