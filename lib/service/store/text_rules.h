// What names and text the store accepts: everything it writes must be valid
// UTF-8 (XML demands it) and names become one path component.
#pragma once
#include <string>

namespace prl::service {

bool is_valid_utf8(const std::string& s);

// Text that may go into XML: valid UTF-8, no NUL or other C0 control
// characters except tab/newline/carriage return, at most `max_bytes`.
bool is_xml_safe_text(const std::string& s, std::size_t max_bytes);

// A VM/CT name usable as a directory name: non-empty, XML-safe, no '/',
// no control characters at all, not "." or "..", not starting with '.',
// at most 200 bytes (room for the ".pvm" suffix within NAME_MAX).
bool is_valid_entry_name(const std::string& name);
void check_entry_name(const std::string& name);  // throws invalid_argument

}  // namespace prl::service
