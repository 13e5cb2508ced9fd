// Output: tables as prlctl prints them, JSON (docs/cli-json.md), names for
// states, types and OS families.
#pragma once

#include <prlsdk/PrlApi.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace prlshim {

using Json = nlohmann::ordered_json;

// "running", "stopped", ... (prlctl's words).
std::string state_name(VIRTUAL_MACHINE_STATE state);
// "linux", "windows", ... for a PVS_GUEST_TYPE_*.
std::string os_type_name(PRL_UINT32 os_type);
// The PVS_GUEST_VER_*_OTHER version for a family name; 0 when unknown.
PRL_UINT32 os_version_for(const std::string& family);
// The family names os_version_for accepts.
std::vector<std::string> os_family_names();
// "PET_DSP_EVT_VM_STATE_CHANGED" or the number.
std::string event_type_name(PRL_EVENT_TYPE type);

// A column of a table: header and printf-style width (negative: left-aligned).
struct Column {
    std::string header;
    int width;
};
// Prints rows with the columns' widths; the last column is not padded.
void print_table(const std::vector<Column>& columns, const std::vector<std::vector<std::string>>& rows,
                 bool header = true);

// Prints JSON, two-space indented, with a final newline.
void print_json(const Json& j);

// "2024-05-01 12:00:00" (local time) from an xs:dateTime; the input unchanged if unparsable.
std::string local_time(const std::string& xs_datetime);

// stdout is a terminal.
bool stdout_is_tty();

}  // namespace prlshim
