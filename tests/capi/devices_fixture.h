// A logged-in session on a private state root, for device tests that
// register a VM, commit edits and read them back (from the service and from
// config.pvs on disk).
#pragma once

#include "capi.h"
#include "test_home.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace capi {

inline void wait_ok(PRL_HANDLE job_handle) {
    Handle job(job_handle);
    REQUIRE_PRL_OK(PrlJob_Wait(job, 60000));
    PRL_RESULT rc = PRL_ERR_FAILURE;
    REQUIRE_PRL_OK(PrlJob_GetRetCode(job, &rc));
    REQUIRE_PRL_OK(rc);
}

// The job's own result code.
inline PRL_RESULT job_code(PRL_HANDLE job_handle) {
    Handle job(job_handle);
    PrlJob_Wait(job, 60000);
    PRL_RESULT rc = PRL_ERR_FAILURE;
    REQUIRE_PRL_OK(PrlJob_GetRetCode(job, &rc));
    return rc;
}

class DevSession {
public:
    DevSession() {
        REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
        wait_ok(PrlSrv_LoginLocal(server, nullptr, 0, PSL_HIGH_SECURITY));
    }
    ~DevSession() {
        Handle job(PrlSrv_Logoff(server));
        PrlJob_Wait(job, 60000);
    }

    // A new VM (not registered) named `name`.
    Handle new_vm(const char* name = "dev-test") {
        Handle vm;
        REQUIRE_PRL_OK(PrlSrv_CreateVm(server, vm.out()));
        REQUIRE_PRL_OK(PrlVmCfg_SetName(vm, name));
        return vm;
    }
    void reg(PRL_HANDLE vm) { wait_ok(PrlVm_Reg(vm, "", PRL_TRUE)); }
    void commit(PRL_HANDLE vm) {
        wait_ok(PrlVm_BeginEdit(vm));
        wait_ok(PrlVm_Commit(vm));
    }
    // The VM as the service has it now (a new object).
    Handle reload(PRL_HANDLE vm) {
        const std::string uuid = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetUuid(vm, b, l); });
        Handle job(PrlSrv_GetVmConfig(server, uuid.c_str(), PGVC_SEARCH_BY_UUID));
        REQUIRE_PRL_OK(PrlJob_Wait(job, 60000));
        PRL_RESULT rc = PRL_ERR_FAILURE;
        REQUIRE_PRL_OK(PrlJob_GetRetCode(job, &rc));
        REQUIRE_PRL_OK(rc);
        Handle result, again;
        REQUIRE_PRL_OK(PrlJob_GetResult(job, result.out()));
        REQUIRE_PRL_OK(PrlResult_GetParam(result, again.out()));
        return again;
    }
    // config.pvs of a registered VM, as text.
    static std::string config_text(PRL_HANDLE vm) {
        const std::string path =
            get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetHomePath(vm, b, l); });
        std::ifstream in(path);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    static std::string bundle_dir(PRL_HANDLE vm) {
        std::string path = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetHomePath(vm, b, l); });
        return path.substr(0, path.rfind('/'));
    }

    prl::test::TestHome home;
    Api api;
    Handle server;
};

inline std::vector<std::string> strings_of(PRL_HANDLE list) {
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlStrList_GetItemsCount(list, &n));
    std::vector<std::string> out;
    for (PRL_UINT32 i = 0; i < n; ++i)
        out.push_back(get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlStrList_GetItem(list, i, b, l); }));
    return out;
}

inline Handle strings_list(const std::vector<std::string>& items) {
    Handle list;
    REQUIRE_PRL_OK(PrlApi_CreateStringsList(list.out()));
    for (const auto& s : items) REQUIRE_PRL_OK(PrlStrList_AddItem(list, s.c_str()));
    return list;
}

}  // namespace capi
