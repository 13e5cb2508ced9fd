// What this host has and how busy it is, read from /proc, /sys, /etc and
// uname: the facts behind PrlSrv_GetSrvConfig (hardware) and
// PrlSrv_GetStatistics (load). Plain data; nothing here is a handle.
// Every reader tolerates a missing or unreadable file: what cannot be read
// is left out or zero, never invented.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace prl::host {

// ---- hardware (PrlSrvCfg_*) ----

struct Cpu {
    std::string model;         // "model name" of /proc/cpuinfo
    std::uint32_t speed_mhz = 0;
    bool is_64bit = false;     // the "lm" flag (or a 64-bit kernel)
    int hvt = 0;               // PRL_CPU_HVT: 0 none, 1 VT-x (vmx), 2 AMD-V (svm)
    // CPUID registers in PRL_CPU_FEATURES order; zero off x86.
    std::uint32_t features[10] = {};
};

struct Partition {
    std::string name;          // file-system label when udev knows it, else ""
    std::string sys_name;      // "/dev/sda1"
    std::uint64_t size = 0;    // bytes
    std::uint32_t index = 0;   // partition number
    std::uint32_t type = 0;    // MBR type byte when udev knows it (0x83 Linux), else 0
    bool in_use = false;       // mounted, directly or through a holder (LVM, dm-crypt)
    bool logical = false;      // MBR logical partition (number above 4 on a dos table)
    bool active = false;       // boot flag, when udev knows it
};

struct Disk {
    std::string name;          // the model from sysfs, else the device path
    std::string id;            // "/dev/sda"
    std::string kernel_name;   // "sda"
    std::uint64_t size = 0;    // bytes
    std::uint32_t index = 0;   // position in the list
    std::vector<Partition> partitions;
};

// A generic device: optical, floppy, serial, parallel, sound, USB, PCI, SCSI.
struct Device {
    int type = 0;              // PRL_DEVICE_TYPE
    std::string name;          // what a person reads
    std::string id;            // what identifies it on the host (/dev path, sysfs address)
    int pci_class = 0;         // PRL_GENERIC_PCI_DEVICE_CLASS, PCI devices only
    bool primary = false;      // PCI display that the firmware booted on
};

struct NetAdapter {
    std::string name;          // "eth0"
    std::uint32_t sys_index = 0;        // ifindex
    int type = 0;              // PRL_HW_INFO_NET_ADAPTER_TYPE
    bool enabled = false;      // administratively up (IFF_UP)
    bool dhcp = false;         // a DHCP lease for it was found
    bool dhcp6 = false;
    std::string mac;           // 12 upper-case hex digits, as the product writes MACs
    std::vector<std::string> addresses;  // "10.0.0.2/255.255.255.0", "fe80::1/64"
    std::string gateway, gateway6;       // when the default route goes through it
    std::uint16_t vlan_tag = 0xFFFF;     // PRL_INVALID_VLAN_TAG unless it is a VLAN
};

struct Hardware {
    Cpu cpu;
    std::string os_name;       // PRETTY_NAME of /etc/os-release, else ""
    std::string default_gateway, default_gateway6;
    std::vector<std::string> dns_servers, search_domains;
    bool usb_supported = false, vtd_supported = false, sound_enabled = false;
    std::vector<Disk> disks;
    std::vector<Device> optical, floppy, serial, parallel, sound_out, sound_mixer, printers, usb, pci, scsi;
    std::vector<NetAdapter> net;
};

Hardware read_hardware();

// ---- load (PrlSrv_GetStatistics) ----

struct CpuLoad {
    std::uint32_t percent = 0;  // busy share over the sampling interval
    std::uint64_t total_s = 0, user_s = 0, system_s = 0;  // since boot, seconds
};

struct PartUsage {
    std::string sys_name;
    std::uint64_t used = 0, free = 0;  // bytes, of the file systems mounted on it
};

struct DiskUsage {
    std::string sys_name;      // "/dev/sda"
    std::uint64_t used = 0, free = 0;
    std::vector<PartUsage> partitions;
};

struct IfaceLoad {
    std::string name;
    std::uint64_t in_bytes = 0, out_bytes = 0, in_packets = 0, out_packets = 0;
};

struct UserSession {
    std::string user, service, host;   // service: the terminal line of the session
    std::uint64_t seconds = 0;
};

struct Process {
    std::string command, owner;
    std::uint32_t pid = 0;
    std::uint64_t total_mem = 0, real_mem = 0, virt_mem = 0;  // bytes
    std::uint64_t start_time = 0;      // seconds since 1601-01-01 UTC, as the SDK counts
    std::uint64_t total_s = 0, user_s = 0, system_s = 0;
    int state = 0;                     // PRL_PROCESS_STATE_TYPE
    std::uint32_t cpu_percent = 0;     // average over the process's life
};

struct Load {
    std::uint64_t ram_total = 0, ram_free = 0, ram_used = 0, ram_real = 0;  // bytes
    std::uint64_t swap_total = 0, swap_free = 0, swap_used = 0;
    std::uint64_t uptime_s = 0;
    std::vector<CpuLoad> cpus;
    std::vector<DiskUsage> disks;
    std::vector<IfaceLoad> ifaces;
    std::vector<UserSession> users;
    std::vector<Process> processes;
};

// Samples /proc/stat twice, `sample_ms` apart, for the CPU percentages.
Load read_load(unsigned sample_ms = 100);

// Bytes a file or directory tree really occupies on disk (st_blocks), which
// for a sparse image is what was written, not its nominal size.
std::uint64_t allocated_bytes(const std::string& path);

}  // namespace prl::host
