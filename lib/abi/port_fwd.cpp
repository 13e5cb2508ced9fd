// PrlPortFwd_* (PHT_PORT_FORWARDING): one port-forwarding rule of a virtual
// network's NAT, standalone until a virtual network takes it. Kept as the
// product's ForwardEntry element (RuleName, IncomingPort, RedirectIp,
// RedirectPort, RedirectVm; NetworkConfig.xsd).
#include "tree_object.h"

using namespace prl;
using namespace prl::abi;

namespace {
using PortFwd = TreeObject<PHT_PORT_FORWARDING>;
}

extern "C" {

PRL_RESULT PrlPortFwd_Create(PRL_HANDLE_PTR phPortFwd) {
    return sync([&] {
        out_ptr(phPortFwd);
        give(std::make_shared<PortFwd>("ForwardEntry"), phPortFwd);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlPortFwd_GetRuleName(PRL_HANDLE hPortFwd, PRL_STR sRuleName, PRL_UINT32_PTR pnRuleNameBufLength) {
    return sync([&] { return tree_get_text<PortFwd>(hPortFwd, "RuleName", sRuleName, pnRuleNameBufLength); });
}

PRL_RESULT PrlPortFwd_SetRuleName(PRL_HANDLE hPortFwd, PRL_CONST_STR sRuleName) {
    return sync([&] {
        handle_cast<PortFwd>(hPortFwd);
        tree_set_text<PortFwd>(hPortFwd, "RuleName", line_arg(sRuleName));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlPortFwd_GetIncomingPort(PRL_HANDLE hPortFwd, PRL_UINT16_PTR pnIncomingPort) {
    return sync([&] {
        tree_get_int<PortFwd>(hPortFwd, "IncomingPort", pnIncomingPort);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlPortFwd_SetIncomingPort(PRL_HANDLE hPortFwd, PRL_UINT16 nIncomingPort) {
    return sync([&] {
        tree_set_int<PortFwd>(hPortFwd, "IncomingPort", nIncomingPort);
        return PRL_ERR_SUCCESS;
    });
}

// The product's default redirect address is 0.0.0.0.
PRL_RESULT PrlPortFwd_GetRedirectIPAddress(PRL_HANDLE hPortFwd, PRL_STR sRedirectIPAddress,
                                           PRL_UINT32_PTR pnRedirectIPAddressBufLength) {
    return sync([&] {
        return tree_get_text<PortFwd>(hPortFwd, "RedirectIp", sRedirectIPAddress, pnRedirectIPAddressBufLength,
                                      "0.0.0.0");
    });
}

PRL_RESULT PrlPortFwd_SetRedirectIPAddress(PRL_HANDLE hPortFwd, PRL_CONST_STR sRedirectIPAddress) {
    return sync([&] {
        handle_cast<PortFwd>(hPortFwd);
        const std::string ip = line_arg(sRedirectIPAddress);
        require(is_ipv4(ip) || is_ipv6(ip), PRL_ERR_INVALID_ARG, "not an IP address");
        tree_set_text<PortFwd>(hPortFwd, "RedirectIp", ip);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlPortFwd_GetRedirectPort(PRL_HANDLE hPortFwd, PRL_UINT16_PTR pnRedirectPort) {
    return sync([&] {
        tree_get_int<PortFwd>(hPortFwd, "RedirectPort", pnRedirectPort);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlPortFwd_SetRedirectPort(PRL_HANDLE hPortFwd, PRL_UINT16 nRedirectPort) {
    return sync([&] {
        tree_set_int<PortFwd>(hPortFwd, "RedirectPort", nRedirectPort);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlPortFwd_GetRedirectVm(PRL_HANDLE hPortFwd, PRL_STR sRedirectVm, PRL_UINT32_PTR pnRedirectVmBufLength) {
    return sync([&] { return tree_get_text<PortFwd>(hPortFwd, "RedirectVm", sRedirectVm, pnRedirectVmBufLength); });
}

PRL_RESULT PrlPortFwd_SetRedirectVm(PRL_HANDLE hPortFwd, PRL_CONST_STR sRedirectVm) {
    return sync([&] {
        handle_cast<PortFwd>(hPortFwd);
        tree_set_text<PortFwd>(hPortFwd, "RedirectVm", line_arg(sRedirectVm));
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
