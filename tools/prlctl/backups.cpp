// prlctl's backup actions: backup, backup-list, restore (and restore --list),
// backup-delete, read and worded as the product's prlctl reads and words
// them (docs/prlctl.md). Their options are read with OptionScanner, because
// the product's handling of stray words differs per action: backup refuses
// them, backup-list takes the last one as the VM, restore and backup-delete
// take one and refuse a second.
#include "commands.h"
#include "abackup.h"
#include "option_scanner.h"
#include "remote_login.h"
#include "xml_reader.h"

#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>

namespace prlctl {
namespace {

// Options every action of the product's prlctl accepts; listed first, so
// that "-l" is the login even where an action also has a "-l".
#define GLOBAL_OPTIONS \
    {"verbose", 'v', true}, {"timeout", 0, true}, {"login", 'l', true}, {"compat", 0, false}

const std::vector<OptionSpec> kBackupOptions = {
    GLOBAL_OPTIONS,
    {"full", 'f', false},           {"full", 'F', false},          {"full", 'I', false},
    {"incremental", 'i', false},    {"differental", 'd', false},   {"storage", 's', true},
    {"securitylevel", 0, true},     {"description", 0, true},      {"uncompressed", 'u', false},
    {"no-compression", 0, false},   {"no-tunnel", 0, false},       {"no-reversed-delta", 0, false},
    {"backup-path", 0, true},       {"uuid", 0, true},             {"abackup-mode", 'd', false}};
const std::vector<OptionSpec> kRestoreOptions = {
    GLOBAL_OPTIONS,
    {"storage", 's', true},       {"tag", 't', true},      {"id", 'i', true},        {"vm", 'e', true},
    {"name", 'n', true},          {"list", 'l', false},    {"full", 'f', false},     {"securitylevel", 0, true},
    {"location", 0, true},        {"dst", 0, true},        {"no-tunnel", 0, false},  {"live", 0, false},
    {"backup-path", 0, true}};
const std::vector<OptionSpec> kListOptions = {
    GLOBAL_OPTIONS,
    {"full", 'f', false},       {"storage", 's', true},   {"no-header", 'H', false}, {"localvms", 0, false},
    {"localvm", 0, false},      {"securitylevel", 0, true}, {"vmtype", 0, true},     {"backup-path", 0, true}};
const std::vector<OptionSpec> kDeleteOptions = {
    GLOBAL_OPTIONS,
    {"storage", 's', true},   {"tag", 't', true},        {"id", 'i', true},
    {"securitylevel", 0, true}, {"keep-chain", 'k', false}, {"backup-path", 0, true}};

// What one command line asks for.
struct Request {
    std::string action;  // backup, backup-list, restore, backup-delete
    std::string vm;      // the VM as given (name or UUID)
    std::string backup_id, description, new_name, location, backup_path;
    std::string since;     // backup --uuid: the earlier backup --abackup-mode compares with
    bool abackup = false;  // backup --abackup-mode
    PRL_UINT32 flags = 0, security = 0;
    PRL_UINT32 vmtypes = PVTF_VM | PVTF_CT;
    bool full_list = false, no_header = false, local_vms_only = false;
    Remote storage, login;
};

PRL_UINT32 security_level(const std::string& name) {
    if (name == "low") return PSL_LOW_SECURITY;
    if (name == "normal") return PSL_NORMAL_SECURITY;
    if (name == "high") return PSL_HIGH_SECURITY;
    throw UsageError{"An incorrect security level is specified: " + name};
}

Remote remote_option(const std::string& value, const char* what) {
    Remote r;
    if (!parse_remote(value, r)) throw UsageError{std::string("An incorrect value is specified for ") + what + value};
    return r;
}

// The options all four actions share; false when `name` is none of them.
bool shared_option(const std::string& name, const std::string& value, Request& rq) {
    if (name == "verbose" || name == "timeout" || name == "compat") return true;  // no effect on the result
    if (name == "login") rq.login = remote_option(value, "--login: ");
    else if (name == "storage") rq.storage = remote_option(value, "backup storage: ");
    else if (name == "securitylevel") rq.security = security_level(value);
    else if (name == "backup-path") rq.backup_path = value;
    else return false;
    return true;
}

// backup: the VM is the word after the action, the options follow it.
Request parse_backup(int argc, char** argv) {
    Request rq;
    rq.action = "backup";
    OptionScanner scan(argc, argv, 3, kBackupOptions);
    for (;;) {
        const OptionScanner::Kind k = scan.next();
        if (k == OptionScanner::kEnd) break;
        if (k == OptionScanner::kMissingValue) throw UsageError{scan.message()};
        if (k == OptionScanner::kUnknown) throw UsageError{"Unrecognized option: " + word_or_null(scan.take_word())};
        const std::string name = scan.option().name, v = scan.value();
        if (shared_option(name, v, rq)) continue;
        if (name == "full") rq.flags |= PBT_FULL;
        else if (name == "incremental") rq.flags |= PBT_INCREMENTAL;
        else if (name == "differental") rq.flags |= PBT_DIFFERENTIAL;
        else if (name == "description") rq.description = v;
        else if (name == "uncompressed" || name == "no-compression") rq.flags |= PBT_UNCOMPRESSED;
        else if (name == "no-tunnel") rq.flags |= PBT_DIRECT_DATA_CONNECTION;
        else if (name == "no-reversed-delta") rq.flags |= PBT_DIRECT_DELTA;
        else if (name == "abackup-mode") rq.abackup = true;
        else if (name == "uuid") {
            if (!prlshim::looks_like_uuid(v)) throw UsageError{"An invalid value was specified for --uuid: " + v};
            rq.since = braced_uuid(v);
        }
    }
    // "[user@]node/VM": the VM of another node.
    const std::string word = argv[2];
    const std::size_t slash = word.find('/');
    rq.vm = word;
    if (slash != std::string::npos) {
        rq.vm = word.substr(slash + 1);
        if (!parse_remote(word.substr(0, slash), rq.login))
            throw UsageError{"An incorrect value is specified for node: " + word};
    }
    if (!(rq.flags & (PBT_INCREMENTAL | PBT_FULL))) rq.flags |= PBT_INCREMENTAL;
    return rq;
}

// backup-list: every stray word names the VM, the last one wins.
Request parse_list(int argc, char** argv) {
    Request rq;
    rq.action = "backup-list";
    OptionScanner scan(argc, argv, 2, kListOptions);
    for (;;) {
        const OptionScanner::Kind k = scan.next();
        if (k == OptionScanner::kEnd) break;
        if (k == OptionScanner::kMissingValue) throw UsageError{scan.message()};
        if (k == OptionScanner::kUnknown) {
            rq.vm = word_or_null(scan.take_word());
            continue;
        }
        const std::string name = scan.option().name, v = scan.value();
        if (shared_option(name, v, rq)) continue;
        if (name == "full") rq.full_list = true;
        else if (name == "no-header") rq.no_header = true;
        else if (name == "localvms" || name == "localvm") rq.local_vms_only = true;
        else if (name == "vmtype") {
            if (v == "ct" || v == "c") rq.vmtypes = PVTF_CT;
            else if (v == "vm" || v == "v") rq.vmtypes = PVTF_VM;
            else if (v == "all" || v == "a") rq.vmtypes = PVTF_VM | PVTF_CT;
            else throw UsageError{"An incorrect value for --vmtype is specified: " + v};
        }
    }
    return rq;
}

// restore and backup-delete: one stray word names the VM; an unknown option
// is reported by the word after it, as the product reports it.
Request parse_restore_or_delete(int argc, char** argv, const std::string& action) {
    Request rq;
    rq.action = action;
    OptionScanner scan(argc, argv, 2, action == "restore" ? kRestoreOptions : kDeleteOptions);
    for (;;) {
        const OptionScanner::Kind k = scan.next();
        if (k == OptionScanner::kEnd) break;
        if (k == OptionScanner::kMissingValue) throw UsageError{scan.message()};
        if (k == OptionScanner::kUnknown) {
            const std::string word = word_or_null(scan.take_word());
            if (word[0] == '-') throw UsageError{"Unrecognized option: " + word_or_null(scan.take_word())};
            if (!rq.vm.empty()) throw UsageError{"Incorrect usage."};
            rq.vm = word;
            continue;
        }
        const std::string name = scan.option().name, v = scan.value();
        if (shared_option(name, v, rq)) continue;
        if (name == "tag" || name == "id") rq.backup_id = braced_uuid(v);
        else if (name == "vm") rq.vm = v;
        else if (name == "name") rq.new_name = v;
        else if (name == "list") rq.action = "backup-list";
        else if (name == "full") rq.full_list = true;
        else if (name == "location" || name == "dst") {
            if (v[0] == '.')
                throw UsageError{"An incorrect value for --dst is specified; relative paths are not allowed."};
            rq.location = v;
        } else if (name == "no-tunnel") rq.flags |= PBT_DIRECT_DATA_CONNECTION;
        else if (name == "live") rq.flags |= PBT_RESTORE_RUNNING;
        else if (name == "keep-chain") rq.flags |= PBT_KEEP_CHAIN;
    }
    return rq;
}

// Where the backups are: the storage's host, port and session, or this host's.
struct Storage {
    std::optional<Connection> connection;
    std::string host;
    PRL_UINT32 port = 0;
    const char* session() const { return connection ? connection->session_id.c_str() : ""; }
};

Storage open_storage(const Request& rq) {
    Storage s;
    if (!rq.storage.given()) return s;
    s.connection = connect(rq.storage);
    s.host = rq.storage.server;
    s.port = static_cast<PRL_UINT32>(rq.storage.port);
    return s;
}

PRL_BACKUP_PARAM extra_of(const Request& rq) {
    PRL_BACKUP_PARAM extra{};
    extra.backup_directory = rq.backup_path.c_str();
    return extra;
}

// The VM by name or UUID; none when an unknown `id` is a UUID (the product
// then passes the UUID on as given).
std::optional<Vm> vm_or_uuid(PRL_HANDLE server, const std::string& id) {
    try {
        return find_vm(server, id);
    } catch (const Error& e) {
        if (e.code == PRL_ERR_VM_UUID_NOT_FOUND && prlshim::looks_like_uuid(id)) return std::nullopt;
        throw;
    }
}

// ---- the backup tree ----

struct Disk {
    std::string name, original_path, size;
};
struct Backup {
    std::string id, host, owner, date, size, type, description, server_uuid;
    std::vector<Disk> disks;
};
struct Chain {
    Backup full;
    std::vector<Backup> increments;
};
struct VmBackups {
    std::string uuid, name;
    std::vector<Chain> chains;
};

Backup read_backup(const xmlNode* item) {
    Backup b;
    for (const xmlNode* c = item->children; c; c = c->next) {
        if (xml::element(c, "Id")) b.id = xml::content(c);
        else if (xml::element(c, "Host")) b.host = xml::content(c);
        else if (xml::element(c, "Creator")) b.owner = xml::content(c);
        else if (xml::element(c, "DateTime")) b.date = xml::content(c);
        else if (xml::element(c, "Size")) b.size = xml::content(c);
        else if (xml::element(c, "Type")) b.type = xml::content(c);
        else if (xml::element(c, "Description")) b.description = xml::content(c);
        else if (xml::element(c, "ServerUuid")) b.server_uuid = xml::content(c);
        else if (xml::element(c, "BackupDisks")) {
            for (const xmlNode* d = c->children; d; d = d->next) {
                if (!xml::element(d, "BackupDisk")) continue;
                Disk disk;
                bool name = false, path = false, size = false;  // the first of each counts
                for (const xmlNode* f = d->children; f; f = f->next) {
                    if (!name && xml::element(f, "Name")) name = true, disk.name = xml::content(f);
                    else if (!path && xml::element(f, "OriginalPath")) path = true, disk.original_path = xml::content(f);
                    else if (!size && xml::element(f, "Size")) size = true, disk.size = xml::content(f);
                }
                b.disks.push_back(disk);
            }
        }
    }
    return b;
}

std::vector<VmBackups> read_tree(const std::string& text) {
    std::vector<VmBackups> tree;
    const xml::Document doc = xml::parse(text);
    const xmlNode* root = xml::root(doc, "BackupTree");
    if (!root) return tree;
    for (const xmlNode* v = root->children; v; v = v->next) {
        if (!xml::element(v, "VmItem")) continue;
        VmBackups vm;
        for (const xmlNode* c = v->children; c; c = c->next) {
            if (xml::element(c, "Uuid")) vm.uuid = xml::content(c);
            else if (xml::element(c, "Name")) vm.name = xml::content(c);
            else if (xml::element(c, "BackupItem")) {
                Chain chain;
                chain.full = read_backup(c);
                for (const xmlNode* p = c->children; p; p = p->next)
                    if (xml::element(p, "PartialBackupItem")) chain.increments.push_back(read_backup(p));
                vm.chains.push_back(std::move(chain));
            }
        }
        tree.push_back(std::move(vm));
    }
    return tree;
}

// The tree for a VM (`vm_id`), a backup or chain (`backup_id`), or all; a
// failure prints the job's error and then the product's line, and throws -1.
std::vector<VmBackups> backup_tree(PRL_HANDLE server, const Request& rq, const Storage& storage) {
    std::string id;
    PRL_UINT32 flags = rq.security;
    if (!rq.vm.empty()) {
        const std::optional<Vm> vm = vm_or_uuid(server, rq.vm);
        id = vm ? vm->uuid : braced_uuid(rq.vm);
    } else if (!rq.backup_id.empty()) {
        flags |= rq.backup_id.find('.') == std::string::npos ? PBT_BACKUP_ID : PBT_CHAIN;
        id = rq.backup_id;
    }
    if (rq.vmtypes & PVTF_VM) flags |= PBT_VM;
    if (rq.vmtypes & PVTF_CT) flags |= PBT_CT;
    PRL_BACKUP_PARAM extra = extra_of(rq);
    Handle job(PrlSrv_GetBackupTreeEx(server, id.c_str(), storage.host.c_str(), storage.port, storage.session(),
                                      flags, 0, PRL_TRUE, &extra));
    std::string err;
    PRL_RESULT rc = wait(job, err);
    Handle result;
    if (rc) report(rc, err);
    else if (PRL_FAILED(rc = PrlJob_GetResult(job, result.out()))) report(rc, "PrlJob_GetResult returned the following error: " + result_text(rc) + " [" + std::to_string(rc) + "]");
    if (rc) throw Error{-1, "Failed to get the backup tree: " + result_text(rc)};
    return read_tree(text_of(PrlResult_GetParamAsString, result));
}

// The product shows a "YYYY-MM-DD HH:MM:SS" (UTC) time in local time as
// "MM/DD/YYYY HH:MM:SS"; any other text as it is.
std::string shown_date(const std::string& date) {
    struct tm t {};
    if (std::sscanf(date.c_str(), "%4d-%2d-%2d %2d:%2d:%2d", &t.tm_year, &t.tm_mon, &t.tm_mday, &t.tm_hour,
                    &t.tm_min, &t.tm_sec) != 6)
        return date;
    t.tm_year -= 1900;
    t.tm_mon -= 1;
    const time_t when = timegm(&t);
    struct tm local {};
    if (!localtime_r(&when, &local)) return date;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%02d/%02d/%04d %02d:%02d:%02d", local.tm_mon + 1, local.tm_mday,
                  local.tm_year + 1900, local.tm_hour, local.tm_min, local.tm_sec);
    return buf;
}

const char* const kRow = "%38s %-38s %-20s %-20s %4s %10s\n";

void print_backup(const VmBackups& vm, const Backup& b, bool full) {
    const std::string date = shown_date(b.date);
    if (!full) {
        std::printf(kRow, vm.uuid.c_str(), b.id.c_str(), b.host.c_str(), date.c_str(), b.type.c_str(),
                    b.size.c_str());
        return;
    }
    std::string out = "VM_UUID: " + vm.uuid + "\nName: " + vm.name + "\nHost: " + b.host + "\nOwner: " + b.owner +
                      "\nBackup_ID: " + b.id + "\nDate: " + date + "\nType: " + b.type + "\nSize: " + b.size +
                      "\nDescription: " + b.description + "\nServerUuid: " + b.server_uuid + "\nDiskList:\n";
    for (const Disk& d : b.disks)
        out += "\tName: " + d.name + "\n\tOriginalPath: " + d.original_path + "\n\tSize: " + d.size + "\n";
    std::printf("%s\n", out.c_str());
}

std::string server_uuid(PRL_HANDLE server) {
    Handle info;
    if (PRL_FAILED(PrlSrv_GetServerInfo(server, info.out()))) return {};
    return text_of(PrlSrvInfo_GetServerUuid, info);
}

bool registered(PRL_HANDLE server, const std::string& uuid) {
    Handle job(PrlSrv_GetVmConfig(server, uuid.c_str(), PGVC_SEARCH_BY_UUID));
    std::string err;
    return wait(job, err) == 0;
}

// ---- the actions ----

int list_backups(PRL_HANDLE server, const Request& rq) {
    const Storage storage = open_storage(rq);
    const std::vector<VmBackups> tree = backup_tree(server, rq, storage);
    // --localvms: chains of VMs registered here or made by this server.
    const std::string here = rq.local_vms_only ? server_uuid(server) : "";
    if (!rq.full_list && !rq.no_header) std::printf(kRow, "ID", "Backup_ID", "Node", "Date", "Type", "Size");
    for (const VmBackups& vm : tree) {
        for (const Chain& chain : vm.chains) {
            if (rq.local_vms_only && chain.full.server_uuid != here && !registered(server, vm.uuid)) continue;
            print_backup(vm, chain.full, rq.full_list);
            for (const Backup& b : chain.increments) print_backup(vm, b, rq.full_list);
        }
    }
    std::fflush(stdout);
    return 0;
}

int backup(PRL_HANDLE server, const Request& rq) {
    const Vm vm = find_vm(server, rq.vm);
    if (rq.abackup) {
        // The product would write to "/" without --backup-path; prlshim refuses.
        if (rq.backup_path.empty()) return report(1, "--abackup-mode needs --backup-path FOLDER");
        return abackup(vm, rq.backup_path, rq.since, rq.flags == PBT_FULL);
    }
    const Storage storage = open_storage(rq);
    say(std::string("Backing up the ") + vm.kind() + " " + vm.name);
    PRL_BACKUP_PARAM extra = extra_of(rq);
    Handle job(PrlSrv_CreateVmBackupEx(server, vm.uuid.c_str(), storage.host.c_str(), storage.port,
                                       storage.session(), rq.description.c_str(), rq.flags | rq.security, 0,
                                       PRL_TRUE, &extra));
    std::string err;
    if (const PRL_RESULT rc = wait(job, err))
        return report(rc, std::string("Failed to backup the ") + vm.kind() + ": " + err);
    // The result's second parameter carries the new backup's id.
    std::string id;
    Handle result, param;
    PRL_UINT32 count = 0;
    if (PRL_SUCCEEDED(PrlJob_GetResult(job, result.out())) &&
        PRL_SUCCEEDED(PrlResult_GetParamsCount(result, &count)) && count >= 2 &&
        PRL_SUCCEEDED(PrlResult_GetParamByIndex(result, 1, param.out())))
        id = text_of(PrlBackupResult_GetBackupUuid, param);
    say(std::string("The ") + vm.kind() + " has been successfully backed up with backup id " + id + ".");
    return 0;
}

// The VM a backup id belongs to, from the tree; "" when the tree has none.
std::string vm_of_backup(PRL_HANDLE server, const Request& rq, const Storage& storage) {
    Request by_id = rq;
    by_id.vm.clear();
    std::vector<VmBackups> tree;
    try {
        tree = backup_tree(server, by_id, storage);
    } catch (const Error& e) {
        report(e.code, e.message);  // the product goes on without it
        return {};
    }
    for (const VmBackups& vm : tree)
        for (const Chain& chain : vm.chains) {
            if (chain.full.id == rq.backup_id) return vm.uuid;
            for (const Backup& b : chain.increments)
                if (b.id == rq.backup_id) return vm.uuid;
        }
    return {};
}

int restore(PRL_HANDLE server, const Request& rq) {
    const Storage storage = open_storage(rq);
    std::string vm_id, kind = "VM";
    if (!rq.vm.empty()) {
        const std::optional<Vm> vm = vm_or_uuid(server, rq.vm);
        vm_id = vm ? vm->uuid : braced_uuid(rq.vm);
        if (vm) kind = vm->kind();
        say("Restore the " + kind + " " + vm_id);
    } else if (!rq.backup_id.empty()) {
        vm_id = vm_of_backup(server, rq, storage);
        say("Restore the backup id=" + rq.backup_id + ", virtual environment id=" + vm_id);
    } else {
        return report(1, "VM ID is not specified.");
    }
    const PRL_UINT32 flags = rq.flags | rq.security | (rq.new_name.empty() ? 0 : PBT_RESTORE_TO_COPY);
    PRL_BACKUP_PARAM extra = extra_of(rq);
    Handle job(PrlSrv_RestoreVmBackupEx(server, vm_id.c_str(), rq.backup_id.c_str(), storage.host.c_str(),
                                        storage.port, storage.session(), rq.location.c_str(), rq.new_name.c_str(),
                                        flags, 0, PRL_FALSE, &extra));
    std::string err;
    if (const PRL_RESULT rc = wait(job, err)) return report(rc, "Failed to restore the " + kind + ": " + err);
    say("The " + kind + " has been restored.");
    return 0;
}

int remove_backup(PRL_HANDLE server, const Request& rq) {
    const Storage storage = open_storage(rq);
    std::string vm_id, what;  // what: "VM", "" (an unknown UUID) or the backup id
    if (!rq.vm.empty()) {
        const std::optional<Vm> vm = vm_or_uuid(server, rq.vm);
        vm_id = vm ? vm->uuid : braced_uuid(rq.vm);
        if (vm) what = vm->kind();
        say("Delete the " + what + " backup");
    } else if (!rq.backup_id.empty()) {
        what = rq.backup_id;
        say("Delete the backup " + rq.backup_id);
    } else {
        return report(1, "VM ID is not specified.");
    }
    PRL_BACKUP_PARAM extra = extra_of(rq);
    Handle job(PrlSrv_RemoveVmBackupEx(server, vm_id.c_str(), rq.backup_id.c_str(), storage.host.c_str(),
                                       storage.port, storage.session(), rq.flags | rq.security, 0, PRL_TRUE,
                                       &extra));
    std::string err;
    if (const PRL_RESULT rc = wait(job, err)) return report(rc, "Failed to delete the backup: " + err);
    say("The " + what + " backup have been successfully removed.");
    return 0;
}

}  // namespace

bool is_backup_action(const std::string& action) {
    return action == "backup" || action == "backup-list" || action == "restore" || action == "backup-delete";
}

int backup_action(int argc, char** argv) {
    const std::string action = argv[1];
    Request rq;
    try {
        rq = action == "backup"        ? parse_backup(argc, argv)
             : action == "backup-list" ? parse_list(argc, argv)
                                       : parse_restore_or_delete(argc, argv, action);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "%s\n", e.message.c_str());
        return 1;
    }
    return run_command([&](PRL_HANDLE local) -> PRL_RESULT {
        // -l with another host: that host's session instead of the local one.
        std::optional<Connection> elsewhere;
        if (rq.login.given() && !rq.login.local()) elsewhere = connect(rq.login);
        PRL_HANDLE server = elsewhere ? static_cast<PRL_HANDLE>(elsewhere->server) : local;
        if (rq.action == "backup") return backup(server, rq);
        if (rq.action == "backup-list") return list_backups(server, rq);
        if (rq.action == "restore") return restore(server, rq);
        return remove_backup(server, rq);
    });
}

}  // namespace prlctl
