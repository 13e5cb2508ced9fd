// Crash consistency through the SDK (docs/reliability.md, "Crash consistency").
//
// A parent process that never calls the library runs each operation —
// create (full / incremental), remove (with or without keep-chain), restore
// over the VM, restore to a copy — in a forked child that logs in, tells the
// parent it is about to start, runs the operation, and is killed with SIGKILL
// after a random delay (seeded) between 0 and the measured duration of that
// kind of operation. Then a new process reopens the state root and checks:
//   - every element listed in the backup tree restores bit for bit to the
//     bytes the disk had when that element was made (its description names
//     that recorded state; an element with an unknown description is one
//     that should never have been listed);
//   - no repository leftovers (*.tmp, store/txn markers) survive the open;
//   - the VM being restored over holds either its old bytes or the element's,
//     never a mix;
//   - a VM created by a killed restore-to-copy, if it is registered at all,
//     holds the element's bytes.
// Then full disk: a small tmpfs holding the repository (when mount works),
// and write failures injected with RLIMIT_FSIZE: a clean PRL_RESULT and an
// intact repository.
//
// usage: crash_consistency [--points N] [--seed S] [--disk-mib M] [--keep]
//                          [--no-full-disk] [--only-full-disk]
#include "rel_common.h"

#include <map>
#include <poll.h>
#include <sys/mount.h>
#include <sys/resource.h>

using namespace rel;

namespace {

struct Options {
    int points = 200;
    uint64_t seed = 20240601;
    unsigned disk_mib = 4;
    bool keep = false, full_disk = true, only_full_disk = false;
    // Known bug (docs/reliability.md): a killed restore-to-copy leaves the new
    // VM registered with a partial disk. Counted and reported by default;
    // --strict-copies makes it a violation (reliability.restore_copy_killed).
    bool strict_copies = false;
};
bool g_strict_copies = false;
int g_half_restored = 0;

enum Op { op_full, op_incremental, op_remove, op_remove_keep, op_restore_over, op_restore_copy, op_count };
const char* const kOpNames[] = {"create full", "create incremental", "remove", "remove keep-chain", "restore over",
                                "restore to copy"};

struct Figures {
    int killed[op_count] = {}, completed[op_count] = {};
    long elements_verified = 0;
    int restore_temps_left = 0;  // .prl-restore-* beside a target after a killed restore
    int over_old = 0, over_new = 0;
    int copies_left = 0;         // VMs left registered by a killed restore-to-copy
    int violations = 0;
};

struct World {
    fs::path root, home, states;
    std::string vm_uuid, image;
};

// The checker: a new process opens the state root and verifies every
// listed element. Writes "<elements> <copies_left> <bad_copies>" to `report`.
int check(const World& w, const char* backup_dir, const fs::path& repo_dir, const fs::path& report) {
    Session s;
    std::vector<TreeElement> elements;
    const PRL_RESULT rc = s.tree(elements, backup_dir);
    if (PRL_FAILED(rc)) {
        std::fprintf(stderr, "backup tree failed: %s\n", describe(rc).c_str());
        return 1;
    }
    int bad = 0;
    // The repository was opened by the call above: leftovers must be gone.
    for (const std::string& f : files_under(repo_dir)) {
        if (f.find(".tmp") != std::string::npos || f.rfind("store/txn/", 0) == 0) {
            std::fprintf(stderr, "leftover after reopen: %s\n", f.c_str());
            ++bad;
        }
    }
    int k = 0;
    std::map<std::string, std::string> expect;  // copy name -> state description
    for (const TreeElement& e : elements) {
        if (!fs::exists(w.states / (e.description + ".img"))) {
            std::fprintf(stderr, "listed element %s has unknown description '%s' (half-written?)\n", e.id.c_str(),
                         e.description.c_str());
            ++bad;
            continue;
        }
        const std::string name = "chk-" + std::to_string(k++);
        const PRL_RESULT r = s.restore_copy(e.vm_uuid, e.id, name, backup_dir);
        if (PRL_FAILED(r)) {
            std::fprintf(stderr, "listed element %s (%s) does not restore: %s\n", e.id.c_str(), e.description.c_str(),
                         describe(r).c_str());
            ++bad;
            continue;
        }
        expect[name] = e.description;
    }
    int copies_left = 0, half = 0;
    auto vms = s.vms();
    for (auto& v : vms) {
        std::string desc;
        if (expect.count(v.name)) {
            desc = expect[v.name];
        } else if (v.name.rfind("rc-", 0) == 0) {
            desc = v.name.substr(3, v.name.rfind('-') - 3);  // left registered by a killed restore-to-copy
            ++copies_left;
        } else {
            continue;
        }
        if (read_file(v.image) != read_file(w.states / (desc + ".img"))) {
            const bool known = v.name.rfind("rc-", 0) == 0;
            std::fprintf(stderr, "%sVM %s (%s) does not hold the bytes of state %s\n",
                         known ? "KNOWN BUG: " : "", v.name.c_str(), v.uuid.c_str(), desc.c_str());
            if (!known || g_strict_copies) ++bad;
            if (known) ++half;
        }
        const PRL_RESULT d = s.delete_vm(v.handle);
        if (PRL_FAILED(d)) std::fprintf(stderr, "delete %s: %s\n", v.name.c_str(), describe(d).c_str());
    }
    Session::free_vms(vms);
    std::ofstream(report) << expect.size() << ' ' << copies_left << ' ' << half << '\n';
    return bad ? 1 : 0;
}

std::vector<TreeElement> list_in_child(const World& w, const char* backup_dir) {
    const fs::path out = w.root / "list.txt";
    const int st = in_child([&] {
        Session s;
        std::vector<TreeElement> el;
        if (PRL_FAILED(s.tree(el, backup_dir))) return 1;
        std::ofstream o(out);
        for (const auto& e : el) o << e.vm_uuid << ' ' << e.id << ' ' << e.description << '\n';
        return 0;
    });
    if (!exited_ok(st)) die("listing failed");
    std::vector<TreeElement> el;
    std::ifstream in(out);
    TreeElement e;
    while (in >> e.vm_uuid >> e.id >> e.description) el.push_back(e);
    return el;
}

int restore_temps(const World& w) {
    int n = 0;
    for (const auto& entry : fs::directory_iterator(fs::path(w.image).parent_path()))
        if (entry.path().filename().string().find(".prl-restore-") != std::string::npos) {
            ++n;
            fs::remove(entry.path());
        }
    return n;
}

void save_state(const World& w, const std::string& desc) {
    fs::copy_file(w.image, w.states / (desc + ".img"), fs::copy_options::overwrite_existing);
}

int crash_points(const Options& o, World& w, Figures& fig) {
    std::mt19937_64 rng(o.seed);
    // Estimated duration of each kind of operation (seconds), refined as
    // operations finish; the kill delay is uniform in [0, 1.2 * estimate].
    double est[op_count];
    for (double& e : est) e = 0.05;
    const fs::path repo_dir = w.home / "backups";
    int state_no = 0;
    save_state(w, "s0");
    {
        double took = 0;
        PRL_RESULT rc = 0;
        if (run_killed([&](Session& s) { return s.backup(w.vm_uuid, PBT_FULL, "s0"); }, 1e9, took, rc) || PRL_FAILED(rc))
            die("first backup failed: %s", describe(rc).c_str());
        est[op_full] = took;
    }
    const double t_start = now_s();
    for (int i = 1; i <= o.points; ++i) {
        std::vector<TreeElement> listed = list_in_child(w, nullptr);
        if (listed.size() < 2) {
            // Keep something to remove and restore: an incremental nobody kills.
            change_blocks(w.image, rng, 24);
            const std::string d = "s" + std::to_string(++state_no);
            save_state(w, d);
            double took = 0;
            PRL_RESULT rc = 0;
            if (run_killed([&](Session& s) { return s.backup(w.vm_uuid, PBT_INCREMENTAL, d); }, 1e9, took, rc) ||
                PRL_FAILED(rc))
                die("unkilled backup failed: %s", describe(rc).c_str());
            listed = list_in_child(w, nullptr);
        }
        Op op = static_cast<Op>(rng() % op_count);
        if (listed.size() > 6 && (op == op_full || op == op_incremental)) op = rng() & 1 ? op_remove : op_remove_keep;
        if (listed.empty()) op = op_full;
        const TreeElement pick = listed.empty() ? TreeElement{} : listed[rng() % listed.size()];
        std::string desc, old_bytes, new_bytes;
        std::function<PRL_RESULT(Session&)> fn;
        switch (op) {
        case op_full:
        case op_incremental:
            change_blocks(w.image, rng, 24);
            desc = "s" + std::to_string(++state_no);
            save_state(w, desc);
            fn = [&, desc, op](Session& s) { return s.backup(w.vm_uuid, op == op_full ? PBT_FULL : PBT_INCREMENTAL, desc); };
            break;
        case op_remove:
        case op_remove_keep:
            fn = [&, pick, op](Session& s) { return s.remove(w.vm_uuid, pick.id, op == op_remove_keep); };
            break;
        case op_restore_over:
            old_bytes = read_file(w.image);
            new_bytes = read_file(w.states / (pick.description + ".img"));
            fn = [&, pick](Session& s) { return s.restore_over(w.vm_uuid, pick.id); };
            break;
        default:
            // A unique name: a killed restore may leave its bundle directory behind.
            fn = [&, pick, i](Session& s) {
                return s.restore_copy(w.vm_uuid, pick.id, "rc-" + pick.description + "-" + std::to_string(i));
            };
            break;
        }
        const double delay = std::uniform_real_distribution<double>(0, 1.2 * est[op])(rng);
        double took = 0;
        PRL_RESULT rc = 0;
        const bool killed = run_killed(fn, delay, took, rc);
        if (killed) {
            ++fig.killed[op];
        } else {
            ++fig.completed[op];
            est[op] = 0.7 * est[op] + 0.3 * took;
            if (PRL_FAILED(rc)) {
                std::fprintf(stderr, "point %d: %s of %s finished with %s\n", i, kOpNames[op], pick.id.c_str(),
                             describe(rc).c_str());
                ++fig.violations;
            }
        }
        if (op == op_restore_over) {
            const std::string now = read_file(w.image);
            if (now == old_bytes) ++fig.over_old;
            else if (now == new_bytes) ++fig.over_new;
            else {
                std::fprintf(stderr, "point %d: restore over %s killed after %.4f s left a mix of old and new bytes\n",
                             i, pick.id.c_str(), delay);
                ++fig.violations;
            }
        }
        fig.restore_temps_left += restore_temps(w);
        const fs::path report = w.root / "check.txt";
        const int st = in_child([&] { return check(w, nullptr, repo_dir, report); });
        if (!exited_ok(st)) {
            std::fprintf(stderr, "point %d (seed %llu): invariants broken after %s %s (killed=%d, delay %.4f s)\n", i,
                         static_cast<unsigned long long>(o.seed), kOpNames[op], pick.id.c_str(), killed ? 1 : 0, delay);
            ++fig.violations;
        } else {
            long n = 0;
            int left = 0, half = 0;
            std::ifstream(report) >> n >> left >> half;
            fig.elements_verified += n;
            fig.copies_left += left;
            g_half_restored += half;
        }
        if (fig.violations > 5) break;
    }
    int killed = 0, completed = 0;
    for (int k = 0; k < op_count; ++k) {
        killed += fig.killed[k];
        completed += fig.completed[k];
    }
    std::printf("CRASH points=%d killed=%d completed=%d elements_verified=%ld seconds=%.1f seed=%llu\n", o.points, killed,
                completed, fig.elements_verified, now_s() - t_start, static_cast<unsigned long long>(o.seed));
    for (int k = 0; k < op_count; ++k)
        std::printf("CRASH   %-20s killed %4d  completed %4d  (estimated duration %.1f ms)\n", kOpNames[k],
                    fig.killed[k], fig.completed[k], est[k] * 1000);
    std::printf("CRASH restore-over outcomes: old bytes %d, new bytes %d; restore temp files left beside the VM: %d; "
                "VMs left registered by killed restore-to-copy: %d, of which with a partial disk: %d%s\n",
                fig.over_old, fig.over_new, fig.restore_temps_left, fig.copies_left, g_half_restored,
                g_half_restored ? " (KNOWN BUG, see docs/reliability.md)" : "");
    return fig.violations;
}

// Full disk: the repository on a small file system (tmpfs when it can be
// mounted), then write failures injected with RLIMIT_FSIZE.
int full_disk(const Options& o, World& w) {
    int violations = 0;
    std::mt19937_64 rng(o.seed ^ 0x5eed);
    const fs::path small = w.root / "small";
    fs::create_directories(small);
    const bool mounted = ::getuid() == 0 && ::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=6m") == 0;
    const fs::path repo = small / "repo";
    const std::string repo_s = repo.string();
    int ok_runs = 0, enospc = 0, other_fail = 0;
    auto verify = [&](const char* dir, const fs::path& repo_dir, const char* when) {
        const fs::path report = w.root / "check.txt";
        if (!exited_ok(in_child([&] { return check(w, dir, repo_dir, report); }))) {
            std::fprintf(stderr, "full disk: repository broken after %s\n", when);
            ++violations;
        }
    };
    if (mounted) {
        // 4 MiB of incompressible data per full backup: the second or third full does not fit.
        for (int i = 0; i < 6; ++i) {
            // Fresh incompressible bytes: nothing deduplicates against earlier backups.
            std::string fresh(fs::file_size(w.image), '\0');
            for (auto& c : fresh) c = static_cast<char>(rng());
            write_file(w.image, fresh);
            const std::string desc = "f" + std::to_string(i);
            save_state(w, desc);
            const PRL_UINT32 flags = i % 3 == 2 ? PBT_INCREMENTAL : PBT_FULL;
            const fs::path report = w.root / "rc.txt";
            const int st = in_child([&] {
                Session s;
                const PRL_RESULT rc = s.backup(w.vm_uuid, flags, desc, repo_s.c_str());
                std::ofstream(report) << rc << '\n';
                return 0;
            });
            PRL_RESULT rc = 0;
            std::ifstream(report) >> rc;
            if (!exited_ok(st)) {
                std::fprintf(stderr, "full disk: the backup process crashed\n");
                ++violations;
            } else if (PRL_SUCCEEDED(rc)) {
                ++ok_runs;
            } else if (rc == PRL_ERR_BACKUP_CREATE_NOT_ENOUGH_FREE_DISK_SPACE) {
                ++enospc;
            } else {
                std::fprintf(stderr, "full disk: backup failed with %s, not NOT_ENOUGH_FREE_DISK_SPACE\n",
                             describe(rc).c_str());
                ++other_fail;
                ++violations;
            }
            verify(repo_s.c_str(), repo, "a backup on a full file system");
        }
        ::umount2(small.c_str(), MNT_DETACH);
        std::printf("FULLDISK tmpfs 6 MiB: %d backups fitted, %d refused with PRL_ERR_BACKUP_CREATE_NOT_ENOUGH_FREE_DISK_SPACE, "
                    "%d other failures\n", ok_runs, enospc, other_fail);
    } else {
        std::printf("FULLDISK tmpfs: cannot mount here (%s); RLIMIT_FSIZE only\n", std::strerror(errno));
    }
    // Injected write failures: a file size limit in the child, random in 1 KiB .. 4 MiB (full) or 1 MiB (incremental).
    int limited_ok = 0, limited_fail = 0;
    std::map<std::string, int> codes;
    for (int i = 0; i < 10; ++i) {
        // New data each time (nothing deduplicates): a full rewrites the image,
        // an incremental 256 blocks; the limit is below what it must write.
        const PRL_UINT32 flags = i % 2 ? PBT_INCREMENTAL : PBT_FULL;
        if (flags == PBT_FULL) {
            std::string fresh(fs::file_size(w.image), '\0');
            for (auto& c : fresh) c = static_cast<char>(rng());
            write_file(w.image, fresh);
        } else {
            change_blocks(w.image, rng, 256);
        }
        const std::string desc = "l" + std::to_string(i);
        save_state(w, desc);
        const rlim_t limit = 1024 + rng() % (flags == PBT_FULL ? (4u << 20) : (1u << 20));
        const fs::path report = w.root / "rc.txt";
        const int st = in_child([&] {
            ::signal(SIGXFSZ, SIG_IGN);
            Session s;
            const rlimit rl{limit, limit};
            ::setrlimit(RLIMIT_FSIZE, &rl);
            const PRL_RESULT rc = s.backup(w.vm_uuid, flags, desc);
            const rlimit inf{RLIM_INFINITY, RLIM_INFINITY};
            ::setrlimit(RLIMIT_FSIZE, &inf);
            std::ofstream(report) << rc << '\n';
            return 0;
        });
        PRL_RESULT rc = 0;
        std::ifstream(report) >> rc;
        std::printf("FULLDISK   RLIMIT_FSIZE %8lu bytes, %s -> %s\n", static_cast<unsigned long>(limit),
                    flags == PBT_FULL ? "full" : "incremental", describe(rc).c_str());
        if (!exited_ok(st)) {
            std::fprintf(stderr, "RLIMIT_FSIZE %lu: the backup process crashed\n", static_cast<unsigned long>(limit));
            ++violations;
        } else if (PRL_SUCCEEDED(rc)) {
            ++limited_ok;
        } else {
            ++limited_fail;
            ++codes[describe(rc)];
        }
        verify(nullptr, w.home / "backups", "a backup with a file size limit");
    }
    std::printf("FULLDISK RLIMIT_FSIZE: %d backups succeeded, %d failed cleanly:", limited_ok, limited_fail);
    for (const auto& [c, n] : codes) std::printf(" [%s] x%d", c.c_str(), n);
    std::printf("\n");
    return violations;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&] { return i + 1 < argc ? argv[++i] : (die("%s needs a value", a.c_str()), ""); };
        if (a == "--points") o.points = std::atoi(next());
        else if (a == "--seed") o.seed = std::strtoull(next(), nullptr, 10);
        else if (a == "--disk-mib") o.disk_mib = static_cast<unsigned>(std::atoi(next()));
        else if (a == "--keep") o.keep = true;
        else if (a == "--strict-copies") o.strict_copies = true;
        else if (a == "--no-full-disk") o.full_disk = false;
        else if (a == "--only-full-disk") o.only_full_disk = true;
        else die("unknown argument %s", a.c_str());
    }
    World w;
    char tmpl[] = "/tmp/prlshim-crash-XXXXXX";
    if (!::mkdtemp(tmpl)) die("mkdtemp");
    w.root = tmpl;
    w.home = w.root / "home";
    w.states = w.root / "states";
    fs::create_directories(w.home);
    fs::create_directories(w.states);
    ::setenv("PRLSHIM_HOME", w.home.c_str(), 1);
    const fs::path vm_txt = w.root / "vm.txt";
    if (!exited_ok(in_child([&] {
            Session s;
            std::string uuid, image;
            s.make_vm("crash-vm", o.disk_mib, uuid, image);
            std::ofstream(vm_txt) << uuid << '\n' << image << '\n';
            return 0;
        })))
        die("setup failed");
    std::ifstream(vm_txt) >> w.vm_uuid >> w.image;
    {
        std::mt19937_64 rng(o.seed);
        std::string bytes(fs::file_size(w.image), '\0');
        for (size_t at = 0; at < bytes.size() * 3 / 4; ++at) bytes[at] = static_cast<char>(rng());
        write_file(w.image, bytes);
    }
    g_strict_copies = o.strict_copies;
    int violations = 0;
    Figures fig;
    if (!o.only_full_disk) violations += crash_points(o, w, fig);
    if (o.full_disk) violations += full_disk(o, w);
    if (!o.keep) fs::remove_all(w.root);
    else std::printf("kept %s\n", w.root.c_str());
    std::printf("%s: %d invariant violations\n", violations ? "FAILED" : "PASSED", violations);
    return violations ? 1 : 0;
}
