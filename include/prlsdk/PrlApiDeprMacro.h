/* PrlApiDeprMacro.h: kept so that code including it by name still compiles;
 * deprecated functions are declared like all others. Hand-written. */
#ifndef PRLSDK_PRLAPIDEPRMACRO_H
#define PRLSDK_PRLAPIDEPRMACRO_H
#include "PrlApiMacro.h"
#endif /* PRLSDK_PRLAPIDEPRMACRO_H */
