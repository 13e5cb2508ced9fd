// The client's pinned server fingerprints (trust on first use): a text file
// of lines "host:port SHA256:hex"; blank lines and '#' comments allowed.
#pragma once
#include <filesystem>
#include <optional>
#include <string>

namespace prl::remote {

// The fingerprint pinned for `endpoint` ("host:port"), if any. A missing
// file has none; a malformed line: service::Error(corrupt).
std::optional<std::string> known_fingerprint(const std::filesystem::path& file, const std::string& endpoint);

// Adds "endpoint fingerprint" to the file (made 0600, its directory 0700
// if missing), replacing the file atomically.
void pin_fingerprint(const std::filesystem::path& file, const std::string& endpoint, const std::string& fingerprint);

}  // namespace prl::remote
