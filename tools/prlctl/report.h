// Report: writes what prlctl prints in two forms, its plain text and its
// JSON, from one sequence of calls (docs/prlctl.md). Plain text: top-level
// "Key: value" lines, "Key:" sections with indented device lines, inline
// groups ("cpu sockets=1 cpus=2"); JSON: tab-indented objects with the same
// keys, lists of rows as arrays.
#pragma once

#include <cstdint>
#include <sstream>
#include <string>

namespace prlctl {

class Report {
public:
    explicit Report(bool json) : json_(json) {}
    bool json() const { return json_; }
    std::string text() const { return out_.str(); }

    void begin_object();  // JSON "{"
    void end_object();
    void begin_list();
    void end_list();
    void begin_row();
    void end_row();

    // A top-level "Key:" section (plain) or object (JSON).
    void section(const std::string& key);
    // An inline group: "  key a=1 b=2" on one line (plain) or an object.
    void group(const std::string& key);
    // A device line: "  hdd0 (+) ..." (plain) or an object.
    void device(const std::string& key);
    // "Key: (+)" / "Key: (-)" (plain) or an object with "enabled".
    void switch_section(const std::string& key, bool enabled);
    void end(bool inline_group);

    // Values. Outside a group: "Key: value" lines; inside: " key=value",
    // quoted " key='value'", or with the key hidden " value".
    enum Style { kPlain, kQuoted, kHidden };
    void str(const std::string& key, const std::string& value, bool in_group = false, Style style = kPlain);
    void num(const std::string& key, long long value, const std::string& suffix = "", bool in_group = false,
             bool hide_key = false);
    void flag(const std::string& key, bool value);  // plain: " key" when true; JSON: true/false
    void enabled(bool on);                          // plain: " (+)"/" (-)"; JSON "enabled"
    void uuid(const std::string& key, const std::string& braced);  // JSON drops the braces
    void uptime(const std::string& key, unsigned long long seconds, const std::string& since);

    // A host device line: "     hdd  name   'id'" (plain) or an object keyed by id.
    void host_device(const std::string& id, const std::string& name, const std::string& type);

    // A table cell: printf-style width (plain) or a JSON string.
    void cell(const std::string& key, const char* format, const std::string& value);

private:
    void key(const std::string& k);
    void tabs();
    std::ostringstream out_;
    bool json_;
    int depth_ = 0;
    bool first_ = true;
};

// A table column's printf format: the last column is not padded.
inline const char* column_format(const char* format, bool last) { return last ? "%s" : format; }

// "1 days 02:03:04" style, as prlctl shows an uptime.
std::string uptime_text(unsigned long long seconds);

}  // namespace prlctl
