#include "output.h"

#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <iostream>
#include <map>

namespace prlshim {
namespace {

struct EventName {
    unsigned value;
    const char* name;
};
const EventName kEventNames[] = {
#include "event_names.inc"
};

struct OsFamily {
    const char* name;
    PRL_UINT32 type;
    PRL_UINT32 other_version;
};
const OsFamily kOsFamilies[] = {
    {"linux", PVS_GUEST_TYPE_LINUX, PVS_GUEST_VER_LIN_OTHER},
    {"windows", PVS_GUEST_TYPE_WINDOWS, PVS_GUEST_VER_WIN_OTHER},
    {"macos", PVS_GUEST_TYPE_MACOS, PVS_GUEST_VER_MACOS_LAST},
    {"freebsd", PVS_GUEST_TYPE_FREEBSD, PVS_GUEST_VER_BSD_OTHER},
    {"os2", PVS_GUEST_TYPE_OS2, PVS_GUEST_VER_OS2_OTHER},
    {"msdos", PVS_GUEST_TYPE_MSDOS, PVS_GUEST_VER_DOS_OTHER},
    {"netware", PVS_GUEST_TYPE_NETWARE, PVS_GUEST_VER_NET_OTHER},
    {"solaris", PVS_GUEST_TYPE_SOLARIS, PVS_GUEST_VER_SOL_OTHER},
    {"chromeos", PVS_GUEST_TYPE_CHROMEOS, PVS_GUEST_VER_CHROMEOS_OTHER},
    {"android", PVS_GUEST_TYPE_ANDROID, PVS_GUEST_VER_ANDROID_OTHER},
    {"other", PVS_GUEST_TYPE_OTHER, PVS_GUEST_VER_OTH_OTHER},
};

}  // namespace

std::string state_name(VIRTUAL_MACHINE_STATE state) {
    switch (state) {
        case VMS_STOPPED: return "stopped";
        case VMS_STARTING: return "starting";
        case VMS_RESTORING: return "restoring";
        case VMS_RUNNING: return "running";
        case VMS_PAUSED: return "paused";
        case VMS_RESETTING: return "resetting";
        case VMS_PAUSING: return "pausing";
        case VMS_SUSPENDING: return "suspending";
        case VMS_STOPPING: return "stopping";
        case VMS_COMPACTING: return "compacting";
        case VMS_SUSPENDED: return "suspended";
        case VMS_SNAPSHOTING: return "snapshoting";
        case VMS_CONTINUING: return "continuing";
        case VMS_MIGRATING: return "migrating";
        case VMS_DELETING_STATE: return "del_snapshot";
        case VMS_RESUMING: return "resuming";
        case VMS_SUSPENDING_SYNC: return "syncing";
        case VMS_RECONNECTING: return "reconnecting";
        case VMS_MOUNTED: return "mounted";
        case VMS_UNKNOWN: return "invalid";
        default: return "unknown";
    }
}

std::string os_type_name(PRL_UINT32 os_type) {
    for (const auto& f : kOsFamilies)
        if (f.type == os_type) return f.name;
    return "other";
}

PRL_UINT32 os_version_for(const std::string& family) {
    const std::string f = family == "win" ? "windows" : family == "macosx" ? "macos" : family;
    for (const auto& o : kOsFamilies)
        if (f == o.name) return o.other_version;
    return 0;
}

std::vector<std::string> os_family_names() {
    std::vector<std::string> names;
    for (const auto& f : kOsFamilies) names.emplace_back(f.name);
    return names;
}

std::string event_type_name(PRL_EVENT_TYPE type) {
    for (const auto& e : kEventNames)
        if (e.value == static_cast<unsigned>(type)) return e.name;
    return std::to_string(static_cast<unsigned>(type));
}

void print_table(const std::vector<Column>& columns, const std::vector<std::vector<std::string>>& rows, bool header) {
    auto line = [&](const std::vector<std::string>& cells) {
        std::string out;
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const std::string& cell = i < cells.size() ? cells[i] : std::string();
            const bool last = i + 1 == columns.size();
            const int w = columns[i].width;
            const std::size_t width = static_cast<std::size_t>(w < 0 ? -w : w);
            const std::size_t pad = cell.size() < width ? width - cell.size() : 0;
            if (w > 0) out.append(pad, ' ');
            out += cell;
            if (w < 0 && !last) out.append(pad, ' ');
            if (!last) out += ' ';
        }
        std::cout << out << '\n';
    };
    if (header) {
        std::vector<std::string> h;
        for (const auto& c : columns) h.push_back(c.header);
        line(h);
    }
    for (const auto& r : rows) line(r);
    std::cout.flush();
}

void print_json(const Json& j) { std::cout << j.dump(2) << std::endl; }

std::string local_time(const std::string& xs) {
    struct tm tm {};
    int y, mo, d, h, mi, s;
    if (std::sscanf(xs.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6) return xs;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    const time_t t = timegm(&tm);  // the tree's times are UTC
    struct tm local {};
    if (!localtime_r(&t, &local)) return xs;
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &local);
    return buf;
}

bool stdout_is_tty() { return isatty(STDOUT_FILENO) == 1; }

}  // namespace prlshim
