/* Parallels.h: the older name of Virtuozzo.h, still included by existing
 * clients (libvirt's vz driver among them). Hand-written. */
#ifndef PRLSDK_PARALLELS_H
#define PRLSDK_PARALLELS_H
#include "Virtuozzo.h"
#endif /* PRLSDK_PARALLELS_H */
