// Identifiers: VM/chain UUIDs ("{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}") and
// backup ids ("{chain-uuid}" for a full, "{chain-uuid}.N" for element N).
// Everything that becomes a path component passes through here first, so a
// hostile string can never name a file outside the repository.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace prl::backup {

// Canonical form "{lowercase-uuid}"; accepts braces optional, any hex case.
std::optional<std::string> canonical_uuid(std::string_view s);
std::string new_uuid();
// The directory name for a canonical uuid: the uuid without braces.
std::string uuid_dir_name(const std::string& canonical);

struct BackupId {
    std::string chain;    // canonical "{uuid}"
    uint32_t number = 1;  // 1 = the full element
    std::string str() const;
};
// nullopt when not well formed (throws nothing).
std::optional<BackupId> parse_backup_id(std::string_view s);

// True when s is valid UTF-8 without characters XML 1.0 cannot carry.
bool is_xml_safe_utf8(std::string_view s);

}  // namespace prl::backup
