// The state root's network document (network.xml): virtual networks, network
// classes, traffic shaping and IP private networks, kept as one XML document
// in the product's format (VirtuozzoNetworkConfig, NetworkConfig.xsd) and
// held as an XmlTree, so every element survives a rewrite. See
// docs/virtual-networks.md.
//
// Readers see the last complete write (atomic replace); writers take the
// state root's network lock, read, change and write back under it, so
// concurrent writers in several processes never lose each other's changes.
#pragma once

#include "state_root.h"
#include "xml_tree.h"

#include <functional>
#include <string>

namespace prl::service {

class NetworkConfigFile {
public:
    explicit NetworkConfigFile(const StateRoot& root);

    // The document; a state root without one gets the product's defaults
    // (written on first use).
    XmlTree read() const;
    // Runs `change` on the current document under the writers' lock and
    // writes the result durably; an exception from `change` leaves the file
    // as it was. Returns the document as written.
    XmlTree update(const std::function<void(XmlTree&)>& change);

private:
    XmlTree load_or_create() const;
    std::filesystem::path file_, lock_;
};

// The document a new state root gets: the product's default "Host-Only"
// network (adapter 0, DHCP 10.37.130.1-254, fdb2:2c26:f4e4::/64) and, when the
// host has a default route, the "Bridged" network bound to that interface.
XmlTree default_network_config();

// The host's default interface (the one with the default route): its MAC as
// the product writes it ("AA:BB:CC:DD:EE:FF") and its VLAN tag (65535 for
// none). Empty MAC when there is none.
struct DefaultAdapter {
    std::string name, mac;
    unsigned vlan_tag = 65535;
};
DefaultAdapter default_adapter();

}  // namespace prl::service
