package prlsdk

// This file holds the //export of the event bridge; cgo allows only
// declarations in its preamble.

/*
#include <stdint.h>
#include <PrlApi.h>
*/
import "C"

import "runtime/cgo"

// prlshimGoEvent is called by the SDK's dispatcher thread for every item
// (event or finished job) of a server a subscription listens to. It owns h and
// frees it; it never blocks and never lets a panic reach C.
//
//export prlshimGoEvent
func prlshimGoEvent(h C.uintptr_t, user C.uintptr_t) (rc C.PRL_RESULT) {
	defer func() {
		if recover() != nil {
			rc = C.PRL_RESULT(PRL_ERR_UNEXPECTED)
		}
	}()
	defer free(h)
	sub, ok := cgo.Handle(user).Value().(*subscription)
	if !ok || handleType(h) != PHT_EVENT {
		return 0
	}
	sub.deliver(readEvent(h))
	return 0
}
