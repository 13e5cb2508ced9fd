/* PrlApi.h: the whole Virtuozzo SDK C API as prlshim provides it. Hand-written.
 *
 * Conventions every function follows
 * ----------------------------------
 * 1. Start-up. Call PrlApi_InitEx (or PrlApi_Init) before anything else and
 *    PrlApi_Deinit last. Other calls made outside that window fail with
 *    PRL_ERR_API_WASNT_INITIALIZED.
 * 2. Errors. Synchronous functions return a PRL_RESULT: PRL_ERR_SUCCESS (0) or
 *    a positive informational code on success, a negative code on failure
 *    (test with PRL_SUCCEEDED / PRL_FAILED). PrlApi_GetResultDescription turns
 *    any code into text. Asynchronous functions return a job handle
 *    (PHT_JOB); wait for it with PrlJob_Wait and read the outcome with
 *    PrlJob_GetRetCode, PrlJob_GetResult and PrlJob_GetError. PrlJob_Wait
 *    returns PRL_ERR_SUCCESS once the job has finished, however it ended
 *    (PRL_ERR_TIMEOUT if it has not): the job's own code is GetRetCode's.
 * 3. Arguments. A null, freed, stale or wrong-type handle, or a null pointer
 *    where a value is to be stored, gives PRL_ERR_INVALID_ARG; the library never
 *    crashes on one.
 * 4. Ownership. Every handle the library gives you (results, parameters, list
 *    items, the handle passed to an event callback) carries one reference that
 *    you own: release it with PrlHandle_Free. PrlHandle_AddRef takes another.
 * 5. Buffers. Strings are UTF-8. A (PRL_STR buf, PRL_UINT32_PTR len) pair works
 *    so: with buf NULL or *len 0, *len receives the size needed (terminating
 *    NUL included); with a buffer of *len bytes that is too small, the call
 *    fails with PRL_ERR_BUFFER_OVERRUN, sets *len to the size needed and leaves
 *    in buf what fits (*len - 1 bytes and a NUL); otherwise the string is
 *    copied and *len is set to the bytes written, NUL included.
 * 6. Threads. Every function may be called from any thread. Event callbacks
 *    (PrlSrv_RegEventHandler, PrlVm_RegEventHandler, PrlHandle_RegEventHandler)
 *    run on a library thread, never on the caller's, and may call back into the
 *    API, including unregistering themselves. Unregistering from another thread
 *    waits for a callback in flight to return.
 * 7. Not implemented. Functions prlshim does not implement yet return
 *    PRL_ERR_UNIMPLEMENTED, or a job finished with it (docs/api-coverage.md).
 */
#ifndef PRLSDK_PRLAPI_H
#define PRLSDK_PRLAPI_H

#include "PrlApiMacro.h"
#include "PrlTypes.h"
#include "PrlErrors.h"
#include "PrlEnums.h"
#include "PrlEventsValues.h"
#include "PrlCommandsFlags.h"
#include "PrlIOStructs.h"
#include "PrlOses.h"
#include "PrlApiVersion.h"
#include "PrlApiCore.h"
#include "PrlApiDisp.h"
#include "PrlApiVm.h"
#include "PrlApiCt.h"
#include "PrlApiNet.h"
#include "PrlApiStat.h"
#include "PrlApiDeprecated.h"

#endif /* PRLSDK_PRLAPI_H */
