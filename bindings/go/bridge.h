/* The event callback bridge: prlshim_go_trampoline (bridge.c) is the
 * PRL_EVENT_HANDLER_PTR the SDK calls; it passes the handle and the user data
 * (a runtime/cgo.Handle) on to the Go function prlshimGoEvent (export.go). */
#ifndef PRLSDK_GO_BRIDGE_H
#define PRLSDK_GO_BRIDGE_H

#include <stdint.h>
#include <PrlApi.h>

PRL_RESULT prlshim_go_trampoline(PRL_HANDLE h, PRL_VOID_PTR user);

static inline PRL_RESULT go_reg_srv_handler(uintptr_t server, uintptr_t user) {
	return PrlSrv_RegEventHandler((PRL_HANDLE)server, prlshim_go_trampoline, (PRL_VOID_PTR)user);
}

static inline PRL_RESULT go_unreg_srv_handler(uintptr_t server, uintptr_t user) {
	return PrlSrv_UnregEventHandler((PRL_HANDLE)server, prlshim_go_trampoline, (PRL_VOID_PTR)user);
}

#endif
