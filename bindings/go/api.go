package prlsdk

/*
#include <stdlib.h>
#include "zshim.h"
*/
import "C"

// Init starts the SDK (PrlApi_InitEx in server mode). Call it once before
// anything else; Deinit ends it.
func Init() error {
	return check("PrlApi_InitEx", C.go_PrlApi_InitEx(C.PARALLELS_API_VER, C.PAM_SERVER, 0, 0))
}

// Deinit ends the SDK (PrlApi_Deinit): it closes every event channel, then the
// SDK cancels running jobs and releases every handle, so objects still open
// become unusable (their calls fail with ErrInvalidArg or ErrNotInitialized).
func Deinit() error {
	stopAllSubscriptions()
	return check("PrlApi_Deinit", C.go_PrlApi_Deinit())
}

// SetLogPath makes the library write its log to path (PrlApi_SetLogPath).
func SetLogPath(path string) error {
	p, done := cstring(path)
	defer done()
	return check("PrlApi_SetLogPath", C.go_PrlApi_SetLogPath(p))
}
