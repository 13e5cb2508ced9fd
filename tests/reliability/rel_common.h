// Shared helpers of the reliability drivers (tests/reliability): public C API
// only (<Virtuozzo.h>, libprl_sdk), plus libxml2 to read the backup tree.
// No Catch2: each driver is a plain program that prints its figures and
// exits non-zero when an invariant breaks, so it can run in forked children.
#pragma once

#include <Virtuozzo.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <poll.h>
#include <random>
#include <signal.h>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace rel {

namespace fs = std::filesystem;

inline std::string hex(PRL_RESULT rc) {
    char b[16];
    std::snprintf(b, sizeof b, "0x%08X", static_cast<unsigned>(rc));
    return b;
}

inline std::string describe(PRL_RESULT rc) {
    char text[512];
    PRL_UINT32 len = sizeof text;
    if (PRL_FAILED(PrlApi_GetResultDescription(rc, PRL_FALSE, PRL_FALSE, text, &len))) return hex(rc);
    return hex(rc) + " " + text;
}

[[noreturn]] inline void die(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    std::fprintf(stderr, "FATAL: ");
    std::vfprintf(stderr, fmt, ap);
    std::fprintf(stderr, "\n");
    va_end(ap);
    std::fflush(stderr);
    ::_exit(90);
}

#define REL_OK(expr)                                                                          \
    do {                                                                                      \
        const PRL_RESULT rel_rc_ = (expr);                                                    \
        if (PRL_FAILED(rel_rc_)) rel::die("%s:%d %s -> %s", __FILE__, __LINE__, #expr,         \
                                          rel::describe(rel_rc_).c_str());                    \
    } while (0)

// Waits for a job; returns its code; hands back its result when asked.
inline PRL_RESULT wait_job(PRL_HANDLE job, PRL_HANDLE* result = nullptr, PRL_UINT32 timeout_ms = 120000) {
    if (job == PRL_INVALID_HANDLE) return PRL_ERR_OUT_OF_MEMORY;
    // PrlJob_Wait tells only whether the job finished; its own code is GetRetCode's.
    PRL_RESULT rc = PrlJob_Wait(job, timeout_ms);
    if (PRL_SUCCEEDED(rc)) {
        PRL_RESULT code = PRL_ERR_UNINITIALIZED;
        rc = PrlJob_GetRetCode(job, &code);
        if (PRL_SUCCEEDED(rc)) rc = code;
    }
    if (result) {
        *result = PRL_INVALID_HANDLE;
        if (PRL_SUCCEEDED(rc)) PrlJob_GetResult(job, result);
    }
    PrlHandle_Free(job);
    return rc;
}

template <class F> std::string get_string(F&& getter) {
    PRL_UINT32 len = 0;
    if (PRL_FAILED(getter(nullptr, &len)) || len == 0) return {};
    std::string s(len, '\0');
    if (PRL_FAILED(getter(&s[0], &len))) return {};
    s.resize(len - 1);
    return s;
}

// In one read of the file's size (a stream copy is slow on disk images).
inline std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary | std::ios::ate);
    if (!in) return {};
    std::string s(static_cast<size_t>(in.tellg()), '\0');
    in.seekg(0);
    in.read(&s[0], static_cast<std::streamsize>(s.size()));
    s.resize(static_cast<size_t>(in.gcount()));
    return s;
}

inline void write_file(const fs::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Overwrites `count` random 4 KiB blocks of the file (keeps its size).
inline void change_blocks(const fs::path& p, std::mt19937_64& rng, int count) {
    const auto size = fs::file_size(p);
    const int fd = ::open(p.c_str(), O_WRONLY);
    if (fd < 0) die("open %s", p.c_str());
    char block[4096];
    for (int i = 0; i < count; ++i) {
        for (auto& c : block) c = static_cast<char>(rng());
        if (rng() % 5 == 0) std::memset(block, 0, sizeof block);  // some blocks become zero
        const off_t at = static_cast<off_t>((rng() % (size / 4096)) * 4096);
        if (::pwrite(fd, block, sizeof block, at) != static_cast<ssize_t>(sizeof block)) die("pwrite");
    }
    ::close(fd);
}

// Every regular file below `dir`, relative.
inline std::vector<std::string> files_under(const fs::path& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    if (!fs::exists(dir, ec)) return out;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec))
        if (it->is_regular_file(ec)) out.push_back(fs::relative(it->path(), dir, ec).string());
    return out;
}

// One element of the backup tree.
struct TreeElement {
    std::string vm_uuid, id, description;
};

inline std::string child_text(xmlNodePtr n, const char* name) {
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !std::strcmp(reinterpret_cast<const char*>(c->name), name)) {
            xmlChar* t = xmlNodeGetContent(c);
            std::string s = t ? reinterpret_cast<const char*>(t) : "";
            xmlFree(t);
            return s;
        }
    return {};
}

inline bool parse_tree(const std::string& xml, std::vector<TreeElement>& out) {
    xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "tree.xml", nullptr,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) return false;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    for (xmlNodePtr vm = root ? root->children : nullptr; vm; vm = vm->next) {
        if (vm->type != XML_ELEMENT_NODE) continue;
        const std::string vm_uuid = child_text(vm, "Uuid");
        for (xmlNodePtr b = vm->children; b; b = b->next) {
            if (b->type != XML_ELEMENT_NODE || std::strcmp(reinterpret_cast<const char*>(b->name), "BackupItem")) continue;
            out.push_back({vm_uuid, child_text(b, "Id"), child_text(b, "Description")});
            for (xmlNodePtr p = b->children; p; p = p->next)
                if (p->type == XML_ELEMENT_NODE && !std::strcmp(reinterpret_cast<const char*>(p->name), "PartialBackupItem"))
                    out.push_back({vm_uuid, child_text(p, "Id"), child_text(p, "Description")});
        }
    }
    xmlFreeDoc(doc);
    return true;
}

// A logged-in session (in this process).
struct Session {
    PRL_HANDLE server = PRL_INVALID_HANDLE;
    Session() {
        REL_OK(PrlApi_InitEx(PARALLELS_API_VER, PAM_SERVER, 0, 0));
        REL_OK(PrlSrv_Create(&server));
        REL_OK(wait_job(PrlSrv_LoginLocal(server, nullptr, 0, PSL_HIGH_SECURITY)));
    }
    ~Session() {
        wait_job(PrlSrv_Logoff(server));
        PrlHandle_Free(server);
        PrlApi_Deinit();
    }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Creates and registers a VM with one disk of `mib` MiB; returns its uuid and image path.
    void make_vm(const std::string& name, unsigned mib, std::string& uuid, std::string& image) {
        PRL_HANDLE result = PRL_INVALID_HANDLE, srv_cfg = PRL_INVALID_HANDLE, vm = PRL_INVALID_HANDLE,
                   disk = PRL_INVALID_HANDLE, hd = PRL_INVALID_HANDLE;
        REL_OK(wait_job(PrlSrv_GetSrvConfig(server), &result));
        REL_OK(PrlResult_GetParam(result, &srv_cfg));
        REL_OK(PrlSrv_CreateVm(server, &vm));
        REL_OK(PrlVmCfg_SetDefaultConfig(vm, srv_cfg, PVS_GUEST_VER_LIN_OTHER, PRL_FALSE));
        REL_OK(PrlVmCfg_SetName(vm, name.c_str()));
        REL_OK(PrlVmCfg_CreateVmDev(vm, PDE_HARD_DISK, &disk));
        REL_OK(PrlVmDevHd_SetDiskSize(disk, mib));
        REL_OK(PrlVmDev_SetImagePath(disk, "disk0.hdd"));
        REL_OK(wait_job(PrlVm_Reg(vm, "", PRL_TRUE)));
        uuid = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetUuid(vm, b, l); });
        REL_OK(PrlVmCfg_GetHardDisk(vm, 0, &hd));
        image = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDev_GetImagePath(hd, b, l); });
        for (PRL_HANDLE h : {result, srv_cfg, vm, disk, hd}) PrlHandle_Free(h);
    }

    PRL_RESULT backup(const std::string& uuid, PRL_UINT32 flags, const std::string& desc, const char* dir = nullptr) {
        if (dir) {
            PRL_BACKUP_PARAM extra{dir};
            return wait_job(PrlSrv_CreateVmBackupEx(server, uuid.c_str(), "", 0, "", desc.c_str(), flags, 0, PRL_FALSE,
                                                    &extra));
        }
        return wait_job(PrlSrv_CreateVmBackup(server, uuid.c_str(), "", 0, "", desc.c_str(), flags, 0, PRL_FALSE));
    }

    PRL_RESULT tree(std::vector<TreeElement>& out, const char* dir = nullptr) {
        PRL_HANDLE result = PRL_INVALID_HANDLE;
        PRL_BACKUP_PARAM extra{dir ? dir : ""};
        PRL_RESULT rc = dir ? wait_job(PrlSrv_GetBackupTreeEx(server, "", "", 0, "", PBT_VM, 0, PRL_FALSE, &extra), &result)
                            : wait_job(PrlSrv_GetBackupTree(server, "", "", 0, "", PBT_VM, 0, PRL_FALSE), &result);
        if (PRL_FAILED(rc)) return rc;
        const std::string xml = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlResult_GetParamAsString(result, b, l); });
        PrlHandle_Free(result);
        if (!parse_tree(xml, out)) die("backup tree is not well formed: %s", xml.c_str());
        return rc;
    }

    PRL_RESULT remove(const std::string& uuid, const std::string& id, bool keep_chain, const char* dir = nullptr) {
        const PRL_UINT32 flags = keep_chain ? PBT_KEEP_CHAIN : 0;
        if (dir) {
            PRL_BACKUP_PARAM extra{dir};
            return wait_job(PrlSrv_RemoveVmBackupEx(server, uuid.c_str(), id.c_str(), "", 0, "", flags, 0, PRL_FALSE, &extra));
        }
        return wait_job(PrlSrv_RemoveVmBackup(server, uuid.c_str(), id.c_str(), "", 0, "", flags, 0, PRL_FALSE));
    }

    PRL_RESULT restore_over(const std::string& uuid, const std::string& id) {
        return wait_job(PrlSrv_RestoreVmBackup(server, uuid.c_str(), id.c_str(), "", 0, "", "", "", 0, 0, PRL_FALSE));
    }

    PRL_RESULT restore_copy(const std::string& uuid, const std::string& id, const std::string& name,
                            const char* dir = nullptr) {
        if (dir) {
            PRL_BACKUP_PARAM extra{dir};
            return wait_job(PrlSrv_RestoreVmBackupEx(server, uuid.c_str(), id.c_str(), "", 0, "", "", name.c_str(),
                                                     PBT_RESTORE_TO_COPY, 0, PRL_FALSE, &extra));
        }
        return wait_job(PrlSrv_RestoreVmBackup(server, uuid.c_str(), id.c_str(), "", 0, "", "", name.c_str(),
                                               PBT_RESTORE_TO_COPY, 0, PRL_FALSE));
    }

    // Registered VMs: name -> (uuid, first disk image path).
    struct VmInfo {
        std::string name, uuid, image;
        PRL_HANDLE handle;
    };
    std::vector<VmInfo> vms() {
        std::vector<VmInfo> out;
        PRL_HANDLE result = PRL_INVALID_HANDLE;
        REL_OK(wait_job(PrlSrv_GetVmList(server), &result));
        PRL_UINT32 n = 0;
        REL_OK(PrlResult_GetParamsCount(result, &n));
        for (PRL_UINT32 i = 0; i < n; ++i) {
            PRL_HANDLE vm = PRL_INVALID_HANDLE, hd = PRL_INVALID_HANDLE;
            REL_OK(PrlResult_GetParamByIndex(result, i, &vm));
            VmInfo v;
            v.name = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetName(vm, b, l); });
            v.uuid = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetUuid(vm, b, l); });
            if (PRL_SUCCEEDED(PrlVmCfg_GetHardDisk(vm, 0, &hd))) {
                v.image = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDev_GetImagePath(hd, b, l); });
                PrlHandle_Free(hd);
            }
            v.handle = vm;
            out.push_back(v);
        }
        PrlHandle_Free(result);
        return out;
    }
    static void free_vms(std::vector<VmInfo>& v) {
        for (auto& x : v) PrlHandle_Free(x.handle);
        v.clear();
    }
    PRL_RESULT delete_vm(PRL_HANDLE vm) { return wait_job(PrlVm_Delete(vm, PRL_INVALID_HANDLE)); }
};

// Runs fn in a forked child; returns its wait status.
inline int in_child(const std::function<int()>& fn) {
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        int code = 99;
        try {
            code = fn();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "child exception: %s\n", e.what());
        }
        std::fflush(nullptr);
        ::_exit(code);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return status;
}

inline bool exited_ok(int status) { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }

inline double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Reads a line the child wrote.
inline bool read_all(int fd, void* buf, size_t n) {
    auto* p = static_cast<char*>(buf);
    while (n) {
        const ssize_t r = ::read(fd, p, n);
        if (r <= 0) return false;
        p += r;
        n -= static_cast<size_t>(r);
    }
    return true;
}

// Runs `op` in a child and kills it `delay` seconds after it says it starts.
// Returns true when it was killed before finishing; `took` gets the
// operation's own duration when it finished.
inline bool run_killed(const std::function<PRL_RESULT(Session&)>& op, double delay, double& took, PRL_RESULT& rc_out) {
    int fds[2];
    if (::pipe(fds) != 0) die("pipe");
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        ::close(fds[0]);
        Session s;
        const char ready = 'R';
        if (::write(fds[1], &ready, 1) != 1) ::_exit(91);
        const double t0 = now_s();
        const PRL_RESULT rc = op(s);
        const double dt = now_s() - t0;
        const struct { double dt; PRL_RESULT rc; } done{dt, rc};  // one write: atomic on a pipe
        if (::write(fds[1], &done, sizeof done) != sizeof done) ::_exit(92);
        ::_exit(0);  // no teardown: the result is already reported
    }
    ::close(fds[1]);
    char ready = 0;
    if (!read_all(fds[0], &ready, 1)) die("child did not start");
    // Wait for the delay, or until the child reports it finished.
    const double until = now_s() + delay;
    for (;;) {
        const double left = until - now_s();
        if (left <= 0) break;
        pollfd pf{fds[0], POLLIN, 0};
        timespec ts{static_cast<time_t>(left), static_cast<long>((left - static_cast<time_t>(left)) * 1e9)};
        const int r = ::ppoll(&pf, 1, &ts, nullptr);
        if (r > 0) break;  // finished (or died): nothing left to kill
        if (r < 0 && errno != EINTR) die("ppoll");
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    struct { double dt; PRL_RESULT rc; } done{};
    const bool finished = read_all(fds[0], &done, sizeof done);
    ::close(fds[0]);
    if (finished) {
        took = done.dt;
        rc_out = done.rc;
    }
    return !finished;
}

}  // namespace rel
