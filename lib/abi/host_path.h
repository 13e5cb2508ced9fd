// Paths on the service's host given by a client (remote file system browsing,
// free disk space, VM search): checked once, before any job starts.
#pragma once

#include <PrlTypes.h>

#include <string>

namespace prl::abi {

// The longest path accepted, in bytes (PATH_MAX less the terminating NUL).
constexpr std::size_t kMaxHostPath = 4095;

// A path argument: not null, valid UTF-8, no control characters, at most
// kMaxHostPath bytes (PRL_ERR_INVALID_ARG otherwise). An empty path passes:
// the service answers it with its own code.
std::string host_path_arg(PRL_CONST_STR path);

// Same, and it must be absolute (PRL_ERR_INVALID_ARG otherwise); the result
// is lexically normal ("/a/./b/../c/" -> "/a/c").
std::string absolute_host_path(const std::string& path);

// prefix[delimiter N]suffix, the first name not taken in `dir` (compared
// without regard to case, as the product does); "tmpfile" without a prefix
// (PrlSrv_FsGenerateEntryName, PrlVm_GenerateVmDevFilename).
std::string generate_name(const std::string& dir, std::string prefix, const std::string& suffix,
                          const std::string& delimiter);

}  // namespace prl::abi
