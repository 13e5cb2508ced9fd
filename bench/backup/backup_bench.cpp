// Backup engine benchmark (see docs/backup-engine.md "Performance").
//  - 1 GiB image in 1 MiB extents: 40% random, 40% zero (written, not holes),
//    20% log-like text; full backup vs `tar | zstd -1 -T0`;
//  - rewrite 1% as 2,621 scattered 4 KiB blocks; incremental size and time;
//  - restore time; peak RSS of each operation (run in a child process);
//  - GetBackupTree over 100,000 elements.
// Usage: backup_bench [work-dir] [image-MiB] | backup_bench --make-image FILE MiB
//        | backup_bench --list DIR ELEMENTS (the listing alone)
#include "backup_tree.h"
#include "element_meta.h"
#include "repository.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <random>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace prl::backup;
namespace fs = std::filesystem;

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

void write_all(int fd, const void* p, size_t n) {
    auto c = static_cast<const char*>(p);
    while (n) {
        ssize_t w = ::write(fd, c, n);
        if (w <= 0) { std::perror("write"); std::exit(1); }
        c += w;
        n -= static_cast<size_t>(w);
    }
}

void make_image(const fs::path& p, uint64_t mib) {
    std::mt19937_64 rng(42);
    const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<uint8_t> buf(1 << 20);
    uint64_t line = 0;
    for (uint64_t i = 0; i < mib; ++i) {
        const unsigned kind = static_cast<unsigned>(rng() % 10);
        if (kind < 4) {
            for (size_t k = 0; k < buf.size(); k += 8) {
                const uint64_t x = rng();
                std::memcpy(&buf[k], &x, 8);
            }
        } else if (kind < 8) {
            std::memset(buf.data(), 0, buf.size());
        } else {
            size_t k = 0;
            while (k < buf.size()) {
                char l[160];
                const int n = std::snprintf(l, sizeof l, "2024-05-01T12:%02u:%02u.%03u host%u app[%u]: request %llu served in %u ms status=%u\n",
                                            unsigned(line / 60 % 60), unsigned(line % 60), unsigned(rng() % 1000), unsigned(rng() % 4),
                                            unsigned(1000 + rng() % 50), static_cast<unsigned long long>(line), unsigned(rng() % 500),
                                            rng() % 20 ? 200u : 500u);
                ++line;
                const size_t take = std::min(buf.size() - k, static_cast<size_t>(n));
                std::memcpy(&buf[k], l, take);
                k += take;
            }
        }
        write_all(fd, buf.data(), buf.size());
    }
    ::fsync(fd);
    ::close(fd);
}

struct Measure {
    double wall, rss_mib, cpu;
};

// Runs f in a child; returns wall seconds, peak RSS and CPU seconds (user + system).
Measure measured(const std::function<void()>& f) {
    const double t0 = now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        try {
            f();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "error: %s\n", e.what());
            ::_exit(1);
        }
        ::_exit(0);
    }
    int status = 0;
    struct rusage ru {};
    ::wait4(pid, &status, 0, &ru);
    const double t = now() - t0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) { std::fprintf(stderr, "child failed\n"); std::exit(1); }
    const double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    return {t, ru.ru_maxrss / 1024.0, cpu};
}

uint64_t dir_bytes(const fs::path& d) {
    uint64_t n = 0;
    for (auto& e : fs::recursive_directory_iterator(d))
        if (e.is_regular_file()) n += e.file_size();
    return n;
}

void warm(const fs::path& p) {
    const int fd = ::open(p.c_str(), O_RDONLY);
    std::vector<char> buf(1 << 20);
    while (::read(fd, buf.data(), buf.size()) > 0) {}
    ::close(fd);
}

double tree_bench(size_t elements) {
    std::vector<VmEntry> vms;
    const size_t per_chain = 20, chains_per_vm = 10;
    size_t made = 0;
    for (int v = 0; made < elements; ++v) {
        VmEntry vm;
        char uuid[64];
        std::snprintf(uuid, sizeof uuid, "{%08x-0000-4000-8000-000000000000}", v);
        vm.uuid = uuid;
        vm.name = "vm-" + std::to_string(v);
        for (size_t c = 0; c < chains_per_vm && made < elements; ++c) {
            ChainInfo ch;
            std::snprintf(uuid, sizeof uuid, "{%08x-%04zx-4000-8000-000000000000}", v, c);
            ch.uuid = ch.full.id = uuid;
            ch.full.time = 1700000000 + static_cast<int64_t>(c) * 86400;
            ch.full.creator = "root";
            ch.full.host = "host.example";
            ch.full.disks.push_back(DiskInfo{"hdd0", "/var/vms/vm/harddisk.hdd", 64ull << 30});
            ++made;
            for (uint32_t n = 2; n <= per_chain && made < elements; ++n, ++made) {
                ElementInfo e = ch.full;
                e.number = n;
                e.id = ch.uuid + "." + std::to_string(n);
                e.time += n * 3600;
                ch.partials.push_back(e);
                ch.last_number = n;
            }
            vm.chains.push_back(std::move(ch));
        }
        vms.push_back(std::move(vm));
    }
    const double t0 = now();
    const std::string xml = backup_tree_xml(vms, TreeFilter{});
    const double t = now() - t0;
    std::printf("tree: %zu elements -> %.1f MiB XML in %.3f s\n", elements, xml.size() / 1048576.0, t);
    return t;
}

// GetBackupTree end to end: list() over `elements` metadata files (written
// directly, 20 elements per chain, 10 chains per VM), then the tree.
void list_and_tree_bench(const fs::path& root, size_t elements) {
    auto repo = Repository::open(root);
    size_t made = 0;
    for (int v = 0; made < elements; ++v) {
        char vm[64];
        std::snprintf(vm, sizeof vm, "{%08x-0000-4000-8000-000000000000}", v);
        for (int c = 0; c < 10 && made < elements; ++c) {
            ElementMeta m;
            m.vm_uuid = vm;
            m.vm_name = "vm-" + std::to_string(v);
            char chain[64];
            std::snprintf(chain, sizeof chain, "{%08x-%04x-4000-8000-000000000000}", v, c);
            m.chain = chain;
            m.creator = "root";
            m.host = "host.example";
            m.time = 1700000000 + c * 86400;
            DiskRecord d;
            d.name = "hdd0";
            d.original_path = "/var/vms/vm/harddisk.hdd";
            d.size = 64ull << 30;
            d.map_file = "1-00000000.d0.map";
            m.disks.push_back(d);
            const fs::path dir = root / "vms" / std::string(vm).substr(1, 36) / std::string(chain).substr(1, 36);
            fs::create_directories(dir);
            for (uint32_t n = 1; n <= 20 && made < elements; ++n, ++made) {
                m.number = n;
                m.parent = n - 1;
                m.kind = n == 1 ? Kind::full : Kind::incremental;
                m.time += 3600;
                const std::string xml = serialize_element(m);
                const int fd = ::open((dir / element_file_name(n)).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
                write_all(fd, xml.data(), xml.size());
                ::close(fd);
            }
        }
    }
    // The files on disk first: the listing is timed, not the writeback of 100,000 new files.
    ::sync();
    for (const char* pass : {"first (parses, writes caches)", "again (listing caches)"}) {
        const double t0 = now();
        const auto vms = repo->list();
        const double t1 = now();
        const std::string xml = backup_tree_xml(vms, TreeFilter{});
        const double t2 = now();
        std::printf("GetBackupTree of %zu elements, %s: list %.3f s + tree %.3f s = %.3f s\n", elements, pass, t1 - t0,
                    t2 - t1, t2 - t0);
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 4 && std::string(argv[1]) == "--make-image") {  // for profiling by hand
        make_image(argv[2], std::strtoull(argv[3], nullptr, 10));
        return 0;
    }
    if (argc == 4 && std::string(argv[1]) == "--list") {  // the listing alone: --list DIR ELEMENTS
        fs::remove_all(argv[2]);
        list_and_tree_bench(argv[2], std::strtoull(argv[3], nullptr, 10));
        fs::remove_all(argv[2]);
        return 0;
    }
    const fs::path work = argc > 1 ? fs::path(argv[1]) : fs::temp_directory_path() / "prlshim-backup-bench";
    const uint64_t mib = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1024;
    fs::remove_all(work);
    fs::create_directories(work);
    const fs::path img = work / "disk.img", repo_dir = work / "repo";
    std::printf("image: %llu MiB (40%% random, 40%% zero, 20%% text), %u cores\n", static_cast<unsigned long long>(mib),
                std::thread::hardware_concurrency());
    make_image(img, mib);
    warm(img);

    // The machine may be shared: run tar and our full backup alternately, three
    // times each, and report the best and the median wall time and CPU time.
    const std::string tar_cmd = "cd '" + work.string() + "' && tar cf - disk.img | zstd -1 -T0 -q > tar.zst";
    Source src;
    src.vm_uuid = "{be4c0000-0000-4000-8000-000000000001}";
    src.vm_name = "bench";
    src.disks.push_back(DiskSource{"hdd0", img});
    CreateOptions full;
    full.kind = Kind::full;
    std::vector<Measure> tars, fulls;
    double full_rss = 0;
    for (int round = 0; round < 3; ++round) {
        tars.push_back(measured([&] { if (std::system(tar_cmd.c_str()) != 0) ::_exit(1); }));
        fs::remove(work / "tar.zst");
        fs::remove_all(repo_dir);
        fulls.push_back(measured([&] { Repository::open(repo_dir)->create(src, full); }));
        full_rss = std::max(full_rss, fulls.back().rss_mib);
    }
    auto report = [](const char* what, std::vector<Measure> v) {
        std::sort(v.begin(), v.end(), [](const Measure& a, const Measure& b) { return a.wall < b.wall; });
        std::printf("%-20s wall best %.3f s, median %.3f s; CPU median %.3f s\n", what, v[0].wall, v[1].wall,
                    v[1].cpu);
    };
    report("tar | zstd -1 -T0:", tars);
    report("full backup:", fulls);
    const uint64_t after_full = dir_bytes(repo_dir);
    std::printf("full backup stores %.1f MiB (fsync'ed), peak RSS %.1f MiB\n", after_full / 1048576.0, full_rss);

    // Rewrite 1% as scattered 4 KiB blocks.
    const uint64_t blocks = mib * 256, changed = blocks / 100;
    {
        std::mt19937_64 rng(7);
        const int fd = ::open(img.c_str(), O_WRONLY);
        std::vector<uint8_t> b(4096);
        for (uint64_t i = 0; i < changed; ++i) {
            for (size_t k = 0; k < b.size(); k += 8) {
                const uint64_t x = rng();
                std::memcpy(&b[k], &x, 8);
            }
            if (::pwrite(fd, b.data(), b.size(), static_cast<off_t>((rng() % blocks) * 4096)) != 4096) return 1;
        }
        ::close(fd);
    }
    CreateOptions inc;
    inc.kind = Kind::incremental;
    const Measure im = measured([&] { Repository::open(repo_dir)->create(src, inc); });
    const double inc_t = im.wall, inc_rss = im.rss_mib;
    const uint64_t inc_bytes = dir_bytes(repo_dir) - after_full;
    std::printf("incremental (%llu blocks changed, %.1f MiB): %.3f s, stored %.2f MiB (%.2fx changed), peak RSS %.1f MiB\n",
                static_cast<unsigned long long>(changed), changed * 4096 / 1048576.0, inc_t, inc_bytes / 1048576.0,
                double(inc_bytes) / double(changed * 4096), inc_rss);

    std::string last_id;
    for (const auto& vm : Repository::open(repo_dir)->list())
        for (const auto& c : vm.chains) last_id = c.partials.empty() ? c.full.id : c.partials.back().id;
    const Measure rm = measured([&] {
        RestoreTarget t;
        t.disks["hdd0"] = work / "restored.img";
        Repository::open(repo_dir)->restore(last_id, t);
    });
    std::printf("restore of the incremental: %.3f s (%.0f MiB/s), CPU %.3f s, peak RSS %.1f MiB\n", rm.wall,
                mib / rm.wall, rm.cpu, rm.rss_mib);
    const bool same = std::system(("cmp -s '" + img.string() + "' '" + (work / "restored.img").string() + "'").c_str()) == 0;
    std::printf("restored image identical: %s\n", same ? "yes" : "NO");

    tree_bench(100000);
    list_and_tree_bench(work / "list-repo", 100000);
    fs::remove_all(work);
    return same ? 0 : 1;
}
