package prlsdk

/*
#include "zshim.h"
*/
import "C"

import (
	"strings"
)

// Error is a failed SDK call: the PRL_RESULT code and its description.
type Error struct {
	Code int32  // the PRL_RESULT, negative
	Text string // the library's description (the job's own message when it has one)
	Op   string // the SDK function that failed, e.g. "PrlSrv_CreateVmBackupEx"

	cause error // ctx.Err() for a call cancelled through its context
}

// Result gives the code as a Result.
func (e *Error) Result() Result { return Result(e.Code) }

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("prlsdk: ")
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	b.WriteString(Result(e.Code).String())
	if e.Text != "" {
		b.WriteString(": ")
		b.WriteString(e.Text)
	}
	if e.cause != nil {
		b.WriteString(" (")
		b.WriteString(e.cause.Error())
		b.WriteString(")")
	}
	return b.String()
}

// Is reports whether target is an *Error or a Result with the same code, so
// errors.Is(err, prlsdk.ErrVMNotFound) and
// errors.Is(err, prlsdk.PRL_ERR_VM_UUID_NOT_FOUND) both work.
func (e *Error) Is(target error) bool {
	switch t := target.(type) {
	case *Error:
		return t != nil && t.Code == e.Code
	case Result:
		return int32(t) == e.Code
	}
	return false
}

// Unwrap gives the context's error for a call cancelled through its context.
func (e *Error) Unwrap() error { return e.cause }

// Error makes a Result usable as an errors.Is target; it gives the SDK's name
// of the code.
func (r Result) Error() string { return "prlsdk: " + r.String() }

// Failed reports whether the code is a failure (PRL_FAILED).
func (r Result) Failed() bool { return r < 0 }

// Sentinels for the codes programs most often test for; compare with errors.Is.
var (
	ErrInvalidArg          = &Error{Code: int32(PRL_ERR_INVALID_ARG)}
	ErrInvalidParam        = &Error{Code: int32(PRL_ERR_INVALID_PARAM)}
	ErrCanceled            = &Error{Code: int32(PRL_ERR_OPERATION_WAS_CANCELED)}
	ErrTimeout             = &Error{Code: int32(PRL_ERR_TIMEOUT)}
	ErrUnimplemented       = &Error{Code: int32(PRL_ERR_UNIMPLEMENTED)}
	ErrNotInitialized      = &Error{Code: int32(PRL_ERR_API_WASNT_INITIALIZED)}
	ErrNotConnected        = &Error{Code: int32(PRL_ERR_NOT_CONNECTED_TO_DISPATCHER)}
	ErrVMNotFound          = &Error{Code: int32(PRL_ERR_VM_UUID_NOT_FOUND)}
	ErrVMNameTaken         = &Error{Code: int32(PRL_ERR_VM_ALREADY_REGISTERED_VM_NAME)}
	ErrVMAlreadyRegistered = &Error{Code: int32(PRL_ERR_VM_ALREADY_REGISTERED_VM_UUID)}
	ErrVMNotStarted        = &Error{Code: int32(PRL_ERR_DISP_VM_IS_NOT_STARTED)}
	ErrVMNotStopped        = &Error{Code: int32(PRL_ERR_DISP_VM_IS_NOT_STOPPED)}
	ErrBackupNotFound      = &Error{Code: int32(PRL_ERR_BACKUP_BACKUP_UUID_NOT_FOUND)}
	ErrRestoreVMRunning    = &Error{Code: int32(PRL_ERR_BACKUP_RESTORE_VM_RUNNING)}
)

// Describe gives the library's description of a code
// (PrlApi_GetResultDescription); brief selects the one-line form.
func Describe(code Result, brief bool) string {
	b := C.PRL_BOOL(C.PRL_FALSE)
	if brief {
		b = C.PRL_TRUE
	}
	s, err := getString("PrlApi_GetResultDescription", func(buf *C.char, n *C.PRL_UINT32) C.PRL_RESULT {
		return C.go_PrlApi_GetResultDescription(C.PRL_RESULT(code), b, C.PRL_FALSE, buf, n)
	})
	if err != nil {
		return ""
	}
	return s
}

// check turns a sync call's code into an error (nil on success).
func check(op string, rc C.PRL_RESULT) error {
	if rc >= 0 {
		return nil
	}
	return &Error{Code: int32(rc), Text: Describe(Result(rc), false), Op: op}
}
