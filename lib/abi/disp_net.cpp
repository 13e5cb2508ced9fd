// The dispatcher's network entries (PHT_DISP_NET_ADAPTER): the NetworkAdapter
// elements of the common preferences' NetworkPreferences
// (docs/dispatcher-config.md). Made, counted and listed through the
// preferences (PrlDispCfg_CreateDispNet / GetDispNetCount / GetDispNet),
// removed from them (PrlDispNet_Remove), their UUID and their port-forwarding
// element as XML. The scalar PrlDispNet_ pairs are table-driven
// (lib/abi/defs/properties/dispnet.tsv). An entry lives in its DispConfig
// object: what is changed is written by PrlSrv_CommonPrefsCommit.
#include "boundary.h"
#include "copy_out.h"
#include "xml_io.h"

#include "core/disp_objects.h"

#include "service/store/uuid_text.h"
#include "service/store/xml_tree.h"

#include <string>

using namespace prl;
using namespace prl::abi;

namespace prl::abi {
service::XmlTree tree_from_string(PRL_CONST_STR text, const char* root);  // disp_cfg.cpp
}  // namespace prl::abi

namespace {

using service::XmlTree;

constexpr const char* kPortForwarding = "PortForwarding";

XmlTree leaf(const char* name, const std::string& text) {
    XmlTree t;
    t.name = name;
    t.text = text;
    return t;
}

XmlTree dhcp_scope(const char* name, const char* start, const char* end, const char* mask) {
    XmlTree t;
    t.name = name;
    t.children = {leaf("Enabled", "false"), leaf("DhcpScopeStartAddress", start), leaf("DhcpScopeEndAddress", end),
                  leaf("DhcpScopeMask", mask)};
    return t;
}

// A new entry as the product writes one: every element, in its order, with
// its default (DispConfig.xsd; the IPv6 scope as CDispNetAdapter's
// initialisation sets it).
XmlTree new_entry(const std::string& uuid) {
    XmlTree t;
    t.name = "NetworkAdapter";
    XmlTree forwarding;
    forwarding.name = kPortForwarding;
    t.children = {leaf("Uuid", uuid),
                  leaf("Enabled", "false"),
                  leaf("HiddenAdapter", "true"),
                  leaf("EmulatedType", std::to_string(PNA_HOST_ONLY)),
                  leaf("SysName", ""),
                  leaf("Name", ""),
                  leaf("Index", "0"),
                  leaf("NatEnabled", "false"),
                  dhcp_scope("DhcpScope", "127.0.0.1", "127.0.0.1", "127.0.0.1"),
                  dhcp_scope("DhcpV6Scope", "::1", "::1", "ffff:ffff:ffff:ffff::"),
                  std::move(forwarding)};
    return t;
}

}  // namespace

extern "C" {

PRL_RESULT PrlDispCfg_CreateDispNet(PRL_HANDLE hDispConfig, PRL_HANDLE_PTR phDispNet) {
    return sync([&] {
        auto handle = handle_cast<DispConfig>(hDispConfig);
        out_ptr(phDispNet);
        auto cfg = handle.share();
        const std::string uuid = service::new_braced_uuid();
        auto net = std::make_shared<DispNet>(cfg, uuid);
        cfg->with_tree([&](XmlTree& prefs) {
            XmlTree& list = prefs.ensure("NetworkPreferences");
            list.add_child("NetworkAdapter") = new_entry(uuid);
        });
        give(net, phDispNet);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlDispCfg_GetDispNetCount(PRL_HANDLE hDispCfg, PRL_UINT32_PTR pnDispNetCount) {
    return sync([&] {
        auto cfg = handle_cast<DispConfig>(hDispCfg);
        auto* out = out_ptr(pnDispNetCount);
        *out = cfg->with_tree([](XmlTree& prefs) { return static_cast<PRL_UINT32>(disp_net_entries(prefs).size()); });
        return PRL_ERR_SUCCESS;
    });
}

// The entry at that position of the list. An entry without a UUID, or with
// one an earlier entry has (a file edited by hand), is given a new one, so
// each handle names one entry.
PRL_RESULT PrlDispCfg_GetDispNet(PRL_HANDLE hDispCfg, PRL_UINT32 nDispNetIndex, PRL_HANDLE_PTR phDispNet) {
    return sync([&] {
        auto handle = handle_cast<DispConfig>(hDispCfg);
        out_ptr(phDispNet);
        auto cfg = handle.share();
        const std::string uuid = cfg->with_tree([&](XmlTree& prefs) {
            const auto all = disp_net_entries(prefs);
            require(nDispNetIndex < all.size(), PRL_ERR_INVALID_ARG, "no network entry at that index");
            XmlTree& entry = *all[nDispNetIndex];
            std::string id = entry.text_at("Uuid").value_or("");
            bool taken = id.empty();
            for (PRL_UINT32 i = 0; i < nDispNetIndex && !taken; ++i) taken = all[i]->text_at("Uuid") == id;
            if (taken) {
                id = service::new_braced_uuid();
                entry.set_text_at("Uuid", id);
            }
            return id;
        });
        give(std::make_shared<DispNet>(cfg, uuid), phDispNet);
        return PRL_ERR_SUCCESS;
    });
}

// Takes the entry out of its preferences (gone from the file once they are
// committed); the handle's calls then give PRL_ERR_OBJECT_WAS_REMOVED.
PRL_RESULT PrlDispNet_Remove(PRL_HANDLE hDispNet) {
    return sync([&] {
        auto net = handle_cast<DispNet>(hDispNet);
        net->with_entry([&](XmlTree& entry, XmlTree& prefs) {
            XmlTree* list = prefs.find("NetworkPreferences");
            const XmlTree* target = &entry;
            for (auto it = list->children.begin(); it != list->children.end(); ++it)
                if (&*it == target) {
                    list->children.erase(it);
                    break;
                }
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlDispNet_GetUuid(PRL_HANDLE hDispNet, PRL_STR sDispNetUuid, PRL_UINT32_PTR pnDispNetUuidBufLength) {
    return sync([&] {
        auto net = handle_cast<DispNet>(hDispNet);
        out_ptr(pnDispNetUuidBufLength);
        net->with_entry([](XmlTree&, XmlTree&) { return 0; });  // PRL_ERR_OBJECT_WAS_REMOVED once removed
        return copy_out(net->uuid(), sDispNetUuid, pnDispNetUuidBufLength);
    });
}

// The entry's PortForwarding element as an XML document (its Port children:
// PortType, PortNumIn, PortNumOut, IpAddress); the client frees it with
// PrlBuffer_Free.
PRL_RESULT PrlDispNet_PortForwardingToString(PRL_HANDLE hDispNet, PRL_VOID_PTR_PTR pPortForwarding) {
    return sync([&] {
        auto net = handle_cast<DispNet>(hDispNet);
        out_ptr(pPortForwarding);
        XmlTree forwarding = net->with_entry([](XmlTree& entry, XmlTree&) {
            const XmlTree* f = entry.find(kPortForwarding);
            if (f) return *f;
            XmlTree empty;
            empty.name = kPortForwarding;
            return empty;
        });
        *pPortForwarding = malloc_copy(service::serialize_tree(forwarding));
        return PRL_ERR_SUCCESS;
    });
}

// Replaces the entry's PortForwarding element with the document given (as
// PortForwardingToString writes it); PRL_ERR_INVALID_ARG for anything that
// is not such a document, the entry left as it was.
PRL_RESULT PrlDispNet_PortForwardingFromString(PRL_HANDLE hDispNet, PRL_CONST_STR sPortForwarding) {
    return sync([&] {
        auto net = handle_cast<DispNet>(hDispNet);
        XmlTree forwarding = tree_from_string(sPortForwarding, kPortForwarding);
        net->with_entry([&](XmlTree& entry, XmlTree&) { entry.ensure(kPortForwarding) = std::move(forwarding); });
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
