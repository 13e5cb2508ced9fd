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

// --device-set NAME and the options that go with it.
struct DeviceChange {
    std::string name;
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
// The device's `list -i` line (ends with a newline), "" when there is none.
std::string device_line(PRL_HANDLE cfg, const std::string& name);

}  // namespace prlctl
