// The boot order as config.pvs keeps it: Settings/Startup/BootingOrder holds
// one BootDevice element per entry (id attribute, Index, Type, BootingNumber,
// InUse), in boot order.
#pragma once

#include <PrlEnums.h>

#include "service/store/xml_tree.h"

namespace prl::abi {

constexpr const char* kBootOrderPath = "Settings/Startup/BootingOrder";

// What removing a device does to the boot order (as the SDK's
// PrlVmDev_Remove): the entries naming that device go; for a network adapter
// only when it was the last one, and then every network entry goes.
void drop_boot_entries(service::XmlTree& config_root, PRL_DEVICE_TYPE type, unsigned index, bool last_adapter);

}  // namespace prl::abi
