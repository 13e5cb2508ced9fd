// One client connection of prlshimd: its login, then its calls, each run on
// a thread of its own so a long one (a backup) does not hold up the others
// and can be cancelled (docs/protocol.md, docs/daemon.md).
#pragma once
#include "backup_node.h"
#include "event_hub.h"
#include "login_throttle.h"
#include "session_registry.h"
#include "task_table.h"

#include "remote/channel.h"
#include "service/service.h"

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace prl::daemon {

struct Peer {
    std::string address;       // the client's IP address, or "unix"
    std::optional<uid_t> uid;  // on the Unix socket, the kernel's word for who connects
};

struct SessionContext {
    std::shared_ptr<service::Service> service;
    std::filesystem::path users_file;  // --users; empty: no password logins
    std::set<std::string> admins;      // --admin: users who see every VM
    std::string pam_service;           // --pam: system accounts through this PAM service; empty: none
    LoginThrottle* throttle = nullptr;
    EventHub* hub = nullptr;
    TaskTable* tasks = nullptr;
    SessionRegistry* sessions = nullptr;  // logins by session UUID (a backup source's); null: none
    // The repository a backup node call names no directory for (--repository:
    // a directory or rados:POOL, else the state root's default backup
    // directory); unset: no backup node.
    BackupStorageOpener backup_repository;
    std::size_t max_queued_events = 4096;  // per session; past it the client is disconnected
    std::chrono::milliseconds login_timeout{10000};  // an idle unauthenticated connection is dropped
    std::size_t max_calls_in_flight = 64;
};

// Serves the connection until the client leaves or breaks the protocol.
// Its long calls are tasks of the user's: they run on to their end after
// the session is gone (docs/daemon.md).
void serve(std::unique_ptr<remote::Channel> channel, const Peer& peer, const SessionContext& context);

}  // namespace prl::daemon
