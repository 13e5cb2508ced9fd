#include "backup_tree.h"

#include "error.h"
#include "error_guard.h"
#include "ids.h"
#include "xml_util.h"

#include <algorithm>
#include <ctime>
#include <cstdio>
#include <optional>

namespace prl::backup {

namespace {

// PRL_VM_BACKUP_TYPE values: PVBT_VM, and PVBT_CT_VZFS for our file-level container backups.
constexpr uint64_t kVmBackupTypeVm = 0;
constexpr uint64_t kVmBackupTypeCt = 1;
constexpr uint64_t kTreeVersion = 1;

void write_disks(XmlWriter& w, const ElementInfo& e) {
    w.start("BackupDisks");
    for (const DiskInfo& d : e.disks) {
        w.start("BackupDisk");
        w.element("Name", d.name);
        w.element("OriginalPath", d.original_path);
        w.element("Size", d.size);
        w.empty_element("Encryption");
        w.end();
    }
    w.end();
}

void write_common(XmlWriter& w, const ElementInfo& e, const char* type) {
    w.element("Id", e.id);
    w.element("Host", e.host);
    w.element("ServerUuid", e.server_uuid);
    w.element("DateTime", format_utc(e.time));
    w.element("Creator", e.creator);
    w.element("Size", e.stored_size);
    w.element("Type", std::string(type));
    w.element("Description", e.description);
}

bool by_time(const ElementInfo* a, const ElementInfo* b) {
    return a->time != b->time ? a->time < b->time : a->number < b->number;
}

void write_chain(XmlWriter& w, const ChainInfo& c, std::vector<const ElementInfo*> partials) {
    std::stable_sort(partials.begin(), partials.end(), by_time);
    w.start("BackupItem");
    w.element("Uuid", c.uuid);
    write_common(w, c.full, "f");
    for (const ElementInfo* p : partials) {
        w.start("PartialBackupItem");
        w.element("Number", p->number);
        write_common(w, *p, "i");
        w.element("OriginalSize", p->original_size);
        w.element("Flags", p->flags);
        write_disks(w, *p);
        w.end();
    }
    w.element("OriginalSize", c.full.original_size);
    w.element("Flags", c.full.flags);
    w.element("LastNumber", c.last_number);
    write_disks(w, c.full);
    w.end();
}

void start_vm(XmlWriter& w, const VmEntry& vm) {
    w.start("VmItem");
    w.element("VmType", vm.type == VmType::ct ? kVmBackupTypeCt : kVmBackupTypeVm);
    w.element("Uuid", vm.uuid);
    w.element("Name", vm.name);
    w.element("Version", kTreeVersion);
}

}  // namespace

std::string format_utc(int64_t seconds) {
    // xs:dateTime has four-digit years: keep within 0001-01-01 .. 9999-12-31.
    // The metadata reader refuses later times, so only direct callers with
    // made-up values are clamped.
    seconds = std::clamp<int64_t>(seconds, -62135596800, 253402300799);
    const time_t t = static_cast<time_t>(seconds);
    struct tm tm {};
    if (!gmtime_r(&t, &tm)) return "1970-01-01T00:00:00Z";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

namespace {

std::string build_tree(const std::vector<VmEntry>& vms, const TreeFilter& filter) {
    std::optional<BackupId> wanted;
    if (!filter.backup_id.empty()) {
        wanted = parse_backup_id(filter.backup_id);
        if (!wanted) throw Error(Errc::invalid_argument, "not a backup id");
    }
    std::string out;
    // The document is ~650 bytes per element: reserving avoids regrowing a large string.
    size_t elements = 0;
    for (const VmEntry& vm : vms)
        for (const ChainInfo& c : vm.chains) elements += 1 + c.partials.size();
    out.reserve(wanted ? 4096 : 1024 + elements * 700);
    XmlWriter w(out);
    w.start("BackupTree");
    for (const VmEntry& vm : vms) {
        std::vector<const ChainInfo*> chains;
        for (const ChainInfo& c : vm.chains) chains.push_back(&c);
        std::stable_sort(chains.begin(), chains.end(),
                         [](const ChainInfo* a, const ChainInfo* b) { return by_time(&a->full, &b->full); });
        if (!wanted) {
            const bool want_ct = filter.kind == TreeFilter::ct;
            if (chains.empty()) continue;
            if (filter.kind != TreeFilter::any && (vm.type == VmType::ct) != want_ct) continue;
            start_vm(w, vm);
            for (const ChainInfo* c : chains) {
                std::vector<const ElementInfo*> partials;
                for (const ElementInfo& p : c->partials) partials.push_back(&p);
                write_chain(w, *c, std::move(partials));
            }
            w.end();
            continue;
        }
        for (const ChainInfo* c : chains) {
            if (c->uuid != wanted->chain) continue;
            std::vector<const ElementInfo*> partials;
            if (c->full.number == wanted->number) {
                if (filter.chain)
                    for (const ElementInfo& p : c->partials) partials.push_back(&p);
            } else {
                bool present = false;
                for (const ElementInfo& p : c->partials) {
                    if (p.number == wanted->number) present = true;
                    if (p.number == wanted->number || (filter.chain && p.number > wanted->number)) partials.push_back(&p);
                }
                if (!present) continue;
            }
            start_vm(w, vm);
            write_chain(w, *c, std::move(partials));
            w.end();
        }
    }
    w.end();
    w.finish();
    return out;
}

}  // namespace

std::string backup_tree_xml(const std::vector<VmEntry>& vms, const TreeFilter& filter) {
    return guard_errors([&] { return build_tree(vms, filter); });
}

}  // namespace prl::backup
