// prlctl's views of one VM: the list columns and the `list -i` block.
#pragma once

#include "common.h"
#include "report.h"

namespace prlctl {

// The home directory as prlctl shows it: the configuration path without
// its trailing "config.pvs".
std::string home_dir(PRL_HANDLE cfg);
// The owner's name from the VM info's access rights; "" when unknown.
std::string owner_of(PRL_HANDLE cfg);
// The MAC addresses ("00:1C:42:..") and the names (net0..) of the network adapters.
std::vector<std::string> macs_of(PRL_HANDLE cfg);
std::vector<std::string> netifs_of(PRL_HANDLE cfg);
// The configured addresses of the network adapters, IPv4 first, then IPv6,
// then IPv6 link-local.
std::vector<std::string> addresses_of(PRL_HANDLE cfg);
// The adapters' host interface names, comma-separated.
std::string host_ifaces_of(PRL_HANDLE cfg);

// A device's `list -i` line without its indentation ("net0 dev='' (+) ...\n"),
// for hard disks, optical drives, network adapters and USB; "" for others.
std::string device_info_line(PRL_HANDLE dev, PRL_DEVICE_TYPE type, bool in_container = false);
// A disk's line without its image type and size (the product's line for a
// disk given an existing image).
std::string disk_line_without_type_and_size(PRL_HANDLE dev);

// The `list -i` block (`full`: with -f, High Availability and Network Shaping).
void append_info(Report& r, const Vm& vm, bool full);

}  // namespace prlctl
