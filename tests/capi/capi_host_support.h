// Shared by the host configuration, statistics and licence tests: a logged-in
// session on a private state root, job helpers, and readers of /proc and /sys
// written independently of the library's, to check its figures against.
#pragma once

#include "capi.h"
#include "test_home.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace capi::host {

struct Session {
    prl::test::TestHome home;
    Api api;
    Handle server;
    Session() {
        REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
        Handle job(PrlSrv_LoginLocal(server, nullptr, 0, PSL_HIGH_SECURITY));
        REQUIRE_PRL_OK(PrlJob_Wait(job, 10000));
    }
};

// The job's own return code, once it has finished.
inline PRL_RESULT job_code(PRL_HANDLE job) {
    PrlJob_Wait(job, 60000);
    PRL_RESULT rc = PRL_ERR_UNEXPECTED;
    REQUIRE_PRL_OK(PrlJob_GetRetCode(job, &rc));
    return rc;
}

// The first parameter of a job that must succeed.
inline Handle job_param(PRL_HANDLE job_handle) {
    Handle job(job_handle);
    REQUIRE_PRL(job_code(job), PRL_ERR_SUCCESS);
    Handle result, param;
    REQUIRE_PRL_OK(PrlJob_GetResult(job, result.out()));
    REQUIRE_PRL_OK(PrlResult_GetParam(result, param.out()));
    return param;
}

inline PRL_HANDLE_TYPE type_of(PRL_HANDLE h) {
    PRL_HANDLE_TYPE t = PHT_ERROR;
    REQUIRE_PRL_OK(PrlHandle_GetType(h, &t));
    return t;
}

template <class Getter>
std::string text(Getter getter, PRL_HANDLE h) {
    return get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return getter(h, b, l); });
}

inline std::string file_line(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::string l;
    std::getline(in, l);
    return l;
}

inline std::vector<std::string> dir(const std::filesystem::path& p) {
    std::vector<std::string> out;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec))
        out.push_back(it->path().filename().string());
    return out;
}

// "Key:   123 kB" of /proc/meminfo, in KiB.
inline unsigned long long meminfo_kib(const std::string& key) {
    std::ifstream in("/proc/meminfo");
    for (std::string k; in >> k;) {
        unsigned long long v = 0;
        in >> v;
        if (k == key + ":") return v;
        in.ignore(1024, '\n');
    }
    return 0;
}

// Block devices backed by hardware, as a person would list them: not sr*/fd*.
inline std::set<std::string> hardware_disks() {
    std::set<std::string> out;
    for (const auto& n : dir("/sys/block"))
        if (std::filesystem::exists(std::filesystem::path("/sys/block") / n / "device") && n.rfind("sr", 0) != 0 &&
            n.rfind("fd", 0) != 0)
            out.insert(n);
    return out;
}

}  // namespace capi::host
