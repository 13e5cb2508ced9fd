#include "stat_ops.h"

#include "error.h"
#include "host_info.h"
#include "stat_objects.h"
#include "vm_ops.h"

#include <time.h>

namespace prl::stat_ops {
namespace {

std::uint64_t service_uptime_s(const service::HostFacts& facts) {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    const std::uint64_t now_us =
        static_cast<std::uint64_t>(ts.tv_sec) * 1000000u + static_cast<std::uint64_t>(ts.tv_nsec) / 1000u;
    return now_us > facts.start_time_monotonic ? (now_us - facts.start_time_monotonic) / 1000000u : 0;
}

ResultPtr one(ObjectPtr stats) { return std::make_shared<Result>(std::vector<Result::Param>{std::move(stats)}); }

}  // namespace

ResultPtr host(Server& server) {
    auto svc = server.service();
    return one(std::make_shared<Statistics>(host::read_load(), service_uptime_s(svc->host_facts())));
}

ResultPtr vm(const VmPtr& vm) {
    const std::string uuid = vm_ops::registered_uuid(*vm);
    auto svc = vm->server()->service();
    const service::VmRecord record = svc->config(uuid);
    host::Load load;
    load.cpus.resize(record.config.cpu_count);
    std::uint64_t disk_data = 0;
    for (const auto& hdd : record.config.hard_disks) {
        if (hdd.image_path.empty()) continue;
        host::DiskUsage d;
        d.sys_name = hdd.image_path;
        d.used = host::allocated_bytes(hdd.image_path);
        const std::uint64_t capacity = hdd.size_mib << 20;
        d.free = capacity > d.used ? capacity - d.used : 0;
        disk_data += d.used;
        load.disks.push_back(std::move(d));
    }
    const std::uint64_t full = host::allocated_bytes(record.entry.bundle.string());
    VmDataSegments segments;
    segments[PDSS_VM_DISK_DATA_SPACE] = disk_data;
    segments[PDSS_VM_FULL_SPACE] = std::max(full, disk_data);
    segments[PDSS_VM_MISCELLANEOUS_SPACE] = full > disk_data ? full - disk_data : 0;
    return one(std::make_shared<Statistics>(std::move(load), service_uptime_s(svc->host_facts()), std::move(segments)));
}

}  // namespace prl::stat_ops
