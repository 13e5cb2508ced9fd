#include "bridge.h"
#include "_cgo_export.h"

PRL_RESULT prlshim_go_trampoline(PRL_HANDLE h, PRL_VOID_PTR user) {
	return prlshimGoEvent((uintptr_t)h, (uintptr_t)user);
}
