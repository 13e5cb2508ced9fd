// The server's network jobs (PrlSrv_*VirtualNetwork*, network classes,
// shaping, IP private networks): each reads or changes the service's network
// document (docs/virtual-networks.md) with the product's rules and codes, and
// a change is announced as the product's dispatcher does
// (PET_DSP_EVT_COMMON_PREFS_CHANGED, then PET_DSP_EVT_HW_CONFIG_CHANGED).
#pragma once

#include "result.h"
#include "server.h"

#include "service/store/xml_tree.h"

#include <vector>

namespace prl::net_ops {

// Virtual networks: a result with one PHT_VIRTUAL_NETWORK per network.
ResultPtr list_networks(Server& server);
// PRL_NET_DUPLICATE_VIRTUAL_NETWORK_ID for a name in use,
// PRL_NET_ADAPTER_ALREADY_USED for a bridged network on an adapter (and VLAN)
// another one is bound to, PRL_NET_VALID_* for host-only parameters the
// product refuses.
void add_network(Server& server, service::XmlTree network);
// Found by Uuid (else by name): PRL_NET_VIRTUAL_NETWORK_NOT_FOUND when
// missing, PRL_NET_DUPLICATE_VIRTUAL_NETWORK_ID when the name was changed.
void update_network(Server& server, service::XmlTree network);
// PRL_NET_VIRTUAL_NETWORK_ID_NOT_EXISTS when no network has that name.
void delete_network(Server& server, const service::XmlTree& network);

// IP private networks (by name): PRL_NET_DUPLICATE_IPPRIVATE_NETWORK_NAME,
// PRL_NET_IPPRIVATE_NETWORK_DOES_NOT_EXIST, PRL_NET_IPPRIVATE_NETWORK_INVALID_IP.
ResultPtr list_private_networks(Server& server);
void add_private_network(Server& server, service::XmlTree network);
void update_private_network(Server& server, service::XmlTree network);
void remove_private_network(Server& server, const service::XmlTree& network);

// Network classes: a result whose one parameter is a handles list of
// PHT_NETWORK_CLASS; an update replaces them all.
ResultPtr network_classes(Server& server);
void update_network_classes(Server& server, std::vector<service::XmlTree> classes);

// Traffic shaping: a result with the PHT_NETWORK_SHAPING_CONFIG; an update
// replaces it. Restarting applies nothing (no shaper runs here) but is
// announced like the product's.
ResultPtr shaping_config(Server& server);
void update_shaping_config(Server& server, service::XmlTree config);
void restart_shaping(Server& server);

// The product's host-only parameter check (PrlNet::ValidateHostOnlyNetworkParams).
PRL_RESULT validate_host_only(const service::XmlTree& network);

}  // namespace prl::net_ops
