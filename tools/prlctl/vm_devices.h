// prlctl set's device options: --device-del, --device-bootorder and
// --device-set for network adapters and optical drives, as the product's
// prlctl applies them (docs/prlctl.md).
#pragma once

#include "common.h"

#include <optional>
#include <string>
#include <vector>

namespace prlctl {

// A failure while a VM's settings are applied: its message, then the
// product's "Failed to configure the virtual machine.".
struct ApplyError {
    PRL_RESULT code;
    std::string message;
};

// A setter's failure while applying: ApplyError("<what>: <text>").
void check(PRL_RESULT rc, const std::string& what);

// --device-set NAME or --device-add KIND and the options that go with them.
struct DeviceChange {
    bool add = false;
    std::string kind;  // of --device-add: net, hdd, cdrom
    std::string name;  // of --device-set, or the added device's once made
    bool routed = false;                  // net: --type routed
    std::optional<PRL_UINT32> size;       // hdd: MB
    bool enable = false, disable = false, connect = false, disconnect = false;
    std::optional<std::string> network, mac, image;
    std::vector<std::string> ip_add, ip_del;  // "addr[/mask]", IPv6 in canonical form
    bool delete_all_ips = false;
    int dhcp = -1, dhcp6 = -1;
    std::string gateway, gateway6;  // "x": clear
};
// The device options of a command line, checked as the product checks them
// (Error, exit status 1); nullopt without --device-set.
std::optional<DeviceChange> read_device_change(const CommandLine& cl);

// Each applies to the configuration being edited; throw ApplyError.
void remove_devices(PRL_HANDLE cfg, const std::vector<std::string>& names);
void set_boot_order(PRL_HANDLE cfg, const std::vector<std::string>& names);
// Prints "Configure <device line>" when it changed something.
void configure_device(PRL_HANDLE server, PRL_HANDLE cfg, const DeviceChange& change);
// Adds the device --device-add asks for (a new disk image made at once),
// last in the boot order; prints "Creating <device line>"; sets change.name.
void add_device(PRL_HANDLE server, const Vm& vm, DeviceChange& change);
// The configuration's own checks of a section (PrlVm_ValidateConfig): each
// finding printed as the product prints it; the job's code returned.
PRL_RESULT validate(PRL_HANDLE cfg, PRL_VM_CONFIG_SECTIONS section, const std::string& kind);
// The device's `list -i` line (ends with a newline), "" when there is none.
std::string device_line(PRL_HANDLE cfg, const std::string& name);

}  // namespace prlctl
