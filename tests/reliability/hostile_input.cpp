// Hostile input and handle misuse through the SDK (docs/reliability.md).
//
// Runs in a child with RLIMIT_AS (memory bounded), its cwd an empty watched
// directory, next to a canary directory watched with inotify (any open,
// read, write, create or delete there is a violation) and a TCP listener on
// 127.0.0.1 (any connection is a violation: no network access).
//
//  1. Every string parameter of every implemented function (the list is read
//     from lib/abi/defs/functions.tsv at run time: a new one without a case
//     here fails the test) gets path traversal, an absolute path, non-UTF-8,
//     a 1 MiB string, an embedded-NUL-truncated string, control characters
//     and printf directives. Each call must return (async: its job must
//     finish) with a PRL_RESULT; identifiers and hosts must be refused;
//     stored texts and paths must refuse non-UTF-8 and 1 MiB.
//  2. XML attacks — billion laughs, external entities (local file, http URL),
//     an external DTD, deep nesting, a 100 MB text node — through
//     PrlEvent_FromString, PrlResult_FromString, PrlHandle_FromString, a
//     registered bundle's config.pvs and a backup repository's element
//     metadata: refused with a PRL_RESULT, nothing read, nothing fetched.
//  3. Handle misuse: double free, use after free, wrong types, handles from
//     before PrlApi_Deinit, forged values, concurrent free and use.
// Finally the state root is listed: nothing may exist outside it and the
// places the test named.
#include "rel_common.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
#include <map>
#include <netinet/in.h>
#include <poll.h>
#include <set>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>

using namespace rel;

namespace {

struct Ctx {
    fs::path root, home, canary, cwd, allowed, hostile;
    int port = 0;
    int inotify = -1;
    int listener = -1;
    Session* s = nullptr;
    std::string vm_uuid;  // a registered VM with a backup
    int calls = 0, violations = 0;
    std::map<std::string, int> outcomes;  // "refused"/"accepted" per class
};

Ctx C;
bool g_bundle_escape = false, g_only_bundle_escape = false;

void violation(const std::string& what) {
    std::fprintf(stderr, "VIOLATION: %s\n", what.c_str());
    ++C.violations;
}

// Any event in the watched directories, or any connection, is a violation.
void check_quiet(const std::string& after) {
    char buf[8192];
    for (;;) {
        const ssize_t n = ::read(C.inotify, buf, sizeof buf);
        if (n <= 0) break;
        for (char* p = buf; p < buf + n;) {
            auto* ev = reinterpret_cast<inotify_event*>(p);
            violation(after + ": touched the canary/cwd (inotify mask 0x" + hex(static_cast<PRL_RESULT>(ev->mask)) +
                      " " + (ev->len ? ev->name : "") + ")");
            p += sizeof(inotify_event) + ev->len;
        }
    }
    pollfd pf{C.listener, POLLIN, 0};
    if (::poll(&pf, 1, 0) > 0) {
        const int c = ::accept(C.listener, nullptr, nullptr);
        if (c >= 0) ::close(c);
        violation(after + ": opened a network connection");
    }
}

struct Value {
    std::string label;
    std::string bytes;  // passed as bytes.c_str() (embedded NUL truncates)
};

// `location`: the parameter names a place the client chooses (a log file,
// a bundle or repository directory, an absolute disk image): traversal and
// absolute values then point into an allowed scratch directory, and only the
// canary is off limits. Otherwise they point at the canary.
std::vector<Value> hostile_values(bool location, bool absolute_ok) {
    std::string up;
    for (int i = 0; i < 24; ++i) up += "../";
    const fs::path target = location ? C.allowed : C.canary;
    std::vector<Value> v = {
        {"traversal", up + target.string().substr(1) + "/secret"},
        {"absolute", (location || absolute_ok ? C.allowed : C.canary).string() + "/secret"},
        {"non-utf8", "\xff\xfe\xc0\xaf\xed\xa0\x80-bad"},
        {"1MiB", std::string(1 << 20, 'A')},
        {"nul-truncated", std::string("ok\0../../../../etc/passwd", 25)},
        {"control", "a\nb\rc\td\x01\x1b[2J"},
        {"printf", "%s%s%s%n%x%x"},
    };
    return v;
}

// What a parameter is, and so what it must refuse.
enum Class {
    c_id,      // identifiers (uuids, backup/session/task ids): refuse every hostile value
    c_host,    // host names: refuse (only the local service exists)
    c_text,    // stored text: refuse non-UTF-8 and 1 MiB
    c_path,    // stored path: refuse non-UTF-8 and 1 MiB; never escape
    c_free,    // free text never stored (search names, list items, ...): a PRL_RESULT
    c_xml,     // XML documents: refuse everything here
};
const char* const kClassNames[] = {"identifier", "host", "stored text", "path", "free text", "xml"};

struct Case {
    std::string function, param;
    Class cls;
    std::function<PRL_RESULT(const char*)> call;
    bool location = false;
    bool absolute_ok = false;  // an absolute value is honoured (disk images)
};

PRL_RESULT job(PRL_HANDLE j) { return wait_job(j, nullptr, 60000); }

PRL_HANDLE new_vm() {
    PRL_HANDLE vm = PRL_INVALID_HANDLE;
    REL_OK(PrlSrv_CreateVm(C.s->server, &vm));
    return vm;
}

PRL_HANDLE new_disk(PRL_HANDLE vm) {
    PRL_HANDLE d = PRL_INVALID_HANDLE;
    REL_OK(PrlVmCfg_CreateVmDev(vm, PDE_HARD_DISK, &d));
    return d;
}

PRL_HANDLE error_event() {
    PRL_HANDLE j = PrlVm_MigrateCancel(PRL_INVALID_HANDLE);
    PrlJob_Wait(j, 10000);
    PRL_HANDLE e = PRL_INVALID_HANDLE;
    REL_OK(PrlJob_GetError(j, &e));
    PrlHandle_Free(j);
    return e;
}

PRL_HANDLE empty_result() {
    PRL_HANDLE j = PrlJob_Cancel(PRL_INVALID_HANDLE);
    PrlJob_Wait(j, 10000);
    PRL_HANDLE r = PRL_INVALID_HANDLE;
    REL_OK(PrlJob_GetResult(j, &r));
    PrlHandle_Free(j);
    return r;
}

// A fresh server handle (not logged in) for login calls.
template <class F> PRL_RESULT with_server(F&& f) {
    PRL_HANDLE srv = PRL_INVALID_HANDLE;
    REL_OK(PrlSrv_Create(&srv));
    const PRL_RESULT rc = f(srv);
    wait_job(PrlSrv_Logoff(srv));
    PrlHandle_Free(srv);
    return rc;
}

// Registers a VM made with `setup`, then unregisters/deletes it if it worked.
template <class F> PRL_RESULT with_new_vm(F&& setup, const char* parent = "") {
    PRL_HANDLE vm = new_vm();
    PRL_RESULT rc = setup(vm);
    if (PRL_SUCCEEDED(rc)) {
        rc = job(PrlVm_Reg(vm, parent, PRL_TRUE));
        if (PRL_SUCCEEDED(rc)) {
            // A registered VM: back it up, so a hostile image path would be read now.
            const std::string uuid = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetUuid(vm, b, l); });
            C.s->backup(uuid, PBT_FULL, "hostile");
            C.s->remove(uuid, "", false);
            job(PrlVm_Delete(vm, PRL_INVALID_HANDLE));
        }
    }
    PrlHandle_Free(vm);
    return rc;
}

// A copy of the server's common preferences (or the user's profile) for f;
// the copy is serialized afterwards (so every accepted value is written) and
// never committed: a hostile backup directory must not become the default.
template <class F> PRL_RESULT with_disp_copy(bool profile, F&& f) {
    PRL_HANDLE result = PRL_INVALID_HANDLE, h = PRL_INVALID_HANDLE;
    REL_OK(wait_job(profile ? PrlSrv_GetUserProfile(C.s->server) : PrlSrv_GetCommonPrefs(C.s->server), &result));
    REL_OK(PrlResult_GetParam(result, &h));
    PrlHandle_Free(result);
    const PRL_RESULT rc = f(h);
    void* xml = nullptr;
    REL_OK(profile ? PrlUsrCfg_ToString(h, &xml) : PrlDispCfg_ToString(h, &xml));
    PrlBuffer_Free(xml);
    PrlHandle_Free(h);
    return rc;
}


// A new network entry of a copy of the common preferences (never committed),
// for f; its port forwarding is serialized afterwards.
template <class F> PRL_RESULT with_disp_net(F&& f) {
    return with_disp_copy(false, [&](PRL_HANDLE prefs) {
        PRL_HANDLE n = PRL_INVALID_HANDLE;
        REL_OK(PrlDispCfg_CreateDispNet(prefs, &n));
        const PRL_RESULT rc = f(n);
        void* xml = nullptr;
        REL_OK(PrlDispNet_PortForwardingToString(n, &xml));
        PrlBuffer_Free(xml);
        PrlHandle_Free(n);
        return rc;
    });
}
// The remote file-system calls act on places the client names: location
// cases (relative values resolve in the allowed directory, absolute ones point
// there), so they may create and remove there and nowhere else.
void add_fs_cases(std::vector<Case>& v) {
    auto place = [&](const char* f, const char* p, std::function<PRL_RESULT(const char*)> call) {
        Case c{f, p, c_free, std::move(call)};
        c.location = true;
        v.push_back(std::move(c));
    };
    place("PrlSrv_FsGetDirEntries", "path", [](const char* x) { return job(PrlSrv_FsGetDirEntries(C.s->server, x)); });
    place("PrlSrv_FsCreateDir", "path", [](const char* x) { return job(PrlSrv_FsCreateDir(C.s->server, x)); });
    place("PrlSrv_FsRemoveEntry", "path", [](const char* x) { return job(PrlSrv_FsRemoveEntry(C.s->server, x)); });
    place("PrlSrv_FsCanCreateFile", "path", [](const char* x) { return job(PrlSrv_FsCanCreateFile(C.s->server, x)); });
    place("PrlSrv_FsRenameEntry", "oldPath", [](const char* x) {
        return job(PrlSrv_FsRenameEntry(C.s->server, x, (C.allowed / "renamed").c_str()));
    });
    place("PrlSrv_FsRenameEntry", "newPath", [](const char* x) {
        return job(PrlSrv_FsRenameEntry(C.s->server, (C.allowed / "no-such-entry").c_str(), x));
    });
    place("PrlSrv_FsGenerateEntryName", "sDirPath", [](const char* x) { return job(PrlSrv_FsGenerateEntryName(C.s->server, x, "a", "b", "-")); });
    const std::string d = C.allowed.string();
    place("PrlSrv_FsGenerateEntryName", "sFilenamePrefix", [d](const char* x) { return job(PrlSrv_FsGenerateEntryName(C.s->server, d.c_str(), x, "b", "-")); });
    place("PrlSrv_FsGenerateEntryName", "sFilenameSuffix", [d](const char* x) { return job(PrlSrv_FsGenerateEntryName(C.s->server, d.c_str(), "a", x, "-")); });
    place("PrlSrv_FsGenerateEntryName", "sIndexDelimiter", [d](const char* x) { return job(PrlSrv_FsGenerateEntryName(C.s->server, d.c_str(), "a", "b", x)); });
    place("PrlSrv_GetDiskFreeSpace", "sPath", [](const char* x) { return job(PrlSrv_GetDiskFreeSpace(C.s->server, x, 0)); });
}

// The external backup's disk calls: image files the client names (location
// cases), and the backup UUID a changes map is made against (an identifier).
PRL_RESULT with_backup_disk(const std::function<PRL_RESULT(PRL_HANDLE)>& f) {
    PRL_HANDLE r = PRL_INVALID_HANDLE, vm = PRL_INVALID_HANDLE, backup = PRL_INVALID_HANDLE, disk = PRL_INVALID_HANDLE;
    REL_OK(wait_job(PrlSrv_GetVmConfig(C.s->server, C.vm_uuid.c_str(), PGVC_SEARCH_BY_UUID), &r));
    REL_OK(PrlResult_GetParam(r, &vm));
    PrlHandle_Free(r);
    REL_OK(wait_job(PrlVm_BeginBackup(vm, PBMBF_CREATE_MAP), &r));
    REL_OK(PrlResult_GetParam(r, &backup));
    PrlHandle_Free(r);
    REL_OK(PrlVmBackup_GetDisk(backup, 0, &disk));
    const PRL_RESULT rc = f(disk);
    PrlHandle_Free(disk);
    wait_job(PrlVmBackup_Rollback(backup));
    PrlHandle_Free(backup);
    PrlHandle_Free(vm);
    return rc;
}

void add_disk_cases(std::vector<Case>& v) {
    auto place = [&](const char* f, const char* p, std::function<PRL_RESULT(const char*)> call) {
        Case c{f, p, c_path, std::move(call)};
        c.location = true;
        v.push_back(std::move(c));
    };
    place("PrlDisk_CreateDisk_Local", "pDiskName", [](const char* x) {
        PRL_DISK_PARAMETERS params{};
        params.m_SizeInSectors = 8;
        PRL_HANDLE d = PRL_INVALID_HANDLE;
        const PRL_RESULT rc = PrlDisk_CreateDisk_Local(&d, x, &params, nullptr, nullptr);
        PrlHandle_Free(d);
        return rc;
    });
    place("PrlDisk_OpenDisk_Local", "pDiskName", [](const char* x) {
        PRL_HANDLE d = PRL_INVALID_HANDLE;
        const PRL_RESULT rc = PrlDisk_OpenDisk_Local(&d, x, PRL_DISK_READ, PRL_INVALID_HANDLE);
        PrlHandle_Free(d);
        return rc;
    });
    v.push_back({"PrlDisk_GetChangesMap_Local", "sPit1Uuid", c_id, [](const char* x) {
                     return with_backup_disk([x](PRL_HANDLE disk) {
                         PRL_HANDLE map = PRL_INVALID_HANDLE;
                         const PRL_RESULT rc = PrlDisk_GetChangesMap_Local(disk, x, nullptr, &map);
                         PrlHandle_Free(map);
                         return rc;
                     });
                 }});
    v.push_back({"PrlDisk_GetChangesMap_Local", "sPit2Uuid", c_free, [](const char* x) {
                     return with_backup_disk([x](PRL_HANDLE disk) {
                         PRL_HANDLE map = PRL_INVALID_HANDLE;
                         const PRL_RESULT rc = PrlDisk_GetChangesMap_Local(disk, nullptr, x, &map);
                         PrlHandle_Free(map);
                         return rc;
                     });
                 }});
}

std::vector<Case> cases() {
    const char* U = C.vm_uuid.c_str();
    const std::string ok_dir = (C.allowed / "repo").string();
    std::vector<Case> v;
    auto add = [&](const char* f, const char* p, Class c, std::function<PRL_RESULT(const char*)> call) {
        v.push_back({f, p, c, std::move(call)});
    };
    add("PrlHandle_FromString", "sXml", c_xml, [](const char* x) {
        PRL_HANDLE e = error_event();
        const PRL_RESULT rc = PrlHandle_FromString(e, x);
        PrlHandle_Free(e);
        return rc;
    });
    add("PrlEvent_FromString", "sEvent", c_xml, [](const char* x) {
        PRL_HANDLE e = error_event();
        const PRL_RESULT rc = PrlEvent_FromString(e, x);
        PrlHandle_Free(e);
        return rc;
    });
    add("PrlResult_FromString", "sResult", c_xml, [](const char* x) {
        PRL_HANDLE r = empty_result();
        const PRL_RESULT rc = PrlResult_FromString(r, x);
        PrlHandle_Free(r);
        return rc;
    });
    add("PrlLic_FromString", "sLic", c_xml, [](const char* x) {
        PRL_HANDLE l = PRL_INVALID_HANDLE;
        REL_OK(PrlLic_Create(&l));
        const PRL_RESULT rc = PrlLic_FromString(l, x);
        PrlHandle_Free(l);
        return rc;
    });
    // A licence key is never stored: every value gets an answer, none installs anything.
    for (const char* f : {"PrlSrv_UpdateLicense", "PrlSrv_UpdateLicenseEx"}) {
        const bool ex = std::string(f) == "PrlSrv_UpdateLicenseEx";
        auto update = [ex](const char* k, const char* u, const char* c) {
            return job(ex ? PrlSrv_UpdateLicenseEx(C.s->server, k, u, c, 0) : PrlSrv_UpdateLicense(C.s->server, k, u, c));
        };
        add(f, "sKey", c_free, [update](const char* x) { return update(x, "u", "c"); });
        add(f, "sUser", c_free, [update](const char* x) { return update("k", x, "c"); });
        add(f, "sCompany", c_free, [update](const char* x) { return update("k", "u", x); });
    }
    // Virtual networks and network policy objects: each string on a new object.
    auto on_new = [](PRL_RESULT (*create)(PRL_HANDLE_PTR), PRL_RESULT (*set)(PRL_HANDLE, PRL_CONST_STR)) {
        return [create, set](const char* x) {
            PRL_HANDLE h = PRL_INVALID_HANDLE;
            REL_OK(create(&h));
            const PRL_RESULT rc = set(h, x);
            PrlHandle_Free(h);
            return rc;
        };
    };
    // A network mask is stored: a refused or accepted one, then the network is added and deleted.
    add("PrlVirtNet_SetIPNetMask", "sIPNetMask", c_free, [](const char* x) {
        PRL_HANDLE n = PRL_INVALID_HANDLE;
        REL_OK(PrlVirtNet_Create(&n));
        REL_OK(PrlVirtNet_SetNetworkId(n, "hostile-net"));
        const PRL_RESULT rc = PrlVirtNet_SetIPNetMask(n, x);
        if (PRL_SUCCEEDED(rc) && PRL_SUCCEEDED(job(PrlSrv_AddVirtualNetwork(C.s->server, n, 0))))
            job(PrlSrv_DeleteVirtualNetwork(C.s->server, n, 0));
        PrlHandle_Free(n);
        return rc;
    });
    add("PrlPortFwd_SetRuleName", "sRuleName", c_text, on_new(PrlPortFwd_Create, PrlPortFwd_SetRuleName));
    add("PrlPortFwd_SetRedirectIPAddress", "sRedirectIPAddress", c_id,
        on_new(PrlPortFwd_Create, PrlPortFwd_SetRedirectIPAddress));
    add("PrlPortFwd_SetRedirectVm", "sRedirectVm", c_text, on_new(PrlPortFwd_Create, PrlPortFwd_SetRedirectVm));
    add("PrlIPPrivNet_SetName", "sName", c_text, [](const char* x) {
        PRL_HANDLE n = PRL_INVALID_HANDLE;
        REL_OK(PrlIPPrivNet_Create(&n));
        const PRL_RESULT rc = PrlIPPrivNet_SetName(n, x);
        if (PRL_SUCCEEDED(rc) && PRL_SUCCEEDED(job(PrlSrv_AddIPPrivateNetwork(C.s->server, n, 0))))
            job(PrlSrv_RemoveIPPrivateNetwork(C.s->server, n, 0));
        PrlHandle_Free(n);
        return rc;
    });
    add("PrlNetworkShapingEntry_SetDevice", "sDev", c_text, [](const char* x) {
        PRL_HANDLE e = PRL_INVALID_HANDLE;
        REL_OK(PrlNetworkShapingEntry_Create(1, 1000, &e));
        const PRL_RESULT rc = PrlNetworkShapingEntry_SetDevice(e, x);
        PrlHandle_Free(e);
        return rc;
    });
    add("PrlNetworkShapingBandwidthEntry_Create", "sDev", c_text, [](const char* x) {
        PRL_HANDLE e = PRL_INVALID_HANDLE;
        const PRL_RESULT rc = PrlNetworkShapingBandwidthEntry_Create(x, 1000, &e);
        PrlHandle_Free(e);
        return rc;
    });
    add("PrlNetworkShapingBandwidthEntry_SetDevice", "sDev", c_text, [](const char* x) {
        PRL_HANDLE e = PRL_INVALID_HANDLE;
        REL_OK(PrlNetworkShapingBandwidthEntry_Create("eth0", 1000, &e));
        const PRL_RESULT rc = PrlNetworkShapingBandwidthEntry_SetDevice(e, x);
        PrlHandle_Free(e);
        return rc;
    });
    // Common preferences and users (lib/abi/disp_cfg.cpp, users.cpp, disp_hw.cpp).
    add("PrlDispCfg_FromString", "sDispCfg", c_xml,
        [](const char* x) { return with_disp_copy(false, [x](PRL_HANDLE h) { return PrlDispCfg_FromString(h, x); }); });
    add("PrlDispCfg_SetDefaultBackupDirectory", "sBackupDirectory", c_path, [](const char* x) {
        return with_disp_copy(false, [x](PRL_HANDLE h) { return PrlDispCfg_SetDefaultBackupDirectory(h, x); });
    });
    add("PrlDispCfg_SetBackupUserPassword", "sUserPassword", c_text, [](const char* x) {
        return with_disp_copy(false, [x](PRL_HANDLE h) { return PrlDispCfg_SetBackupUserPassword(h, x); });
    });
    add("PrlDispNet_PortForwardingFromString", "sPortForwarding", c_xml, [](const char* x) {
        return with_disp_net([x](PRL_HANDLE n) { return PrlDispNet_PortForwardingFromString(n, x); });
    });
    add("PrlDispCfg_SetUsbIdentAssociation", "sSystemName", c_free, [](const char* x) {
        return with_disp_copy(false, [x](PRL_HANDLE h) { return PrlDispCfg_SetUsbIdentAssociation(h, x, "{1}", 0); });
    });
    add("PrlDispCfg_SetUsbIdentAssociation", "sVmUuid", c_free, [](const char* x) {
        return with_disp_copy(false, [x](PRL_HANDLE h) { return PrlDispCfg_SetUsbIdentAssociation(h, "none", x, 0); });
    });
    add("PrlSrv_GetUserInfo", "sUserId", c_id, [](const char* x) { return job(PrlSrv_GetUserInfo(C.s->server, x)); });
    add("PrlUsrCfg_FromString", "sUsrCfg", c_xml,
        [](const char* x) { return with_disp_copy(true, [x](PRL_HANDLE h) { return PrlUsrCfg_FromString(h, x); }); });
    add("PrlUsrCfg_SetVmDirUuid", "sNewVmDirUuid", c_text,
        [](const char* x) { return with_disp_copy(true, [x](PRL_HANDLE h) { return PrlUsrCfg_SetVmDirUuid(h, x); }); });
    add("PrlUsrCfg_SetDefaultVmFolder", "sNewDefaultVmFolder", c_path, [](const char* x) {
        return with_disp_copy(true, [x](PRL_HANDLE h) { return PrlUsrCfg_SetDefaultVmFolder(h, x); });
    });
    add("PrlUsrCfg_AddProxy", "sProxyHost", c_text, [](const char* x) {
        return with_disp_copy(true, [x](PRL_HANDLE h) { return PrlUsrCfg_AddProxy(h, x, 8080, "u", "p", 0); });
    });
    add("PrlUsrCfg_AddProxy", "sProxyUserLogin", c_text, [](const char* x) {
        return with_disp_copy(true, [x](PRL_HANDLE h) { return PrlUsrCfg_AddProxy(h, "proxy", 8080, x, "p", 0); });
    });
    add("PrlUsrCfg_AddProxy", "sProxyUserPasswd", c_text, [](const char* x) {
        return with_disp_copy(true, [x](PRL_HANDLE h) { return PrlUsrCfg_AddProxy(h, "proxy", 8080, "u", x, 0); });
    });
    // Objects made standalone, then each string set on a new one.
    add("PrlFirewallRule_SetLocalNetAddress", "sAddr", c_free, on_new(PrlFirewallRule_Create, PrlFirewallRule_SetLocalNetAddress));
    add("PrlFirewallRule_SetRemoteNetAddress", "sAddr", c_free, on_new(PrlFirewallRule_Create, PrlFirewallRule_SetRemoteNetAddress));
    add("PrlFirewallRule_SetProtocol", "sProtocol", c_free, on_new(PrlFirewallRule_Create, PrlFirewallRule_SetProtocol));
    add("PrlOffmgmtService_SetName", "sName", c_text, on_new(PrlOffmgmtService_Create, PrlOffmgmtService_SetName));
    // A VM's objects and devices: set on a new VM, which is then registered
    // (config.pvs written), backed up and deleted.
    using StrSetter = PRL_RESULT (*)(PRL_HANDLE, PRL_CONST_STR);
    auto on_share = [](StrSetter set) {
        return [set](const char* x) {
            return with_new_vm([&](PRL_HANDLE vm) {
                REL_OK(PrlVmCfg_SetName(vm, "hostile-share"));
                PRL_HANDLE sh = PRL_INVALID_HANDLE;
                REL_OK(PrlVmCfg_CreateShare(vm, &sh));
                const PRL_RESULT rc = set(sh, x);
                PrlHandle_Free(sh);
                return rc;
            });
        };
    };
    add("PrlShare_SetName", "sNewShareName", c_text, on_share(PrlShare_SetName));
    add("PrlShare_SetDescription", "sNewShareDescription", c_text, on_share(PrlShare_SetDescription));
    add("PrlShare_SetPath", "sNewSharePath", c_free, on_share(PrlShare_SetPath));
    auto on_dev = [](PRL_DEVICE_TYPE type, StrSetter set) {
        return [type, set](const char* x) {
            return with_new_vm([&](PRL_HANDLE vm) {
                REL_OK(PrlVmCfg_SetName(vm, "hostile-dev"));
                PRL_HANDLE d = PRL_INVALID_HANDLE;
                REL_OK(PrlVmCfg_CreateVmDev(vm, type, &d));
                const PRL_RESULT rc = set(d, x);
                PrlHandle_Free(d);
                return rc;
            });
        };
    };
    add("PrlVmDevNet_SetDefaultGateway", "sNewDefaultGateway", c_free, on_dev(PDE_GENERIC_NETWORK_ADAPTER, PrlVmDevNet_SetDefaultGateway));
    add("PrlVmDevNet_SetDefaultGatewayIPv6", "sNewDefaultGateway", c_free, on_dev(PDE_GENERIC_NETWORK_ADAPTER, PrlVmDevNet_SetDefaultGatewayIPv6));
    add("PrlVmDevNet_SetMacAddress", "sNewMacAddress", c_id, on_dev(PDE_GENERIC_NETWORK_ADAPTER, PrlVmDevNet_SetMacAddress));
    add("PrlVmDevSound_SetMixerDev", "sNewMixerDev", c_free, on_dev(PDE_SOUND_DEVICE, PrlVmDevSound_SetMixerDev));
    add("PrlVmDevSound_SetOutputDev", "sNewOutputDev", c_free, on_dev(PDE_SOUND_DEVICE, PrlVmDevSound_SetOutputDev));
    add("PrlVmDev_SetOutputFile", "sNewOutputFile", c_free, on_dev(PDE_SERIAL_PORT, PrlVmDev_SetOutputFile));
    auto on_disk_part = [](bool encryption, StrSetter set) {
        return [encryption, set](const char* x) {
            return with_new_vm([&](PRL_HANDLE vm) {
                REL_OK(PrlVmCfg_SetName(vm, "hostile-hdd"));
                PRL_HANDLE d = PRL_INVALID_HANDLE, part = PRL_INVALID_HANDLE;
                REL_OK(PrlVmCfg_CreateVmDev(vm, PDE_HARD_DISK, &d));
                REL_OK(encryption ? PrlVmDevHd_GetEncryption(d, &part) : PrlVmDevHd_AddPartition(d, &part));
                PRL_RESULT rc = set(part, x);
                if (encryption && PRL_SUCCEEDED(rc)) rc = PrlVmDevHd_SetEncryption(d, part);
                PrlHandle_Free(part);
                PrlHandle_Free(d);
                return rc;
            });
        };
    };
    add("PrlVmDevHdEncryption_SetKeyId", "sKeyId", c_free, on_disk_part(true, PrlVmDevHdEncryption_SetKeyId));
    add("PrlVmDevHdPart_SetSysName", "sSysName", c_free, on_disk_part(false, PrlVmDevHdPart_SetSysName));
    add("PrlVm_FromString", "vm_config", c_xml, [](const char* x) {
        PRL_HANDLE vm = new_vm();
        const PRL_RESULT rc = PrlVm_FromString(vm, x);
        PrlHandle_Free(vm);
        return rc;
    });
    add("PrlVmDev_FromString", "sXml", c_xml, [](const char* x) {
        PRL_HANDLE vm = new_vm(), d = PRL_INVALID_HANDLE;
        REL_OK(PrlVmCfg_CreateVmDev(vm, PDE_OPTICAL_DISK, &d));
        const PRL_RESULT rc = PrlVmDev_FromString(d, x);
        PrlHandle_Free(d);
        PrlHandle_Free(vm);
        return rc;
    });
    // A new device image name in the registered VM's bundle: only a name is made.
    auto dev_name = [](int which) {
        return [which](const char* x) {
            PRL_HANDLE r = PRL_INVALID_HANDLE, vm = PRL_INVALID_HANDLE;
            REL_OK(wait_job(PrlSrv_GetVmConfig(C.s->server, C.vm_uuid.c_str(), PGVC_SEARCH_BY_UUID), &r));
            REL_OK(PrlResult_GetParam(r, &vm));
            const PRL_RESULT rc = job(PrlVm_GenerateVmDevFilename(vm, which == 0 ? x : "disk", which == 1 ? x : ".hdd",
                                                                  which == 2 ? x : "-"));
            PrlHandle_Free(vm);
            PrlHandle_Free(r);
            return rc;
        };
    };
    // Clones and moves of the registered VM: each string in turn, the others
    // valid; a clone that is made is deleted again, a moved VM moved back.
    auto on_target = [](const std::function<PRL_HANDLE(PRL_HANDLE)>& start) {
        PRL_HANDLE r = PRL_INVALID_HANDLE, vm = PRL_INVALID_HANDLE;
        REL_OK(wait_job(PrlSrv_GetVmConfig(C.s->server, C.vm_uuid.c_str(), PGVC_SEARCH_BY_UUID), &r));
        REL_OK(PrlResult_GetParam(r, &vm));
        PrlHandle_Free(r);
        PRL_HANDLE made = PRL_INVALID_HANDLE, clone = PRL_INVALID_HANDLE;
        const PRL_RESULT rc = wait_job(start(vm), &made);
        if (PRL_SUCCEEDED(rc) && PRL_SUCCEEDED(PrlResult_GetParam(made, &clone))) {
            const std::string uuid = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetUuid(clone, b, l); });
            if (uuid != C.vm_uuid) job(PrlVm_Delete(clone, PRL_INVALID_HANDLE));
            else REL_OK(job(PrlVm_Move(vm, (C.home / "vms").c_str(), 0)));
            PrlHandle_Free(clone);
        }
        PrlHandle_Free(made);
        PrlHandle_Free(vm);
        return rc;
    };
    const char* kClone = "hostile-clone";
    add("PrlVm_Clone", "new_vm_name", c_text,
        [on_target](const char* x) { return on_target([x](PRL_HANDLE vm) { return PrlVm_Clone(vm, x, "", PRL_FALSE); }); });
    add("PrlVm_CloneEx", "new_vm_name", c_text,
        [on_target](const char* x) { return on_target([x](PRL_HANDLE vm) { return PrlVm_CloneEx(vm, x, "", 0); }); });
    add("PrlVm_CloneWithUuid", "new_vm_name", c_text, [on_target](const char* x) {
        return on_target([x](PRL_HANDLE vm) { return PrlVm_CloneWithUuid(vm, x, "", "", 0); });
    });
    add("PrlVm_CloneWithUuid", "new_vm_uuid", c_id, [on_target, kClone](const char* x) {
        return on_target([x, kClone](PRL_HANDLE vm) { return PrlVm_CloneWithUuid(vm, kClone, x, "", 0); });
    });
    // The places a clone or move goes are the client's: location cases.
    auto place = [&v](const char* f, const char* p, std::function<PRL_RESULT(const char*)> call) {
        Case c{f, p, c_path, std::move(call)};
        c.location = true;
        v.push_back(std::move(c));
    };
    place("PrlVm_Clone", "new_vm_root_path", [on_target, kClone](const char* x) {
        return on_target([x, kClone](PRL_HANDLE vm) { return PrlVm_Clone(vm, kClone, x, PRL_TRUE); });
    });
    place("PrlVm_CloneEx", "new_vm_root_path", [on_target, kClone](const char* x) {
        return on_target([x, kClone](PRL_HANDLE vm) { return PrlVm_CloneEx(vm, kClone, x, 0); });
    });
    place("PrlVm_CloneWithUuid", "new_vm_root_path", [on_target, kClone](const char* x) {
        return on_target([x, kClone](PRL_HANDLE vm) { return PrlVm_CloneWithUuid(vm, kClone, "", x, 0); });
    });
    place("PrlVm_Move", "sNewHomePath",
          [on_target](const char* x) { return on_target([x](PRL_HANDLE vm) { return PrlVm_Move(vm, x, 0); }); });
    add("PrlVm_GenerateVmDevFilename", "sFilenamePrefix", c_free, dev_name(0));
    add("PrlVm_GenerateVmDevFilename", "sFilenameSuffix", c_free, dev_name(1));
    add("PrlVm_GenerateVmDevFilename", "sIndexDelimiter", c_free, dev_name(2));
    // Snapshots of the registered VM: ids must name a snapshot of its tree,
    // names and descriptions are stored text; an accepted snapshot is removed again.
    auto on_vm = [](auto call) {
        return [call](const char* x) {
            PRL_HANDLE r = PRL_INVALID_HANDLE, vm = PRL_INVALID_HANDLE;
            REL_OK(wait_job(PrlSrv_GetVmConfig(C.s->server, C.vm_uuid.c_str(), PGVC_SEARCH_BY_UUID), &r));
            REL_OK(PrlResult_GetParam(r, &vm));
            const PRL_RESULT rc = call(vm, x);
            PrlHandle_Free(vm);
            PrlHandle_Free(r);
            return rc;
        };
    };
    auto snapshot_and_drop = [](PRL_HANDLE vm, PRL_HANDLE create_job) {
        PRL_HANDLE r = PRL_INVALID_HANDLE;
        const PRL_RESULT rc = wait_job(create_job, &r);
        char id[64] = "";
        PRL_UINT32 len = sizeof id;
        if (PRL_SUCCEEDED(rc) && PRL_SUCCEEDED(PrlResult_GetParamAsString(r, id, &len)))
            job(PrlVm_DeleteSnapshot(vm, id, PRL_TRUE));
        PrlHandle_Free(r);
        return rc;
    };
    add("PrlVm_CreateSnapshot", "sName", c_text, on_vm([=](PRL_HANDLE vm, const char* x) { return snapshot_and_drop(vm, PrlVm_CreateSnapshot(vm, x, "")); }));
    add("PrlVm_CreateSnapshot", "sDescription", c_text, on_vm([=](PRL_HANDLE vm, const char* x) { return snapshot_and_drop(vm, PrlVm_CreateSnapshot(vm, "s", x)); }));
    add("PrlVm_CreateSnapshotEx", "sName", c_text, on_vm([=](PRL_HANDLE vm, const char* x) { return snapshot_and_drop(vm, PrlVm_CreateSnapshotEx(vm, x, "", 0)); }));
    add("PrlVm_CreateSnapshotEx", "sDescription", c_text, on_vm([=](PRL_HANDLE vm, const char* x) { return snapshot_and_drop(vm, PrlVm_CreateSnapshotEx(vm, "s", x, 0)); }));
    add("PrlVm_SwitchToSnapshot", "sSnapshotUuid", c_id, on_vm([](PRL_HANDLE vm, const char* x) { return job(PrlVm_SwitchToSnapshot(vm, x)); }));
    add("PrlVm_SwitchToSnapshotEx", "sSnapshotUuid", c_id, on_vm([](PRL_HANDLE vm, const char* x) { return job(PrlVm_SwitchToSnapshotEx(vm, x, 0)); }));
    add("PrlVm_DeleteSnapshot", "sSnapshotUuid", c_id, on_vm([](PRL_HANDLE vm, const char* x) { return job(PrlVm_DeleteSnapshot(vm, x, PRL_TRUE)); }));
    // Performance-counter filters only select among counters: any text is a filter.
    add("PrlVm_SubscribeToPerfStats", "sFilter", c_free, on_vm([](PRL_HANDLE vm, const char* x) { return job(PrlVm_SubscribeToPerfStats(vm, x)); }));
    add("PrlVm_GetPerfStats", "sFilter", c_free, on_vm([](PRL_HANDLE vm, const char* x) { return job(PrlVm_GetPerfStats(vm, x)); }));
    add("PrlSrv_SubscribeToPerfStats", "sFilter", c_free, [](const char* x) { return job(PrlSrv_SubscribeToPerfStats(C.s->server, x)); });
    add("PrlSrv_GetPerfStats", "sFilter", c_free, [](const char* x) { return job(PrlSrv_GetPerfStats(C.s->server, x)); });
    add("PrlVm_UpdateSnapshotData", "sSnapshotUuid", c_id, on_vm([](PRL_HANDLE vm, const char* x) { return job(PrlVm_UpdateSnapshotData(vm, x, "n", "d")); }));
    // A snapshot made for the update and removed after it.
    auto update_new_snapshot = [](PRL_HANDLE vm, const char* name, const char* description) {
        PRL_HANDLE r = PRL_INVALID_HANDLE;
        REL_OK(wait_job(PrlVm_CreateSnapshot(vm, "to-update", ""), &r));
        char id[64] = "";
        PRL_UINT32 len = sizeof id;
        REL_OK(PrlResult_GetParamAsString(r, id, &len));
        PrlHandle_Free(r);
        const PRL_RESULT rc = job(PrlVm_UpdateSnapshotData(vm, id, name, description));
        job(PrlVm_DeleteSnapshot(vm, id, PRL_TRUE));
        return rc;
    };
    add("PrlVm_UpdateSnapshotData", "sNewName", c_text, on_vm([=](PRL_HANDLE vm, const char* x) { return update_new_snapshot(vm, x, "d"); }));
    add("PrlVm_UpdateSnapshotData", "sNewDescription", c_text, on_vm([=](PRL_HANDLE vm, const char* x) { return update_new_snapshot(vm, "n", x); }));
    add("PrlVcmmdConfig_SetPolicy", "sPolicy", c_free, [](const char* x) {
        PRL_HANDLE r = PRL_INVALID_HANDLE, cfg = PRL_INVALID_HANDLE;
        REL_OK(wait_job(PrlSrv_GetVcmmdConfig(C.s->server, 0), &r));
        REL_OK(PrlResult_GetParam(r, &cfg));
        const PRL_RESULT rc = PrlVcmmdConfig_SetPolicy(cfg, x);
        PrlHandle_Free(cfg);
        PrlHandle_Free(r);
        return rc;
    });
    // Server calls that take a name or a place the client names.
    add("PrlSrv_DisableConfirmationMode", "sUser", c_free, [](const char* x) { return job(PrlSrv_DisableConfirmationMode(C.s->server, x, "p", 0)); });
    add("PrlSrv_DisableConfirmationMode", "sPasswd", c_free, [](const char* x) { return job(PrlSrv_DisableConfirmationMode(C.s->server, "u", x, 0)); });
    add("PrlSrv_GetPluginsList", "sClassId", c_free, [](const char* x) { return job(PrlSrv_GetPluginsList(C.s->server, x, 0)); });
    add("PrlSrv_RemoveCtTemplate", "sName", c_free, [](const char* x) { return job(PrlSrv_RemoveCtTemplate(C.s->server, x, "", 0)); });
    add("PrlSrv_RemoveCtTemplate", "sOsTmplName", c_free, [](const char* x) { return job(PrlSrv_RemoveCtTemplate(C.s->server, "t", x, 0)); });
    add("PrlSrv_CopyCtTemplate", "sName", c_free, [](const char* x) { return job(PrlSrv_CopyCtTemplate(C.s->server, x, "", "127.0.0.1", 0, "", 0, 0)); });
    add("PrlSrv_CopyCtTemplate", "sOsTmplName", c_free, [](const char* x) { return job(PrlSrv_CopyCtTemplate(C.s->server, "t", x, "127.0.0.1", 0, "", 0, 0)); });
    add("PrlSrv_CopyCtTemplate", "sTargetServerHostname", c_host, [](const char* x) { return job(PrlSrv_CopyCtTemplate(C.s->server, "t", "", x, 0, "", 0, 0)); });
    add("PrlSrv_CopyCtTemplate", "sTargetServerSessionUuid", c_free, [](const char* x) { return job(PrlSrv_CopyCtTemplate(C.s->server, "t", "", "127.0.0.1", 0, x, 0, 0)); });
    add("PrlStrList_AddItem", "sItem", c_free, [](const char* x) {
        PRL_HANDLE l = PRL_INVALID_HANDLE;
        REL_OK(PrlApi_CreateStringsList(&l));
        const PRL_RESULT rc = PrlStrList_AddItem(l, x);
        PrlHandle_Free(l);
        return rc;
    });
    add("PrlEvent_GetParamByName", "sParamName", c_free, [](const char* x) {
        PRL_HANDLE e = error_event(), p = PRL_INVALID_HANDLE;
        const PRL_RESULT rc = PrlEvent_GetParamByName(e, x, &p);
        PrlHandle_Free(p);
        PrlHandle_Free(e);
        return rc;
    });
    add("PrlApi_SetLogPath", "sLogPath", c_path, [](const char* x) {
        const PRL_RESULT rc = PrlApi_SetLogPath(x);
        PrlApi_SetLogPath((C.allowed / "api.log").c_str());
        return rc;
    });
    const std::string lh = "127.0.0.1";
    for (const char* f : {"PrlSrv_Login", "PrlSrv_LoginEx"}) {
        const bool ex = std::string(f) == "PrlSrv_LoginEx";
        // A login with a port goes to a prlshimd there (the canary listener
        // here): a hostile host must not get that far. Credentials do go to
        // a daemon: tests/daemon sends hostile ones to a real one; here they
        // go with port 0, to this host's own service.
        auto login = [ex](const char* host, const char* user, const char* pw, const char* prev, PRL_UINT32 port) {
            return with_server([&](PRL_HANDLE srv) {
                return job(ex ? PrlSrv_LoginEx(srv, host, user, pw, prev, port, 5000, PSL_HIGH_SECURITY, 0)
                              : PrlSrv_Login(srv, host, user, pw, prev, port, 5000, PSL_HIGH_SECURITY));
            });
        };
        const auto port = static_cast<PRL_UINT32>(C.port);
        add(f, "host", c_host, [login, port](const char* x) { return login(x, "u", "p", nullptr, port); });
        add(f, "user", c_free, [login, lh](const char* x) { return login(lh.c_str(), x, "p", nullptr, 0); });
        add(f, "passwd", c_free, [login, lh](const char* x) { return login(lh.c_str(), "u", x, nullptr, 0); });
        add(f, "sPrevSessionUuid", c_id, [login, lh](const char* x) { return login(lh.c_str(), "u", "p", x, 0); });
    }
    add("PrlSrv_LoginLocal", "sPrevSessionUuid", c_id, [](const char* x) {
        return with_server([&](PRL_HANDLE srv) { return job(PrlSrv_LoginLocal(srv, x, 0, PSL_HIGH_SECURITY)); });
    });
    add("PrlSrv_LoginLocalEx", "sPrevSessionUuid", c_id, [](const char* x) {
        return with_server([&](PRL_HANDLE srv) { return job(PrlSrv_LoginLocalEx(srv, x, 0, PSL_HIGH_SECURITY, 0)); });
    });
    add("PrlSrv_AttachToLostTask", "sTaskId", c_id, [](const char* x) { return job(PrlSrv_AttachToLostTask(C.s->server, x)); });
    add("PrlSrv_RegisterVm", "strVmDirPath", c_path, [](const char* x) { return job(PrlSrv_RegisterVm(C.s->server, x, PRL_TRUE)); });
    add("PrlSrv_RegisterVmEx", "strVmDirPath", c_path, [](const char* x) { return job(PrlSrv_RegisterVmEx(C.s->server, x, 0)); });
    add("PrlSrv_RegisterVmWithUuid", "strVmDirPath", c_path,
        [](const char* x) { return job(PrlSrv_RegisterVmWithUuid(C.s->server, x, "{01234567-89ab-cdef-0123-456789abcdef}", 0)); });
    add("PrlSrv_RegisterVmWithUuid", "strVmUuid", c_id, [](const char* x) {
        return job(PrlSrv_RegisterVmWithUuid(C.s->server, (C.hostile / "no-such-bundle").c_str(), x, 0));
    });
    // Backups: each string parameter in turn, the others valid.
    add("PrlSrv_CreateVmBackup", "sVmUuid", c_id, [](const char* x) { return job(PrlSrv_CreateVmBackup(C.s->server, x, "", 0, "", "", 0, 0, PRL_FALSE)); });
    add("PrlSrv_CreateVmBackup", "sTargetHost", c_host, [U](const char* x) { return job(PrlSrv_CreateVmBackup(C.s->server, U, x, 0, "", "", 0, 0, PRL_FALSE)); });
    add("PrlSrv_CreateVmBackup", "sTargetSessionId", c_free, [U](const char* x) { return job(PrlSrv_CreateVmBackup(C.s->server, U, "", 0, x, "", 0, 0, PRL_FALSE)); });
    add("PrlSrv_CreateVmBackup", "strDescription", c_text, [U](const char* x) {
        const PRL_RESULT rc = job(PrlSrv_CreateVmBackup(C.s->server, U, "", 0, "", x, PBT_INCREMENTAL, 0, PRL_FALSE));
        return rc;
    });
    add("PrlSrv_RestoreVmBackup", "sVmUuid", c_id, [](const char* x) { return job(PrlSrv_RestoreVmBackup(C.s->server, x, "", "", 0, "", "", "", 0, 0, PRL_FALSE)); });
    add("PrlSrv_RestoreVmBackup", "sBackupUuid", c_id, [U](const char* x) { return job(PrlSrv_RestoreVmBackup(C.s->server, U, x, "", 0, "", "", "", 0, 0, PRL_FALSE)); });
    add("PrlSrv_RestoreVmBackup", "sTargetHost", c_host, [U](const char* x) { return job(PrlSrv_RestoreVmBackup(C.s->server, U, "", x, 0, "", "", "", 0, 0, PRL_FALSE)); });
    add("PrlSrv_RestoreVmBackup", "sTargetSessionId", c_free, [U](const char* x) { return job(PrlSrv_RestoreVmBackup(C.s->server, U, "", "", 0, x, "", "", 0, 0, PRL_FALSE)); });
    add("PrlSrv_RestoreVmBackup", "sTargetVmHomePath", c_path, [U](const char* x) {
        const PRL_RESULT rc = job(PrlSrv_RestoreVmBackup(C.s->server, U, "", "", 0, "", x, "hostile-copy", PBT_RESTORE_TO_COPY, 0, PRL_FALSE));
        if (PRL_SUCCEEDED(rc)) {
            PRL_HANDLE r = PRL_INVALID_HANDLE, vm = PRL_INVALID_HANDLE;
            if (PRL_SUCCEEDED(wait_job(PrlSrv_GetVmConfig(C.s->server, "hostile-copy", PGVC_SEARCH_BY_NAME), &r)) &&
                PRL_SUCCEEDED(PrlResult_GetParam(r, &vm)))
                job(PrlVm_Delete(vm, PRL_INVALID_HANDLE));
            PrlHandle_Free(vm);
            PrlHandle_Free(r);
        }
        return rc;
    });
    add("PrlSrv_RestoreVmBackup", "sTargetVmName", c_text, [U](const char* x) {
        const PRL_RESULT rc = job(PrlSrv_RestoreVmBackup(C.s->server, U, "", "", 0, "", "", x, PBT_RESTORE_TO_COPY, 0, PRL_FALSE));
        if (PRL_SUCCEEDED(rc)) {
            PRL_HANDLE r = PRL_INVALID_HANDLE, vm = PRL_INVALID_HANDLE;
            if (PRL_SUCCEEDED(wait_job(PrlSrv_GetVmConfig(C.s->server, x, PGVC_SEARCH_BY_NAME), &r)) &&
                PRL_SUCCEEDED(PrlResult_GetParam(r, &vm)))
                job(PrlVm_Delete(vm, PRL_INVALID_HANDLE));
            PrlHandle_Free(vm);
            PrlHandle_Free(r);
        }
        return rc;
    });
    add("PrlSrv_GetBackupTree", "sUuid", c_id, [](const char* x) { return job(PrlSrv_GetBackupTree(C.s->server, x, "", 0, "", PBT_BACKUP_ID, 0, PRL_FALSE)); });
    add("PrlSrv_GetBackupTree", "sTargetHost", c_host, [](const char* x) { return job(PrlSrv_GetBackupTree(C.s->server, "", x, 0, "", 0, 0, PRL_FALSE)); });
    add("PrlSrv_GetBackupTree", "sTargetSessionId", c_free, [](const char* x) { return job(PrlSrv_GetBackupTree(C.s->server, "", "", 0, x, 0, 0, PRL_FALSE)); });
    add("PrlSrv_RemoveVmBackup", "sVmUuid", c_id, [](const char* x) { return job(PrlSrv_RemoveVmBackup(C.s->server, x, "", "", 0, "", 0, 0, PRL_FALSE)); });
    add("PrlSrv_RemoveVmBackup", "sBackupUuid", c_id, [U](const char* x) { return job(PrlSrv_RemoveVmBackup(C.s->server, U, x, "", 0, "", 0, 0, PRL_FALSE)); });
    add("PrlSrv_RemoveVmBackup", "sTargetHost", c_host, [U](const char* x) { return job(PrlSrv_RemoveVmBackup(C.s->server, U, "{00000000-0000-0000-0000-000000000001}", x, 0, "", 0, 0, PRL_FALSE)); });
    add("PrlSrv_RemoveVmBackup", "sTargetSessionId", c_free, [U](const char* x) { return job(PrlSrv_RemoveVmBackup(C.s->server, U, "{00000000-0000-0000-0000-000000000001}", "", 0, x, 0, 0, PRL_FALSE)); });
    // The Ex forms: the same, plus PRL_BACKUP_PARAM.backup_directory.
    auto ex = [](const char* dir) { return PRL_BACKUP_PARAM{dir}; };
    add("PrlSrv_CreateVmBackupEx", "sVmUuid", c_id, [ex, ok_dir](const char* x) { auto e = ex(ok_dir.c_str()); return job(PrlSrv_CreateVmBackupEx(C.s->server, x, "", 0, "", "", 0, 0, PRL_FALSE, &e)); });
    add("PrlSrv_CreateVmBackupEx", "sTargetHost", c_host, [ex, ok_dir, U](const char* x) { auto e = ex(ok_dir.c_str()); return job(PrlSrv_CreateVmBackupEx(C.s->server, U, x, 0, "", "", 0, 0, PRL_FALSE, &e)); });
    add("PrlSrv_CreateVmBackupEx", "sTargetSessionId", c_free, [ex, ok_dir, U](const char* x) { auto e = ex(ok_dir.c_str()); return job(PrlSrv_CreateVmBackupEx(C.s->server, U, "", 0, x, "", 0, 0, PRL_FALSE, &e)); });
    add("PrlSrv_CreateVmBackupEx", "strDescription", c_text, [ex, ok_dir, U](const char* x) { auto e = ex(ok_dir.c_str()); return job(PrlSrv_CreateVmBackupEx(C.s->server, U, "", 0, "", x, 0, 0, PRL_FALSE, &e)); });
    add("PrlSrv_CreateVmBackupEx", "backup_directory", c_path, [ex, U](const char* x) { auto e = ex(x); return job(PrlSrv_CreateVmBackupEx(C.s->server, U, "", 0, "", "", 0, 0, PRL_FALSE, &e)); });
    add("PrlSrv_RestoreVmBackupEx", "sVmUuid", c_id, [ex, ok_dir](const char* x) { auto e = ex(ok_dir.c_str()); return job(PrlSrv_RestoreVmBackupEx(C.s->server, x, "", "", 0, "", "", "", 0, 0, PRL_FALSE, &e)); });
    add("PrlSrv_RestoreVmBackupEx", "sBackupUuid", c_id, [ex, ok_dir, U](const char* x) { auto e = ex(ok_dir.c_str()); return job(PrlSrv_RestoreVmBackupEx(C.s->server, U, x, "", 0, "", "", "", 0, 0, PRL_FALSE, &e)); });
    add("PrlSrv_RestoreVmBackupEx", "sTargetHost", c_host, [ex, ok_dir, U](const char* x) { auto e = ex(ok_dir.c_str()); return job(PrlSrv_RestoreVmBackupEx(C.s->server, U, "", x, 0, "", "", "", 0, 0, PRL_FALSE, &e)); });
    add("PrlSrv_RestoreVmBackupEx", "sTargetSessionId", c_free, [ex, ok_dir, U](const char* x) { auto e = ex(ok_dir.c_str()); return job(PrlSrv_RestoreVmBackupEx(C.s->server, U, "", "", 0, x, "", "", 0, 0, PRL_FALSE, &e)); });
    add("PrlSrv_RestoreVmBackupEx", "sTargetVmHomePath", c_path, [ex, ok_dir, U](const char* x) { auto e = ex(ok_dir.c_str()); return job(PrlSrv_RestoreVmBackupEx(C.s->server, U, "", "", 0, "", x, "hx", PBT_RESTORE_TO_COPY, 0, PRL_FALSE, &e)); });
    add("PrlSrv_RestoreVmBackupEx", "sTargetVmName", c_text, [ex, ok_dir, U](const char* x) { auto e = ex(ok_dir.c_str()); return job(PrlSrv_RestoreVmBackupEx(C.s->server, U, "{00000000-0000-0000-0000-000000000001}", "", 0, "", "", x, PBT_RESTORE_TO_COPY, 0, PRL_FALSE, &e)); });
    add("PrlSrv_RestoreVmBackupEx", "backup_directory", c_path, [ex, U](const char* x) { auto e = ex(x); return job(PrlSrv_RestoreVmBackupEx(C.s->server, U, "", "", 0, "", "", "", PBT_RESTORE_TO_COPY, 0, PRL_FALSE, &e)); });
    add("PrlSrv_GetBackupTreeEx", "sUuid", c_id, [ex, ok_dir](const char* x) { auto e = ex(ok_dir.c_str()); return job(PrlSrv_GetBackupTreeEx(C.s->server, x, "", 0, "", PBT_BACKUP_ID, 0, PRL_FALSE, &e)); });
    add("PrlSrv_GetBackupTreeEx", "sTargetHost", c_host, [ex, ok_dir](const char* x) { auto e = ex(ok_dir.c_str()); return job(PrlSrv_GetBackupTreeEx(C.s->server, "", x, 0, "", 0, 0, PRL_FALSE, &e)); });
    add("PrlSrv_GetBackupTreeEx", "sTargetSessionId", c_free, [ex, ok_dir](const char* x) { auto e = ex(ok_dir.c_str()); return job(PrlSrv_GetBackupTreeEx(C.s->server, "", "", 0, x, 0, 0, PRL_FALSE, &e)); });
    add("PrlSrv_GetBackupTreeEx", "backup_directory", c_path, [ex](const char* x) { auto e = ex(x); return job(PrlSrv_GetBackupTreeEx(C.s->server, "", "", 0, "", 0, 0, PRL_FALSE, &e)); });
    add("PrlSrv_RemoveVmBackupEx", "sVmUuid", c_id, [ex, ok_dir](const char* x) { auto e = ex(ok_dir.c_str()); return job(PrlSrv_RemoveVmBackupEx(C.s->server, x, "", "", 0, "", 0, 0, PRL_FALSE, &e)); });
    add("PrlSrv_RemoveVmBackupEx", "sBackupUuid", c_id, [ex, ok_dir, U](const char* x) { auto e = ex(ok_dir.c_str()); return job(PrlSrv_RemoveVmBackupEx(C.s->server, U, x, "", 0, "", 0, 0, PRL_FALSE, &e)); });
    add("PrlSrv_RemoveVmBackupEx", "sTargetHost", c_host, [ex, ok_dir, U](const char* x) { auto e = ex(ok_dir.c_str()); return job(PrlSrv_RemoveVmBackupEx(C.s->server, U, "{00000000-0000-0000-0000-000000000001}", x, 0, "", 0, 0, PRL_FALSE, &e)); });
    add("PrlSrv_RemoveVmBackupEx", "sTargetSessionId", c_free, [ex, ok_dir, U](const char* x) { auto e = ex(ok_dir.c_str()); return job(PrlSrv_RemoveVmBackupEx(C.s->server, U, "{00000000-0000-0000-0000-000000000001}", "", 0, x, 0, 0, PRL_FALSE, &e)); });
    add("PrlSrv_RemoveVmBackupEx", "backup_directory", c_path, [ex](const char* x) { auto e = ex(x); return job(PrlSrv_RemoveVmBackupEx(C.s->server, "{00000000-0000-0000-0000-000000000001}", "", "", 0, "", 0, 0, PRL_FALSE, &e)); });
    add("PrlSrv_GetVmConfig", "sSearchId", c_free, [](const char* x) {
        PRL_HANDLE r = PRL_INVALID_HANDLE;
        const PRL_RESULT rc = wait_job(PrlSrv_GetVmConfig(C.s->server, x, PGVC_SEARCH_BY_NAME | PGVC_SEARCH_BY_UUID), &r);
        PrlHandle_Free(r);
        return rc;
    });
    // VM creation: a hostile parent path, name, uuid, description, device text.
    add("PrlVm_Reg", "sVmParentPath", c_path, [](const char* x) {
        return with_new_vm([](PRL_HANDLE vm) { return PrlVmCfg_SetName(vm, "hostile-parent"); }, x);
    });
    add("PrlVm_RegEx", "sVmParentPath", c_path, [](const char* x) {
        PRL_HANDLE vm = new_vm();
        PrlVmCfg_SetName(vm, "hostile-parent-ex");
        PRL_RESULT rc = job(PrlVm_RegEx(vm, x, 0));
        if (PRL_SUCCEEDED(rc)) job(PrlVm_Delete(vm, PRL_INVALID_HANDLE));
        PrlHandle_Free(vm);
        return rc;
    });
    add("PrlVmCfg_SetName", "sNewVmName", c_text, [](const char* x) {
        return with_new_vm([x](PRL_HANDLE vm) { return PrlVmCfg_SetName(vm, x); });
    });
    add("PrlVmCfg_SetUuid", "sNewVmUuid", c_id, [](const char* x) {
        return with_new_vm([x](PRL_HANDLE vm) { PrlVmCfg_SetName(vm, "hostile-uuid"); return PrlVmCfg_SetUuid(vm, x); });
    });
    add("PrlVmCfg_SetDescription", "sNewVmDescription", c_text, [](const char* x) {
        return with_new_vm([x](PRL_HANDLE vm) { PrlVmCfg_SetName(vm, "hostile-desc"); return PrlVmCfg_SetDescription(vm, x); });
    });
    // Hand-written VM settings: masks are identifiers; credentials and the sample's name stored text.
    auto vm_text = [](const char* name, PRL_RESULT (*set)(PRL_HANDLE, PRL_CONST_STR)) {
        return [name, set](const char* x) {
            return with_new_vm([name, set, x](PRL_HANDLE vm) { PrlVmCfg_SetName(vm, name); return set(vm, x); });
        };
    };
    add("PrlVmCfg_SetCpuMask", "sMask", c_id, vm_text("hostile-cpumask", PrlVmCfg_SetCpuMask));
    add("PrlVmCfg_SetNodeMask", "sMask", c_id, vm_text("hostile-nodemask", PrlVmCfg_SetNodeMask));
    add("PrlVmCfg_ApplyConfigSample", "sConfigSample", c_text, vm_text("hostile-sample", PrlVmCfg_ApplyConfigSample));
    add("PrlVmCfg_SetStartUserCreds", "sStartUserLogin", c_text, [](const char* x) {
        return with_new_vm([x](PRL_HANDLE vm) { PrlVmCfg_SetName(vm, "hostile-user"); return PrlVmCfg_SetStartUserCreds(vm, x, "pw"); });
    });
    add("PrlVmCfg_SetStartUserCreds", "sPassword", c_text, [](const char* x) {
        return with_new_vm([x](PRL_HANDLE vm) { PrlVmCfg_SetName(vm, "hostile-pw"); return PrlVmCfg_SetStartUserCreds(vm, "user", x); });
    });
    auto dev = [](PRL_RESULT (*set)(PRL_HANDLE, PRL_CONST_STR)) {
        return [set](const char* x) {
            return with_new_vm([set, x](PRL_HANDLE vm) {
                PrlVmCfg_SetName(vm, "hostile-dev");
                PRL_HANDLE d = new_disk(vm);
                PrlVmDevHd_SetDiskSize(d, 1);
                PrlVmDev_SetImagePath(d, "disk.hdd");
                const PRL_RESULT rc = set(d, x);
                PrlHandle_Free(d);
                return rc;
            });
        };
    };
    add("PrlVmDev_SetImagePath", "sNewImagePath", c_path, dev(PrlVmDev_SetImagePath));
    add("PrlVmDev_SetSysName", "sNewSysName", c_path, dev(PrlVmDev_SetSysName));
    add("PrlVmDev_SetFriendlyName", "sNewFriendlyName", c_text, dev(PrlVmDev_SetFriendlyName));
    add("PrlVmDev_SetDescription", "sNewDescription", c_text, dev(PrlVmDev_SetDescription));
    // Places the client names itself (relative ones resolve against the cwd or
    // are refused); a disk image path is relative to the bundle, so its
    // traversal must not escape and still points at the canary.
    for (Case& c : v)
        if (c.param == "sLogPath" || c.param == "strVmDirPath" || c.param == "sVmParentPath" ||
            c.param == "sTargetVmHomePath" || c.param == "backup_directory")
            c.location = true;
        else if (c.param == "sNewImagePath" || c.param == "sNewSysName")
            c.absolute_ok = true;
    return v;
}

// The table-driven string setters (lib/abi/defs/properties/*.tsv): each
// one gets every hostile value on a new object of its owner kind, which is
// then registered (written to config.pvs), backed up and deleted.
std::vector<std::string> tsv_rows(const std::string& file) {
    std::ifstream in(file);
    std::vector<std::string> rows;
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line))
        if (!line.empty() && line[0] != '#') rows.push_back(line);
    return rows;
}

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    return cols;
}

PRL_DEVICE_TYPE owner_device(const std::string& owner) {
    static const std::map<std::string, PRL_DEVICE_TYPE> types = {
        {"device", PDE_HARD_DISK}, {"hdd", PDE_HARD_DISK}, {"net", PDE_GENERIC_NETWORK_ADAPTER},
        {"optical", PDE_OPTICAL_DISK}, {"serial", PDE_SERIAL_PORT}, {"sound", PDE_SOUND_DEVICE},
        {"usb", PDE_USB_DEVICE}, {"parallel", PDE_PARALLEL_PORT}, {"floppy", PDE_FLOPPY_DISK}};
    auto it = types.find(owner);
    return it == types.end() ? PDE_GENERIC_DEVICE : it->second;
}

void add_property_cases(std::vector<Case>& v) {
    std::map<std::string, std::string> params;  // function -> its parameter list
    for (const auto& row : tsv_rows(PRLSHIM_FUNCTIONS_TSV)) {
        const auto cols = split_tabs(row);
        if (cols.size() >= 7) params[cols[0]] = cols[6];
    }
    DIR* dir = ::opendir(PRLSHIM_PROPERTIES_DIR);
    if (!dir) die("properties folder");
    std::vector<std::string> files;
    while (dirent* e = ::readdir(dir))
        if (std::string(e->d_name).size() > 4 && std::string(e->d_name).substr(std::string(e->d_name).size() - 4) == ".tsv")
            files.push_back(std::string(PRLSHIM_PROPERTIES_DIR) + "/" + e->d_name);
    ::closedir(dir);
    for (const auto& file : files) {
        for (const auto& row : tsv_rows(file)) {
            const auto cols = split_tabs(row);
            if (cols.size() < 7 || cols[1] == "-") continue;
            const std::string setter = cols[1], owner = cols[2], accepts = cols[6];
            const std::string& decl = params[setter];
            if (decl.find("PRL_CONST_STR") == std::string::npos) continue;
            using Setter = PRL_RESULT (*)(PRL_HANDLE, PRL_CONST_STR);
            auto fn = reinterpret_cast<Setter>(::dlsym(RTLD_DEFAULT, setter.c_str()));
            if (!fn) die(("no symbol " + setter).c_str());
            const std::string pname = decl.substr(decl.find_last_of(' ') + 1);
            const Class cls = accepts == "line" || accepts == "line?" ? c_path : c_text;
            const PRL_DEVICE_TYPE dev_type = owner_device(owner);
            if (owner == "vnet") {  // a new network, stored (added) and deleted
                v.push_back({setter, pname, cls, [fn](const char* x) {
                                 PRL_HANDLE n = PRL_INVALID_HANDLE;
                                 REL_OK(PrlVirtNet_Create(&n));
                                 REL_OK(PrlVirtNet_SetNetworkId(n, "hostile-net"));
                                 const PRL_RESULT rc = fn(n, x);
                                 if (PRL_SUCCEEDED(rc) &&
                                     PRL_SUCCEEDED(job(PrlSrv_AddVirtualNetwork(C.s->server, n, 0))))
                                     job(PrlSrv_DeleteVirtualNetwork(C.s->server, n, 0));
                                 PrlHandle_Free(n);
                                 return rc;
                             }});
                continue;
            }
            if (owner == "dispnet") {
                v.push_back({setter, pname, cls, [fn](const char* x) {
                                 return with_disp_net([fn, x](PRL_HANDLE n) { return fn(n, x); });
                             }});
                continue;
            }
            if (owner == "disp") {
                v.push_back({setter, pname, cls, [fn](const char* x) {
                                 return with_disp_copy(false, [fn, x](PRL_HANDLE h) { return fn(h, x); });
                             }});
                continue;
            }
            if (owner != "vm" && dev_type == PDE_GENERIC_DEVICE) continue;  // other owners: their own cases
            v.push_back({setter, pname, cls, [fn, owner, dev_type](const char* x) {
                             return with_new_vm([&](PRL_HANDLE vm) {
                                 REL_OK(PrlVmCfg_SetName(vm, "hostile-prop"));
                                 if (owner == "vm") return fn(vm, x);
                                 PRL_HANDLE dev = PRL_INVALID_HANDLE;
                                 REL_OK(PrlVmCfg_CreateVmDev(vm, dev_type, &dev));
                                 const PRL_RESULT rc = fn(dev, x);
                                 PrlHandle_Free(dev);
                                 return rc;
                             });
                         }});
        }
    }
}

// Every (function, string parameter) of an implemented function in the
// definitions table must have a case.
int coverage_gaps(const std::vector<Case>& cs) {
    std::set<std::string> have;
    for (const auto& c : cs) have.insert(c.function + "/" + c.param);
    std::ifstream in(PRLSHIM_FUNCTIONS_TSV);
    std::string line;
    int gaps = 0, params = 0;
    while (std::getline(in, line)) {
        std::vector<std::string> cols;
        std::stringstream ss(line);
        std::string col;
        while (std::getline(ss, col, '\t')) cols.push_back(col);
        if (cols.size() < 7 || cols[5] != "impl") continue;
        std::stringstream ps(cols[6]);
        std::string decl;
        while (std::getline(ps, decl, ';')) {
            const auto b = decl.find_first_not_of(' ');
            if (b == std::string::npos) continue;
            decl = decl.substr(b);
            std::string name = decl.substr(decl.find_last_of(" *") + 1);
            if (decl.rfind("PRL_CONST_STR ", 0) == 0) {
            } else if (decl.find("PRL_BACKUP_PARAM") != std::string::npos) {
                name = "backup_directory";
            } else {
                continue;
            }
            ++params;
            if (!have.count(cols[0] + "/" + name)) {
                std::fprintf(stderr, "COVERAGE: no hostile-input case for %s(%s)\n", cols[0].c_str(), name.c_str());
                ++gaps;
            }
        }
    }
    std::printf("HOSTILE string parameters of implemented functions: %d (%zu cases), uncovered: %d\n", params, cs.size(), gaps);
    return gaps;
}

void run_string_cases() {
    auto cs = cases();
    add_property_cases(cs);
    add_fs_cases(cs);
    add_disk_cases(cs);
    if (coverage_gaps(cs)) ++C.violations;
    std::map<std::string, int> per_value;
    for (const Case& c : cs) {
        for (const Value& v : hostile_values(c.location, c.absolute_ok)) {
            // XML parameters get the XML attacks below; plain values here too.
            const double t0 = now_s();
            // A relative place the client names resolves against its cwd:
            // the allowed directory while such a call runs.
            if (c.location && ::chdir(C.allowed.c_str()) != 0) die("chdir");
            const PRL_RESULT rc = c.call(v.bytes.c_str());
            if (c.location && ::chdir(C.cwd.c_str()) != 0) die("chdir");
            ++C.calls;
            ++per_value[v.label];
            const std::string what = c.function + "(" + c.param + " = " + v.label + ") -> " + describe(rc);
            if (now_s() - t0 > 30) violation(what + ": took more than 30 s");
            char text[512];
            PRL_UINT32 len = sizeof text;
            if (PRL_FAILED(rc) && PRL_FAILED(PrlApi_GetResultDescription(rc, PRL_FALSE, PRL_FALSE, text, &len)))
                violation(what + ": a failure code without a description");
            const bool refused = PRL_FAILED(rc);
            bool must_refuse = false;
            switch (c.cls) {
            case c_id:
            case c_host:
            case c_xml:
                must_refuse = true;
                break;
            case c_text:
                must_refuse = v.label == "non-utf8" || v.label == "1MiB";
                break;
            case c_path:
                // Stored paths (config.pvs) must be UTF-8; a place the client
                // names is a plain file name (any bytes) but never 1 MiB long.
                must_refuse = v.label == "1MiB" || (v.label == "non-utf8" && !c.location);
                break;
            case c_free:
                break;
            }
            // Refusing a "nul-truncated" id as "ok" is what C does; same rule.
            if (must_refuse && !refused) violation(what + ": accepted, must be refused (" + kClassNames[c.cls] + ")");
            C.outcomes[std::string(kClassNames[c.cls]) + (refused ? " refused" : " accepted")]++;
            check_quiet(what);
        }
    }
    std::printf("HOSTILE string calls: %d (", C.calls);
    for (const auto& [label, n] : per_value) std::printf(" %s %d", label.c_str(), n);
    std::printf(" )\n");
    for (const auto& [k, n] : C.outcomes) std::printf("HOSTILE   %-22s %d\n", k.c_str(), n);
}

// --- XML attacks ---------------------------------------------------------

std::vector<Value> xml_attacks(const std::string& root_name, const std::string& field) {
    const std::string url = "http://127.0.0.1:" + std::to_string(C.port) + "/x";
    std::string laughs = "<!DOCTYPE " + root_name + " [<!ENTITY l0 \"lol\">";
    for (int i = 1; i <= 10; ++i) {
        laughs += "<!ENTITY l" + std::to_string(i) + " \"";
        for (int k = 0; k < 10; ++k) laughs += "&l" + std::to_string(i - 1) + ";";
        laughs += "\">";
    }
    laughs += "]><" + root_name + "><" + field + ">&l10;</" + field + "></" + root_name + ">";
    std::string deep;
    for (int i = 0; i < 100000; ++i) deep += "<a>";
    std::string big = "<" + root_name + "><" + field + ">";
    big.append(100u << 20, 'x');
    big += "</" + field + "></" + root_name + ">";
    return {
        {"billion-laughs", laughs},
        {"xxe-file", "<!DOCTYPE " + root_name + " [<!ENTITY x SYSTEM \"file://" + C.canary.string() + "/secret\">]><" +
                         root_name + "><" + field + ">&x;</" + field + "></" + root_name + ">"},
        {"xxe-http", "<!DOCTYPE " + root_name + " [<!ENTITY x SYSTEM \"" + url + "\">]><" + root_name + "><" + field +
                         ">&x;</" + field + "></" + root_name + ">"},
        {"external-dtd", "<!DOCTYPE " + root_name + " SYSTEM \"" + url + "\"><" + root_name + "/>"},
        {"xinclude", "<" + root_name + " xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"file://" +
                         C.canary.string() + "/secret\" parse=\"text\"/></" + root_name + ">"},
        {"deep-nesting", "<" + root_name + ">" + deep},
        {"100MB-text", big},
    };
}

int g_xml_tries = 0;

void run_xml_attacks() {
    // 1. The three FromString entry points.
    for (const Value& v : xml_attacks("ParallelsEvent", "ErrorText")) {
        PRL_HANDLE e = error_event(), r = empty_result(), e2 = error_event();
        const PRL_RESULT rcs[3] = {PrlEvent_FromString(e, v.bytes.c_str()), PrlResult_FromString(r, v.bytes.c_str()),
                                   PrlHandle_FromString(e2, v.bytes.c_str())};
        const char* names[3] = {"PrlEvent_FromString", "PrlResult_FromString", "PrlHandle_FromString"};
        for (int i = 0; i < 3; ++i) {
            ++g_xml_tries;
            // XInclude is not processed: the element is unknown and ignored
            // (what matters is that the canary is not opened).
            if (PRL_SUCCEEDED(rcs[i]) && v.label != "xinclude") violation(std::string(names[i]) + " accepted " + v.label);
            check_quiet(std::string(names[i]) + " " + v.label);
        }
        for (PRL_HANDLE h : {e, r, e2}) PrlHandle_Free(h);
    }
    // 2. A bundle whose config.pvs is hostile, registered by path.
    int n = 0;
    for (const Value& v : xml_attacks("VirtuozzoVirtualMachine", "VmName")) {
        const fs::path bundle = C.hostile / ("bundle-" + std::to_string(n++));
        fs::create_directories(bundle);
        write_file(bundle / "config.pvs", v.bytes);
        const PRL_RESULT rc = job(PrlSrv_RegisterVm(C.s->server, bundle.c_str(), PRL_TRUE));
        ++g_xml_tries;
        if (PRL_SUCCEEDED(rc) && v.label != "xinclude") violation("a config.pvs with " + v.label + " registered");
        if (PRL_SUCCEEDED(rc)) {
            PRL_HANDLE r = PRL_INVALID_HANDLE, vm = PRL_INVALID_HANDLE;
            if (PRL_SUCCEEDED(wait_job(PrlSrv_GetVmConfig(C.s->server, bundle.c_str(), PGVC_SEARCH_BY_NAME), &r)) &&
                PRL_SUCCEEDED(PrlResult_GetParam(r, &vm)))
                job(PrlVm_Unreg(vm));
            PrlHandle_Free(vm);
            PrlHandle_Free(r);
        }
        check_quiet("config.pvs " + v.label);
    }
    // A config.pvs whose disk image path climbs out of the bundle: it must be
    // refused; were it accepted, backing it up must not read the canary and
    // restoring must not write it (this was a bug, fixed in lib/service).
    {
        std::string up;
        for (int i = 0; i < 24; ++i) up += "../";
        const fs::path bundle = C.hostile / "bundle-traversal";
        fs::create_directories(bundle);
        write_file(bundle / "config.pvs",
                   "<VirtuozzoVirtualMachine><Identification><VmUuid>{0badbad0-0000-0000-0000-000000000001}</VmUuid>"
                   "<VmName>trav</VmName></Identification><Hardware><Hdd id=\"0\"><Index>0</Index><EmulatedType>1</EmulatedType>"
                   "<SystemName>" + up + C.canary.string().substr(1) + "/secret</SystemName><Size>1</Size></Hdd>"
                   "</Hardware></VirtuozzoVirtualMachine>");
        const PRL_RESULT rc = job(PrlSrv_RegisterVm(C.s->server, bundle.c_str(), PRL_TRUE));
        ++g_xml_tries;
        std::printf("HOSTILE bundle with a traversing disk path: register -> %s\n", describe(rc).c_str());
        if (PRL_SUCCEEDED(rc)) {
            C.s->backup("{0badbad0-0000-0000-0000-000000000001}", PBT_FULL, "trav");
            C.s->restore_over("{0badbad0-0000-0000-0000-000000000001}", "");
            C.s->remove("{0badbad0-0000-0000-0000-000000000001}", "", false);
        }
        check_quiet("config.pvs with a disk path out of the bundle");
    }
    // 3. A repository (backup_directory) holding hostile element metadata.
    n = 0;
    for (const Value& v : xml_attacks("BackupElement", "VmName")) {
        if (v.label == "100MB-text" || v.label == "deep-nesting") {
            // metadata over 1 MiB is refused by size; keep one of them anyway
            if (v.label == "deep-nesting") continue;
        }
        const fs::path repo = C.hostile / ("repo-" + std::to_string(n++));
        const fs::path chain = repo / "vms" / "c1a5b000-2222-3333-4444-555555555555" / "0f0f0f0f-1111-2222-3333-444444444444";
        fs::create_directories(chain);
        fs::create_directories(repo / "store" / "packs");
        fs::create_directories(repo / "store" / "txn");
        write_file(repo / "FORMAT", "prlshim-backup-repository 1\n");
        write_file(chain / "00000001.xml", v.bytes);
        std::vector<TreeElement> listed;
        const PRL_RESULT rc = C.s->tree(listed, repo.c_str());
        ++g_xml_tries;
        if (!listed.empty()) violation("hostile element metadata (" + v.label + ") was listed");
        (void)rc;
        check_quiet("element metadata " + v.label);
    }
    std::printf("HOSTILE XML attacks tried: %d (billion laughs, XXE file, XXE http, external DTD, XInclude, "
                "100k-deep nesting, 100 MB text node)\n", g_xml_tries);
}

// --- handle misuse ---------------------------------------------------------

int g_misuse = 0;

void expect_invalid(PRL_RESULT rc, const char* what) {
    ++g_misuse;
    if (rc != PRL_ERR_INVALID_ARG) violation(std::string(what) + " -> " + describe(rc) + ", wanted PRL_ERR_INVALID_ARG");
}

void run_handle_misuse() {
    PRL_HANDLE e = error_event();
    REL_OK(PrlHandle_Free(e));
    expect_invalid(PrlHandle_Free(e), "double free");
    PRL_EVENT_TYPE t;
    expect_invalid(PrlEvent_GetType(e, &t), "use after free");
    expect_invalid(PrlHandle_AddRef(e), "AddRef after free");
    // Wrong types.
    PRL_HANDLE r = empty_result(), l = PRL_INVALID_HANDLE;
    REL_OK(PrlApi_CreateStringsList(&l));
    char buf[64];
    PRL_UINT32 len = sizeof buf;
    expect_invalid(PrlVmCfg_GetName(r, buf, &len), "PrlVmCfg_GetName on a result");
    expect_invalid(PrlEvent_GetType(l, &t), "PrlEvent_GetType on a string list");
    expect_invalid(PrlJob_Wait(C.s->server, 10), "PrlJob_Wait on a server");
    expect_invalid(PrlStrList_AddItem(r, "x"), "PrlStrList_AddItem on a result");
    expect_invalid(PrlSrv_RegEventHandler(l, nullptr, nullptr), "PrlSrv_RegEventHandler on a list");
    expect_invalid(wait_job(PrlSrv_GetVmList(l)), "PrlSrv_GetVmList on a list");
    PRL_UINT32 n = 0;
    expect_invalid(PrlResult_GetParamsCount(r, nullptr), "null out-pointer");
    REL_OK(PrlResult_GetParamsCount(r, &n));
    PrlHandle_Free(r);
    PrlHandle_Free(l);
    // Forged values.
    std::mt19937_64 rng(99);
    for (int i = 0; i < 100000; ++i) {
        PRL_HANDLE h = reinterpret_cast<PRL_HANDLE>(static_cast<uintptr_t>(rng()));
        PRL_HANDLE_TYPE ht;
        const PRL_RESULT rc = PrlHandle_GetType(h, &ht);
        ++g_misuse;
        if (rc != PRL_ERR_INVALID_ARG && rc != PRL_ERR_SUCCESS) violation("forged handle -> " + describe(rc));
    }
    // Concurrent free and use from two threads.
    std::atomic<int> bad{0};
    for (int round = 0; round < 2000; ++round) {
        PRL_HANDLE h = error_event();
        std::atomic<bool> go{false};
        std::thread user([&] {
            while (!go.load()) {}
            for (int k = 0; k < 50; ++k) {
                PRL_EVENT_TYPE et;
                const PRL_RESULT rc = PrlEvent_GetType(h, &et);
                PRL_UINT32 pc = 0;
                const PRL_RESULT rc2 = PrlEvent_GetParamsCount(h, &pc);
                if ((rc != PRL_ERR_SUCCESS && rc != PRL_ERR_INVALID_ARG) ||
                    (rc2 != PRL_ERR_SUCCESS && rc2 != PRL_ERR_INVALID_ARG))
                    ++bad;
            }
        });
        go = true;
        PrlHandle_Free(h);
        user.join();
        g_misuse += 101;
    }
    if (bad) violation("concurrent free and use gave codes other than SUCCESS/INVALID_ARG");
    std::printf("HOSTILE handle misuse calls: %d (double free, use after free, wrong types, 100000 forged values, "
                "2000 concurrent free/use races)\n", g_misuse);
}

// Handles from before PrlApi_Deinit: a separate Init/Deinit cycle.
void run_after_deinit() {
    PRL_HANDLE srv = PRL_INVALID_HANDLE, ev = PRL_INVALID_HANDLE;
    REL_OK(PrlApi_InitEx(PARALLELS_API_VER, PAM_SERVER, 0, 0));
    REL_OK(PrlSrv_Create(&srv));
    ev = error_event();
    PrlApi_Deinit();
    REL_OK(PrlApi_InitEx(PARALLELS_API_VER, PAM_SERVER, 0, 0));
    PRL_HANDLE_TYPE t;
    expect_invalid(PrlHandle_GetType(srv, &t), "server handle from before PrlApi_Deinit");
    expect_invalid(PrlHandle_GetType(ev, &t), "event handle from before PrlApi_Deinit");
    expect_invalid(PrlHandle_Free(srv), "free of a handle from before PrlApi_Deinit");
    expect_invalid(wait_job(PrlSrv_LoginLocal(srv, nullptr, 0, PSL_HIGH_SECURITY)), "login on a stale server");
    PrlApi_Deinit();
}

int body() {
    // Memory bounded: the whole run under RLIMIT_AS.
    const rlim_t as = static_cast<rlim_t>(2048) << 20;
    const rlimit rl{as, as};
    if (::setrlimit(RLIMIT_AS, &rl) != 0) die("setrlimit");
    if (::chdir(C.cwd.c_str()) != 0) die("chdir");
    run_after_deinit();
    {
        Session s;
        C.s = &s;
        REL_OK(PrlApi_SetLogPath((C.allowed / "api.log").c_str()));
        std::string image;
        s.make_vm("hostile-target", 1, C.vm_uuid, image);
        write_file(image, std::string(1 << 20, 'v'));
        REL_OK(s.backup(C.vm_uuid, PBT_FULL, "base"));
        check_quiet("setup");
        if (!g_only_bundle_escape) run_string_cases();
        run_xml_attacks();
        if (!g_only_bundle_escape) run_handle_misuse();
        check_quiet("end");
        C.s = nullptr;
    }
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    std::printf("HOSTILE peak RSS %ld MiB under RLIMIT_AS %lu MiB\n", ru.ru_maxrss / 1024,
                static_cast<unsigned long>(as >> 20));
    return C.violations ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--bundle-escape") g_bundle_escape = true;
        else if (a == "--only-bundle-escape") g_bundle_escape = g_only_bundle_escape = true;
        else die("usage: hostile_input [--bundle-escape | --only-bundle-escape]");
    }
    char tmpl[] = "/tmp/prlshim-hostile-XXXXXX";
    if (!::mkdtemp(tmpl)) die("mkdtemp");
    C.root = tmpl;
    C.home = C.root / "home";
    C.canary = C.root / "canary";
    C.cwd = C.root / "cwd";
    C.allowed = C.root / "allowed";
    C.hostile = C.root / "hostile";
    for (const auto& d : {C.home, C.canary, C.cwd, C.allowed, C.hostile}) fs::create_directories(d);
    write_file(C.canary / "secret", "CANARY-SECRET\n");
    fs::create_directories(C.canary / "sub");
    write_file(C.canary / "sub" / "config.pvs", "<VirtuozzoVirtualMachine/>");
    ::setenv("PRLSHIM_HOME", C.home.c_str(), 1);
    C.inotify = ::inotify_init1(IN_NONBLOCK);
    const uint32_t mask = IN_ACCESS | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_OPEN | IN_CREATE | IN_DELETE |
                          IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF;
    for (const auto& d : {C.canary, C.canary / "sub", C.cwd})
        if (::inotify_add_watch(C.inotify, d.c_str(), mask) < 0) die("inotify_add_watch");
    // The listener stands for "the network": nothing may connect to it.
    C.listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(C.listener, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(C.listener, 16) != 0) die("listen");
    socklen_t alen = sizeof a;
    ::getsockname(C.listener, reinterpret_cast<sockaddr*>(&a), &alen);
    C.port = ntohs(a.sin_port);
    // Files outside the state root before.
    auto outside = [&] {
        std::set<std::string> s;
        for (const auto& d : {C.canary, C.cwd})
            for (const auto& f : files_under(d)) s.insert(d.string() + "/" + f);
        return s;
    };
    const auto before = outside();
    {  // our own listing's events are not the library's
        char buf[8192];
        while (::read(C.inotify, buf, sizeof buf) > 0) {}
    }
    // The child does the work; the inotify fd and the listener are inherited.
    const int st = in_child(body);
    int bad = exited_ok(st) ? 0 : 1;
    if (WIFSIGNALED(st)) std::fprintf(stderr, "the hostile-input process died of signal %d\n", WTERMSIG(st));
    // Events the child left unread, and the listing after.
    C.violations = 0;
    check_quiet("after the run");
    bad += C.violations;
    if (outside() != before) {
        std::fprintf(stderr, "files changed in the canary or the working directory\n");
        ++bad;
    }
    if (read_file(C.canary / "secret") != "CANARY-SECRET\n") ++bad;
    fs::remove_all(C.root);
    std::printf("%s\n", bad ? "FAILED" : "PASSED");
    return bad ? 1 : 0;
}
