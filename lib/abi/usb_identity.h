// PHT_USB_IDENTITY: one USB device the dispatcher remembers, as the product's
// UsbIdentity element of the dispatcher configuration (SystemName,
// FriendlyName, Index, UsbType, Association*). Whoever lists them (the
// dispatcher configuration) makes one with make_usb_identity.
#pragma once

#include "core/object.h"
#include "service/store/xml_tree.h"

namespace prl::abi {

ObjectPtr make_usb_identity(service::XmlTree element);

}  // namespace prl::abi
