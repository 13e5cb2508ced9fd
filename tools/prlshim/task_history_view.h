// prlshim tasks --history / --steps: the task history prlshimd keeps for this
// state root, read straight from its database (docs/daemon.md, "Tasks"):
// there is no SDK call for it, and it outlives the daemon.
#pragma once

#include <string>

namespace prlshim {

struct HistoryOptions {
    bool json = false;
    unsigned limit = 50;   // newest first
    std::string steps_of;  // a task's UUID: its logged progress steps instead
};

int show_task_history(const HistoryOptions& options);

}  // namespace prlshim
