package prlsdk

/*
#include "zshim.h"
*/
import "C"

import (
	"context"
	"math"
)

const forever = C.PRL_UINT32(math.MaxUint32) // PrlJob_Wait without a timeout

// canceled is the error of a call whose context was done before or while it ran.
func canceled(op string, cause error) *Error {
	return &Error{Code: int32(PRL_ERR_OPERATION_WAS_CANCELED), Text: Describe(PRL_ERR_OPERATION_WAS_CANCELED, false),
		Op: op, cause: cause}
}

// run starts an SDK job with start, waits for it honouring ctx (a done context
// cancels the job with PrlJob_Cancel, then waits for the job to stop) and
// gives its result handle (nil when the job has none) or its error.
func run(ctx context.Context, op string, start func() C.uintptr_t) (*handle, error) {
	if err := ctx.Err(); err != nil {
		return nil, canceled(op, err)
	}
	job := start()
	if job == 0 {
		return nil, &Error{Code: int32(PRL_ERR_OUT_OF_MEMORY), Op: op, Text: Describe(PRL_ERR_OUT_OF_MEMORY, false)}
	}
	defer free(job)
	rc, cause := wait(ctx, job)
	if rc < 0 {
		e := &Error{Code: int32(rc), Op: op}
		var eh C.uintptr_t
		if C.go_PrlJob_GetError(job, &eh) >= 0 && eh != 0 {
			e.Text, _ = getString(op, func(buf *C.char, n *C.PRL_UINT32) C.PRL_RESULT {
				return C.go_PrlEvent_GetErrString(eh, C.PRL_FALSE, C.PRL_FALSE, buf, n)
			})
			free(eh)
		}
		if e.Text == "" {
			e.Text = Describe(Result(rc), false)
		}
		if Result(rc) == PRL_ERR_OPERATION_WAS_CANCELED {
			e.cause = cause
		}
		return nil, e
	}
	var result C.uintptr_t
	if err := check("PrlJob_GetResult", C.go_PrlJob_GetResult(job, &result)); err != nil {
		return nil, err
	}
	return own(result), nil
}

// waitCode waits for job to finish and gives its own code. As in the SDK,
// PrlJob_Wait says only whether the job finished (or that the handle is bad);
// the job's code is PrlJob_GetRetCode's.
func waitCode(job C.uintptr_t) C.PRL_RESULT {
	if rc := C.go_PrlJob_Wait(job, forever); rc < 0 {
		return rc
	}
	var code C.PRL_RESULT
	if rc := C.go_PrlJob_GetRetCode(job, &code); rc < 0 {
		return rc
	}
	return code
}

// wait waits for job and gives its code; when ctx is done first it cancels the
// job and waits for it to stop, giving ctx.Err() as the cause.
func wait(ctx context.Context, job C.uintptr_t) (C.PRL_RESULT, error) {
	if ctx.Done() == nil {
		return waitCode(job), nil
	}
	done := make(chan C.PRL_RESULT, 1)
	go func() { done <- waitCode(job) }()
	select {
	case rc := <-done:
		return rc, nil
	case <-ctx.Done():
		if c := C.go_PrlJob_Cancel(job); c != 0 {
			C.go_PrlJob_Wait(c, forever)
			free(c)
		}
		return <-done, ctx.Err()
	}
}

// resultParam gives the result's first parameter as a handle (PrlResult_GetParam).
func resultParam(r *handle, index int) (*handle, error) {
	defer keepAlive(r)
	var h C.uintptr_t
	if err := check("PrlResult_GetParamByIndex", C.go_PrlResult_GetParamByIndex(r.get(), C.PRL_UINT32(index), &h)); err != nil {
		return nil, err
	}
	return own(h), nil
}

// resultString gives the result's parameter index as a string.
func resultString(r *handle, index int) (string, error) {
	defer keepAlive(r)
	return getString("PrlResult_GetParamByIndexAsString", func(buf *C.char, n *C.PRL_UINT32) C.PRL_RESULT {
		return C.go_PrlResult_GetParamByIndexAsString(r.get(), C.PRL_UINT32(index), buf, n)
	})
}

// resultCount gives the number of parameters of a result.
func resultCount(r *handle) (int, error) {
	defer keepAlive(r)
	var n C.PRL_UINT32
	if err := check("PrlResult_GetParamsCount", C.go_PrlResult_GetParamsCount(r.get(), &n)); err != nil {
		return 0, err
	}
	return int(n), nil
}
