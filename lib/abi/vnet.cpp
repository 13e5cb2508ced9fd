// PrlVirtNet_* (hand-written part), PrlPortFwd_* and the server's virtual
// network jobs. The scalar PrlVirtNet_ pairs are table-driven
// (lib/abi/defs/properties/vnet.tsv); the document is described in
// docs/virtual-networks.md.
#include "net_fields.h"

#include "core/net_ops.h"
#include "core/server.h"
#include "service/store/uuid_text.h"

#include <PrlApiNet.h>

using namespace prl;
using namespace prl::abi;
namespace field = prl::abi::net;

namespace {

constexpr const char* kTcp = "HostOnlyNetwork/NATServer/PortForwarding/TCP";
constexpr const char* kUdp = "HostOnlyNetwork/NATServer/PortForwarding/UDP";

const char* forward_path(const PRL_PORT_FORWARDING_TYPE& type) {  // by reference: C may pass any value (enum_in)
    const long long t = enum_in(type);
    require(t == PPF_TCP || t == PPF_UDP, PRL_ERR_INVALID_ARG, "not a port-forwarding type");
    return t == PPF_TCP ? kTcp : kUdp;
}

template <class Op>
PRL_HANDLE network_job(PRL_JOB_OPERATION_CODE code, PRL_HANDLE hServer, PRL_HANDLE hVirtNet, Op op) {
    return async(code, [&] {
        auto server = handle_cast<Server>(hServer).share();
        service::XmlTree net = handle_cast<VirtualNetwork>(hVirtNet)->copy();
        return give_job(server->start_job(code, [server, net, op](Job&) {
            op(*server, net);
            return std::make_shared<Result>();
        }));
    });
}

}  // namespace

extern "C" {

PRL_RESULT PrlVirtNet_Create(PRL_HANDLE_PTR phVirtNet) {
    return sync([&] {
        out_ptr(phVirtNet);
        service::XmlTree t;
        t.name = net_element::virtual_network;
        t.set_text_at("Uuid", service::new_braced_uuid());
        give(std::make_shared<VirtualNetwork>(net_element::virtual_network, std::move(t)), phVirtNet);
        return PRL_ERR_SUCCESS;
    });
}

// A dotted mask or a prefix length (the SDK reads "host-ip/argument").
PRL_RESULT PrlVirtNet_SetIPNetMask(PRL_HANDLE hVirtNet, PRL_CONST_STR sIPNetMask) {
    return sync([&] {
        auto net = handle_cast<VirtualNetwork>(hVirtNet);
        require(sIPNetMask != nullptr && *sIPNetMask != '\0', PRL_ERR_INVALID_ARG, "no mask");
        const std::string arg(sIPNetMask);
        std::string ip, mask;
        require(service::split_ip_mask("0.0.0.1/" + arg, ip, mask), PRL_ERR_INVALID_ARG, "not a network mask");
        std::string dotted = arg;
        if (arg.find('.') == std::string::npos) {
            const int prefix = std::stoi(arg);
            const std::uint32_t m = prefix == 0 ? 0u : ~0u << (32 - prefix);
            dotted = service::ipv4_text(m);
        }
        net->with_tree([&](service::XmlTree& t) { t.set_text_at("HostOnlyNetwork/IPNetMask", dotted); });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVirtNet_GetPortForwardList(PRL_HANDLE hVirtNet, PRL_PORT_FORWARDING_TYPE nPortFwdType,
                                         PRL_HANDLE_PTR phPortFwdList) {
    return sync([&] {
        auto net = handle_cast<VirtualNetwork>(hVirtNet);
        const char* path = forward_path(nPortFwdType);
        out_ptr(phPortFwdList);
        std::vector<service::XmlTree> entries;
        net->with_tree([&](service::XmlTree& t) {
            if (const service::XmlTree* list = t.find(path))
                for (const service::XmlTree* e : list->all(net_element::port_forward)) entries.push_back(*e);
        });
        give(field::list_of<PortForward>(net_element::port_forward, entries), phPortFwdList);
        return PRL_ERR_SUCCESS;
    });
}

// An invalid handle clears the list, as in the SDK.
PRL_RESULT PrlVirtNet_SetPortForwardList(PRL_HANDLE hVirtNet, PRL_PORT_FORWARDING_TYPE nPortFwdType,
                                         PRL_HANDLE hPortFwdList) {
    return sync([&] {
        auto net = handle_cast<VirtualNetwork>(hVirtNet);
        const char* path = forward_path(nPortFwdType);
        std::vector<service::XmlTree> entries;
        if (hPortFwdList != PRL_INVALID_HANDLE) entries = field::trees_of<PortForward>(hPortFwdList);
        net->with_tree([&](service::XmlTree& t) {
            // TCP before UDP, as the product writes them.
            t.ensure(kTcp);
            t.ensure(kUdp);
            service::XmlTree& list = t.ensure(path);
            list.remove_all(net_element::port_forward);
            for (auto& e : entries) list.children.push_back(std::move(e));
        });
        return PRL_ERR_SUCCESS;
    });
}

// ---- port forwarding rules ----

PRL_RESULT PrlPortFwd_Create(PRL_HANDLE_PTR phPortFwd) {
    return sync([&] {
        out_ptr(phPortFwd);
        give(std::make_shared<PortForward>(net_element::port_forward, service::XmlTree{}), phPortFwd);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlPortFwd_GetRuleName(PRL_HANDLE hPortFwd, PRL_STR sRuleName, PRL_UINT32_PTR pnRuleNameBufLength) {
    return sync([&] { return field::text_out<PortForward>(hPortFwd, "RuleName", sRuleName, pnRuleNameBufLength); });
}

PRL_RESULT PrlPortFwd_SetRuleName(PRL_HANDLE hPortFwd, PRL_CONST_STR sRuleName) {
    return sync([&] {
        field::set_text<PortForward>(hPortFwd, "RuleName", sRuleName, field::Rule::line);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlPortFwd_GetIncomingPort(PRL_HANDLE hPortFwd, PRL_UINT16_PTR pnIncomingPort) {
    return sync([&] {
        const long long v = field::number<PortForward>(hPortFwd, "IncomingPort", 0);
        *out_ptr(pnIncomingPort) = static_cast<PRL_UINT16>(v);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlPortFwd_SetIncomingPort(PRL_HANDLE hPortFwd, PRL_UINT16 nIncomingPort) {
    return sync([&] {
        field::set_number<PortForward>(hPortFwd, "IncomingPort", nIncomingPort);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlPortFwd_GetRedirectIPAddress(PRL_HANDLE hPortFwd, PRL_STR sRedirectIPAddress,
                                           PRL_UINT32_PTR pnRedirectIPAddressBufLength) {
    return sync([&] {
        return field::text_out<PortForward>(hPortFwd, "RedirectIp", sRedirectIPAddress, pnRedirectIPAddressBufLength,
                                            "0.0.0.0");
    });
}

PRL_RESULT PrlPortFwd_SetRedirectIPAddress(PRL_HANDLE hPortFwd, PRL_CONST_STR sRedirectIPAddress) {
    return sync([&] {
        field::set_text<PortForward>(hPortFwd, "RedirectIp", sRedirectIPAddress, field::Rule::ip);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlPortFwd_GetRedirectPort(PRL_HANDLE hPortFwd, PRL_UINT16_PTR pnRedirectPort) {
    return sync([&] {
        const long long v = field::number<PortForward>(hPortFwd, "RedirectPort", 0);
        *out_ptr(pnRedirectPort) = static_cast<PRL_UINT16>(v);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlPortFwd_SetRedirectPort(PRL_HANDLE hPortFwd, PRL_UINT16 nRedirectPort) {
    return sync([&] {
        field::set_number<PortForward>(hPortFwd, "RedirectPort", nRedirectPort);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlPortFwd_GetRedirectVm(PRL_HANDLE hPortFwd, PRL_STR sRedirectVm, PRL_UINT32_PTR pnRedirectVmBufLength) {
    return sync([&] { return field::text_out<PortForward>(hPortFwd, "RedirectVm", sRedirectVm, pnRedirectVmBufLength); });
}

PRL_RESULT PrlPortFwd_SetRedirectVm(PRL_HANDLE hPortFwd, PRL_CONST_STR sRedirectVm) {
    return sync([&] {
        field::set_text<PortForward>(hPortFwd, "RedirectVm", sRedirectVm, field::Rule::line);
        return PRL_ERR_SUCCESS;
    });
}

// ---- the server's virtual networks ----

PRL_HANDLE PrlSrv_GetVirtualNetworkList(PRL_HANDLE hServer, PRL_UINT32 /*nFlags*/) {
    return async(PJOC_SRV_GET_VIRTUAL_NETWORK_LIST, [&] {
        auto server = handle_cast<Server>(hServer).share();
        return give_job(server->start_job(PJOC_SRV_GET_VIRTUAL_NETWORK_LIST,
                                          [server](Job&) { return net_ops::list_networks(*server); }));
    });
}

PRL_HANDLE PrlSrv_AddVirtualNetwork(PRL_HANDLE hServer, PRL_HANDLE hVirtNet, PRL_UINT32 nFlags) {
    return network_job(PJOC_SRV_ADD_VIRTUAL_NETWORK, hServer, hVirtNet, [nFlags](Server& s, service::XmlTree net) {
        // PRL_USE_VNET_NAME_FOR_BRIDGE_NAME: a bridged network on the bridge
        // of that name (the product refuses it for a host-only one).
        if (nFlags & PRL_USE_VNET_NAME_FOR_BRIDGE_NAME) {
            require(net.text_at("NetworkType").value_or("1") != "1", PRL_ERR_INVALID_ARG, "a host-only network");
            net.set_text_at("VZVirtualNetwork/BridgeName", net.text_at("NetworkID").value_or(""));
        }
        net_ops::add_network(s, std::move(net));
    });
}

PRL_HANDLE PrlSrv_UpdateVirtualNetwork(PRL_HANDLE hServer, PRL_HANDLE hVirtNet, PRL_UINT32 /*nFlags*/) {
    return network_job(PJOC_SRV_UPDATE_VIRTUAL_NETWORK, hServer, hVirtNet,
                       [](Server& s, service::XmlTree net) { net_ops::update_network(s, std::move(net)); });
}

PRL_HANDLE PrlSrv_DeleteVirtualNetwork(PRL_HANDLE hServer, PRL_HANDLE hVirtNet, PRL_UINT32 /*nFlags*/) {
    return network_job(PJOC_SRV_DELETE_VIRTUAL_NETWORK, hServer, hVirtNet,
                       [](Server& s, service::XmlTree net) { net_ops::delete_network(s, net); });
}

}  // extern "C"
