// Helpers the daemon's tests share: VMs made through a client of the daemon,
// its running tasks, waiting for a condition.
#pragma once
#include "capi.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace daemon_test {

// A server handle logged in to the local service (the daemon of the state root).
capi::Handle local_login();
std::string vm_uuid(PRL_HANDLE vm);
// The server's backup tree (PrlSrv_GetBackupTree of every VM), as XML.
std::string backup_tree(PRL_HANDLE server);
// Registers a VM with one disk (8 MiB unless told) through `server`.
capi::Handle make_vm(PRL_HANDLE server, const char* name, PRL_UINT32 disk_mib = 8);
std::size_t vm_count(PRL_HANDLE server);
// Fills the VM's first disk with `mib` MiB of bytes that do not compress.
void fill_disk(PRL_HANDLE vm, std::size_t mib);
// The running tasks a new local login is told of.
std::size_t running_tasks();
// PrlSrv_Login to the daemon on this host's `port` over TLS: its code.
PRL_RESULT login(PRL_HANDLE server, std::uint16_t port, const char* user, const char* password);
// What a shell command prints (its exit status must be 0).
std::string output_of(const std::string& command);
// Polls `condition` for up to 20 s.
bool eventually(const std::function<bool()>& condition);

}  // namespace daemon_test
