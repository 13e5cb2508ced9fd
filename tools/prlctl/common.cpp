#include "common.h"

#include "output.h"

#include <cctype>
#include <cstdio>
#include <cstring>

namespace prlctl {

int exit_status(PRL_RESULT rc) {
    if (rc == 0) return 0;
    if (rc == PRL_ERR_VM_IN_FROZEN_STATE) return 254;
    if (rc == PRL_ERR_CANT_CONNECT_TO_DISPATCHER) return 253;
    return rc < 0 || rc > 255 ? 255 : rc;
}

namespace {

std::string describe(PRL_RESULT rc, bool brief) {
    char buf[4096];
    PRL_UINT32 len = sizeof buf;
    if (PRL_FAILED(PrlApi_GetResultDescription(rc, brief ? PRL_TRUE : PRL_FALSE, PRL_FALSE, buf, &len))) return {};
    return buf;
}

bool event_error(PRL_HANDLE event, std::string& text) {
    PRL_RESULT code = 0;
    if (PRL_FAILED(PrlEvent_GetErrCode(event, &code))) return false;
    char a[1024], b[1024];
    PRL_UINT32 la = sizeof a, lb = sizeof b;
    if (PRL_FAILED(PrlEvent_GetErrString(event, PRL_TRUE, PRL_FALSE, a, &la)) ||
        PRL_FAILED(PrlEvent_GetErrString(event, PRL_FALSE, PRL_FALSE, b, &lb))) {
        text = "Error code: " + std::to_string(code);
        return true;
    }
    text = a;
    if (std::strcmp(a, b) != 0) text += std::string(" ") + b;
    return true;
}

std::string details(PRL_HANDLE error) {
    Handle param;
    if (PRL_SUCCEEDED(PrlEvent_GetParamByName(error, "Details", param.out()))) {
        PRL_UINT32 len = 0;
        if (PRL_FAILED(PrlEvtPrm_ToString(param, nullptr, &len)) || len < 2) return {};
        std::string s(len, '\0');
        if (PRL_FAILED(PrlEvtPrm_ToString(param, s.data(), &len))) return {};
        s.resize(std::strlen(s.c_str()));
        return s;
    }
    if (PRL_SUCCEEDED(PrlEvent_GetParamByName(error, "internal_event", param.out()))) {
        Handle inner;
        std::string s;
        if (PRL_SUCCEEDED(PrlEvtPrm_ToHandle(param, inner.out())) && event_error(inner, s)) return s;
    }
    return {};
}

}  // namespace

std::string result_text(PRL_RESULT rc) {
    std::string brief = describe(rc, true), full = describe(rc, false);
    if (full.empty() || full == brief) return brief;
    return brief + " " + full;
}

PRL_RESULT wait(PRL_HANDLE job, std::string& err) {
    err.clear();
    PRL_RESULT rc = PrlJob_Wait(job, UINT32_MAX);
    if (PRL_FAILED(rc)) {
        err = "PrlJob_Wait: " + result_text(rc);
        return rc;
    }
    PRL_RESULT code = 0;
    if (PRL_FAILED(rc = PrlJob_GetRetCode(job, &code))) {
        err = "PrlJob_GetRetCode: " + result_text(rc);
        return rc;
    }
    if (code == 0) return 0;
    Handle error;
    if (PRL_FAILED(PrlJob_GetError(job, error.out()))) {
        err = result_text(code);
        return code;
    }
    if (!event_error(error, err)) err = result_text(code);
    const std::string d = details(error);
    if (!d.empty()) err += " (Details: " + d + ")";
    return code;
}

Handle wait_param(PRL_HANDLE job, const std::string& what) {
    Handle j(job);
    std::string err;
    const PRL_RESULT rc = wait(j, err);
    if (rc) throw Error{rc, what + ": " + err};
    Handle result, param;
    PRL_RESULT r = PrlJob_GetResult(j, result.out());
    if (PRL_SUCCEEDED(r)) r = PrlResult_GetParam(result, param.out());
    if (PRL_FAILED(r)) throw Error{r, what + ": " + result_text(r)};
    return param;
}

std::vector<Handle> wait_params(PRL_HANDLE job, const std::string& what) {
    Handle j(job);
    std::string err;
    const PRL_RESULT rc = wait(j, err);
    if (rc) throw Error{rc, what + ": " + err};
    Handle result;
    PRL_UINT32 n = 0;
    PRL_RESULT r = PrlJob_GetResult(j, result.out());
    if (PRL_SUCCEEDED(r)) r = PrlResult_GetParamsCount(result, &n);
    if (PRL_FAILED(r)) throw Error{r, what + ": " + result_text(r)};
    std::vector<Handle> params(n);
    for (PRL_UINT32 i = 0; i < n; ++i)
        if (PRL_FAILED(r = PrlResult_GetParamByIndex(result, i, params[i].out())))
            throw Error{r, what + ": " + result_text(r)};
    return params;
}

Handle server_config(PRL_HANDLE server) { return wait_param(PrlSrv_GetSrvConfig(server), "PrlSrv_GetSrvConfig"); }

std::string braced_uuid(const std::string& id) {
    if (prlshim::looks_like_uuid(id) && id.front() != '{') return "{" + id + "}";
    return id;
}

std::string text_of(PRL_RESULT (*getter)(PRL_HANDLE, PRL_STR, PRL_UINT32_PTR), PRL_HANDLE h) {
    PRL_UINT32 len = 0;
    if (PRL_FAILED(getter(h, nullptr, &len)) || len == 0) return {};
    std::string s(len, '\0');
    if (PRL_FAILED(getter(h, s.data(), &len))) return {};
    s.resize(std::strlen(s.c_str()));
    return s;
}

VIRTUAL_MACHINE_STATE Vm::state() const {
    Handle info;
    VIRTUAL_MACHINE_STATE s = VMS_UNKNOWN;
    if (PRL_SUCCEEDED(PrlVmCfg_GetVmInfo(cfg, info.out()))) PrlVmInfo_GetState(info, &s);
    return s;
}

Vm vm_from(Handle cfg) {
    Vm vm;
    vm.uuid = text_of(PrlVmCfg_GetUuid, cfg);
    vm.name = text_of(PrlVmCfg_GetName, cfg);
    PrlVmCfg_GetVmType(cfg, &vm.type);
    vm.cfg = std::move(cfg);
    return vm;
}

Vm find_vm(PRL_HANDLE server, const std::string& id, bool retry_by_name) {
    // As the product: the UUID or name first; when no VM has that UUID, the
    // name as given.
    const std::string key = braced_uuid(id);
    Handle job(PrlSrv_GetVmConfig(server, key.c_str(), PGVC_SEARCH_BY_UUID | PGVC_SEARCH_BY_NAME));
    std::string err;
    PRL_RESULT rc = wait(job, err);
    if (rc == PRL_ERR_VM_UUID_NOT_FOUND && retry_by_name) {
        job.reset(PrlSrv_GetVmConfig(server, id.c_str(), PGVC_SEARCH_BY_NAME));
        rc = wait(job, err);
    }
    if (rc) throw Error{rc, "Failed to get VM config: " + err};
    Handle result, cfg;
    PRL_RESULT r = PrlJob_GetResult(job, result.out());
    if (PRL_SUCCEEDED(r)) r = PrlResult_GetParam(result, cfg.out());
    if (PRL_FAILED(r)) throw Error{r, "Failed to get VM config: " + result_text(r)};
    return vm_from(std::move(cfg));
}

std::vector<Vm> all_vms(PRL_HANDLE server, PRL_UINT32 flags) {
    std::vector<Vm> vms;
    for (Handle& cfg : wait_params(PrlSrv_GetVmListEx(server, flags), "Failed to get the VM list"))
        vms.push_back(vm_from(std::move(cfg)));
    return vms;
}

std::string state_word(VIRTUAL_MACHINE_STATE s) { return prlshim::state_name(s); }

namespace {

struct Dist {
    const char* name;
    PRL_UINT32 version;
};
// Distribution names prlctl accepts and shows, in its order of preference.
const Dist kDists[] = {
    {"msdos", PVS_GUEST_VER_DOS_OTHER},
    {"win-2000", PVS_GUEST_VER_WIN_2K},
    {"win-xp", PVS_GUEST_VER_WIN_XP},
    {"win-2003", PVS_GUEST_VER_WIN_2003},
    {"win-vista", PVS_GUEST_VER_WIN_VISTA},
    {"win-2008", PVS_GUEST_VER_WIN_2008},
    {"win-7", PVS_GUEST_VER_WIN_WINDOWS7},
    {"win-8", PVS_GUEST_VER_WIN_WINDOWS8},
    {"win-2012", PVS_GUEST_VER_WIN_2012},
    {"win-8.1", PVS_GUEST_VER_WIN_WINDOWS8_1},
    {"win-10", PVS_GUEST_VER_WIN_WINDOWS10},
    {"win-11", PVS_GUEST_VER_WIN_WINDOWS11},
    {"win-2016", PVS_GUEST_VER_WIN_2016},
    {"win-2019", PVS_GUEST_VER_WIN_2019},
    {"win-2022", PVS_GUEST_VER_WIN_2022},
    {"win", PVS_GUEST_VER_WIN_OTHER},
    {"rhel", PVS_GUEST_VER_LIN_REDHAT},
    {"rhel7", PVS_GUEST_VER_LIN_REDHAT_7},
    {"rhel8", PVS_GUEST_VER_LIN_REDHAT_8},
    {"rhel9", PVS_GUEST_VER_LIN_REDHAT_9},
    {"suse", PVS_GUEST_VER_LIN_SUSE},
    {"sles11", PVS_GUEST_VER_LIN_SLES11},
    {"sles12", PVS_GUEST_VER_LIN_SLES12},
    {"debian", PVS_GUEST_VER_LIN_DEBIAN},
    {"fedora-core", PVS_GUEST_VER_LIN_FEDORA},
    {"fc", PVS_GUEST_VER_LIN_FEDORA},
    {"xandros", PVS_GUEST_VER_LIN_XANDROS},
    {"ubuntu", PVS_GUEST_VER_LIN_UBUNTU},
    {"mandriva", PVS_GUEST_VER_LIN_MANDRAKE},
    {"centos", PVS_GUEST_VER_LIN_CENTOS},
    {"centos7", PVS_GUEST_VER_LIN_CENTOS_7},
    {"centos8", PVS_GUEST_VER_LIN_CENTOS_8},
    {"vzlinux", PVS_GUEST_VER_LIN_VZLINUX},
    {"vzlinux7", PVS_GUEST_VER_LIN_VZLINUX_7},
    {"vzlinux8", PVS_GUEST_VER_LIN_VZLINUX_8},
    {"cloudlinux", PVS_GUEST_VER_LIN_CLOUDLINUX},
    {"cloudlinux7", PVS_GUEST_VER_LIN_CLOUDLINUX_7},
    {"cloudlinux8", PVS_GUEST_VER_LIN_CLOUDLINUX_8},
    {"almalinux9", PVS_GUEST_VER_LIN_ALMA_LINUX_9},
    {"psbm", PVS_GUEST_VER_LIN_PSBM},
    {"redhat", PVS_GUEST_VER_LIN_RH_LEGACY},
    {"opensuse", PVS_GUEST_VER_LIN_OPENSUSE},
    {"linux", PVS_GUEST_VER_LIN_OTHER},
    {"mageia", PVS_GUEST_VER_LIN_MAGEIA},
    {"mint", PVS_GUEST_VER_LIN_MINT},
    {"freebsd-4", PVS_GUEST_VER_BSD_4X},
    {"freebsd-5", PVS_GUEST_VER_BSD_5X},
    {"freebsd-6", PVS_GUEST_VER_BSD_6X},
    {"freebsd-7", PVS_GUEST_VER_BSD_7X},
    {"freebsd-8", PVS_GUEST_VER_BSD_8X},
    {"freebsd", PVS_GUEST_VER_BSD_OTHER},
    {"chrome-1", PVS_GUEST_VER_CHROMEOS_1x},
    {"chrome", PVS_GUEST_VER_CHROMEOS_OTHER},
    {"android", PVS_GUEST_VER_ANDROID_OTHER},
    {"netware", PVS_GUEST_VER_NET_OTHER},
    {"solaris", PVS_GUEST_VER_SOL_OTHER},
    {"macos", PVS_GUEST_VER_MACOS_UNIVERSAL},
};
// --ostype families and the distribution each stands for.
const Dist kFamilies[] = {
    {"windows", PVS_GUEST_VER_WIN_2012}, {"win", PVS_GUEST_VER_WIN_2012},
    {"linux", PVS_GUEST_VER_LIN_CENTOS}, {"lin", PVS_GUEST_VER_LIN_CENTOS},
    {"freebsd", PVS_GUEST_VER_BSD_5X},   {"os2", PVS_GUEST_VER_OS2_WARP4},
    {"msdos", PVS_GUEST_VER_DOS_MS622},  {"netware", PVS_GUEST_VER_NET_5X},
    {"solaris", PVS_GUEST_VER_SOL_10},   {"other", PVS_GUEST_VER_OTH_OTHER},
};

}  // namespace

std::string distribution_name(PRL_UINT32 version) {
    for (const auto& d : kDists)
        if (d.version == version) return d.name;
    return {};
}
PRL_UINT32 distribution_version(const std::string& name) {
    for (const auto& d : kDists)
        if (name == d.name) return d.version;
    return 0;
}
PRL_UINT32 ostype_version(const std::string& family) {
    for (const auto& d : kFamilies)
        if (family == d.name) return d.version;
    return 0;
}

namespace {
// Names in rows of four, 16 wide and tab-separated, as the product prints them.
std::string four_per_row(const std::vector<std::string>& names, bool close_full_row) {
    std::string out;
    char cell[64];
    for (std::size_t i = 0; i < names.size(); ++i) {
        std::snprintf(cell, sizeof cell, "%-16s%s", names[i].c_str(), (i + 1) % 4 ? "\t" : "\n");
        out += cell;
    }
    if (close_full_row || names.size() % 4) out += "\n";
    return out;
}
}  // namespace

std::string ostype_list() {
    std::vector<std::string> names;
    for (const auto& d : kFamilies) names.emplace_back(d.name);
    return "\n" + four_per_row(names, true);
}

std::string distribution_list(PRL_HANDLE server) {
    Handle matrix, types;
    PRL_RESULT rc = PrlSrv_GetSupportedOses(server, matrix.out());
    if (rc) throw Error{rc, "PrlSrv_GetSupportedOses: " + result_text(rc)};
    if ((rc = PrlOsesMatrix_GetSupportedOsesTypes(matrix, types.out())))
        throw Error{rc, "PrlOsesMatrix_GetSupportedOsesTypes: " + result_text(rc)};
    PRL_UINT32 n = 0;
    PrlOpTypeList_GetItemsCount(types, &n);
    std::vector<std::string> supported, experimental;
    for (PRL_UINT32 i = 0; i < n; ++i) {
        PRL_UINT8 type = 0;
        if (PRL_FAILED(PrlOpTypeList_GetItem(types, i, &type))) continue;
        Handle versions;
        if (PRL_FAILED(PrlOsesMatrix_GetSupportedOsesVersions(matrix, type, versions.out()))) continue;
        PRL_UINT32 m = 0;
        PrlOpTypeList_GetItemsCount(versions, &m);
        for (PRL_UINT32 j = 0; j < m; ++j) {
            PRL_UINT16 version = 0;
            if (PRL_FAILED(PrlOpTypeList_GetItem(versions, j, &version))) continue;
            PRL_GUEST_OS_SUPPORT_TYPE support = PGS_OS_SUPPORTED;
            if (PRL_FAILED(PrlOsesMatrix_GetSupportType(matrix, type, version, &support))) continue;
            (support == PGS_OS_SUPPORTED ? supported : experimental).push_back(distribution_name(version));
        }
    }
    return "The following values are allowed:\n" + four_per_row(supported, false) + "Experimental support:\n" +
           four_per_row(experimental, false);
}

CommandLine parse(int argc, char** argv, int first, const std::vector<OptionSpec>& specs, bool rest_verbatim) {
    CommandLine cl;
    bool have_id = false;
    for (int i = first; i < argc; ++i) {
        const std::string a = argv[i];
        if (have_id && rest_verbatim) {
            cl.args.push_back(a);
            continue;
        }
        if (a.size() > 1 && a[0] == '-') {
            const OptionSpec* spec = nullptr;
            std::string value;
            bool inline_value = false;
            if (a.rfind("--", 0) == 0) {
                std::string name = a.substr(2);
                const auto eq = name.find('=');
                if (eq != std::string::npos) {
                    value = name.substr(eq + 1);
                    name = name.substr(0, eq);
                    inline_value = true;
                }
                for (const auto& s : specs)
                    if (name == s.name) spec = &s;
            } else if (a.size() == 2) {
                for (const auto& s : specs)
                    if (s.letter && a[1] == s.letter) spec = &s;
            }
            if (!spec) throw Error{PRL_ERR_INVALID_ARG, "Unrecognized option: " + a};
            if (spec->value && !inline_value) {
                if (i + 1 >= argc) throw Error{PRL_ERR_INVALID_ARG, "The `" + a + "' option requires an argument."};
                value = argv[++i];
            }
            cl.values[spec->name] = value;
            cl.given.emplace_back(spec->name, value);
            continue;
        }
        if (!have_id) {
            cl.id = a;
            have_id = true;
        } else {
            cl.args.push_back(a);
        }
    }
    return cl;
}

void say(const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
}

int report(PRL_RESULT rc, const std::string& message) {
    std::fflush(stdout);
    std::fprintf(stderr, "%s\n", message.c_str());
    return rc;
}

int run_command(const std::function<PRL_RESULT(PRL_HANDLE server)>& command) {
    PRL_RESULT rc = 0;
    try {
        prlshim::Api api;
        prlshim::Session session;
        rc = command(session.server());
    } catch (const Error& e) {
        rc = report(e.code, e.message);
    } catch (const prlshim::Failure& f) {
        rc = report(f.code(), f.what());
    }
    std::fflush(stdout);
    return exit_status(rc);
}

Handle string_list(const std::vector<std::string>& items) {
    Handle list;
    PrlApi_CreateStringsList(list.out());
    for (const std::string& item : items) PrlStrList_AddItem(list, item.c_str());
    return list;
}

}  // namespace prlctl
