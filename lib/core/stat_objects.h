// Statistics (PHT_SYSTEM_STATISTICS and its parts), the result of
// PrlSrv_GetStatistics and PrlVm_GetStatistics(Ex): a snapshot, read once;
// each part handed out is a copy of its row.
#pragma once

#include "host_info.h"
#include "object.h"

#include <cstdint>
#include <map>

namespace prl {

template <class Row, PRL_HANDLE_TYPE Type>
class StatRow : public Object {
public:
    explicit StatRow(Row r) : Object(Type), row(std::move(r)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == Type; }
    const Row row;
};

using StatCpu = StatRow<host::CpuLoad, PHT_SYSTEM_STATISTICS_CPU>;
using StatIface = StatRow<host::IfaceLoad, PHT_SYSTEM_STATISTICS_IFACE>;
using StatUser = StatRow<host::UserSession, PHT_SYSTEM_STATISTICS_USER_SESSION>;
using StatDisk = StatRow<host::DiskUsage, PHT_SYSTEM_STATISTICS_DISK>;
using StatDiskPart = StatRow<host::PartUsage, PHT_SYSTEM_STATISTICS_DISK_PARTITION>;
using StatProc = StatRow<host::Process, PHT_SYSTEM_STATISTICS_PROCESS>;

// PRL_DATA_STATISTIC_SEGMENTS -> bytes; a segment not known is absent.
using VmDataSegments = std::map<int, std::uint64_t>;
using StatVmData = StatRow<VmDataSegments, PHT_SYSTEM_STATISTICS_VM_DATA>;

class Statistics : public Object {
public:
    Statistics(host::Load l, std::uint64_t service_uptime_s, VmDataSegments segments = {})
        : Object(PHT_SYSTEM_STATISTICS), load(std::move(l)), disp_uptime_s(service_uptime_s), vm_data(std::move(segments)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_SYSTEM_STATISTICS; }
    const host::Load load;
    const std::uint64_t disp_uptime_s;
    const VmDataSegments vm_data;
};

}  // namespace prl
