// PrlFirewallRule_* (PHT_FIREWALL_RULE): one rule of a network adapter's
// firewall, standalone until PrlVmDevNet_SetFirewallRuleList copies it in.
// Kept as the product's FirewallRule element (Protocol, LocalNetAddress,
// LocalPort, RemoteNetAddress, RemotePort).
#include "tree_object.h"

using namespace prl;
using namespace prl::abi;

namespace {
using FirewallRule = TreeObject<PHT_FIREWALL_RULE>;
}

extern "C" {

PRL_RESULT PrlFirewallRule_Create(PRL_HANDLE_PTR phRule) {
    return sync([&] {
        out_ptr(phRule);
        give(std::make_shared<FirewallRule>("FirewallRule"), phRule);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlFirewallRule_GetLocalPort(PRL_HANDLE hRule, PRL_UINT32_PTR pnPort) {
    return sync([&] {
        tree_get_int<FirewallRule>(hRule, "LocalPort", pnPort);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlFirewallRule_SetLocalPort(PRL_HANDLE hRule, PRL_UINT32 nPort) {
    return sync([&] {
        tree_set_int<FirewallRule>(hRule, "LocalPort", nPort);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlFirewallRule_GetRemotePort(PRL_HANDLE hRule, PRL_UINT32_PTR pnPort) {
    return sync([&] {
        tree_get_int<FirewallRule>(hRule, "RemotePort", pnPort);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlFirewallRule_SetRemotePort(PRL_HANDLE hRule, PRL_UINT32 nPort) {
    return sync([&] {
        tree_set_int<FirewallRule>(hRule, "RemotePort", nPort);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlFirewallRule_GetProtocol(PRL_HANDLE hRule, PRL_STR sProtocol, PRL_UINT32_PTR pnBufLength) {
    return sync([&] { return tree_get_text<FirewallRule>(hRule, "Protocol", sProtocol, pnBufLength); });
}

PRL_RESULT PrlFirewallRule_SetProtocol(PRL_HANDLE hRule, PRL_CONST_STR sProtocol) {
    return sync([&] {
        handle_cast<FirewallRule>(hRule);
        tree_set_text<FirewallRule>(hRule, "Protocol", line_arg(sProtocol));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlFirewallRule_GetLocalNetAddress(PRL_HANDLE hRule, PRL_STR sAddr, PRL_UINT32_PTR pnBufLength) {
    return sync([&] { return tree_get_text<FirewallRule>(hRule, "LocalNetAddress", sAddr, pnBufLength); });
}

PRL_RESULT PrlFirewallRule_SetLocalNetAddress(PRL_HANDLE hRule, PRL_CONST_STR sAddr) {
    return sync([&] {
        handle_cast<FirewallRule>(hRule);
        tree_set_text<FirewallRule>(hRule, "LocalNetAddress", line_arg(sAddr));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlFirewallRule_GetRemoteNetAddress(PRL_HANDLE hRule, PRL_STR sAddr, PRL_UINT32_PTR pnBufLength) {
    return sync([&] { return tree_get_text<FirewallRule>(hRule, "RemoteNetAddress", sAddr, pnBufLength); });
}

PRL_RESULT PrlFirewallRule_SetRemoteNetAddress(PRL_HANDLE hRule, PRL_CONST_STR sAddr) {
    return sync([&] {
        handle_cast<FirewallRule>(hRule);
        tree_set_text<FirewallRule>(hRule, "RemoteNetAddress", line_arg(sAddr));
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
