// The commands. Each add_* function declares its subcommands on the CLI11 app
// and registers the action that runs when that subcommand was given.
#pragma once

#include "session.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <utility>
#include <vector>

namespace prlshim {

using Action = std::function<int(Session&)>;
using Registry = std::vector<std::pair<CLI::App*, Action>>;

void add_vm_commands(CLI::App& app, Registry& registry);      // commands_vm.cpp
void add_backup_commands(CLI::App& app, Registry& registry);  // commands_backup.cpp
void add_misc_commands(CLI::App& app, Registry& registry);    // commands_misc.cpp: events, tasks

}  // namespace prlshim
