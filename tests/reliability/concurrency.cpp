// Concurrency through the SDK (docs/reliability.md, "Concurrency").
//
// Several processes share one state root for a bounded time, each doing
// backups (full / incremental), tree listings, restores (to a copy, and over
// the original VM) and removes of the same and of different VMs; one more
// process does the same from several threads through one server handle.
// The VMs' disks do not change during the run, so every element of a VM must
// restore to that VM's bytes. Checked: every operation ends with success or
// an acceptable refusal (PRL_ERR_BACKUP_LOCKED_FOR_WRITING for a second
// writer, PRL_ERR_BACKUP_BACKUP_UUID_NOT_FOUND for an element another worker
// removed meanwhile); every restored copy is bit-exact; the tree always
// parses and lists only our VMs; at the end a new process finds every listed
// element restorable bit for bit and no leftovers. A watchdog fails the test
// (and kills the workers) if no operation completes for --watchdog seconds.
//
// usage: concurrency [--seconds T] [--processes P] [--threads N] [--watchdog W] [--seed S]
#include "rel_common.h"

#include <map>
#include <mutex>
#include <sys/mman.h>
#include <thread>

using namespace rel;

namespace {

constexpr int kVms = 3;
enum Kind { k_full, k_incr, k_tree, k_restore_copy, k_restore_over, k_remove, k_kinds };
const char* const kKindNames[] = {"create full", "create incremental", "tree", "restore to copy", "restore over",
                                  "remove"};
enum Outcome { o_ok, o_locked, o_not_found, o_other, o_outcomes };

struct Shared {
    std::atomic<uint64_t> ops;
    std::atomic<uint64_t> count[k_kinds][o_outcomes];
    std::atomic<uint64_t> bytes_verified;
    std::atomic<int> violations;
};

struct Vm {
    std::string uuid, image;
};

Shared* g = nullptr;
std::vector<Vm> g_vms;
fs::path g_states;

// `what` holds two "%s": the subject and the code's description.
void violation(const char* what, const std::string& a, PRL_RESULT rc) {
    std::string line = what;
    for (const std::string& arg : {a, describe(rc)}) {
        const auto at = line.find("%s");
        if (at != std::string::npos) line.replace(at, 2, arg);
    }
    std::fprintf(stderr, "VIOLATION: %s\n", line.c_str());
    g->violations++;
}

Outcome classify(PRL_RESULT rc) {
    if (PRL_SUCCEEDED(rc)) return o_ok;
    if (rc == PRL_ERR_BACKUP_LOCKED_FOR_WRITING) return o_locked;
    if (rc == PRL_ERR_BACKUP_BACKUP_UUID_NOT_FOUND) return o_not_found;
    return o_other;
}

int vm_index(const std::string& uuid) {
    for (int i = 0; i < kVms; ++i)
        if (g_vms[i].uuid == uuid) return i;
    return -1;
}

std::string expected_bytes(int vm) { return read_file(g_states / (std::to_string(vm) + ".img")); }

void worker(Session& s, uint64_t seed, double deadline, const std::string& tag) {
    std::mt19937_64 rng(seed);
    int n = 0;
    std::map<int, std::string> expect;
    for (int i = 0; i < kVms; ++i) expect[i] = expected_bytes(i);
    while (now_s() < deadline && g->violations.load() == 0) {
        std::vector<TreeElement> listed;
        Kind kind = static_cast<Kind>(rng() % k_kinds);
        const int vm = static_cast<int>(rng() % kVms);
        PRL_RESULT rc = 0;
        std::string what;
        if (kind == k_restore_copy || kind == k_restore_over || kind == k_remove || kind == k_tree) {
            rc = s.tree(listed);
            if (PRL_FAILED(rc)) violation("tree %s failed: %s", "", rc);
            for (const auto& e : listed)
                if (vm_index(e.vm_uuid) < 0) violation("tree lists a VM that is not ours: %s %s", e.vm_uuid, 0);
            if (kind == k_tree) {
                g->count[k_tree][classify(rc)]++;
                g->ops++;
                continue;
            }
            if (listed.empty()) kind = k_full;
            else if (listed.size() > 12 && kind != k_remove) kind = k_remove;
        }
        const TreeElement pick = listed.empty() ? TreeElement{} : listed[rng() % listed.size()];
        switch (kind) {
        case k_full:
        case k_incr:
            what = g_vms[vm].uuid;
            rc = s.backup(what, kind == k_full ? PBT_FULL : PBT_INCREMENTAL, "vm" + std::to_string(vm));
            break;
        case k_restore_copy: {
            what = pick.id;
            const std::string name = "cp-" + tag + "-" + std::to_string(n++);
            rc = s.restore_copy(pick.vm_uuid, pick.id, name);
            if (PRL_SUCCEEDED(rc)) {
                PRL_HANDLE result = PRL_INVALID_HANDLE, copy = PRL_INVALID_HANDLE, hd = PRL_INVALID_HANDLE;
                REL_OK(wait_job(PrlSrv_GetVmConfig(s.server, name.c_str(), PGVC_SEARCH_BY_NAME), &result));
                REL_OK(PrlResult_GetParam(result, &copy));
                REL_OK(PrlVmCfg_GetHardDisk(copy, 0, &hd));
                const std::string image =
                    get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDev_GetImagePath(hd, b, l); });
                const std::string bytes = read_file(image);
                if (bytes != expect[vm_index(pick.vm_uuid)]) violation("restored copy of %s differs%s", pick.id, 0);
                g->bytes_verified += bytes.size();
                const PRL_RESULT d = s.delete_vm(copy);
                if (PRL_FAILED(d)) violation("delete of copy %s: %s", name, d);
                for (PRL_HANDLE h : {result, copy, hd}) PrlHandle_Free(h);
            }
            break;
        }
        case k_restore_over: {
            what = pick.id;
            rc = s.restore_over(pick.vm_uuid, pick.id);
            break;
        }
        case k_remove:
            what = pick.id;
            rc = s.remove(pick.vm_uuid, pick.id, rng() & 1);
            break;
        default:
            break;
        }
        const Outcome o = classify(rc);
        // A second writer of one VM is refused; an element removed by
        // someone else is not found; restores never see a lock.
        const bool acceptable = o == o_ok || (o == o_locked && kind != k_restore_copy && kind != k_restore_over) ||
                                (o == o_not_found && kind != k_full && kind != k_incr);
        if (!acceptable) violation((std::string(kKindNames[kind]) + " %s: %s").c_str(), what, rc);
        g->count[kind][o]++;
        g->ops++;
    }
}

int final_check(const fs::path& home, std::string& summary) {
    Session s;
    std::vector<TreeElement> listed;
    REL_OK(s.tree(listed));
    int bad = 0;
    for (const std::string& f : files_under(home / "backups"))
        if (f.find(".tmp") != std::string::npos || f.rfind("store/txn/", 0) == 0) {
            std::fprintf(stderr, "leftover after the run: %s\n", f.c_str());
            ++bad;
        }
    int k = 0;
    for (const auto& e : listed) {
        const std::string name = "final-" + std::to_string(k++);
        const PRL_RESULT rc = s.restore_copy(e.vm_uuid, e.id, name);
        if (PRL_FAILED(rc)) {
            std::fprintf(stderr, "final: %s does not restore: %s\n", e.id.c_str(), describe(rc).c_str());
            ++bad;
        }
    }
    auto vms = s.vms();
    int copies_left = 0;
    for (auto& v : vms) {
        if (v.name.rfind("final-", 0) == 0) {
            std::string want;
            const std::string idx = v.name.substr(6);
            const TreeElement& e = listed[static_cast<size_t>(std::stoi(idx))];
            if (read_file(v.image) != expected_bytes(vm_index(e.vm_uuid))) {
                std::fprintf(stderr, "final: %s restores to other bytes\n", e.id.c_str());
                ++bad;
            }
        } else if (v.name.rfind("cp-", 0) == 0) {
            ++copies_left;
        }
    }
    for (int i = 0; i < kVms; ++i)
        if (read_file(g_vms[i].image) != expected_bytes(i)) {
            std::fprintf(stderr, "final: VM %d's own disk changed\n", i);
            ++bad;
        }
    if (copies_left) {
        std::fprintf(stderr, "final: %d restored copies left registered\n", copies_left);
        ++bad;
    }
    Session::free_vms(vms);
    summary = std::to_string(listed.size()) + " elements listed and restored bit-exact at the end";
    return bad;
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = 20, watchdog = 30;
    int processes = 3, threads = 4;
    uint64_t seed = 424242;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&] { return i + 1 < argc ? argv[++i] : (die("%s needs a value", a.c_str()), ""); };
        if (a == "--seconds") seconds = std::atof(next());
        else if (a == "--processes") processes = std::atoi(next());
        else if (a == "--threads") threads = std::atoi(next());
        else if (a == "--watchdog") watchdog = std::atof(next());
        else if (a == "--seed") seed = std::strtoull(next(), nullptr, 10);
        else die("unknown argument %s", a.c_str());
    }
    void* mem = ::mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) die("mmap");
    g = new (mem) Shared{};

    char tmpl[] = "/tmp/prlshim-concurrency-XXXXXX";
    if (!::mkdtemp(tmpl)) die("mkdtemp");
    const fs::path root = tmpl, home = root / "home";
    g_states = root / "states";
    fs::create_directories(home);
    fs::create_directories(g_states);
    ::setenv("PRLSHIM_HOME", home.c_str(), 1);
    const fs::path vms_txt = root / "vms.txt";
    if (!exited_ok(in_child([&] {
            Session s;
            std::ofstream out(vms_txt);
            for (int i = 0; i < kVms; ++i) {
                std::string uuid, image;
                s.make_vm("cc-" + std::to_string(i), 2, uuid, image);
                out << uuid << ' ' << image << '\n';
            }
            return 0;
        })))
        die("setup failed");
    {
        std::ifstream in(vms_txt);
        Vm v;
        while (in >> v.uuid >> v.image) g_vms.push_back(v);
    }
    // Different bytes per VM, with a shared middle part (deduplicated across VMs).
    std::mt19937_64 shared_rng(seed);
    std::string common(512 * 1024, '\0');
    for (auto& c : common) c = static_cast<char>(shared_rng());
    for (int i = 0; i < kVms; ++i) {
        std::mt19937_64 rng(seed + 1 + static_cast<uint64_t>(i));
        std::string bytes(fs::file_size(g_vms[i].image), '\0');
        for (size_t at = 0; at < 1024 * 1024; ++at) bytes[at] = static_cast<char>(rng());
        std::memcpy(&bytes[1024 * 1024], common.data(), common.size());
        write_file(g_vms[i].image, bytes);
        write_file(g_states / (std::to_string(i) + ".img"), bytes);
    }

    const double t0 = now_s(), deadline = t0 + seconds;
    std::vector<pid_t> pids;
    for (int p = 0; p <= processes; ++p) {
        const bool multi = p == processes;  // the last one: several threads, one server handle
        std::fflush(nullptr);
        const pid_t pid = ::fork();
        if (pid < 0) die("fork");
        if (pid == 0) {
            Session s;
            if (!multi) {
                worker(s, seed * 31 + static_cast<uint64_t>(p), deadline, "p" + std::to_string(p));
            } else {
                std::vector<std::thread> ts;
                for (int t = 0; t < threads; ++t)
                    ts.emplace_back([&, t] {
                        worker(s, seed * 131 + static_cast<uint64_t>(t), deadline, "t" + std::to_string(t));
                    });
                for (auto& t : ts) t.join();
            }
            std::fflush(nullptr);
            ::_exit(0);
        }
        pids.push_back(pid);
    }
    // Watchdog: progress is the shared count of finished operations.
    uint64_t last_ops = 0;
    double last_progress = now_s();
    bool hung = false;
    size_t running = pids.size();
    std::vector<bool> done(pids.size(), false);
    int crashed = 0;
    while (running) {
        ::usleep(200000);
        for (size_t i = 0; i < pids.size(); ++i) {
            int st = 0;
            if (!done[i] && ::waitpid(pids[i], &st, WNOHANG) == pids[i]) {
                done[i] = true;
                --running;
                if (!exited_ok(st)) {
                    std::fprintf(stderr, "worker %zu died (status %d)\n", i, st);
                    ++crashed;
                }
            }
        }
        const uint64_t ops = g->ops.load();
        if (ops != last_ops) {
            last_ops = ops;
            last_progress = now_s();
        } else if (now_s() - last_progress > watchdog) {
            std::fprintf(stderr, "WATCHDOG: no operation finished for %.0f s: deadlock or hang\n", watchdog);
            hung = true;
            for (size_t i = 0; i < pids.size(); ++i)
                if (!done[i]) ::kill(pids[i], SIGKILL);
            for (size_t i = 0; i < pids.size(); ++i)
                if (!done[i]) ::waitpid(pids[i], nullptr, 0);
            break;
        }
    }
    const double elapsed = now_s() - t0;
    std::string summary;
    int bad = 0;
    if (!hung) {
        const fs::path out = root / "final.txt";
        const int st = in_child([&] {
            std::string s;
            const int b = final_check(home, s);
            std::ofstream(out) << s << '\n';
            return b ? 1 : 0;
        });
        if (!exited_ok(st)) ++bad;
        std::getline(std::ifstream(out) >> std::ws, summary);
    }
    std::printf("CONCURRENCY %d processes + 1 process x %d threads, %.1f s, %llu operations, %.1f MiB of restored "
                "copies compared\n",
                processes, threads, elapsed, static_cast<unsigned long long>(g->ops.load()),
                static_cast<double>(g->bytes_verified.load()) / (1 << 20));
    for (int k = 0; k < k_kinds; ++k)
        std::printf("CONCURRENCY   %-20s ok %5llu  locked %5llu  not-found %5llu  other %llu\n", kKindNames[k],
                    static_cast<unsigned long long>(g->count[k][o_ok].load()),
                    static_cast<unsigned long long>(g->count[k][o_locked].load()),
                    static_cast<unsigned long long>(g->count[k][o_not_found].load()),
                    static_cast<unsigned long long>(g->count[k][o_other].load()));
    std::printf("CONCURRENCY final check: %s\n", summary.empty() ? "not run" : summary.c_str());
    fs::remove_all(root);
    const int violations = g->violations.load() + bad + crashed + (hung ? 1 : 0);
    std::printf("%s: %d violations\n", violations ? "FAILED" : "PASSED", violations);
    return violations ? 1 : 0;
}
