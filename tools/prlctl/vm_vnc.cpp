#include "vm_vnc.h"

#include "option_values.h"
#include "report.h"
#include "vm_devices.h"

#include <cstdio>
#include <iostream>

namespace prlctl {
namespace {

const char* mode_word(int mode) {
    return mode == PRD_AUTO ? "auto" : mode == PRD_MANUAL ? "manual" : mode == PRD_DISABLED ? "off" : "";
}

// A setter's failure: the product names the setter and nothing else.
void check_named(PRL_RESULT rc, const char* name) {
    if (PRL_FAILED(rc)) throw ApplyError{rc, name};
}

// "-": the password is read from the terminal (or stdin), as the product does.
std::string password_from_terminal() {
    std::fputs("Please, enter VNC console password: ", stdout);
    std::fflush(stdout);
    std::string line;
    if (!std::getline(std::cin, line)) throw ApplyError{-1, "Failed to read password for VNC console"};
    return line;
}

}  // namespace

VncChange read_vnc(const CommandLine& cl) {
    VncChange v;
    if (cl.has("vnc-mode")) {
        const std::string m = cl.get("vnc-mode");
        v.mode = m == "off" ? PRD_DISABLED : m == "auto" ? PRD_AUTO : m == "manual" ? PRD_MANUAL : -1;
        if (v.mode == -1) throw Error{1, "An incorrect value for --vnc-mode is specified: " + m};
    }
    if (cl.has("vnc-port")) {
        const auto port = unsigned_value(cl.get("vnc-port"));
        if (!port) throw Error{1, "An incorrect value for --vnc-port is specified: " + cl.get("vnc-port")};
        v.port = *port;
    }
    v.address = cl.get("vnc-address");
    v.password = cl.get("vnc-passwd");
    v.no_password = cl.has("vnc-nopasswd");
    return v;
}

void apply_vnc(PRL_HANDLE cfg, const VncChange& change) {
    bool updated = false;
    if (change.mode != -1) {
        PRL_VM_REMOTE_DISPLAY_MODE current = PRD_DISABLED;
        PrlVmCfg_GetVNCMode(cfg, &current);
        const bool switching = static_cast<int>(current) != change.mode;
        if (change.mode != PRD_DISABLED && switching && change.password.empty() && !change.no_password)
            throw ApplyError{-1, "A password is required to enable VNC support, or the --vnc-nopasswd option must be used."};
        if (change.mode == PRD_MANUAL && switching && change.port == 0)
            throw ApplyError{-1, "A port is required to enable VNC support in manual mode"};
        check_named(PrlVmCfg_SetVNCMode(cfg, static_cast<PRL_VM_REMOTE_DISPLAY_MODE>(change.mode)), "PrlVmCfg_SetVNCMode");
        updated = true;
    }
    if (change.port > 0) {
        check_named(PrlVmCfg_SetVNCPort(cfg, change.port), "PrlVmCfg_SetVNCPort");
        updated = true;
    }
    if (!change.address.empty()) {  // the product names the getter here
        check_named(PrlVmCfg_SetVNCHostName(cfg, change.address.c_str()), "PrlVmCfg_GetVNCHostName");
        updated = true;
    }
    if (!change.password.empty() || change.no_password) {
        std::string password = change.password == "-" ? password_from_terminal() : change.password;
        const PRL_RESULT rc = PrlVmCfg_SetVNCPassword(cfg, password.c_str());
        password.assign(password.size(), '\0');
        check_named(rc, "PrlVmCfg_SetVNCPassword");
        updated = true;
    }
    if (!updated) return;
    // What was asked for, not what the VM now has: the product prints its options.
    Report r(false);
    r.group("Remote display");
    if (change.mode != -1) r.str("mode", mode_word(change.mode), true);
    if (change.port > 0) r.num("port", change.port, "", true);
    if (!change.address.empty()) r.str("address", change.address, true);
    r.end(true);
    say("Configure VNC: " + r.text());
}

}  // namespace prlctl
