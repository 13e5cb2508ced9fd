// Random names from the kernel's generator (getrandom(2)), for temp files,
// pack names and ids that must not collide across processes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace prl::platform {

// 2*bytes lowercase hex digits.
std::string random_hex(std::size_t bytes);
// Never 0.
std::uint64_t random_u64();

}  // namespace prl::platform
