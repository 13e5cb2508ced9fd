// prlctl list: the table, -o fields, -H, -j, -s, -L, and -i/--info.
#include "commands.h"
#include "ct_features.h"
#include "report.h"
#include "vm_info.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <sstream>

namespace prlctl {
namespace {

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += x + " ";
    return s;
}

struct Field {
    const char* name;
    const char* header;
    bool hidden;  // not shown by -L
    const char* format;
    std::function<std::string(const Vm&, bool last)> value;
    std::function<std::string(const Vm&)> sort_key;  // null: not sortable
};

std::string uuid_of(const Vm& v) { return v.uuid; }
template <std::string (*F)(const Vm&)>
std::string cell_of(const Vm& v, bool) { return F(v); }
std::string name_key(const Vm& v) { return v.name; }
std::string home_of(const Vm& v) { return home_dir(v.cfg); }

// The configured addresses: the first one, or as the last column all of
// them, each followed by a space.
std::string ip_cell(const Vm& v, bool last) {
    const std::vector<std::string> ips = addresses_of(v.cfg);
    if (!last) return or_dash(ips.empty() ? std::string() : ips.front());
    return or_dash(joined(ips) + " ");
}

const std::vector<Field>& fields() {
    static const std::vector<Field> f = {
        {"uuid", "UUID", false, "%-39s ", cell_of<uuid_of>, uuid_of},
        {"id", "UUID", true, "%-39s ", cell_of<uuid_of>, uuid_of},
        {"ctid", "UUID", true, "%-39s ", cell_of<uuid_of>, uuid_of},
        {"veid", "UUID", true, "%-39s ", cell_of<uuid_of>, uuid_of},
        {"envid", "ENVID", false, "%-10s ", [](const Vm& v, bool) { return text_of(PrlVmCfg_GetCtId, v.cfg); }, nullptr},
        {"home", "HOME", false, "%-32s ", cell_of<home_of>, home_of},
        {"private", "HOME", true, "%-32s ", cell_of<home_of>, home_of},
        {"type", "T", false, "%-2s ", [](const Vm& v, bool) { return std::string(v.kind()); }, nullptr},
        {"name", "NAME", false, "%-32s ", [](const Vm& v, bool) { return or_dash(v.name); }, name_key},
        {"status", "STATUS", false, "%-12s ", [](const Vm& v, bool) { return state_word(v.state()); }, nullptr},
        {"dist", "DIST", false, "%-15s ",
         [](const Vm& v, bool) {
             PRL_UINT32 ver = 0;
             PrlVmCfg_GetOsVersion(v.cfg, &ver);
             return or_dash(distribution_name(ver));
         },
         nullptr},
        {"ostemplate", "OSTEMPLATE", true, "%-24s ",
         [](const Vm& v, bool) {
             // A VM shows its distribution, a container its OS template.
             if (v.type == PVT_CT) return text_of(PrlVmCfg_GetOsTemplate, v.cfg);
             PRL_UINT32 ver = 0;
             PrlVmCfg_GetOsVersion(v.cfg, &ver);
             return distribution_name(ver);
         },
         nullptr},
        {"owner", "OWNER", false, "%-32s ", [](const Vm& v, bool) { return owner_of(v.cfg); }, nullptr},
        {"system-flags", "SYSTEM_FLAGS", false, "%-32s ",
         [](const Vm& v, bool) { return text_of(PrlVmCfg_GetSystemFlags, v.cfg); }, nullptr},
        {"description", "DESCRIPTION", false, "%-32s ",
         [](const Vm& v, bool) { return or_dash(text_of(PrlVmCfg_GetDescription, v.cfg)); }, nullptr},
        {"ip", "IP_ADDR", false, "%-15s ", ip_cell, nullptr},
        {"ip_configured", "IP_ADDR", false, "%-15s ", ip_cell, nullptr},
        {"hostname", "HOSTNAME", false, "%-32s ", [](const Vm& v, bool) { return or_dash(text_of(PrlVmCfg_GetHostname, v.cfg)); },
         nullptr},
        {"netif", "NETIF", false, "%-16s ", [](const Vm& v, bool) { return or_dash(joined(netifs_of(v.cfg))); }, nullptr},
        {"mac", "MAC", false, "%-36s ", [](const Vm& v, bool) { return or_dash(joined(macs_of(v.cfg))); }, nullptr},
        {"features", "FEATURES", false, "%-256s ",
         [](const Vm& v, bool) {
             // A container's features; a VM has none of these.
             CtFeatures features;
             PRL_UINT32 off = 0;
             if (v.type == PVT_CT && PRL_SUCCEEDED(PrlVmCfg_GetFeaturesMask(v.cfg, &features.on, &off)))
                 features.known = features.on | off;
             return ct_features_text(features);
         },
         nullptr},
        {"location", "LOCATION", false, "%-39s ",
         [](const Vm& v, bool) {
             PRL_VM_LOCATION l = PVL_UNKNOWN;
             PrlVmCfg_GetLocation(v.cfg, &l);
             switch (l) {
                 case PVL_LOCAL_FS: return std::string("local");
                 case PVL_REMOTE_FS: return std::string("remote");
                 case PVL_USB_DRIVE: return std::string("USB drive");
                 case PVL_FIREWIRE_DRIVE: return std::string("FireWire drive");
                 default: return std::string("unknown");
             }
         },
         nullptr},
        {"iolimit", "IOLIMIT", false, "%-10s ",
         [](const Vm& v, bool) {
             PRL_IOLIMIT_DATA io{0, PRL_IOLIMIT_BS};
             PrlVmCfg_GetIoLimit(v.cfg, &io);
             return std::to_string(io.value);
         },
         nullptr},
        {"netdev", "NETDEV", false, "%-14s ", [](const Vm& v, bool) { return or_dash(host_ifaces_of(v.cfg)); }, nullptr},
        {"ha_enable", "HA_ENABLE", false, "%-9s ",
         [](const Vm& v, bool) {
             PRL_BOOL on = PRL_FALSE;
             PrlVmCfg_IsHighAvailabilityEnabled(v.cfg, &on);
             return std::string(on ? "yes" : "no");
         },
         nullptr},
        {"ha_prio", "HA_PRIO", false, "%-10s ",
         [](const Vm& v, bool) {
             PRL_UINT32 p = 0;
             PrlVmCfg_GetHighAvailabilityPriority(v.cfg, &p);
             return std::to_string(p);
         },
         [](const Vm& v) {
             PRL_UINT32 p = 0;
             PrlVmCfg_GetHighAvailabilityPriority(v.cfg, &p);
             char b[16];
             std::snprintf(b, sizeof b, "%010u", p);
             return std::string(b);
         }},
        {"-", "-", false, "%-10s ", [](const Vm&, bool) { return std::string("-"); }, nullptr},
    };
    return f;
}

const Field* field(const std::string& name) {
    for (const auto& f : fields())
        if (name == f.name) return &f;
    return nullptr;
}


}  // namespace

int list(PRL_HANDLE server, const CommandLine& cl) {
    if (cl.has("list")) {
        for (const auto& f : fields())
            if (!f.hidden) std::printf("%-20s %s\n", f.name, f.header);
        return 0;
    }
    const bool info = cl.has("info"), json = cl.has("json"), no_header = cl.has("no-header");
    const bool all = cl.has("all"), full = cl.has("full");
    std::vector<const Field*> order;
    const bool templates = cl.has("template");
    const std::string spec = cl.has("output")  ? cl.get("output")
                             : templates       ? "uuid,dist,type,name"
                                               : "uuid,status,ip_configured,type,name";
    if (!info) {
        std::stringstream in(spec);
        std::string name;
        while (std::getline(in, name, ',')) {
            const Field* f = field(name);
            if (!f) {
                std::fprintf(stderr, "Unknown field: %s\n", name.c_str());
                return 1;
            }
            order.push_back(f);
        }
    }
    const Field* sort = field("name");
    bool reverse = false;
    if (cl.has("sort")) {
        std::string name = cl.get("sort");
        if (!name.empty() && name[0] == '-') {
            name = name.substr(1);
            reverse = true;
        }
        sort = field(name);
        if (!sort) {
            std::fprintf(stderr, "%s is an invalid field name in this query.\n", name.c_str());
            return 1;
        }
    } else if (cl.has("output") && !order.empty()) {
        sort = order.front();
    }
    if (!no_header && !json) {
        if (info) std::fputs("INFO", stdout);
        Report header(false);
        for (std::size_t i = 0; i < order.size(); ++i)
            header.cell("", column_format(order[i]->format, i + 1 == order.size()), order[i]->header);
        std::fputs(header.text().c_str(), stdout);
        std::fputs("\n", stdout);
        std::fflush(stdout);
    }

    std::vector<Vm> vms;
    if (cl.id.empty()) {
        vms = all_vms(server, PVTF_VM | PVTF_CT);
        if (sort->sort_key)
            std::stable_sort(vms.begin(), vms.end(),
                             [&](const Vm& a, const Vm& b) { return sort->sort_key(a) < sort->sort_key(b); });
    } else {
        vms.push_back(find_vm(server, cl.id));
    }
    if (reverse) std::reverse(vms.begin(), vms.end());

    Report r(json);
    r.begin_list();
    for (const Vm& vm : vms) {
        PRL_BOOL tmpl = PRL_FALSE;
        PrlVmCfg_IsTemplate(vm.cfg, &tmpl);
        if (templates && !tmpl) continue;
        if (!templates && cl.id.empty() && tmpl) continue;  // templates only by name or with -t
        if (!info && cl.id.empty() && !all && !templates && vm.state() != VMS_RUNNING) continue;
        r.begin_row();
        if (info) {
            append_info(r, vm, full);
        } else {
            for (std::size_t i = 0; i < order.size(); ++i) {
                const Field* f = order[i];
                const std::string v = f->value(vm, i + 1 == order.size());
                if (std::string(f->name) == "uuid" && json)
                    r.uuid(f->name, v);
                else
                    r.cell(f->name, column_format(f->format, i + 1 == order.size()), v);
            }
        }
        r.end_row();
    }
    r.end_list();
    std::fputs(r.text().c_str(), stdout);
    return 0;
}

}  // namespace prlctl
