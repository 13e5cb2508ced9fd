// prlctl set's remote display (VNC) options: --vnc-mode, --vnc-port,
// --vnc-address, --vnc-passwd, --vnc-nopasswd.
#pragma once

#include "common.h"

#include <string>

namespace prlctl {

struct VncChange {
    int mode = -1;  // PRL_VM_REMOTE_DISPLAY_MODE, -1: not given
    PRL_UINT32 port = 0;
    std::string address, password;
    bool no_password = false;
};

// The options' values, checked as the product checks them (throws Error).
VncChange read_vnc(const CommandLine& cl);
// Applies them; prints "Configure VNC: ..." when something was set; throws
// ApplyError (a password or port that enabling needs is missing, a setter failed).
void apply_vnc(PRL_HANDLE cfg, const VncChange& change);

}  // namespace prlctl
