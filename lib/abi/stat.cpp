// PrlSrv_GetStatistics, PrlVm_GetStatistics(Ex) and the PrlStat*_ readers of
// the PHT_SYSTEM_STATISTICS they produce. Sizes are in bytes, times in
// seconds, as the SDK documents them.
#include "getters.h"

#include "core/server.h"
#include "core/stat_objects.h"
#include "core/stat_ops.h"
#include "core/vm.h"

using namespace prl;
using namespace prl::abi;

namespace {

// A row of one of the statistics' lists, as a new handle; past the end is PRL_ERR_INVALID_ARG.
template <class Row, class List>
PRL_RESULT row(PRL_HANDLE h, PRL_UINT32 index, PRL_HANDLE_PTR out, List (*list)(const Statistics&)) noexcept {
    return sync([&] {
        auto stat = handle_cast<Statistics>(h);
        out_ptr(out);
        const auto& items = list(*stat);
        require(index < items.size(), PRL_ERR_INVALID_ARG, "no statistics row at that index");
        give(std::make_shared<Row>(items[index]), out);
        return PRL_ERR_SUCCESS;
    });
}

template <class List>
PRL_RESULT rows(PRL_HANDLE h, PRL_UINT32_PTR count, List (*list)(const Statistics&)) noexcept {
    return value<Statistics>(h, count, [&](const Statistics& s) { return static_cast<PRL_UINT32>(list(s).size()); });
}

const std::vector<host::CpuLoad>& cpus(const Statistics& s) { return s.load.cpus; }
const std::vector<host::IfaceLoad>& ifaces(const Statistics& s) { return s.load.ifaces; }
const std::vector<host::UserSession>& users(const Statistics& s) { return s.load.users; }
const std::vector<host::DiskUsage>& disks(const Statistics& s) { return s.load.disks; }
const std::vector<host::Process>& procs(const Statistics& s) { return s.load.processes; }

}  // namespace

extern "C" {

PRL_HANDLE PrlSrv_GetStatistics(PRL_HANDLE hServer) {
    return async(PJOC_SRV_GET_STATISTICS, [&] {
        auto self = handle_cast<Server>(hServer).share();
        return give_job(self->start_job(PJOC_SRV_GET_STATISTICS, [self](Job&) { return stat_ops::host(*self); }));
    });
}

PRL_HANDLE PrlVm_GetStatistics(PRL_HANDLE hVm) { return PrlVm_GetStatisticsEx(hVm, 0); }

PRL_HANDLE PrlVm_GetStatisticsEx(PRL_HANDLE hVm, PRL_UINT32) {
    // The flags choose what a running guest reports (PVMSF_*); with no guest
    // the answer is the same for all of them.
    return async(PJOC_VM_GET_STATISTICS, [&] {
        VmPtr vm = handle_cast<Vm>(hVm).share();
        return give_job(vm->server()->start_job(PJOC_VM_GET_STATISTICS, [vm](Job&) { return stat_ops::vm(vm); }));
    });
}

// ---- PrlStat_* ----

PRL_RESULT PrlStat_GetTotalRamSize(PRL_HANDLE hStat, PRL_UINT64_PTR pnSize) {
    return value<Statistics>(hStat, pnSize, [](const Statistics& s) { return s.load.ram_total; });
}
PRL_RESULT PrlStat_GetUsageRamSize(PRL_HANDLE hStat, PRL_UINT64_PTR pnSize) {
    return value<Statistics>(hStat, pnSize, [](const Statistics& s) { return s.load.ram_used; });
}
PRL_RESULT PrlStat_GetFreeRamSize(PRL_HANDLE hStat, PRL_UINT64_PTR pnSize) {
    return value<Statistics>(hStat, pnSize, [](const Statistics& s) { return s.load.ram_free; });
}
PRL_RESULT PrlStat_GetRealRamSize(PRL_HANDLE hStat, PRL_UINT64_PTR pnSize) {
    return value<Statistics>(hStat, pnSize, [](const Statistics& s) { return s.load.ram_real; });
}
PRL_RESULT PrlStat_GetTotalSwapSize(PRL_HANDLE hStat, PRL_UINT64_PTR pnSize) {
    return value<Statistics>(hStat, pnSize, [](const Statistics& s) { return s.load.swap_total; });
}
PRL_RESULT PrlStat_GetUsageSwapSize(PRL_HANDLE hStat, PRL_UINT64_PTR pnSize) {
    return value<Statistics>(hStat, pnSize, [](const Statistics& s) { return s.load.swap_used; });
}
PRL_RESULT PrlStat_GetFreeSwapSize(PRL_HANDLE hStat, PRL_UINT64_PTR pnSize) {
    return value<Statistics>(hStat, pnSize, [](const Statistics& s) { return s.load.swap_free; });
}
PRL_RESULT PrlStat_GetOsUptime(PRL_HANDLE hStat, PRL_UINT64_PTR pnUptime) {
    return value<Statistics>(hStat, pnUptime, [](const Statistics& s) { return s.load.uptime_s; });
}
PRL_RESULT PrlStat_GetDispUptime(PRL_HANDLE hStat, PRL_UINT64_PTR pnUptime) {
    return value<Statistics>(hStat, pnUptime, [](const Statistics& s) { return s.disp_uptime_s; });
}

PRL_RESULT PrlStat_GetCpusStatsCount(PRL_HANDLE hStat, PRL_UINT32_PTR pnCount) { return rows(hStat, pnCount, cpus); }
PRL_RESULT PrlStat_GetCpuStat(PRL_HANDLE hStat, PRL_UINT32 nIndex, PRL_HANDLE_PTR phCpuStat) {
    return row<StatCpu>(hStat, nIndex, phCpuStat, cpus);
}
PRL_RESULT PrlStat_GetIfacesStatsCount(PRL_HANDLE hStat, PRL_UINT32_PTR pnCount) { return rows(hStat, pnCount, ifaces); }
PRL_RESULT PrlStat_GetIfaceStat(PRL_HANDLE hStat, PRL_UINT32 nIndex, PRL_HANDLE_PTR phIfaceStat) {
    return row<StatIface>(hStat, nIndex, phIfaceStat, ifaces);
}
PRL_RESULT PrlStat_GetUsersStatsCount(PRL_HANDLE hStat, PRL_UINT32_PTR pnCount) { return rows(hStat, pnCount, users); }
PRL_RESULT PrlStat_GetUserStat(PRL_HANDLE hStat, PRL_UINT32 nIndex, PRL_HANDLE_PTR phUserStat) {
    return row<StatUser>(hStat, nIndex, phUserStat, users);
}
PRL_RESULT PrlStat_GetDisksStatsCount(PRL_HANDLE hStat, PRL_UINT32_PTR pnCount) { return rows(hStat, pnCount, disks); }
PRL_RESULT PrlStat_GetDiskStat(PRL_HANDLE hStat, PRL_UINT32 nIndex, PRL_HANDLE_PTR phDiskStat) {
    return row<StatDisk>(hStat, nIndex, phDiskStat, disks);
}
PRL_RESULT PrlStat_GetProcsStatsCount(PRL_HANDLE hStat, PRL_UINT32_PTR pnCount) { return rows(hStat, pnCount, procs); }
PRL_RESULT PrlStat_GetProcStat(PRL_HANDLE hStat, PRL_UINT32 nIndex, PRL_HANDLE_PTR phProcStat) {
    return row<StatProc>(hStat, nIndex, phProcStat, procs);
}

PRL_RESULT PrlStat_GetVmDataStat(PRL_HANDLE hStat, PRL_HANDLE_PTR phVmDataStat) {
    return sync([&] {
        auto stat = handle_cast<Statistics>(hStat);
        give(std::make_shared<StatVmData>(stat->vm_data), out_ptr(phVmDataStat));
        return PRL_ERR_SUCCESS;
    });
}

// ---- PrlStatCpu_* ----

PRL_RESULT PrlStatCpu_GetCpuUsage(PRL_HANDLE hCpuStat, PRL_UINT32_PTR pnPercents) {
    return value<StatCpu>(hCpuStat, pnPercents, [](const StatCpu& c) { return c.row.percent; });
}
PRL_RESULT PrlStatCpu_GetTotalTime(PRL_HANDLE hCpuStat, PRL_UINT64_PTR pnTime) {
    return value<StatCpu>(hCpuStat, pnTime, [](const StatCpu& c) { return c.row.total_s; });
}
PRL_RESULT PrlStatCpu_GetUserTime(PRL_HANDLE hCpuStat, PRL_UINT64_PTR pnTime) {
    return value<StatCpu>(hCpuStat, pnTime, [](const StatCpu& c) { return c.row.user_s; });
}
PRL_RESULT PrlStatCpu_GetSystemTime(PRL_HANDLE hCpuStat, PRL_UINT64_PTR pnTime) {
    return value<StatCpu>(hCpuStat, pnTime, [](const StatCpu& c) { return c.row.system_s; });
}

// ---- PrlStatIface_* ----

PRL_RESULT PrlStatIface_GetSystemName(PRL_HANDLE hIfaceStat, PRL_STR sSystemName, PRL_UINT32_PTR pnSystemNameBufLength) {
    return text<StatIface>(hIfaceStat, sSystemName, pnSystemNameBufLength, [](const StatIface& i) { return i.row.name; });
}
PRL_RESULT PrlStatIface_GetInDataSize(PRL_HANDLE hIfaceStat, PRL_UINT64_PTR pnDataSize) {
    return value<StatIface>(hIfaceStat, pnDataSize, [](const StatIface& i) { return i.row.in_bytes; });
}
PRL_RESULT PrlStatIface_GetOutDataSize(PRL_HANDLE hIfaceStat, PRL_UINT64_PTR pnDataSize) {
    return value<StatIface>(hIfaceStat, pnDataSize, [](const StatIface& i) { return i.row.out_bytes; });
}
PRL_RESULT PrlStatIface_GetInPkgsCount(PRL_HANDLE hIfaceStat, PRL_UINT64_PTR pnPkgsCount) {
    return value<StatIface>(hIfaceStat, pnPkgsCount, [](const StatIface& i) { return i.row.in_packets; });
}
PRL_RESULT PrlStatIface_GetOutPkgsCount(PRL_HANDLE hIfaceStat, PRL_UINT64_PTR pnPkgsCount) {
    return value<StatIface>(hIfaceStat, pnPkgsCount, [](const StatIface& i) { return i.row.out_packets; });
}

// ---- PrlStatUser_* ----

PRL_RESULT PrlStatUser_GetUserName(PRL_HANDLE hUserStat, PRL_STR sUserName, PRL_UINT32_PTR pnUserNameBufLength) {
    return text<StatUser>(hUserStat, sUserName, pnUserNameBufLength, [](const StatUser& u) { return u.row.user; });
}
PRL_RESULT PrlStatUser_GetServiceName(PRL_HANDLE hUserStat, PRL_STR sServiceName, PRL_UINT32_PTR pnServiceNameBufLength) {
    return text<StatUser>(hUserStat, sServiceName, pnServiceNameBufLength, [](const StatUser& u) { return u.row.service; });
}
PRL_RESULT PrlStatUser_GetHostName(PRL_HANDLE hUserStat, PRL_STR sHostName, PRL_UINT32_PTR pnHostNameBufLength) {
    return text<StatUser>(hUserStat, sHostName, pnHostNameBufLength, [](const StatUser& u) { return u.row.host; });
}
PRL_RESULT PrlStatUser_GetSessionTime(PRL_HANDLE hUserStat, PRL_UINT64_PTR pnTime) {
    return value<StatUser>(hUserStat, pnTime, [](const StatUser& u) { return u.row.seconds; });
}

// ---- PrlStatDisk_*, PrlStatDiskPart_* ----

PRL_RESULT PrlStatDisk_GetSystemName(PRL_HANDLE hDiskStat, PRL_STR sSystemName, PRL_UINT32_PTR pnSystemNameBufLength) {
    return text<StatDisk>(hDiskStat, sSystemName, pnSystemNameBufLength, [](const StatDisk& d) { return d.row.sys_name; });
}
PRL_RESULT PrlStatDisk_GetUsageDiskSpace(PRL_HANDLE hDiskStat, PRL_UINT64_PTR pnSize) {
    return value<StatDisk>(hDiskStat, pnSize, [](const StatDisk& d) { return d.row.used; });
}
PRL_RESULT PrlStatDisk_GetFreeDiskSpace(PRL_HANDLE hDiskStat, PRL_UINT64_PTR pnSize) {
    return value<StatDisk>(hDiskStat, pnSize, [](const StatDisk& d) { return d.row.free; });
}
PRL_RESULT PrlStatDisk_GetPartsStatsCount(PRL_HANDLE hDiskStat, PRL_UINT32_PTR pnCount) {
    return value<StatDisk>(hDiskStat, pnCount, [](const StatDisk& d) { return static_cast<PRL_UINT32>(d.row.partitions.size()); });
}
PRL_RESULT PrlStatDisk_GetPartStat(PRL_HANDLE hDiskStat, PRL_UINT32 nIndex, PRL_HANDLE_PTR phPartStat) {
    return sync([&] {
        auto d = handle_cast<StatDisk>(hDiskStat);
        out_ptr(phPartStat);
        require(nIndex < d->row.partitions.size(), PRL_ERR_INVALID_ARG, "no partition at that index");
        give(std::make_shared<StatDiskPart>(d->row.partitions[nIndex]), phPartStat);
        return PRL_ERR_SUCCESS;
    });
}
PRL_RESULT PrlStatDiskPart_GetSystemName(PRL_HANDLE hPartStat, PRL_STR sSystemName, PRL_UINT32_PTR pnSystemNameBufLength) {
    return text<StatDiskPart>(hPartStat, sSystemName, pnSystemNameBufLength, [](const StatDiskPart& p) { return p.row.sys_name; });
}
PRL_RESULT PrlStatDiskPart_GetUsageDiskSpace(PRL_HANDLE hPartStat, PRL_UINT64_PTR pnSize) {
    return value<StatDiskPart>(hPartStat, pnSize, [](const StatDiskPart& p) { return p.row.used; });
}
PRL_RESULT PrlStatDiskPart_GetFreeDiskSpace(PRL_HANDLE hPartStat, PRL_UINT64_PTR pnSize) {
    return value<StatDiskPart>(hPartStat, pnSize, [](const StatDiskPart& p) { return p.row.free; });
}

// ---- PrlStatProc_* ----

PRL_RESULT PrlStatProc_GetCommandName(PRL_HANDLE hProcStat, PRL_STR sCommandName, PRL_UINT32_PTR pnCommandNameBufLength) {
    return text<StatProc>(hProcStat, sCommandName, pnCommandNameBufLength, [](const StatProc& p) { return p.row.command; });
}
PRL_RESULT PrlStatProc_GetId(PRL_HANDLE hProcStat, PRL_UINT32_PTR pnId) {
    return value<StatProc>(hProcStat, pnId, [](const StatProc& p) { return p.row.pid; });
}
PRL_RESULT PrlStatProc_GetOwnerUserName(PRL_HANDLE hProcStat, PRL_STR sOwnerName, PRL_UINT32_PTR pnOwnerNameBufLength) {
    return text<StatProc>(hProcStat, sOwnerName, pnOwnerNameBufLength, [](const StatProc& p) { return p.row.owner; });
}
PRL_RESULT PrlStatProc_GetTotalMemUsage(PRL_HANDLE hProcStat, PRL_UINT64_PTR pnSize) {
    return value<StatProc>(hProcStat, pnSize, [](const StatProc& p) { return p.row.total_mem; });
}
PRL_RESULT PrlStatProc_GetRealMemUsage(PRL_HANDLE hProcStat, PRL_UINT64_PTR pnSize) {
    return value<StatProc>(hProcStat, pnSize, [](const StatProc& p) { return p.row.real_mem; });
}
PRL_RESULT PrlStatProc_GetVirtMemUsage(PRL_HANDLE hProcStat, PRL_UINT64_PTR pnSize) {
    return value<StatProc>(hProcStat, pnSize, [](const StatProc& p) { return p.row.virt_mem; });
}
PRL_RESULT PrlStatProc_GetStartTime(PRL_HANDLE hProcStat, PRL_UINT64_PTR pnTime) {
    return value<StatProc>(hProcStat, pnTime, [](const StatProc& p) { return p.row.start_time; });
}
PRL_RESULT PrlStatProc_GetTotalTime(PRL_HANDLE hProcStat, PRL_UINT64_PTR pnTime) {
    return value<StatProc>(hProcStat, pnTime, [](const StatProc& p) { return p.row.total_s; });
}
PRL_RESULT PrlStatProc_GetUserTime(PRL_HANDLE hProcStat, PRL_UINT64_PTR pnTime) {
    return value<StatProc>(hProcStat, pnTime, [](const StatProc& p) { return p.row.user_s; });
}
PRL_RESULT PrlStatProc_GetSystemTime(PRL_HANDLE hProcStat, PRL_UINT64_PTR pnTime) {
    return value<StatProc>(hProcStat, pnTime, [](const StatProc& p) { return p.row.system_s; });
}
PRL_RESULT PrlStatProc_GetState(PRL_HANDLE hProcStat, PRL_PROCESS_STATE_TYPE_PTR pnState) {
    return sync([&] {
        auto p = handle_cast<StatProc>(hProcStat);
        enum_out(out_ptr(pnState), p->row.state);
        return PRL_ERR_SUCCESS;
    });
}
PRL_RESULT PrlStatProc_GetCpuUsage(PRL_HANDLE hProcStat, PRL_UINT32_PTR pnPercents) {
    return value<StatProc>(hProcStat, pnPercents, [](const StatProc& p) { return p.row.cpu_percent; });
}

// ---- PrlStatVmData_* ----

PRL_RESULT PrlStatVmData_GetSegmentCapacity(PRL_HANDLE hVmDataStat, PRL_DATA_STATISTIC_SEGMENTS nSegment,
                                            PRL_UINT64_PTR pnCapacity) {
    return sync([&] {
        auto data = handle_cast<StatVmData>(hVmDataStat);
        out_ptr(pnCapacity);
        const auto it = data->row.find(static_cast<int>(enum_in(nSegment)));
        if (it == data->row.end()) return PRL_ERR_NO_DATA;  // a segment this snapshot did not measure
        *pnCapacity = it->second;
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
