/* PrlApiMacro.h: calling convention, export and packing macros used by every
 * prlshim header. Hand-written (not generated). */
#ifndef PRLSDK_PRLAPIMACRO_H
#define PRLSDK_PRLAPIMACRO_H

/* Calling convention of every SDK function: the platform's default C one. */
#ifndef PRL_CALL
#define PRL_CALL
#endif

/* Marks the SDK's exported functions. */
#if defined(__GNUC__) || defined(__clang__)
#define PRL_DLLEXPORT __attribute__((visibility("default")))
#else
#define PRL_DLLEXPORT
#endif

#ifdef __cplusplus
#define PRL_EXTERN extern "C"
#else
#define PRL_EXTERN extern
#endif

/* The SDK's I/O structures have no padding (alignment 1). */
#if defined(__GNUC__) || defined(__clang__)
#define PRL_PACKED __attribute__((packed))
#else
#error "prlshim's packed SDK structures need a GCC-compatible compiler"
#endif

/* Marks a parameter a function body does not use. */
#define PRL_UNUSED(x) ((void)(x))

#endif /* PRLSDK_PRLAPIMACRO_H */
