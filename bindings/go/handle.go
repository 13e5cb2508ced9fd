package prlsdk

/*
#cgo pkg-config: parallels-sdk
#include <stdlib.h>
#include "zshim.h"
*/
import "C"

import (
	"runtime"
	"sync/atomic"
	"unsafe"
)

// handle owns one reference to an SDK handle. The id is kept as a uintptr and
// reaches C through the uintptr_t shims of zshim.h only: SDK handles are
// numbers in a pointer type, which Go code must never hold as a pointer.
type handle struct {
	id atomic.Uintptr
}

// own takes the reference h carries; it is released by close or, failing
// that, by a finalizer. own(0) gives nil.
func own(h C.uintptr_t) *handle {
	if h == 0 {
		return nil
	}
	x := &handle{}
	x.id.Store(uintptr(h))
	runtime.SetFinalizer(x, func(x *handle) { x.close() })
	return x
}

// get gives the id, 0 for a nil or closed handle (the SDK answers
// PRL_ERR_INVALID_ARG to it). Callers keep x alive across the C call with
// runtime.KeepAlive so a finalizer cannot free the handle during it.
func (x *handle) get() C.uintptr_t {
	if x == nil {
		return 0
	}
	return C.uintptr_t(x.id.Load())
}

// close releases the reference once; later calls do nothing.
func (x *handle) close() error {
	if x == nil {
		return nil
	}
	id := x.id.Swap(0)
	if id == 0 {
		return nil
	}
	runtime.SetFinalizer(x, nil)
	rc := C.go_PrlHandle_Free(C.uintptr_t(id))
	// After Deinit every handle is already gone: nothing to report.
	if Result(rc) == PRL_ERR_API_WASNT_INITIALIZED {
		return nil
	}
	return check("PrlHandle_Free", rc)
}

// free releases a handle the package only borrows for a moment.
func free(h C.uintptr_t) {
	if h != 0 {
		C.go_PrlHandle_Free(h)
	}
}

// getString reads a string out-parameter following the SDK's buffer rule:
// ask for the size, then fetch, again if it grew meanwhile.
func getString(op string, f func(buf *C.char, n *C.PRL_UINT32) C.PRL_RESULT) (string, error) {
	var n C.PRL_UINT32
	if err := check(op, f(nil, &n)); err != nil {
		return "", err
	}
	for try := 0; try < 8; try++ {
		if n == 0 {
			n = 1
		}
		buf := make([]byte, int(n))
		size := n
		rc := f((*C.char)(unsafe.Pointer(&buf[0])), &size)
		if Result(rc) == PRL_ERR_BUFFER_OVERRUN {
			n = size
			continue
		}
		if err := check(op, rc); err != nil {
			return "", err
		}
		for i, c := range buf {
			if c == 0 {
				return string(buf[:i]), nil
			}
		}
		return string(buf), nil
	}
	return "", &Error{Code: int32(PRL_ERR_BUFFER_OVERRUN), Op: op, Text: "the value kept growing"}
}

// cstring gives a C copy of s and the function that frees it.
func cstring(s string) (*C.char, func()) {
	p := C.CString(s)
	return p, func() { C.free(unsafe.Pointer(p)) }
}

// handleType gives the SDK type of a handle.
func handleType(h C.uintptr_t) HandleType {
	var t C.PRL_HANDLE_TYPE
	if C.go_PrlHandle_GetType(h, &t) < 0 {
		return PHT_ERROR
	}
	return HandleType(t)
}

// keepAlive keeps x (and so its handle) alive up to the point of the call.
func keepAlive(x *handle) { runtime.KeepAlive(x) }
