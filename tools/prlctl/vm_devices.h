// prlctl set's device options: --device-del, --device-bootorder,
// --device-add and --device-set, as the product's prlctl applies them
// (docs/prlctl.md). Network adapters, optical drives and new disks are in
// vm_devices.cpp; floppy drives, ports, sound, USB and disk changes in
// vm_devices_extra.cpp.
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
    std::string kind;  // of --device-add: net, hdd, cdrom, fdd, serial, parallel, sound, usb, pci
    std::string name;  // of --device-set, or the added device's once made
    bool routed = false;                  // net: --type routed
    std::optional<PRL_UINT32> size;       // hdd: MB
    bool enable = false, disable = false, connect = false, disconnect = false;
    std::optional<std::string> network, mac, image;
    std::vector<std::string> ip_add, ip_del;  // "addr[/mask]", IPv6 in canonical form
    bool delete_all_ips = false;
    int dhcp = -1, dhcp6 = -1;
    std::string gateway, gateway6;  // "x": clear
    // Network adapters: card, DNS, automatic configuration, packet filters, firewall.
    std::optional<PRL_VM_NET_ADAPTER_TYPE> adapter_type;
    std::optional<std::vector<std::string>> nameservers, search_domains;
    int configure = -1, mac_filter = -1, prevent_promisc = -1, ip_filter = -1;
    int firewall = -1, firewall_policy = -1, firewall_direction = -1;  // -1: not given
    struct FirewallRule {
        std::string protocol, local_ip, remote_ip;  // "" for "*"
        PRL_UINT32 local_port = 0, remote_port = 0;  // 0 for "*"
    };
    std::vector<FirewallRule> firewall_rules;
    // Floppy drives, ports, sound, USB and disks (vm_devices_extra.cpp).
    std::optional<std::string> device;   // --device: a host device
    std::string output, socket, socket_tcp, socket_udp, mixer, iface, subtype;
    int socket_mode = -1;                // PRL_SERIAL_PORT_SOCKET_OPERATION_MODE
    int position = -1, passthr = -1;
    bool recreate = false, offline = false, no_fs_resize = false;
};
// Whether --device-set names a network adapter (netN, venet0): then
// --nameserver and --searchdomain are the adapter's, else the VM's.
bool sets_network_adapter(const CommandLine& cl);
// The device options of a command line, checked as the product checks them
// (Error, exit status 1); nullopt without --device-set.
std::optional<DeviceChange> read_device_change(const CommandLine& cl);

// Each applies to the configuration being edited; throw ApplyError.
void remove_devices(PRL_HANDLE cfg, const std::vector<std::string>& names);
void set_boot_order(PRL_HANDLE cfg, const std::vector<std::string>& names);
// Prints "Configure <device line>" when it changed something; sets
// change.name to the device it configured.
void configure_device(PRL_HANDLE server, PRL_HANDLE cfg, DeviceChange& change);
// Adds the device --device-add asks for (a new disk image made at once),
// last in the boot order; prints "Creating <device line>"; sets change.name.
void add_device(PRL_HANDLE server, const Vm& vm, DeviceChange& change);
// The configuration's own checks of a section (PrlVm_ValidateConfig): each
// finding printed as the product prints it; the job's code returned.
PRL_RESULT validate(PRL_HANDLE cfg, PRL_VM_CONFIG_SECTIONS section, const std::string& kind);
// The device's `list -i` line (ends with a newline), "" when there is none.
std::string device_line(PRL_HANDLE cfg, const std::string& name);

// ---- shared by vm_devices.cpp and vm_devices_extra.cpp ----

// The prlctl kind of a device name's prefix ("fdd" -> PDE_FLOPPY_DISK);
// PDE_GENERIC_DEVICE when it names none.
PRL_DEVICE_TYPE device_kind(const std::string& prefix);
// The options of floppy drives, ports, sound, USB and disks, read and checked
// as the product reads them (Error, exit status 1), into `c`.
void read_more_device_options(const CommandLine& cl, DeviceChange& c);
// The device at the end of the boot order, unless it is listed already.
void append_to_boot_order(PRL_HANDLE cfg, PRL_DEVICE_TYPE type, PRL_UINT32 index);
// A new expanding image for disk `dev` (`size_mb`, else its size, else
// 64 MB), made at once; prints "Creating <device line>". `replace`: over an
// existing file.
void make_disk_image(PRL_HANDLE dev, std::optional<PRL_UINT32> size_mb, bool replace);
// --device-add of fdd, serial, parallel, sound, usb: `dev` is the default
// device just added; prints the product's "Creating ..." lines.
void add_more_device(PRL_HANDLE server, const Vm& vm, PRL_HANDLE dev, PRL_DEVICE_TYPE type, const DeviceChange& c);
// --device-add pci: the host device looked up as the product does (prlshim
// assigns none).
void add_pci_device(PRL_HANDLE server, const Vm& vm, const DeviceChange& c);
// --device-set of a disk, floppy drive, port, sound or USB controller (and
// the interface options of an optical drive).
void configure_more_device(PRL_HANDLE server, PRL_HANDLE cfg, PRL_HANDLE dev, PRL_DEVICE_TYPE type,
                           const DeviceChange& c);
// A disk on a host disk (--device), as the product attaches one; prints
// "Creating ...".
void attach_host_disk(PRL_HANDLE server, PRL_HANDLE cfg, PRL_HANDLE dev, const DeviceChange& c);
// An optical drive's --device (a host drive) or --image; prints "Creating ...".
void optical_source(PRL_HANDLE server, PRL_HANDLE dev, const DeviceChange& c);
// An optical drive's or disk's --iface, --subtype, --position, --passthr.
void set_storage_options(PRL_HANDLE dev, PRL_DEVICE_TYPE type, const DeviceChange& c);

}  // namespace prlctl
