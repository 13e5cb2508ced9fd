// backup, backup-list, restore, backup-delete.
#include "backup_tree.h"
#include "commands.h"
#include "output.h"
#include "progress.h"

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <regex>

namespace prlshim {
namespace {

namespace fs = std::filesystem;

// --storage: a repository directory other than $PRLSHIM_HOME/backups.
struct Storage {
    std::string dir;
    PRL_BACKUP_PARAM param{};
    const PRL_BACKUP_PARAM* extra() {
        if (dir.empty()) return nullptr;
        dir = fs::absolute(dir).lexically_normal().string();
        param.backup_directory = dir.c_str();
        return &param;
    }
};

bool looks_like_backup_id(const std::string& s) {
    static const std::regex id(R"(\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}(\.[0-9]+)?)");
    return std::regex_match(s, id);
}

std::string tree_xml(Session& s, const std::string& id, PRL_UINT32 flags, Storage& storage) {
    const PRL_BACKUP_PARAM* extra = storage.extra();
    PRL_HANDLE job = extra ? PrlSrv_GetBackupTreeEx(s.server(), id.c_str(), "", 0, "", flags, 0, PRL_FALSE, extra)
                           : PrlSrv_GetBackupTree(s.server(), id.c_str(), "", 0, "", flags, 0, PRL_FALSE);
    Handle result = run_job(job, "Failed to get the backup tree");
    return get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlResult_GetParamAsString(result, b, l); },
                      "Failed to read the backup tree");
}

// The VM a backup id belongs to, when the repository has that backup.
std::optional<BackupVm> owner_of(Session& s, const std::string& id, Storage& storage) {
    if (!looks_like_backup_id(id)) return std::nullopt;
    JobOutcome outcome;
    const PRL_BACKUP_PARAM* extra = storage.extra();
    const PRL_UINT32 flags = PBT_VM | PBT_CT | PBT_BACKUP_ID;
    outcome = wait_job(extra ? PrlSrv_GetBackupTreeEx(s.server(), id.c_str(), "", 0, "", flags, 0, PRL_FALSE, extra)
                             : PrlSrv_GetBackupTree(s.server(), id.c_str(), "", 0, "", flags, 0, PRL_FALSE));
    if (PRL_FAILED(outcome.rc)) return std::nullopt;
    Handle result = outcome.result();
    const auto vms = parse_backup_tree(get_string(
        [&](PRL_STR b, PRL_UINT32_PTR l) { return PrlResult_GetParamAsString(result, b, l); }, "Failed to read the backup tree"));
    if (vms.empty() || vms.front().chains.empty()) return std::nullopt;
    return vms.front();
}

// A registered VM, or nothing when `key` is a backup id that is not one.
std::optional<VmRef> find_vm(Session& s, const std::string& key) {
    try {
        return s.find(key);
    } catch (const Failure&) {
        if (looks_like_backup_id(key)) return std::nullopt;
        throw;
    }
}

// ---- backup ----

struct BackupOptions {
    std::string key, description;
    bool incremental = false, differential = false, uncompressed = false;
    Storage storage;
};

int backup(Session& s, BackupOptions& o) {
    VmRef vm = s.find(o.key);
    PRL_UINT32 flags = o.incremental ? PBT_INCREMENTAL : o.differential ? PBT_DIFFERENTIAL : PBT_FULL;
    if (o.uncompressed) flags |= PBT_UNCOMPRESSED;
    std::cout << "Backing up the " << vm.kind() << " " << vm.name << std::endl;
    const PRL_BACKUP_PARAM* extra = o.storage.extra();
    JobOutcome outcome;
    {
        Progress progress(s, "backup", PET_DSP_EVT_BACKUP_PROGRESS_CHANGED, vm.uuid);
        PRL_HANDLE job = extra ? PrlSrv_CreateVmBackupEx(s.server(), vm.uuid.c_str(), "", 0, "", o.description.c_str(),
                                                         flags, 0, PRL_FALSE, extra)
                               : PrlSrv_CreateVmBackup(s.server(), vm.uuid.c_str(), "", 0, "", o.description.c_str(),
                                                       flags, 0, PRL_FALSE);
        outcome = wait_job(job, [&](unsigned pct) { progress.update(pct); });
    }
    if (PRL_FAILED(outcome.rc)) fail_job(outcome, std::string("Failed to backup the ") + vm.kind());
    Handle result = outcome.result(), backup_result;
    check(PrlResult_GetParamByIndex(result, 1, backup_result.out()), "Failed to read the backup id");
    const std::string id = get_string(
        [&](PRL_STR b, PRL_UINT32_PTR l) { return PrlBackupResult_GetBackupUuid(backup_result, b, l); },
        "Failed to read the backup id");
    std::cout << "The " << vm.kind() << " has been successfully backed up with backup id " << id << "." << std::endl;
    return kOk;
}

// ---- backup-list ----

struct ListOptions {
    std::string key;
    bool chain = false, full = false, json = false, xml = false, no_header = false;
    Storage storage;
};

Json element_json(const BackupVm& vm, const BackupChain& chain, const BackupElement& e) {
    Json disks = Json::array();
    for (const auto& d : e.disks) disks.push_back({{"name", d.name}, {"original_path", d.original_path}, {"size", d.size}});
    return Json{{"vm_uuid", vm.uuid},
                {"vm_name", vm.name},
                {"vm_type", vm.container ? "CT" : "VM"},
                {"backup_id", e.id},
                {"chain_id", chain.full.id},
                {"number", e.number},
                {"kind", e.kind()},
                {"type", e.type},
                {"host", e.host},
                {"server_uuid", e.server_uuid},
                {"date", e.date_time},
                {"creator", e.creator},
                {"size", e.size},
                {"original_size", e.original_size},
                {"description", e.description},
                {"disks", disks}};
}

void print_full(const BackupVm& vm, const BackupElement& e) {
    std::cout << "VM_UUID: " << vm.uuid << "\nName: " << vm.name << "\nHost: " << e.host << "\nOwner: " << e.creator
              << "\nBackup_ID: " << e.id << "\nDate: " << local_time(e.date_time) << "\nType: " << e.type
              << "\nSize: " << e.size << "\nDescription: " << e.description << "\nServerUuid: " << e.server_uuid
              << "\nDiskList:\n";
    for (const auto& d : e.disks)
        std::cout << "\tName: " << d.name << "\n\tOriginalPath: " << d.original_path << "\n\tSize: " << d.size << "\n";
    std::cout << "\n";
}

int backup_list(Session& s, ListOptions& o) {
    std::string id;
    PRL_UINT32 flags = PBT_VM | PBT_CT;
    if (!o.key.empty()) {
        std::optional<VmRef> vm;
        if (!o.chain) {
            try {
                vm = s.find(o.key);
            } catch (const Failure&) {
                if (!looks_like_backup_id(o.key)) throw;
            }
        }
        if (vm) {
            id = vm->uuid;
        } else if (looks_like_backup_id(o.key)) {
            id = o.key;
            flags |= o.chain ? PBT_CHAIN : PBT_BACKUP_ID;
        } else {
            throw Failure(PRL_ERR_INVALID_ARG, "--chain needs a backup id, not " + o.key, kUsage);
        }
    }
    std::string xml = tree_xml(s, id, flags, o.storage);
    std::vector<BackupVm> vms = parse_backup_tree(xml);
    if (vms.empty() && !id.empty() && (flags & PBT_BACKUP_ID) && id.find('.') == std::string::npos) {
        // Not a backup id: perhaps the UUID of a VM that is no longer registered.
        xml = tree_xml(s, id, PBT_VM | PBT_CT, o.storage);
        vms = parse_backup_tree(xml);
    }
    if (o.xml) {
        std::cout << xml;
        if (!xml.empty() && xml.back() != '\n') std::cout << '\n';
        return kOk;
    }
    if (o.json) {
        Json a = Json::array();
        for (const auto& vm : vms)
            for (const auto& c : vm.chains) {
                a.push_back(element_json(vm, c, c.full));
                for (const auto& p : c.partials) a.push_back(element_json(vm, c, p));
            }
        print_json(a);
        return kOk;
    }
    if (o.full) {
        for (const auto& vm : vms)
            for (const auto& c : vm.chains) {
                print_full(vm, c.full);
                for (const auto& p : c.partials) print_full(vm, p);
            }
        return kOk;
    }
    std::vector<std::vector<std::string>> rows;
    auto row = [&](const BackupVm& vm, const BackupElement& e) {
        rows.push_back({vm.uuid, e.id, e.host, local_time(e.date_time), e.type, std::to_string(e.size)});
    };
    for (const auto& vm : vms)
        for (const auto& c : vm.chains) {
            row(vm, c.full);
            for (const auto& p : c.partials) row(vm, p);
        }
    // prlctl's columns and widths.
    print_table({{"ID", 38}, {"Backup_ID", -38}, {"Node", -20}, {"Date", -20}, {"Type", 4}, {"Size", 10}}, rows,
                !o.no_header);
    return kOk;
}

// ---- restore ----

struct RestoreOptions {
    std::string key, name, dst;
    Storage storage;
};

int restore(Session& s, RestoreOptions& o) {
    std::string vm_uuid, backup_id, kind = "VM";
    if (auto owner = owner_of(s, o.key, o.storage)) {
        vm_uuid = owner->uuid;
        backup_id = o.key;
        kind = owner->container ? "CT" : "VM";
        std::cout << "Restore the backup id=" << backup_id << ", " << kind << " " << owner->name << " (" << vm_uuid
                  << ")" << std::endl;
    } else if (auto vm = find_vm(s, o.key)) {  // a VM: its latest backup
        vm_uuid = vm->uuid;
        kind = vm->kind();
        std::cout << "Restore the " << kind << " " << vm->name << " from its latest backup" << std::endl;
    } else {
        backup_id = o.key;  // unknown: the SDK says why
    }
    PRL_UINT32 flags = o.name.empty() ? 0 : PBT_RESTORE_TO_COPY;
    const std::string dst = o.dst.empty() ? std::string() : fs::absolute(o.dst).lexically_normal().string();
    const PRL_BACKUP_PARAM* extra = o.storage.extra();
    JobOutcome outcome;
    {
        Progress progress(s, "restore", PET_DSP_EVT_RESTORE_PROGRESS_CHANGED, vm_uuid);
        PRL_HANDLE job = extra ? PrlSrv_RestoreVmBackupEx(s.server(), vm_uuid.c_str(), backup_id.c_str(), "", 0, "",
                                                          dst.c_str(), o.name.c_str(), flags, 0, PRL_FALSE, extra)
                               : PrlSrv_RestoreVmBackup(s.server(), vm_uuid.c_str(), backup_id.c_str(), "", 0, "",
                                                        dst.c_str(), o.name.c_str(), flags, 0, PRL_FALSE);
        outcome = wait_job(job, [&](unsigned pct) { progress.update(pct); });
    }
    if (PRL_FAILED(outcome.rc)) fail_job(outcome, "Failed to restore the " + kind);
    Handle result = outcome.result();
    std::string restored;
    PRL_UINT32 count = 0;
    if (PRL_SUCCEEDED(PrlResult_GetParamsCount(result, &count)) && count > 0)
        restored = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlResult_GetParamByIndexAsString(result, 0, b, l); },
                              "Failed to read the restored VM");
    std::string as;
    if (!restored.empty()) {
        try {
            as = " as " + s.find(restored).name + " (" + restored + ")";
        } catch (const Failure&) {
            as = " as " + restored;
        }
    }
    std::cout << "The " << kind << " has been restored" << as << "." << std::endl;
    return kOk;
}

// ---- backup-delete ----

struct DeleteOptions {
    std::string key;
    bool keep_chain = false;
    Storage storage;
};

int backup_delete(Session& s, DeleteOptions& o) {
    std::string vm_uuid, backup_id, what;
    if (auto owner = owner_of(s, o.key, o.storage)) {
        vm_uuid = owner->uuid;
        backup_id = o.key;
        what = "The backup " + backup_id;
        std::cout << "Delete the backup " << backup_id << std::endl;
    } else if (auto vm = find_vm(s, o.key)) {  // every backup of that VM
        vm_uuid = vm->uuid;
        what = std::string("The backups of the ") + vm->kind() + " " + vm->name;
        std::cout << "Delete the " << vm->kind() << " " << vm->name << " backups" << std::endl;
    } else {
        backup_id = o.key;  // unknown: the SDK says why
        what = "The backup " + backup_id;
    }
    const PRL_UINT32 flags = o.keep_chain ? PBT_KEEP_CHAIN : 0;
    const PRL_BACKUP_PARAM* extra = o.storage.extra();
    PRL_HANDLE job = extra ? PrlSrv_RemoveVmBackupEx(s.server(), vm_uuid.c_str(), backup_id.c_str(), "", 0, "", flags,
                                                     0, PRL_FALSE, extra)
                           : PrlSrv_RemoveVmBackup(s.server(), vm_uuid.c_str(), backup_id.c_str(), "", 0, "", flags, 0,
                                                   PRL_FALSE);
    run_job(job, "Failed to delete the backup");
    std::cout << what << (backup_id.empty() ? " have" : " has") << " been successfully removed." << std::endl;
    return kOk;
}

CLI::Option* add_storage(CLI::App* sub, Storage& storage) {
    return sub->add_option("--storage", storage.dir, "Backup repository directory (default: $PRLSHIM_HOME/backups)");
}

}  // namespace

void add_backup_commands(CLI::App& app, Registry& r) {
    {
        auto o = std::make_shared<BackupOptions>();
        auto* sub = app.add_subcommand("backup", "Back up a VM or container");
        sub->add_option("target", o->key, "VM or container: name or UUID")->required();
        auto* inc = sub->add_flag("--incremental", o->incremental, "Only what changed since the previous backup of the chain");
        auto* diff = sub->add_flag("--differential", o->differential, "Only what changed since the chain's full backup");
        inc->excludes(diff);
        sub->add_flag("--uncompressed", o->uncompressed, "Store the data uncompressed");
        sub->add_option("-d,--description", o->description, "Description of the backup");
        add_storage(sub, o->storage);
        r.emplace_back(sub, [o](Session& s) { return backup(s, *o); });
    }
    {
        auto o = std::make_shared<ListOptions>();
        auto* sub = app.add_subcommand("backup-list", "List backups");
        sub->add_option("target", o->key, "Only the backups of this VM (name or UUID), or this backup id");
        sub->add_flag("--chain", o->chain, "With a backup id: that backup and the rest of its chain");
        sub->add_flag("-f,--full", o->full, "Every field of every backup");
        auto* json = sub->add_flag("-j,--json", o->json, "JSON output (docs/cli-json.md)");
        sub->add_flag("--xml", o->xml, "The backup tree XML as the SDK returns it")->excludes(json);
        sub->add_flag("-H,--no-header", o->no_header, "Do not print the header line");
        add_storage(sub, o->storage);
        r.emplace_back(sub, [o](Session& s) { return backup_list(s, *o); });
    }
    {
        auto o = std::make_shared<RestoreOptions>();
        auto* sub = app.add_subcommand("restore", "Restore a backup (over its VM, or as a new VM with --name)");
        sub->add_option("id", o->key, "Backup id, or a VM name/UUID to restore its latest backup")->required();
        sub->add_option("--name", o->name, "Restore as a new VM with this name");
        sub->add_option("--dst", o->dst, "Parent directory of the restored VM's bundle");
        add_storage(sub, o->storage);
        r.emplace_back(sub, [o](Session& s) { return restore(s, *o); });
    }
    {
        auto o = std::make_shared<DeleteOptions>();
        auto* sub = app.add_subcommand("backup-delete", "Delete a backup (and the rest of its chain unless --keep-chain)");
        sub->add_option("id", o->key, "Backup id, or a VM name/UUID to delete all its backups")->required();
        sub->add_flag("--keep-chain", o->keep_chain, "Keep the later backups of the chain restorable");
        add_storage(sub, o->storage);
        r.emplace_back(sub, [o](Session& s) { return backup_delete(s, *o); });
    }
}

}  // namespace prlshim
