/* PrlErrors.h: the PRL_RESULT codes and the macros that test them. Hand-written. */
#ifndef PRLSDK_PRLERRORS_H
#define PRLSDK_PRLERRORS_H

#include "PrlTypes.h"
#include "PrlErrorsValues.h"

/* A PRL_RESULT is a failure when its high bit is set, i.e. when it is negative. */
#define PRL_FAILED(result) ((result) < 0)
#define PRL_SUCCEEDED(result) ((result) >= 0)

#endif /* PRLSDK_PRLERRORS_H */
