// create, register, unregister, delete, list, start, stop, pause, resume,
// status, set.
#include "commands.h"
#include "output.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

namespace prlshim {
namespace {

namespace fs = std::filesystem;

std::string absolute_path(const std::string& p) { return p.empty() ? p : fs::absolute(p).lexically_normal().string(); }

struct DiskInfo {
    PRL_UINT32 index = 0, size_mb = 0;
    std::string image;
};

// What list and status show of one VM or container.
struct VmInfo {
    std::string uuid, name, type, status, description, ostype, home;
    PRL_UINT32 memsize = 0, cpus = 0;
    std::vector<DiskInfo> disks;
};

std::string vm_state(const VmRef& vm) {
    Handle result = run_job(PrlVm_GetState(vm.vm), "Failed to get the state of " + vm.name);
    Handle info;
    check(PrlResult_GetParam(result, info.out()), "Failed to get the state of " + vm.name);
    VIRTUAL_MACHINE_STATE state = VMS_UNKNOWN;
    check(PrlVmInfo_GetState(info, &state), "Failed to get the state of " + vm.name);
    return state_name(state);
}

VmInfo info_of(const VmRef& ref) {
    const PRL_HANDLE vm = ref.vm;
    VmInfo i;
    i.uuid = ref.uuid;
    i.name = ref.name;
    i.type = ref.kind();
    i.status = vm_state(ref);
    i.description = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetDescription(vm, b, l); },
                               "Failed to read the description");
    i.home = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetHomePath(vm, b, l); },
                        "Failed to read the home path");
    PRL_UINT32 os = 0;
    check(PrlVmCfg_GetOsType(vm, &os), "Failed to read the OS type");
    i.ostype = os_type_name(os);
    check(PrlVmCfg_GetRamSize(vm, &i.memsize), "Failed to read the memory size");
    check(PrlVmCfg_GetCpuCount(vm, &i.cpus), "Failed to read the CPU count");
    PRL_UINT32 n = 0;
    check(PrlVmCfg_GetHardDisksCount(vm, &n), "Failed to read the disks");
    for (PRL_UINT32 k = 0; k < n; ++k) {
        Handle hd;
        check(PrlVmCfg_GetHardDisk(vm, k, hd.out()), "Failed to read the disks");
        DiskInfo d;
        check(PrlVmDev_GetIndex(hd, &d.index), "Failed to read the disks");
        check(PrlVmDevHd_GetDiskSize(hd, &d.size_mb), "Failed to read the disks");
        d.image = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDev_GetImagePath(hd, b, l); },
                             "Failed to read the disks");
        i.disks.push_back(std::move(d));
    }
    return i;
}

// The fields of `list -o` (docs/cli-json.md): name, header, width, text, JSON value.
struct Field {
    const char* name;
    const char* header;
    int width;
    std::string (*text)(const VmInfo&);
    Json (*json)(const VmInfo&);
};

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

const Field kFields[] = {
    {"uuid", "UUID", -38, [](const VmInfo& v) { return v.uuid; }, [](const VmInfo& v) { return Json(v.uuid); }},
    {"status", "STATUS", -12, [](const VmInfo& v) { return v.status; }, [](const VmInfo& v) { return Json(v.status); }},
    {"type", "T", -2, [](const VmInfo& v) { return v.type; }, [](const VmInfo& v) { return Json(v.type); }},
    {"name", "NAME", -32, [](const VmInfo& v) { return or_dash(v.name); }, [](const VmInfo& v) { return Json(v.name); }},
    {"description", "DESCRIPTION", -32, [](const VmInfo& v) { return or_dash(v.description); },
     [](const VmInfo& v) { return Json(v.description); }},
    {"ostype", "OSTYPE", -10, [](const VmInfo& v) { return v.ostype; }, [](const VmInfo& v) { return Json(v.ostype); }},
    {"memsize", "MEMSIZE", 8, [](const VmInfo& v) { return std::to_string(v.memsize); },
     [](const VmInfo& v) { return Json(v.memsize); }},
    {"cpus", "CPUS", 4, [](const VmInfo& v) { return std::to_string(v.cpus); },
     [](const VmInfo& v) { return Json(v.cpus); }},
    {"home", "HOME", -40, [](const VmInfo& v) { return v.home; }, [](const VmInfo& v) { return Json(v.home); }},
    {"disks", "DISKS", -40,
     [](const VmInfo& v) {
         std::string s;
         for (const auto& d : v.disks) s += (s.empty() ? "" : ",") + d.image;
         return or_dash(s);
     },
     [](const VmInfo& v) {
         Json a = Json::array();
         for (const auto& d : v.disks) a.push_back({{"index", d.index}, {"image", d.image}, {"size", d.size_mb}});
         return a;
     }},
};

const Field* find_field(const std::string& name) {
    for (const auto& f : kFields)
        if (name == f.name) return &f;
    return nullptr;
}

Json to_json(const VmInfo& v, const std::vector<const Field*>& fields) {
    Json o = Json::object();
    for (const Field* f : fields) o[f->name] = f->json(v);
    return o;
}

std::vector<const Field*> all_fields() {
    std::vector<const Field*> all;
    for (const auto& f : kFields) all.push_back(&f);
    return all;
}

std::vector<const Field*> parse_fields(const std::string& spec) {
    std::vector<const Field*> fields;
    std::stringstream in(spec);
    std::string name;
    while (std::getline(in, name, ',')) {
        const Field* f = find_field(name);
        if (!f) throw Failure(PRL_ERR_INVALID_ARG, "Unknown field: " + name + " (see prlshim list -L)", kUsage);
        fields.push_back(f);
    }
    if (fields.empty()) throw Failure(PRL_ERR_INVALID_ARG, "No fields given to -o", kUsage);
    return fields;
}

// ---- create ----

struct CreateOptions {
    std::string name, ostype = "linux", dst, description;
    std::optional<PRL_UINT32> disk_size, memsize, cpus;
    bool ct = false;
};

int create(Session& s, const CreateOptions& o) {
    const char* kind = o.ct ? "CT" : "VM";
    Handle srv_cfg = s.server_config();
    Handle vm;
    check(PrlSrv_CreateVm(s.server(), vm.out()), std::string("Failed to create the ") + kind);
    check(PrlVmCfg_SetDefaultConfig(vm, srv_cfg, os_version_for(o.ostype), o.ct ? PRL_FALSE : PRL_TRUE),
          "Failed to apply the default configuration");
    check(PrlVmCfg_SetName(vm, o.name.c_str()), "Failed to set the name");
    check(PrlVmCfg_SetVmType(vm, o.ct ? PVT_CT : PVT_VM), "Failed to set the type");
    if (!o.description.empty()) check(PrlVmCfg_SetDescription(vm, o.description.c_str()), "Failed to set the description");
    if (o.memsize) check(PrlVmCfg_SetRamSize(vm, *o.memsize), "Failed to set the memory size");
    if (o.cpus) check(PrlVmCfg_SetCpuCount(vm, *o.cpus), "Failed to set the CPU count");
    if (o.disk_size) {
        PRL_UINT32 n = 0;
        check(PrlVmCfg_GetHardDisksCount(vm, &n), "Failed to read the disks");
        Handle hd;
        if (n > 0) {
            check(PrlVmCfg_GetHardDisk(vm, 0, hd.out()), "Failed to read the disks");
        } else {
            check(PrlVmCfg_CreateVmDev(vm, PDE_HARD_DISK, hd.out()), "Failed to add a disk");
            check(PrlVmDev_SetImagePath(hd, "harddisk.hdd"), "Failed to add a disk");
        }
        check(PrlVmDevHd_SetDiskSize(hd, *o.disk_size), "Failed to set the disk size");
    }
    std::cout << "Creating the " << kind << " " << o.name << "..." << std::endl;
    const std::string dst = absolute_path(o.dst);
    run_job(PrlVm_Reg(vm, dst.c_str(), PRL_TRUE), std::string("Failed to create the ") + kind);
    const std::string uuid = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetUuid(vm, b, l); },
                                        "Failed to read the UUID");
    std::cout << "The " << kind << " has been successfully created (" << uuid << ")." << std::endl;
    return kOk;
}

// ---- power ----

enum class Power { start, stop, pause, resume };

int power(Session& s, const std::string& key, Power what, bool kill) {
    VmRef vm = s.find(key);
    static const std::map<Power, std::pair<const char*, const char*>> words = {
        {Power::start, {"start", "Starting"}},
        {Power::stop, {"stop", "Stopping"}},
        {Power::pause, {"pause", "Pausing"}},
        {Power::resume, {"resume", "Resuming"}}};
    const auto& [verb, ing] = words.at(what);
    std::cout << ing << " the " << vm.kind() << "..." << std::endl;
    PRL_HANDLE job = PRL_INVALID_HANDLE;
    switch (what) {
        case Power::start: job = PrlVm_Start(vm.vm); break;
        case Power::stop: job = PrlVm_Stop(vm.vm, kill ? PRL_FALSE : PRL_TRUE); break;
        case Power::pause: job = PrlVm_Pause(vm.vm, PRL_FALSE); break;
        case Power::resume: job = PrlVm_Resume(vm.vm); break;
    }
    run_job(job, std::string("Failed to ") + verb + " the " + vm.kind());
    const std::string done = what == Power::stop ? "stopped" : std::string(verb) + (what == Power::resume ? "d" : "ed");
    std::cout << "The " << vm.kind() << " has been successfully " << done << "." << std::endl;
    return kOk;
}

// ---- set ----

struct SetOptions {
    std::string key;
    std::optional<std::string> name, description;
    std::optional<PRL_UINT32> memsize, cpus;
};

int set(Session& s, const SetOptions& o) {
    VmRef vm = s.find(o.key);
    if (!o.name && !o.description && !o.memsize && !o.cpus)
        throw Failure(PRL_ERR_INVALID_ARG, "Nothing to set (see prlshim set --help)", kUsage);
    run_job(PrlVm_BeginEdit(vm.vm), std::string("Failed to configure the ") + vm.kind());
    if (o.name) {
        check(PrlVmCfg_SetName(vm.vm, o.name->c_str()), "Failed to set the name");
        std::cout << "Set name: " << *o.name << std::endl;
    }
    if (o.description) {
        check(PrlVmCfg_SetDescription(vm.vm, o.description->c_str()), "Failed to set the description");
        std::cout << "Set description: " << *o.description << std::endl;
    }
    if (o.memsize) {
        check(PrlVmCfg_SetRamSize(vm.vm, *o.memsize), "Failed to set the memory size");
        std::cout << "Set memsize: " << *o.memsize << "Mb" << std::endl;
    }
    if (o.cpus) {
        check(PrlVmCfg_SetCpuCount(vm.vm, *o.cpus), "Failed to set the CPU count");
        std::cout << "Set cpus: " << *o.cpus << std::endl;
    }
    run_job(PrlVm_Commit(vm.vm), std::string("Failed to configure the ") + vm.kind());
    std::cout << "The " << vm.kind() << " has been successfully configured." << std::endl;
    return kOk;
}

// ---- list, status ----

struct ListOptions {
    bool all = false, json = false, fields_help = false, no_header = false;
    std::string fields, key;
};

int list(Session& s, const ListOptions& o) {
    if (o.fields_help) {
        for (const auto& f : kFields) std::printf("%-20s %s\n", f.name, f.header);
        return kOk;
    }
    const std::vector<const Field*> fields =
        !o.fields.empty() ? parse_fields(o.fields) : o.json ? all_fields() : parse_fields("uuid,status,type,name");
    std::vector<VmRef> refs;
    if (!o.key.empty()) {
        refs.push_back(s.find(o.key));
    } else {
        refs = s.list();
    }
    std::vector<VmInfo> infos;
    for (const auto& r : refs) {
        VmInfo i = info_of(r);
        // As prlctl: only running ones unless -a (or one was named).
        if (o.all || !o.key.empty() || i.status == "running") infos.push_back(std::move(i));
    }
    std::stable_sort(infos.begin(), infos.end(), [](const VmInfo& a, const VmInfo& b) { return a.name < b.name; });
    if (o.json) {
        Json a = Json::array();
        for (const auto& i : infos) a.push_back(to_json(i, fields));
        print_json(a);
        return kOk;
    }
    std::vector<Column> columns;
    for (const Field* f : fields) columns.push_back({f->header, f->width});
    std::vector<std::vector<std::string>> rows;
    for (const auto& i : infos) {
        std::vector<std::string> row;
        for (const Field* f : fields) row.push_back(f->text(i));
        rows.push_back(std::move(row));
    }
    print_table(columns, rows, !o.no_header);
    return kOk;
}

int status(Session& s, const std::string& key, bool json) {
    VmRef vm = s.find(key);
    const VmInfo info = info_of(vm);
    if (json) {
        print_json(to_json(info, all_fields()));
    } else {
        std::cout << info.type << " " << info.name << " exist " << info.status << std::endl;
        for (const auto& d : info.disks) std::cout << "hdd" << d.index << " " << d.image << " " << d.size_mb << "Mb\n";
    }
    return kOk;
}

// ---- register, unregister, delete ----

int register_vm(Session& s, const std::string& dir) {
    const std::string path = absolute_path(dir);
    Handle result = run_job(PrlSrv_RegisterVm(s.server(), path.c_str(), PRL_TRUE), "Failed to register " + path);
    Handle vm;
    if (PRL_SUCCEEDED(PrlResult_GetParam(result, vm.out()))) {
        VmRef ref = describe_vm(std::move(vm));
        std::cout << "The " << ref.kind() << " " << ref.name << " has been successfully registered (" << ref.uuid << ")."
                  << std::endl;
    } else {
        std::cout << "The VM has been successfully registered." << std::endl;
    }
    return kOk;
}

int unregister(Session& s, const std::string& key) {
    VmRef vm = s.find(key);
    run_job(PrlVm_Unreg(vm.vm), std::string("Failed to unregister the ") + vm.kind());
    std::cout << "The " << vm.kind() << " has been successfully unregistered." << std::endl;
    return kOk;
}

int remove(Session& s, const std::string& key) {
    VmRef vm = s.find(key);
    std::cout << "Removing the " << vm.kind() << "..." << std::endl;
    run_job(PrlVm_Delete(vm.vm, PRL_INVALID_HANDLE), std::string("Failed to remove the ") + vm.kind());
    std::cout << "The " << vm.kind() << " has been successfully removed." << std::endl;
    return kOk;
}

CLI::App* with_target(CLI::App* sub, std::string& key) {
    sub->add_option("target", key, "VM or container: name or UUID")->required();
    return sub;
}

}  // namespace

void add_vm_commands(CLI::App& app, Registry& r) {
    {
        auto o = std::make_shared<CreateOptions>();
        auto* sub = app.add_subcommand("create", "Create a VM (or, with --ct, a container)");
        sub->add_option("name", o->name, "Name of the new VM or container")->required();
        sub->add_option("--ostype", o->ostype, "Guest OS family")
            ->check(CLI::IsMember(os_family_names()))
            ->capture_default_str();
        auto* disk = sub->add_option("--disk-size", o->disk_size, "Size of the first hard disk in MB (default 65536)")
                         ->check(CLI::Range(1u, 16u * 1024 * 1024));
        sub->add_flag("--ct", o->ct, "Create a container instead of a VM")->excludes(disk);
        sub->add_option("--dst", o->dst, "Parent directory of the new bundle (default: $PRLSHIM_HOME/vms or cts)");
        sub->add_option("--memsize", o->memsize, "Memory size in MB")->check(CLI::Range(1u, 4u * 1024 * 1024));
        sub->add_option("--cpus", o->cpus, "Number of CPUs")->check(CLI::Range(1u, 4096u));
        sub->add_option("-d,--description", o->description, "Description");
        r.emplace_back(sub, [o](Session& s) { return create(s, *o); });
    }
    {
        auto dir = std::make_shared<std::string>();
        auto* sub = app.add_subcommand("register", "Register an existing VM bundle or container directory");
        sub->add_option("dir", *dir, "The bundle directory (holding config.pvs)")->required();
        r.emplace_back(sub, [dir](Session& s) { return register_vm(s, *dir); });
    }
    {
        auto key = std::make_shared<std::string>();
        auto* sub = with_target(app.add_subcommand("unregister", "Remove a VM from the inventory, keeping its files"), *key);
        r.emplace_back(sub, [key](Session& s) { return unregister(s, *key); });
    }
    {
        auto key = std::make_shared<std::string>();
        auto* sub = with_target(app.add_subcommand("delete", "Delete a VM and its files"), *key);
        r.emplace_back(sub, [key](Session& s) { return remove(s, *key); });
    }
    {
        auto o = std::make_shared<ListOptions>();
        auto* sub = app.add_subcommand("list", "List VMs and containers (running ones unless -a)");
        sub->add_option("target", o->key, "Show only this VM or container (name or UUID)");
        sub->add_flag("-a,--all", o->all, "List all, not only running ones");
        sub->add_option("-o,--output", o->fields, "Comma-separated fields to show (see -L)");
        sub->add_flag("-L,--list-fields", o->fields_help, "List the fields -o accepts");
        sub->add_flag("-H,--no-header", o->no_header, "Do not print the header line");
        sub->add_flag("-j,--json", o->json, "JSON output (docs/cli-json.md)");
        r.emplace_back(sub, [o](Session& s) { return list(s, *o); });
    }
    const std::pair<const char*, Power> powers[] = {{"start", Power::start},
                                                    {"stop", Power::stop},
                                                    {"pause", Power::pause},
                                                    {"resume", Power::resume}};
    for (const auto& [name, what] : powers) {
        auto key = std::make_shared<std::string>();
        auto kill = std::make_shared<bool>(false);
        const std::string help = std::string(1, static_cast<char>(std::toupper(name[0]))) + (name + 1) + " a VM or container";
        auto* sub = with_target(app.add_subcommand(name, help), *key);
        if (what == Power::stop) sub->add_flag("--kill", *kill, "Power off at once instead of a graceful shutdown");
        const Power p = what;
        r.emplace_back(sub, [key, kill, p](Session& s) { return power(s, *key, p, *kill); });
    }
    {
        auto key = std::make_shared<std::string>();
        auto json = std::make_shared<bool>(false);
        auto* sub = with_target(app.add_subcommand("status", "Show the state of a VM or container"), *key);
        sub->add_flag("-j,--json", *json, "JSON output (docs/cli-json.md)");
        r.emplace_back(sub, [key, json](Session& s) { return status(s, *key, *json); });
    }
    {
        auto o = std::make_shared<SetOptions>();
        auto* sub = with_target(app.add_subcommand("set", "Change the configuration of a VM or container"), o->key);
        sub->add_option("--name", o->name, "New name");
        sub->add_option("--description", o->description, "New description");
        sub->add_option("--memsize", o->memsize, "Memory size in MB")->check(CLI::Range(1u, 4u * 1024 * 1024));
        sub->add_option("--cpus", o->cpus, "Number of CPUs")->check(CLI::Range(1u, 4096u));
        r.emplace_back(sub, [o](Session& s) { return set(s, *o); });
    }
}

}  // namespace prlshim
