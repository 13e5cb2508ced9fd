// bench_cbt: the external backup's changes map against reading the disk once
// (docs/performance.md, "External backup"). A VM with a 1 GiB disk, filled
// (`--fill` percent of its 64 KiB blocks hold random data, default 100), gets
// a full external backup; then 1% of its blocks, scattered, change. Measured,
// each the median of 3 runs, same process, same page cache:
//   - `cat disk >/dev/null` (the file read once, by the shell);
//   - the same read in-process (read(2), 128 KiB buffers);
//   - PrlVm_BeginBackup (the frozen view: a reflink or sparse copy);
//   - PrlDisk_GetChangesMap_Local against the full backup;
//   - a PrlDisk_Read loop over every block (what prlctl does next);
//   - the map when nothing changed since the last backup.
// `--quick`: a 16 MiB disk, one run (for ctest). `--dir=D`: the state root is
// made in D (default /tmp), e.g. on an XFS or btrfs mount to measure reflinks.
#include <Virtuozzo.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

bool quick = false;
int fill_percent = 100;
constexpr std::size_t kGran = 64 * 1024;

void check(PRL_RESULT rc, const char* what) {
    if (PRL_FAILED(rc)) {
        std::fprintf(stderr, "%s failed: 0x%x\n", what, static_cast<unsigned>(rc));
        std::exit(1);
    }
}

PRL_HANDLE wait(PRL_HANDLE job, const char* what) {
    check(PrlJob_Wait(job, 600000), what);
    PRL_RESULT rc = PRL_ERR_UNEXPECTED;
    check(PrlJob_GetRetCode(job, &rc), what);
    check(rc, what);
    PRL_HANDLE result = PRL_INVALID_HANDLE;
    PrlJob_GetResult(job, &result);
    PrlHandle_Free(job);
    return result;
}

PRL_HANDLE param(PRL_HANDLE result) {
    PRL_HANDLE h = PRL_INVALID_HANDLE;
    check(PrlResult_GetParam(result, &h), "PrlResult_GetParam");
    PrlHandle_Free(result);
    return h;
}

double seconds(const std::function<void()>& body) {
    const auto t0 = Clock::now();
    body();
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

void read_file_once(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    std::vector<char> buf(128 * 1024);
    while (::read(fd, buf.data(), buf.size()) > 0) {
    }
    ::close(fd);
}

void write_at(const std::string& path, std::size_t offset, const std::vector<char>& bytes) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset)) != static_cast<ssize_t>(bytes.size()))
        std::exit(1);
    ::close(fd);
}

std::string backup_uuid(PRL_HANDLE b) {
    char text[64];
    PRL_UINT32 len = sizeof text;
    check(PrlVmBackup_GetUuid(b, text, &len), "PrlVmBackup_GetUuid");
    return text;
}

// One BeginBackup; returns its handle and the time it took.
PRL_HANDLE begin(PRL_HANDLE vm, double* took) {
    PRL_HANDLE b = PRL_INVALID_HANDLE;
    *took = seconds([&] { b = param(wait(PrlVm_BeginBackup(vm, PBMBF_CREATE_MAP), "PrlVm_BeginBackup")); });
    return b;
}

unsigned marked(PRL_HANDLE disk, const char* since, double* took) {
    PRL_HANDLE map = PRL_INVALID_HANDLE;
    *took = seconds([&] { check(PrlDisk_GetChangesMap_Local(disk, since, nullptr, &map), "GetChangesMap"); });
    PRL_UINT32 bits = 0, cap = 0;
    PrlDiskMap_GetSize(map, &bits);
    PrlDiskMap_Read(map, nullptr, &cap);
    std::vector<unsigned char> bytes(cap);
    check(PrlDiskMap_Read(map, bytes.data(), &cap), "PrlDiskMap_Read");
    PrlHandle_Free(map);
    unsigned n = 0;
    for (unsigned i = 0; i < bits; ++i) n += (bytes[i >> 3] >> (i & 7)) & 1;
    return n;
}

}  // namespace

int main(int argc, char** argv) {
    std::string dir = "/tmp";
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--quick")) quick = true;
        if (!std::strncmp(argv[i], "--fill=", 7)) fill_percent = std::atoi(argv[i] + 7);
        if (!std::strncmp(argv[i], "--dir=", 6)) dir = argv[i] + 6;
    }
    std::string tmpl = dir + "/prlshim-bench-cbt-XXXXXX";
    if (!::mkdtemp(tmpl.data())) return 1;
    const fs::path home = tmpl;
    setenv("PRLSHIM_HOME", home.c_str(), 1);
    const std::size_t disk_mib = quick ? 16 : 1024;
    const int runs = quick ? 1 : 3;

    check(PrlApi_InitEx(PARALLELS_API_VER, PAM_SERVER, 0, 0), "PrlApi_InitEx");
    PRL_HANDLE server = PRL_INVALID_HANDLE, vm = PRL_INVALID_HANDLE, hd = PRL_INVALID_HANDLE;
    check(PrlSrv_Create(&server), "PrlSrv_Create");
    PrlHandle_Free(wait(PrlSrv_LoginLocal(server, nullptr, 0, PSL_HIGH_SECURITY), "login"));
    check(PrlSrv_CreateVm(server, &vm), "PrlSrv_CreateVm");
    PrlVmCfg_SetName(vm, "bench-cbt");
    check(PrlVmCfg_CreateVmDev(vm, PDE_HARD_DISK, &hd), "CreateVmDev");
    PrlVmDevHd_SetDiskSize(hd, static_cast<PRL_UINT32>(disk_mib));
    PrlVmDev_SetImagePath(hd, "disk0.hdd");
    PrlHandle_Free(wait(PrlVm_Reg(vm, "", PRL_TRUE), "PrlVm_Reg"));
    char path[4096];
    PRL_UINT32 len = sizeof path;
    check(PrlVmDev_GetImagePath(hd, path, &len), "GetImagePath");
    const std::string image = path;

    // Fill: random data in fill_percent of the blocks.
    const std::size_t blocks = disk_mib * 1024 * 1024 / kGran;
    std::mt19937_64 rng(7);
    std::vector<char> block(kGran);
    auto randomize = [&](std::vector<char>& b) {
        for (std::size_t i = 0; i < b.size(); i += 8) {
            const std::uint64_t v = rng();
            std::memcpy(&b[i], &v, 8);
        }
    };
    {
        const int fd = ::open(image.c_str(), O_WRONLY | O_CLOEXEC);
        for (std::size_t n = 0; n < blocks; ++n) {
            if (static_cast<int>(rng() % 100) >= fill_percent) continue;
            randomize(block);
            if (::pwrite(fd, block.data(), kGran, static_cast<off_t>(n * kGran)) != static_cast<ssize_t>(kGran)) return 1;
        }
        ::fsync(fd);
        ::close(fd);
    }

    // The full backup.
    double t = 0;
    PRL_HANDLE b = begin(vm, &t);
    PRL_HANDLE disk = PRL_INVALID_HANDLE;
    check(PrlVmBackup_GetDisk(b, 0, &disk), "GetDisk");
    const unsigned full_marked = marked(disk, nullptr, &t);
    const double full_map = t;
    PrlHandle_Free(disk);
    PrlHandle_Free(wait(PrlVmBackup_Commit(b), "Commit"));
    const std::string id = backup_uuid(b);
    PrlHandle_Free(b);

    // 1% of the blocks change, scattered: 4 KiB of new data in each.
    const std::size_t changes = std::max<std::size_t>(1, blocks / 100);
    std::vector<char> small(4096);
    std::vector<bool> hit(blocks, false);
    for (std::size_t c = 0; c < changes;) {
        const std::size_t n = rng() % blocks;
        if (hit[n]) continue;
        hit[n] = true;
        ++c;
        randomize(small);
        write_at(image, n * kGran + (rng() % 16) * 4096, small);
    }

    std::vector<double> cat_s, read_s, begin_s, map_s, loop_s;
    unsigned incr_marked = 0;
    const std::string cat = "cat '" + image + "' >/dev/null";
    for (int r = 0; r < runs; ++r) {
        cat_s.push_back(seconds([&] {
            if (std::system(cat.c_str()) != 0) std::exit(1);
        }));
        read_s.push_back(seconds([&] { read_file_once(image); }));
        b = begin(vm, &t);
        begin_s.push_back(t);
        check(PrlVmBackup_GetDisk(b, 0, &disk), "GetDisk");
        incr_marked = marked(disk, id.c_str(), &t);
        map_s.push_back(t);
        loop_s.push_back(seconds([&] {
            for (std::size_t n = 0; n < blocks; ++n)
                check(PrlDisk_Read(disk, block.data(), kGran, n * kGran / 512), "PrlDisk_Read");
        }));
        PrlHandle_Free(disk);
        // The last run commits: the next map is against an unchanged disk.
        PrlHandle_Free(wait(r + 1 == runs ? PrlVmBackup_Commit(b) : PrlVmBackup_Rollback(b), "end backup"));
        if (r + 1 == runs) {
            const std::string id2 = backup_uuid(b);
            PrlHandle_Free(b);
            b = begin(vm, &t);
            check(PrlVmBackup_GetDisk(b, 0, &disk), "GetDisk");
            double unchanged = 0;
            const unsigned none = marked(disk, id2.c_str(), &unchanged);
            std::printf("%-58s %9.3f s  (%u blocks marked)\n", "map, nothing changed since the last backup", unchanged,
                        none);
            PrlHandle_Free(disk);
            PrlHandle_Free(wait(PrlVmBackup_Rollback(b), "Rollback"));
        }
        PrlHandle_Free(b);
    }

    std::printf("disk %zu MiB, %d%% of its %zu blocks hold data; %zu blocks changed (1%%)\n", disk_mib, fill_percent,
                blocks, changes);
    std::printf("%-58s %9.3f s  (%u blocks marked)\n", "full map (every non-zero block)", full_map, full_marked);
    std::printf("%-58s %9.3f s\n", "cat disk >/dev/null", median(cat_s));
    std::printf("%-58s %9.3f s\n", "read(2) of the disk, 128 KiB buffers", median(read_s));
    std::printf("%-58s %9.3f s\n", "PrlVm_BeginBackup (the frozen view)", median(begin_s));
    std::printf("%-58s %9.3f s  (%u blocks marked)\n", "incremental map (PrlDisk_GetChangesMap_Local)", median(map_s),
                incr_marked);
    std::printf("%-58s %9.3f s\n", "PrlDisk_Read loop over every 64 KiB block", median(loop_s));
    std::printf("map / cat: %.2f   map / PrlDisk_Read loop: %.2f\n", median(map_s) / median(cat_s),
                median(map_s) / median(loop_s));
    const bool ok = incr_marked == changes;
    if (!ok) std::fprintf(stderr, "the incremental map marked %u blocks, %zu changed\n", incr_marked, changes);

    PrlHandle_Free(wait(PrlVm_Delete(vm, PRL_INVALID_HANDLE), "PrlVm_Delete"));
    PrlHandle_Free(hd);
    PrlHandle_Free(vm);
    PrlHandle_Free(wait(PrlSrv_Logoff(server), "logoff"));
    PrlHandle_Free(server);
    PrlApi_Deinit();
    fs::remove_all(home);
    return ok ? 0 : 1;
}
