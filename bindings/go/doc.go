// Package prlsdk is the Go binding of the Virtuozzo (Parallels) Virtualization
// SDK C API as prlshim provides it (libprl_sdk, found with
// `pkg-config parallels-sdk`).
//
// A program calls Init once, creates a Server with NewServer, logs in with
// LoginLocal and then works with VMs and backups; Deinit comes last.
//
//	if err := prlsdk.Init(); err != nil { ... }
//	defer prlsdk.Deinit()
//	srv, _ := prlsdk.NewServer()
//	defer srv.Close()
//	_ = srv.LoginLocal(ctx)
//	vm, _ := srv.CreateVM(ctx, "vm1", &prlsdk.CreateOptions{DiskSizeMB: 256})
//	id, _ := srv.Backup(ctx, vm, nil)
//
// Errors. Every failure is an *Error carrying the PRL_RESULT code and the
// library's description of it. errors.Is matches it against the sentinels
// (ErrVMNotFound, ErrCanceled, ...) and against any Result constant
// (errors.Is(err, prlsdk.PRL_ERR_VM_UUID_NOT_FOUND)).
//
// Contexts. Every call that runs an SDK job takes a context. When the context
// is done while the job runs, the job is cancelled with PrlJob_Cancel and the
// call waits for the job to stop, so its outcome is known when the call
// returns: a job that stopped because of the cancel gives an *Error with code
// PRL_ERR_OPERATION_WAS_CANCELED that also matches ctx.Err() (errors.Is(err,
// context.Canceled) or context.DeadlineExceeded); a job that finished anyway
// gives its normal result.
//
// Handles. Server, VM and the other objects own an SDK handle. Close releases
// it; a finalizer releases it too if Close was forgotten, but handles are cheap
// only while they are few, so Close what you are done with. Objects are safe
// for concurrent use to the extent the SDK is (every SDK function may be
// called from any thread).
//
// Events. Server.Events delivers the server's events on a channel. The SDK
// calls the package's C callback on its own dispatcher thread; the callback
// copies the event into an Event value, frees the SDK's handle and hands the
// value to the channel without ever blocking: when the channel's buffer is
// full the event is dropped and counted (Server.DroppedEvents). Size the
// buffer with EventsBuffered if your consumer can fall behind.
//
// Constants. zconstants.go holds the SDK constants of the groups the package
// uses (PRL_RESULT, PRL_EVENT_TYPE, VIRTUAL_MACHINE_STATE, ...), with their
// SDK names, typed, and generated from the project's definitions table
// (lib/abi/defs) by internal/gen; so are the C shims in zshim.h.
package prlsdk

//go:generate go run ./internal/gen -defs ../../lib/abi/defs -out .
