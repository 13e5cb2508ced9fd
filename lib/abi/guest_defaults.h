// The SDK's per-guest defaults that more than one entry point needs
// (defined in vm_cfg.cpp).
#pragma once

#include <cstdint>

namespace prl::abi {

// The SDK's default size of the first hard disk for a guest OS version, MiB
// (PrlVmCfg_GetDefaultHddSize, and the disk PrlVmCfg_AddDefaultDevice adds).
std::uint64_t default_hdd_mib(unsigned version);

}  // namespace prl::abi
