// Crash consistency of snapshots (docs/snapshots.md, docs/reliability.md).
//
// A parent that never calls the library changes the VM's disk, records those
// bytes as state "s<k>", and has a forked child snapshot it as "s<k>"; or has
// a child switch to, or delete (with or without children), a snapshot listed
// by the last check. Each child is killed with SIGKILL after a random delay
// (seeded) between 0 and the last measured duration of that operation. Then a
// new process opens the state root and checks:
//   - every listed snapshot is one that was asked for (its name is a
//     recorded state), and ids are unique;
//   - the snapshot directory holds exactly the listed snapshots (no
//     half-made one, no switch journal, no clone temp beside the disk);
//   - up to two listed snapshots (random) switch back bit-exact to their
//     recorded bytes.
//
// usage: snapshot_crash [--points N] [--seed S] [--keep]
#include "rel_common.h"

#include <map>
#include <set>

using namespace rel;

namespace {

struct World {
    fs::path root, home, states;
    std::string vm_uuid, image;
    fs::path bundle() const { return fs::path(image).parent_path(); }
};

struct Listed {
    std::string id, name;
};

enum Op { op_create, op_switch, op_delete, op_delete_children, op_count };
const char* const kOpNames[] = {"create", "switch", "delete", "delete with children"};

PRL_HANDLE vm_handle(Session& s, const std::string& uuid) {
    PRL_HANDLE r = PRL_INVALID_HANDLE, vm = PRL_INVALID_HANDLE;
    REL_OK(wait_job(PrlSrv_GetVmConfig(s.server, uuid.c_str(), PGVC_SEARCH_BY_UUID), &r));
    REL_OK(PrlResult_GetParam(r, &vm));
    PrlHandle_Free(r);
    return vm;
}

void collect(xmlNodePtr item, std::vector<Listed>& out) {
    for (xmlNodePtr c = item->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || std::strcmp(reinterpret_cast<const char*>(c->name), "SavedStateItem")) continue;
        xmlChar* guid = xmlGetProp(c, reinterpret_cast<const xmlChar*>("guid"));
        out.push_back({guid ? reinterpret_cast<const char*>(guid) : "", child_text(c, "Name")});
        xmlFree(guid);
        collect(c, out);
    }
}

// The snapshots in the VM's tree (the head left out).
std::vector<Listed> list(Session& s, PRL_HANDLE vm) {
    PRL_HANDLE r = PRL_INVALID_HANDLE;
    REL_OK(wait_job(PrlVm_GetSnapshotsTree(vm), &r));
    const std::string xml = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlResult_GetParamAsString(r, b, l); });
    PrlHandle_Free(r);
    (void)s;
    std::vector<Listed> out;
    xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), nullptr, nullptr, XML_PARSE_NONET);
    if (!doc) die("unreadable snapshot tree");
    xmlNodePtr root = xmlDocGetRootElement(doc);
    for (xmlNodePtr head = root ? root->children : nullptr; head; head = head->next)
        if (head->type == XML_ELEMENT_NODE) collect(head, out);
    xmlFreeDoc(doc);
    return out;
}

// The checker, in a new process. Writes the listed snapshots to `report`;
// returns the number of invariant violations.
int check(const World& w, std::mt19937_64& rng, const fs::path& report, long& verified) {
    const uint64_t seed = rng();
    const fs::path count_file = w.root / "verified.txt";
    const int status = in_child([&]() -> int {
        std::mt19937_64 pick(seed);
        Session s;
        PRL_HANDLE vm = vm_handle(s, w.vm_uuid);
        int bad = 0;
        auto violation = [&](const std::string& what) {
            std::fprintf(stderr, "VIOLATION: %s\n", what.c_str());
            ++bad;
        };
        const std::vector<Listed> listed = list(s, vm);  // runs the recovery of a killed operation
        std::set<std::string> ids;
        for (const auto& l : listed) {
            if (!ids.insert(l.id).second) violation("snapshot " + l.id + " listed twice");
            if (!fs::exists(w.states / l.name)) violation("snapshot " + l.id + " named '" + l.name + "' was never made");
        }
        // Exactly the listed snapshots on disk, nothing half-made beside them.
        std::set<std::string> dirs;
        if (fs::exists(w.bundle() / "Snapshots"))
            for (const auto& e : fs::directory_iterator(w.bundle() / "Snapshots"))
                if (e.path().filename() != ".lock") dirs.insert(e.path().filename().string());
        std::set<std::string> want;
        for (const auto& id : ids) want.insert(id.substr(1, 36));
        if (dirs != want) violation("the Snapshots directory holds " + std::to_string(dirs.size()) + " entries for " +
                                    std::to_string(want.size()) + " listed snapshots");
        for (const auto& e : fs::directory_iterator(w.bundle()))
            if (e.path().filename().string().find(".clone.") != std::string::npos)
                violation("a clone temp was left: " + e.path().filename().string());
        // A few listed snapshots switch back bit-exact.
        long n = 0;
        for (int i = 0; i < 2 && !listed.empty(); ++i) {
            const Listed& l = listed[pick() % listed.size()];
            const PRL_RESULT rc = wait_job(PrlVm_SwitchToSnapshot(vm, l.id.c_str()));
            if (PRL_FAILED(rc)) violation("switch to listed snapshot " + l.id + " failed: " + describe(rc));
            else if (read_file(w.image) != read_file(w.states / l.name))
                violation("snapshot " + l.id + " ('" + l.name + "') did not switch back bit-exact");
            else ++n;
        }
        std::ofstream out(report, std::ios::trunc);
        for (const auto& l : listed) out << l.id << ' ' << l.name << '\n';
        std::ofstream(count_file, std::ios::trunc) << n << '\n';
        PrlHandle_Free(vm);
        return bad;
    });
    if (!WIFEXITED(status)) die("checker crashed");
    long n = 0;
    std::ifstream(count_file) >> n;
    verified += n;
    return WEXITSTATUS(status);
}

}  // namespace

int main(int argc, char** argv) {
    int points = 60;
    uint64_t seed = 20261202;
    bool keep = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&] { return i + 1 < argc ? argv[++i] : (die("%s needs a value", a.c_str()), ""); };
        if (a == "--points") points = std::atoi(next());
        else if (a == "--seed") seed = std::strtoull(next(), nullptr, 10);
        else if (a == "--keep") keep = true;
        else die("unknown argument %s", a.c_str());
    }
    World w;
    char tmpl[] = "/tmp/prlshim-snapcrash-XXXXXX";
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
            s.make_vm("snap-crash-vm", 4, w.vm_uuid, w.image);
            std::ofstream(vm_txt) << w.vm_uuid << '\n' << w.image << '\n';
            return 0;
        })))
        die("setup failed");
    std::ifstream(vm_txt) >> w.vm_uuid >> w.image;

    std::mt19937_64 rng(seed);
    change_blocks(w.image, rng, 256);
    std::vector<Listed> listed;
    double estimate[op_count] = {0.05, 0.05, 0.05, 0.05};
    int killed[op_count] = {}, completed[op_count] = {};
    long verified = 0;
    int violations = 0, made = 0;
    const fs::path report = w.root / "listed.txt";
    for (int point = 0; point < points; ++point) {
        Op op = listed.empty() || rng() % 3 == 0 ? op_create : static_cast<Op>(1 + rng() % 3);
        std::function<PRL_RESULT(Session&)> run;
        const std::string uuid = w.vm_uuid;
        if (op == op_create) {
            change_blocks(w.image, rng, 16);
            const std::string name = "s" + std::to_string(made++);
            write_file(w.states / name, read_file(w.image));
            run = [uuid, name](Session& s) {
                PRL_HANDLE vm = vm_handle(s, uuid);
                const PRL_RESULT rc = wait_job(PrlVm_CreateSnapshot(vm, name.c_str(), "crash test"));
                PrlHandle_Free(vm);
                return rc;
            };
        } else {
            const std::string id = listed[rng() % listed.size()].id;
            run = [uuid, id, op](Session& s) {
                PRL_HANDLE vm = vm_handle(s, uuid);
                const PRL_RESULT rc = op == op_switch ? wait_job(PrlVm_SwitchToSnapshot(vm, id.c_str()))
                                                      : wait_job(PrlVm_DeleteSnapshot(vm, id.c_str(), op == op_delete_children));
                PrlHandle_Free(vm);
                return rc;
            };
        }
        const double delay = std::uniform_real_distribution<double>(0, 1.5 * estimate[op])(rng);

        double took = 0;
        PRL_RESULT rc = PRL_ERR_SUCCESS;
        if (run_killed(run, delay, took, rc)) {
            ++killed[op];
            if (delay > estimate[op]) estimate[op] *= 1.5;  // killed after the slowest seen: it is slower than that
        } else {
            ++completed[op];
            estimate[op] = std::max(estimate[op], took);  // the slowest seen: kills spread over the whole operation
            if (PRL_FAILED(rc)) {
                std::fprintf(stderr, "VIOLATION: %s failed without a kill: %s\n", kOpNames[op], describe(rc).c_str());
                ++violations;
            }
        }
        violations += check(w, rng, report, verified);
        listed.clear();
        std::ifstream in(report);
        for (Listed l; in >> l.id >> l.name;) listed.push_back(l);
    }
    for (int op = 0; op < op_count; ++op)
        std::printf("%-20s killed %3d  completed %3d  (slowest %.3f s)\n", kOpNames[op], killed[op], completed[op],
                    estimate[op]);
    std::printf("snapshots switched back and verified bit-exact: %ld; listed at the end: %zu\n", verified,
                listed.size());
    if (!keep) fs::remove_all(w.root);
    else std::printf("kept %s\n", w.root.c_str());
    std::printf("%s: %d invariant violations\n", violations ? "FAILED" : "PASSED", violations);
    return violations ? 1 : 0;
}
