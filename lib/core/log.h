// Logging: levels, to a file (PrlApi_SetLogPath) and/or stderr
// (PrlApi_SwitchConsoleLogging, off by default). PRLSHIM_LOG_LEVEL
// (error, warning, info, debug) sets the threshold; warning by default.
#pragma once

#include <string>

namespace prl::log {

enum class Level { error = 0, warning = 1, info = 2, debug = 3 };

void write(Level level, const std::string& message);
inline void error(const std::string& m) { write(Level::error, m); }
inline void warning(const std::string& m) { write(Level::warning, m); }
inline void info(const std::string& m) { write(Level::info, m); }
inline void debug(const std::string& m) { write(Level::debug, m); }

void set_console(bool on);
// Opens (appends to) the log file; false if it cannot be opened.
bool set_path(const std::string& path);
void set_level(Level level);

}  // namespace prl::log
