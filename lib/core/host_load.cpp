// read_load(): memory, swap, uptime, CPUs, disks, interfaces, sessions and
// processes of this host, as PrlSrv_GetStatistics reports them.
#include "host_info.h"

#include "host_files.h"
#include "host_mounts.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utmpx.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <mutex>
#include <thread>

namespace prl::host {
namespace {

namespace fs = std::filesystem;
using namespace detail;

// Seconds from 1601-01-01 (the SDK's epoch for process start times) to 1970-01-01.
constexpr std::uint64_t epoch_1601_to_1970 = 11644473600ull;

// PRL_PROCESS_STATE_TYPE
enum : int { proc_sleep = 0, proc_run = 1, proc_stop = 2, proc_zombie = 3, proc_idle = 4 };

void read_memory(Load& l) {
    std::map<std::string, std::uint64_t> kib;
    for (const auto& line : lines(read_text("/proc/meminfo"))) {
        std::istringstream in(line);
        std::string key;
        std::uint64_t v = 0;
        if (in >> key >> v) kib[key.substr(0, key.size() - 1)] = v;  // "MemTotal:" -> "MemTotal"
    }
    l.ram_total = kib["MemTotal"] * 1024;
    l.ram_free = kib["MemFree"] * 1024;
    l.ram_used = l.ram_total - std::min(l.ram_total, l.ram_free);
    // What programs hold, page cache and reclaimable buffers left out.
    const std::uint64_t available = kib.count("MemAvailable") ? kib["MemAvailable"] * 1024 : l.ram_free;
    l.ram_real = l.ram_total - std::min(l.ram_total, available);
    l.swap_total = kib["SwapTotal"] * 1024;
    l.swap_free = kib["SwapFree"] * 1024;
    l.swap_used = l.swap_total - std::min(l.swap_total, l.swap_free);
}

struct Ticks {
    std::uint64_t user = 0, system = 0, idle = 0, total = 0;
};

std::vector<Ticks> cpu_ticks() {
    std::vector<Ticks> out;
    for (const auto& line : lines(read_text("/proc/stat"))) {
        if (!starts_with(line, "cpu") || line.size() < 4 || !std::isdigit(static_cast<unsigned char>(line[3]))) continue;
        std::istringstream in(line);
        std::string name;
        std::uint64_t f[10] = {};
        in >> name;
        for (auto& v : f) in >> v;
        Ticks t;
        t.user = f[0] + f[1];                // user + nice
        t.system = f[2] + f[5] + f[6];       // system + irq + softirq
        t.idle = f[3] + f[4];                // idle + iowait
        for (int i = 0; i < 8; ++i) t.total += f[i];  // guest time is already in user
        out.push_back(t);
    }
    return out;
}

void read_cpus(Load& l, unsigned sample_ms) {
    const auto before = cpu_ticks();
    if (sample_ms) std::this_thread::sleep_for(std::chrono::milliseconds(sample_ms));
    const auto after = cpu_ticks();
    const long hz = sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100;
    for (std::size_t i = 0; i < after.size(); ++i) {
        CpuLoad c;
        const Ticks& a = after[i];
        c.total_s = a.total / static_cast<std::uint64_t>(hz);
        c.user_s = a.user / static_cast<std::uint64_t>(hz);
        c.system_s = a.system / static_cast<std::uint64_t>(hz);
        if (i < before.size() && a.total > before[i].total) {
            const std::uint64_t span = a.total - before[i].total;
            const std::uint64_t idle = a.idle >= before[i].idle ? a.idle - before[i].idle : 0;
            c.percent = static_cast<std::uint32_t>(100 * (span - std::min(span, idle)) / span);
        }
        l.cpus.push_back(c);
    }
}

void read_disks(Load& l) {
    const Mounts mounts = read_mounts();
    // The same disks PrlSrvCfg_GetHardDisk lists: block devices backed by hardware.
    for (const auto& name : entries("/sys/block")) {
        const fs::path sys = fs::path("/sys/block") / name;
        if (!path_exists(sys / "device") || starts_with(name, "sr") || starts_with(name, "fd")) continue;
        DiskUsage d;
        d.sys_name = "/dev/" + name;
        const Space whole = mounts.space(name);
        d.used = whole.used;
        d.free = whole.free;
        for (const auto& part : entries(sys)) {
            if (!path_exists(sys / part / "partition")) continue;
            const Space s = mounts.space(part);
            d.partitions.push_back({"/dev/" + part, s.used, s.free});
            d.used += s.used;
            d.free += s.free;
        }
        l.disks.push_back(std::move(d));
    }
}

void read_ifaces(Load& l) {
    for (const auto& line : lines(read_text("/proc/net/dev"))) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;  // the two header lines
        IfaceLoad i;
        std::istringstream name(line.substr(0, colon));
        name >> i.name;
        std::istringstream in(line.substr(colon + 1));
        std::uint64_t f[16] = {};
        for (auto& v : f) in >> v;
        i.in_bytes = f[0];
        i.in_packets = f[1];
        i.out_bytes = f[8];
        i.out_packets = f[9];
        l.ifaces.push_back(std::move(i));
    }
}

void read_users(Load& l) {
    // The utmp functions keep a process-wide cursor.
    static std::mutex utmp_mutex;
    std::lock_guard<std::mutex> lock(utmp_mutex);
    const auto now = static_cast<std::uint64_t>(std::time(nullptr));
    setutxent();
    while (const utmpx* u = getutxent()) {
        if (u->ut_type != USER_PROCESS) continue;
        UserSession s;
        s.user.assign(u->ut_user, strnlen(u->ut_user, sizeof u->ut_user));
        s.service.assign(u->ut_line, strnlen(u->ut_line, sizeof u->ut_line));
        s.host.assign(u->ut_host, strnlen(u->ut_host, sizeof u->ut_host));
        const auto since = static_cast<std::uint64_t>(u->ut_tv.tv_sec);
        s.seconds = now > since ? now - since : 0;
        l.users.push_back(std::move(s));
    }
    endutxent();
}

std::string user_name(uid_t uid) {
    passwd pw{}, *found = nullptr;
    char buf[4096];
    if (getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found) return found->pw_name;
    return std::to_string(uid);
}

void read_process(Load& l, const std::string& entry, std::uint64_t hz, long page, std::uint64_t boot_time,
                  std::uint64_t now);

void read_processes(Load& l) {
    const long hz_l = sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100;
    const auto hz = static_cast<std::uint64_t>(hz_l);
    const long page = sysconf(_SC_PAGE_SIZE) > 0 ? sysconf(_SC_PAGE_SIZE) : 4096;
    std::uint64_t boot_time = 0;
    for (const auto& line : lines(read_text("/proc/stat")))
        if (starts_with(line, "btime ")) boot_time = std::strtoull(line.c_str() + 6, nullptr, 10);
    const auto now = static_cast<std::uint64_t>(std::time(nullptr));
    for (const auto& entry : entries("/proc")) {
        if (entry.empty() || !std::all_of(entry.begin(), entry.end(), ::isdigit)) continue;
        try {
            read_process(l, entry, hz, page, boot_time, now);
        } catch (const std::exception&) {
            // The process ended or changed while being read: left out.
        }
    }
}

void read_process(Load& l, const std::string& entry, std::uint64_t hz, long page, std::uint64_t boot_time,
                  std::uint64_t now) {
    {
        const fs::path dir = fs::path("/proc") / entry;
        const std::string stat = read_text(dir / "stat");
        // "pid (comm) state ..." — comm may hold spaces and parentheses.
        const auto open = stat.find('('), close = stat.rfind(')');
        if (open == std::string::npos || close == std::string::npos || close < open) return;  // gone meanwhile
        Process p;
        p.pid = static_cast<std::uint32_t>(std::stoul(entry));
        p.command = stat.substr(open + 1, close - open - 1);
        std::istringstream in(stat.substr(close + 2));
        std::vector<std::string> f;
        for (std::string v; in >> v;) f.push_back(v);
        if (f.size() < 22) return;
        // f[0] is field 3 of proc(5): state; utime 14, stime 15, starttime 22, vsize 23, rss 24.
        switch (f[0][0]) {
            case 'R': p.state = proc_run; break;
            case 'T': case 't': p.state = proc_stop; break;
            case 'Z': case 'X': p.state = proc_zombie; break;
            case 'I': p.state = proc_idle; break;
            default: p.state = proc_sleep; break;
        }
        const std::uint64_t utime = std::stoull(f[11]), stime = std::stoull(f[12]), start = std::stoull(f[19]);
        p.user_s = utime / hz;
        p.system_s = stime / hz;
        p.total_s = (utime + stime) / hz;
        const std::uint64_t started = boot_time + start / hz;
        p.start_time = started + epoch_1601_to_1970;
        // Average over the process's life: one sample cannot give a current rate.
        const std::uint64_t alive_ticks = now > started ? (now - started) * hz : 0;
        if (alive_ticks) p.cpu_percent = static_cast<std::uint32_t>(std::min<std::uint64_t>(100 * (utime + stime) / alive_ticks, 100 * 1024));
        p.virt_mem = std::stoull(f[20]);
        p.real_mem = std::stoull(f[21]) * static_cast<std::uint64_t>(page);
        std::uint64_t swap_kib = 0;
        for (const auto& line : lines(read_text(dir / "status")))
            if (starts_with(line, "VmSwap:")) swap_kib = std::stoull(line.substr(7));
        p.total_mem = p.real_mem + swap_kib * 1024;
        struct stat st {};
        if (::stat(dir.c_str(), &st) == 0) p.owner = user_name(st.st_uid);
        l.processes.push_back(std::move(p));
    }
}

}  // namespace

Load read_load(unsigned sample_ms) {
    Load l;
    read_memory(l);
    const std::string up = read_line("/proc/uptime");
    try {
        l.uptime_s = static_cast<std::uint64_t>(std::stod(up));
    } catch (...) {
    }
    read_cpus(l, sample_ms);
    read_disks(l);
    read_ifaces(l);
    read_users(l);
    read_processes(l);
    return l;
}

std::uint64_t allocated_bytes(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return 0;
    std::uint64_t total = static_cast<std::uint64_t>(st.st_blocks) * 512;
    if (S_ISDIR(st.st_mode)) {
        std::error_code ec;
        for (fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
             !ec && it != end; it.increment(ec)) {
            struct stat s {};
            if (::lstat(it->path().c_str(), &s) == 0) total += static_cast<std::uint64_t>(s.st_blocks) * 512;
        }
    }
    return total;
}

}  // namespace prl::host
