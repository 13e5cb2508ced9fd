// PrlSrv_GetStatistics, PrlVm_GetStatistics(Ex) and the PrlStat*_ readers:
// host figures against /proc read here, a stopped VM's zeros and real disk usage.
#include "capi_host_support.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <utmpx.h>

#include <cstdio>
#include <cstring>
#include <cmath>

using capi::Handle;
using namespace capi::host;

namespace {

PRL_UINT64 u64(PRL_RESULT (*getter)(PRL_HANDLE, PRL_UINT64_PTR), PRL_HANDLE h) {
    PRL_UINT64 v = 0xdeadbeef;
    REQUIRE_PRL_OK(getter(h, &v));
    return v;
}

PRL_UINT32 u32(PRL_RESULT (*getter)(PRL_HANDLE, PRL_UINT32_PTR), PRL_HANDLE h) {
    PRL_UINT32 v = 0xdeadbeef;
    REQUIRE_PRL_OK(getter(h, &v));
    return v;
}

double proc_uptime() {
    std::ifstream in("/proc/uptime");
    double v = 0;
    in >> v;
    return v;
}

std::set<std::string> proc_net_dev_names() {
    std::set<std::string> out;
    std::ifstream in("/proc/net/dev");
    for (std::string l; std::getline(in, l);) {
        const auto colon = l.find(':');
        if (colon == std::string::npos) continue;
        std::istringstream name(l.substr(0, colon));
        std::string n;
        name >> n;
        out.insert(n);
    }
    return out;
}

size_t utmp_sessions() {
    size_t n = 0;
    setutxent();
    while (const utmpx* u = getutxent())
        if (u->ut_type == USER_PROCESS) ++n;
    endutxent();
    return n;
}

// The first eight columns of CPU `i`'s row of /proc/stat (guest time is in
// user already), in seconds.
PRL_UINT64 cpu_row_seconds(PRL_UINT32 i) {
    std::ifstream st("/proc/stat");
    const std::string tag = "cpu" + std::to_string(i) + " ";
    for (std::string l; std::getline(st, l);) {
        if (l.rfind(tag, 0) != 0) continue;
        std::istringstream in(l.substr(tag.size()));
        PRL_UINT64 sum = 0, v = 0;
        for (int c = 0; c < 8 && in >> v; ++c) sum += v;
        return sum / static_cast<PRL_UINT64>(sysconf(_SC_CLK_TCK));
    }
    return 0;
}

}  // namespace

TEST_CASE("host statistics: memory, swap, uptime and CPUs are the host's", "[stat][host]") {
    Session s;
    const double up_before = proc_uptime();
    Handle stat = job_param(PrlSrv_GetStatistics(s.server));
    const double up_after = proc_uptime();
    REQUIRE(type_of(stat) == PHT_SYSTEM_STATISTICS);

    REQUIRE(u64(PrlStat_GetTotalRamSize, stat) == meminfo_kib("MemTotal") * 1024);
    REQUIRE(u64(PrlStat_GetTotalSwapSize, stat) == meminfo_kib("SwapTotal") * 1024);
    const PRL_UINT64 used = u64(PrlStat_GetUsageRamSize, stat), free_ram = u64(PrlStat_GetFreeRamSize, stat);
    REQUIRE(used + free_ram == u64(PrlStat_GetTotalRamSize, stat));
    REQUIRE(u64(PrlStat_GetRealRamSize, stat) <= u64(PrlStat_GetTotalRamSize, stat));
    REQUIRE(u64(PrlStat_GetUsageSwapSize, stat) + u64(PrlStat_GetFreeSwapSize, stat) ==
            u64(PrlStat_GetTotalSwapSize, stat));
    const PRL_UINT64 uptime = u64(PrlStat_GetOsUptime, stat);
    REQUIRE(uptime >= static_cast<PRL_UINT64>(up_before));
    REQUIRE(uptime <= static_cast<PRL_UINT64>(up_after) + 1);
    REQUIRE(u64(PrlStat_GetDispUptime, stat) <= uptime);

    // One row per CPU of /proc/stat.
    size_t cpus = 0;
    std::ifstream st("/proc/stat");
    for (std::string l; std::getline(st, l);)
        if (l.size() > 3 && l.rfind("cpu", 0) == 0 && std::isdigit(static_cast<unsigned char>(l[3]))) ++cpus;
    REQUIRE(u32(PrlStat_GetCpusStatsCount, stat) == cpus);
    REQUIRE(cpus == static_cast<size_t>(sysconf(_SC_NPROCESSORS_ONLN)));
    for (PRL_UINT32 i = 0; i < cpus; ++i) {
        Handle cpu;
        REQUIRE_PRL_OK(PrlStat_GetCpuStat(stat, i, cpu.out()));
        REQUIRE(type_of(cpu) == PHT_SYSTEM_STATISTICS_CPU);
        REQUIRE(u32(PrlStatCpu_GetCpuUsage, cpu) <= 100);
        const PRL_UINT64 total = u64(PrlStatCpu_GetTotalTime, cpu);
        REQUIRE(u64(PrlStatCpu_GetUserTime, cpu) + u64(PrlStatCpu_GetSystemTime, cpu) <= total);
        // The kernel's own row, read after the call (not the uptime: on a
        // virtual machine a CPU's accounted time may run ahead of it).
        REQUIRE(total <= cpu_row_seconds(i) + 1);
    }
    Handle past;
    REQUIRE_PRL(PrlStat_GetCpuStat(stat, static_cast<PRL_UINT32>(cpus), past.out()), PRL_ERR_INVALID_ARG);

    // The host has no VM data segments.
    Handle data;
    REQUIRE_PRL_OK(PrlStat_GetVmDataStat(stat, data.out()));
    REQUIRE(type_of(data) == PHT_SYSTEM_STATISTICS_VM_DATA);
    PRL_UINT64 cap;
    REQUIRE_PRL(PrlStatVmData_GetSegmentCapacity(data, PDSS_VM_FULL_SPACE, &cap), PRL_ERR_NO_DATA);
}

TEST_CASE("host statistics: interfaces, sessions, processes and disks", "[stat][host]") {
    Session s;
    Handle stat = job_param(PrlSrv_GetStatistics(s.server));

    const std::set<std::string> ifaces = proc_net_dev_names();
    REQUIRE(u32(PrlStat_GetIfacesStatsCount, stat) == ifaces.size());
    for (PRL_UINT32 i = 0; i < ifaces.size(); ++i) {
        Handle iface;
        REQUIRE_PRL_OK(PrlStat_GetIfaceStat(stat, i, iface.out()));
        REQUIRE(ifaces.count(text(PrlStatIface_GetSystemName, iface)) == 1);
        u64(PrlStatIface_GetInDataSize, iface);
        u64(PrlStatIface_GetOutDataSize, iface);
        u64(PrlStatIface_GetInPkgsCount, iface);
        u64(PrlStatIface_GetOutPkgsCount, iface);
    }

    REQUIRE(u32(PrlStat_GetUsersStatsCount, stat) == utmp_sessions());
    for (PRL_UINT32 i = 0; i < u32(PrlStat_GetUsersStatsCount, stat); ++i) {
        Handle user;
        REQUIRE_PRL_OK(PrlStat_GetUserStat(stat, i, user.out()));
        REQUIRE_FALSE(text(PrlStatUser_GetUserName, user).empty());
        text(PrlStatUser_GetServiceName, user);
        text(PrlStatUser_GetHostName, user);
        u64(PrlStatUser_GetSessionTime, user);
    }

    // This test process is among the processes, with its own command name.
    const PRL_UINT32 nprocs = u32(PrlStat_GetProcsStatsCount, stat);
    REQUIRE(nprocs > 0);
    bool found_self = false;
    for (PRL_UINT32 i = 0; i < nprocs; ++i) {
        Handle p;
        REQUIRE_PRL_OK(PrlStat_GetProcStat(stat, i, p.out()));
        if (u32(PrlStatProc_GetId, p) != static_cast<PRL_UINT32>(getpid())) continue;
        found_self = true;
        REQUIRE(text(PrlStatProc_GetCommandName, p) == file_line("/proc/self/comm"));
        REQUIRE_FALSE(text(PrlStatProc_GetOwnerUserName, p).empty());
        REQUIRE(u64(PrlStatProc_GetRealMemUsage, p) > 0);
        REQUIRE(u64(PrlStatProc_GetVirtMemUsage, p) >= u64(PrlStatProc_GetRealMemUsage, p));
        REQUIRE(u64(PrlStatProc_GetTotalMemUsage, p) >= u64(PrlStatProc_GetRealMemUsage, p));
        // Seconds since 1601: this process started after 2020-01-01 (13222310400).
        const PRL_UINT64 start = u64(PrlStatProc_GetStartTime, p);
        REQUIRE(start > 13222310400ull);
        REQUIRE(start <= static_cast<PRL_UINT64>(time(nullptr)) + 11644473600ull + 1);
        REQUIRE(u64(PrlStatProc_GetUserTime, p) + u64(PrlStatProc_GetSystemTime, p) <= u64(PrlStatProc_GetTotalTime, p) + 1);
        PRL_PROCESS_STATE_TYPE state;
        REQUIRE_PRL_OK(PrlStatProc_GetState(p, &state));
        // Running (the reading thread) or sleeping (the waiting one): /proc/<pid> shows the main thread.
        REQUIRE((state == PPS_PROC_RUN || state == PPS_PROC_SLEEP));
        u32(PrlStatProc_GetCpuUsage, p);
    }
    REQUIRE(found_self);

    // One disk row per host hard disk; usage is what statvfs says of its file systems.
    const std::set<std::string> disks = hardware_disks();
    REQUIRE(u32(PrlStat_GetDisksStatsCount, stat) == disks.size());
    struct stat root {};
    REQUIRE(::stat("/", &root) == 0);
    const std::string root_dev = std::to_string(major(root.st_dev)) + ":" + std::to_string(minor(root.st_dev));
    for (PRL_UINT32 i = 0; i < disks.size(); ++i) {
        Handle d;
        REQUIRE_PRL_OK(PrlStat_GetDiskStat(stat, i, d.out()));
        REQUIRE(type_of(d) == PHT_SYSTEM_STATISTICS_DISK);
        const std::string name = text(PrlStatDisk_GetSystemName, d).substr(5);
        REQUIRE(disks.count(name) == 1);
        const PRL_UINT32 nparts = u32(PrlStatDisk_GetPartsStatsCount, d);
        PRL_UINT64 part_used = 0;
        for (PRL_UINT32 k = 0; k < nparts; ++k) {
            Handle part;
            REQUIRE_PRL_OK(PrlStatDisk_GetPartStat(d, k, part.out()));
            REQUIRE(type_of(part) == PHT_SYSTEM_STATISTICS_DISK_PARTITION);
            REQUIRE(text(PrlStatDiskPart_GetSystemName, part).rfind("/dev/" + name, 0) == 0);
            part_used += u64(PrlStatDiskPart_GetUsageDiskSpace, part);
            u64(PrlStatDiskPart_GetFreeDiskSpace, part);
        }
        REQUIRE(u64(PrlStatDisk_GetUsageDiskSpace, d) >= part_used);
        Handle past;
        REQUIRE_PRL(PrlStatDisk_GetPartStat(d, nparts, past.out()), PRL_ERR_INVALID_ARG);
        // The root file system sits on the whole disk here: compare with statvfs("/").
        if (file_line("/sys/block/" + name + "/dev") == root_dev && nparts == 0) {
            struct statvfs v {};
            REQUIRE(statvfs("/", &v) == 0);
            const double want_free = static_cast<double>(v.f_bavail) * v.f_frsize;
            const double got_free = static_cast<double>(u64(PrlStatDisk_GetFreeDiskSpace, d));
            REQUIRE(std::abs(got_free - want_free) < 256.0 * 1024 * 1024);  // other writers meanwhile
            REQUIRE(u64(PrlStatDisk_GetUsageDiskSpace, d) > 0);
        }
    }
}

TEST_CASE("statistics: bad handles, null pointers, rows past the end", "[stat][host]") {
    Session s;
    Handle stat = job_param(PrlSrv_GetStatistics(s.server));
    PRL_UINT64 v;
    PRL_UINT32 n;
    Handle h;
    REQUIRE_PRL(PrlStat_GetTotalRamSize(s.server, &v), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlStat_GetTotalRamSize(capi::forged_handle(), &v), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlStat_GetTotalRamSize(stat, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlStat_GetOsUptime(stat, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlStat_GetDispUptime(stat, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlStat_GetCpusStatsCount(stat, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlStat_GetCpuStat(stat, 0, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlStat_GetProcStat(stat, 0xFFFFFFFFu, h.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlStat_GetIfaceStat(stat, 0xFFFFFFFFu, h.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlStat_GetUserStat(stat, 0xFFFFFFFFu, h.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlStat_GetDiskStat(stat, 0xFFFFFFFFu, h.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlStat_GetVmDataStat(stat, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlStat_GetDisksStatsCount(s.server, &n), PRL_ERR_INVALID_ARG);
    // A row reader refuses the whole statistics and rows of another kind.
    REQUIRE_PRL(PrlStatCpu_GetCpuUsage(stat, &n), PRL_ERR_INVALID_ARG);
    Handle proc;
    REQUIRE_PRL_OK(PrlStat_GetProcStat(stat, 0, proc.out()));
    REQUIRE_PRL(PrlStatCpu_GetTotalTime(proc, &v), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlStatProc_GetState(proc, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlStatProc_GetCommandName(proc, nullptr, nullptr), PRL_ERR_INVALID_ARG);
    PRL_UINT32 len = 1;
    char small[1];
    REQUIRE_PRL(PrlStatProc_GetCommandName(proc, small, &len), PRL_ERR_BUFFER_OVERRUN);
    REQUIRE(len > 1);
    REQUIRE_PRL(PrlStatIface_GetInDataSize(proc, &v), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlStatUser_GetSessionTime(proc, &v), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlStatDisk_GetFreeDiskSpace(proc, &v), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlStatDiskPart_GetFreeDiskSpace(proc, &v), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlStatVmData_GetSegmentCapacity(proc, PDSS_VM_FULL_SPACE, &v), PRL_ERR_INVALID_ARG);
    Handle data;
    REQUIRE_PRL_OK(PrlStat_GetVmDataStat(stat, data.out()));
    REQUIRE_PRL(PrlStatVmData_GetSegmentCapacity(data, PDSS_VM_FULL_SPACE, nullptr), PRL_ERR_INVALID_ARG);
    // Jobs: a bad handle, and a server without a session.
    Handle bad(PrlSrv_GetStatistics(capi::forged_handle()));
    REQUIRE(job_code(bad) == PRL_ERR_INVALID_ARG);
    Handle offline;
    REQUIRE_PRL_OK(PrlSrv_Create(offline.out()));
    Handle not_connected(PrlSrv_GetStatistics(offline));
    REQUIRE(job_code(not_connected) == PRL_ERR_NOT_CONNECTED_TO_DISPATCHER);
    Handle bad_vm(PrlVm_GetStatisticsEx(s.server, 0));
    REQUIRE(job_code(bad_vm) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("VM statistics: a stopped VM's figures are zero, its disk usage is real", "[stat][vm]") {
    Session s;
    Handle vm;
    REQUIRE_PRL_OK(PrlSrv_CreateVm(s.server, vm.out()));
    REQUIRE_PRL_OK(PrlVmCfg_SetName(vm, "stats-vm"));
    REQUIRE_PRL_OK(PrlVmCfg_SetCpuCount(vm, 2));
    Handle disk;
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_HARD_DISK, disk.out()));
    REQUIRE_PRL_OK(PrlVmDevHd_SetDiskSize(disk, 16));
    // Not registered yet: no statistics.
    Handle early(PrlVm_GetStatistics(vm));
    REQUIRE(job_code(early) == PRL_ERR_VM_UUID_NOT_FOUND);
    {
        Handle reg(PrlVm_Reg(vm, "", PRL_TRUE));
        REQUIRE(job_code(reg) == PRL_ERR_SUCCESS);
    }
    Handle hdd;
    REQUIRE_PRL_OK(PrlVmCfg_GetHardDisk(vm, 0, hdd.out()));
    const std::string image = text(PrlVmDev_GetImagePath, hdd);
    {  // 1 MiB of data at 4 MiB into the sparse image
        FILE* f = std::fopen(image.c_str(), "r+b");
        REQUIRE(f != nullptr);
        std::vector<char> block(1 << 20, 'x');
        std::fseek(f, 4 << 20, SEEK_SET);
        REQUIRE(std::fwrite(block.data(), 1, block.size(), f) == block.size());
        std::fflush(f);
        fsync(fileno(f));
        std::fclose(f);
    }
    struct stat st {};
    REQUIRE(::stat(image.c_str(), &st) == 0);
    const PRL_UINT64 allocated = static_cast<PRL_UINT64>(st.st_blocks) * 512;
    REQUIRE(allocated >= (1u << 20));

    for (PRL_HANDLE job : {PrlVm_GetStatistics(vm), PrlVm_GetStatisticsEx(vm, PVMSF_HOST_DISK_SPACE_USAGE_ONLY)}) {
        Handle stat = job_param(job);
        REQUIRE(type_of(stat) == PHT_SYSTEM_STATISTICS);
        REQUIRE(u64(PrlStat_GetTotalRamSize, stat) == 0);
        REQUIRE(u64(PrlStat_GetUsageRamSize, stat) == 0);
        REQUIRE(u64(PrlStat_GetOsUptime, stat) == 0);
        REQUIRE(u32(PrlStat_GetCpusStatsCount, stat) == 2);
        for (PRL_UINT32 i = 0; i < 2; ++i) {
            Handle cpu;
            REQUIRE_PRL_OK(PrlStat_GetCpuStat(stat, i, cpu.out()));
            REQUIRE(u32(PrlStatCpu_GetCpuUsage, cpu) == 0);
            REQUIRE(u64(PrlStatCpu_GetTotalTime, cpu) == 0);
        }
        REQUIRE(u32(PrlStat_GetProcsStatsCount, stat) == 0);
        REQUIRE(u32(PrlStat_GetIfacesStatsCount, stat) == 0);
        REQUIRE(u32(PrlStat_GetUsersStatsCount, stat) == 0);
        REQUIRE(u32(PrlStat_GetDisksStatsCount, stat) == 1);
        Handle d;
        REQUIRE_PRL_OK(PrlStat_GetDiskStat(stat, 0, d.out()));
        REQUIRE(text(PrlStatDisk_GetSystemName, d) == image);
        REQUIRE(u64(PrlStatDisk_GetUsageDiskSpace, d) == allocated);
        REQUIRE(u64(PrlStatDisk_GetFreeDiskSpace, d) == (16ull << 20) - allocated);
        Handle data;
        REQUIRE_PRL_OK(PrlStat_GetVmDataStat(stat, data.out()));
        PRL_UINT64 disk_space = 0, full = 0, misc = 0;
        REQUIRE_PRL_OK(PrlStatVmData_GetSegmentCapacity(data, PDSS_VM_DISK_DATA_SPACE, &disk_space));
        REQUIRE_PRL_OK(PrlStatVmData_GetSegmentCapacity(data, PDSS_VM_FULL_SPACE, &full));
        REQUIRE_PRL_OK(PrlStatVmData_GetSegmentCapacity(data, PDSS_VM_MISCELLANEOUS_SPACE, &misc));
        REQUIRE(disk_space == allocated);
        REQUIRE(full >= disk_space);
        REQUIRE(misc == full - disk_space);
        PRL_UINT64 none;
        REQUIRE_PRL(PrlStatVmData_GetSegmentCapacity(data, PDSS_UNKNOWN, &none), PRL_ERR_NO_DATA);
    }
}
