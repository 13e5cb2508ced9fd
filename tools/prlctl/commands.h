// The prlctl actions and prlsrvctl's. Each returns the PRL_RESULT that
// decides the exit status (common.h: exit_status) or throws Error.
#pragma once

#include "common.h"

namespace prlctl {

int list(PRL_HANDLE server, const CommandLine& cl);             // list.cpp
int vm_action(PRL_HANDLE server, const CommandLine& cl);        // actions.cpp: power, status, guest commands
int create(PRL_HANDLE server, const CommandLine& cl);           // manage.cpp
int register_vm(PRL_HANDLE server, const CommandLine& cl);      // manage.cpp
int set(PRL_HANDLE server, const CommandLine& cl);              // manage.cpp
int clone(PRL_HANDLE server, const CommandLine& cl);            // manage.cpp
int snapshot_action(PRL_HANDLE server, const CommandLine& cl); // snapshots.cpp: snapshot, snapshot-list/-switch/-delete
int server_info(PRL_HANDLE server, const CommandLine& cl);      // server_info.cpp
int user_action(PRL_HANDLE server, const CommandLine& cl);      // users.cpp: prlsrvctl user list / set

// backups.cpp: backup, backup-list, restore, backup-delete. They read their
// own options (the product's rules for stray words differ per action) and
// return the exit status.
bool is_backup_action(const std::string& action);
int backup_action(int argc, char** argv);
// networks.cpp: prlsrvctl net (list, info, add, set, del). Returns the exit status.
int net_action(int argc, char** argv);
// server_settings.cpp: prlsrvctl set. Returns the exit status.
int server_set(int argc, char** argv);

}  // namespace prlctl
