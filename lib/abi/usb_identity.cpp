// PrlUsbIdent_* (usb_identity.h).
#include "usb_identity.h"

#include "tree_object.h"

using namespace prl;
using namespace prl::abi;

namespace {
using UsbIdentity = TreeObject<PHT_USB_IDENTITY>;
}

namespace prl::abi {

ObjectPtr make_usb_identity(service::XmlTree element) {
    return std::make_shared<UsbIdentity>("UsbIdentity", std::move(element));
}

}  // namespace prl::abi

extern "C" {

PRL_RESULT PrlUsbIdent_GetSystemName(PRL_HANDLE hUsbIdent, PRL_STR sSystemName, PRL_UINT32_PTR pnSystemNameBufLength) {
    return sync([&] { return tree_get_text<UsbIdentity>(hUsbIdent, "SystemName", sSystemName, pnSystemNameBufLength); });
}

PRL_RESULT PrlUsbIdent_GetFriendlyName(PRL_HANDLE hUsbIdent, PRL_STR sFriendlyName,
                                       PRL_UINT32_PTR pnFriendlyNameBufLength) {
    return sync([&] {
        return tree_get_text<UsbIdentity>(hUsbIdent, "FriendlyName", sFriendlyName, pnFriendlyNameBufLength);
    });
}

// The VM the device goes to automatically: the first association's VM when
// its action is "connect to the guest", else nothing (as the SDK).
PRL_RESULT PrlUsbIdent_GetVmUuidAssociation(PRL_HANDLE hUsbIdent, PRL_STR sVmUuid, PRL_UINT32_PTR pnVmUuidBufLength) {
    return sync([&] {
        auto o = handle_cast<UsbIdentity>(hUsbIdent);
        out_ptr(pnVmUuidBufLength);
        const std::string uuid = o->with([](service::XmlTree& t) -> std::string {
            const auto assoc = t.all("Association");
            if (assoc.empty() || int_at(*assoc.front(), "Action", PUD_ASK_USER_WHAT_TODO) != PUD_CONNECT_TO_GUEST_OS)
                return {};
            return assoc.front()->text_at("VmUuid").value_or("");
        });
        return copy_out(uuid, sVmUuid, pnVmUuidBufLength);
    });
}

}  // extern "C"
