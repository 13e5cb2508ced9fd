// PrlSrv_GetNetworkShapingList / PrlSrv_UpdateNetworkShapingList: deprecated
// since the shaping configuration became one object
// (PrlSrv_GetNetworkShapingConfig / PrlSrv_UpdateNetworkShapingConfig,
// net_policy.cpp). The SDK's own bodies start no job: whatever the
// arguments, they return PRL_INVALID_HANDLE (and PrlJob_Wait on that answers
// PRL_ERR_INVALID_ARG). prlshim answers the same, so a client written for the
// original sees the same outcome.
#include "boundary.h"

extern "C" {

PRL_HANDLE PrlSrv_UpdateNetworkShapingList(PRL_HANDLE, PRL_HANDLE, PRL_UINT32) { return PRL_INVALID_HANDLE; }

PRL_HANDLE PrlSrv_GetNetworkShapingList(PRL_HANDLE, PRL_UINT32) { return PRL_INVALID_HANDLE; }

}  // extern "C"
