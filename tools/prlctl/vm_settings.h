// prlctl set's settings as one command line gives them: what is to change,
// read and checked as the product's prlctl checks them (vm_settings_read.cpp),
// then applied in the product's order (vm_settings.cpp).
#pragma once

#include "common.h"
#include "ct_features.h"
#include "ct_settings.h"
#include "vm_devices.h"
#include "vm_toggles.h"
#include "vm_vnc.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace prlctl {

// What one command line asks for; unset fields are left as they are.
struct VmSettings {
    std::optional<PRL_UINT32> distribution, cpus, sockets, numa_nodes, cpu_units, io_priority, io_limit, iops_limit,
        memsize, videosize, autostart_delay, ha_priority, sg_interval, sg_max_snapshots;
    std::optional<PRL_CPULIMIT_DATA> cpu_limit;
    std::optional<PRL_MEMGUARANTEE_DATA> memguarantee;
    std::optional<PRL_VIDEO_3D_ACCELERATION> acceleration_3d;
    std::optional<std::string> description, name, cpu_mask, node_mask, system_flags, hostname;
    std::string distribution_name, autostart, autostop, startup_view, on_crash, on_shutdown, on_window_close,
        cpu_hotplug, external_boot_device, user_password, config_sample;
    std::optional<std::vector<std::string>> boot_order, removed_devices, nameservers, search_domains;
    std::optional<std::vector<std::pair<PRL_UINT32, PRL_UINT32>>> rates;  // class id, rate
    std::vector<std::pair<PRL_ALLOWED_VM_COMMAND, bool>> require_password;
    std::optional<DeviceChange> device_change;
    std::optional<CtFeatures> features;
    VncChange vnc;
    CtSettings ct;
    Toggles toggles;
    std::optional<PRL_OPTIMIZE_MODIFIERS_MODE> keyboard_optimize;
    int vertical_sync = -1, mem_hotplug = -1, apply_ip_only = -1, ha_enable = -1;
    bool list_distributions = false, bad_distribution = false, crypted_password = false;
};

// The values as the product checks them when it reads its command line
// (Error, exit status 1, before the VM is looked up).
VmSettings read_settings(const CommandLine& cl);

}  // namespace prlctl
