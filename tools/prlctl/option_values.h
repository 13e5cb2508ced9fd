// Option values read as the product's tools read them: on/off words,
// unsigned numbers, sizes with a unit suffix.
#pragma once

#include <PrlTypes.h>

#include <optional>
#include <string>
#include <vector>

namespace prlctl {

// 1 for "on"/"yes", 0 for "off"/"no", -1 otherwise.
int on_off(const std::string& v);
// A whole unsigned 32-bit number, nothing after it ("" is 0).
std::optional<PRL_UINT32> unsigned_value(const std::string& v);
// A number with an optional B/K/M/G/T suffix (any case): in MB when
// `in_mb` (a bare number is MB), else in bytes (a bare number is MB too).
// Past 32 bits it says the valid range on stderr, as the product does.
std::optional<PRL_UINT32> size_value(const std::string& v, bool in_mb);

// Words separated by any of `separators`, empty ones dropped (the product's
// split of --nameserver and --searchdomain lists at " ,").
std::vector<std::string> split_words(const std::string& text, const std::string& separators);

// An IPv6 address in its canonical form ("fd00:0::1" -> "fd00::1");
// anything else (IPv4, not an address) unchanged.
std::string canonical_ip(const std::string& ip);

}  // namespace prlctl
