/* Virtuozzo.h: everything of the SDK in one include. Hand-written. */
#ifndef PRLSDK_VIRTUOZZO_H
#define PRLSDK_VIRTUOZZO_H

#include "PrlApi.h"
#include "PrlDisk.h"
#include "PrlFs.h"
#include "PrlKeys.h"
#include "PrlPerfCounters.h"
#include "PrlPluginClasses.h"
#include "PrlPorts.h"

#endif /* PRLSDK_VIRTUOZZO_H */
