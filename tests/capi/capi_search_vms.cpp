// PrlSrv_StartSearchVms and PrlFoundVmInfo_*: unregistered bundles found on disk.
#include "session_fixture.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

using capi::Handle;
namespace fs = std::filesystem;

namespace {

struct Seen {
    std::mutex mutex;
    std::vector<std::string> names;  // from the events' vm_search_info
};

PRL_RESULT on_event(PRL_HANDLE h, PRL_VOID_PTR data) {
    Handle ev(h);
    PRL_HANDLE_TYPE ht = PHT_ERROR;
    if (PRL_FAILED(PrlHandle_GetType(ev, &ht)) || ht != PHT_EVENT) return PRL_ERR_SUCCESS;
    PRL_EVENT_TYPE type = PET_DSP_EVT_VM_STARTED;
    PrlEvent_GetType(ev, &type);
    if (type != PET_DSP_EVT_FOUND_LOST_VM_CONFIG) return PRL_ERR_SUCCESS;
    Handle param, info;
    if (PRL_FAILED(PrlEvent_GetParamByName(ev, "vm_search_info", param.out()))) return PRL_ERR_SUCCESS;
    if (PRL_FAILED(PrlEvtPrm_ToHandle(param, info.out()))) return PRL_ERR_SUCCESS;
    char buf[256];
    PRL_UINT32 len = sizeof buf;
    if (PRL_FAILED(PrlFoundVmInfo_GetName(info, buf, &len))) return PRL_ERR_SUCCESS;
    auto* seen = static_cast<Seen*>(data);
    std::lock_guard<std::mutex> lock(seen->mutex);
    seen->names.emplace_back(buf);
    return PRL_ERR_SUCCESS;
}

void write_bundle(PRL_HANDLE server, const fs::path& bundle, const char* name, bool tmpl) {
    Handle vm;
    REQUIRE_PRL_OK(PrlSrv_CreateVm(server, vm.out()));
    REQUIRE_PRL_OK(PrlVmCfg_SetName(vm, name));
    REQUIRE_PRL_OK(PrlVmCfg_SetOsVersion(vm, PVS_GUEST_VER_LIN_UBUNTU));
    if (tmpl) REQUIRE_PRL_OK(PrlVmCfg_SetTemplateSign(vm, PRL_TRUE));
    PRL_VOID_PTR text = nullptr;
    REQUIRE_PRL_OK(PrlVm_ToString(vm, &text));
    fs::create_directories(bundle);
    std::ofstream(bundle / "config.pvs") << static_cast<const char*>(text);
    REQUIRE_PRL_OK(PrlBuffer_Free(text));
}

Handle strings(const std::vector<std::string>& items) {
    Handle list;
    REQUIRE_PRL_OK(PrlApi_CreateStringsList(list.out()));
    for (const auto& s : items) REQUIRE_PRL_OK(PrlStrList_AddItem(list, s.c_str()));
    return list;
}

}  // namespace

TEST_CASE("PrlSrv_StartSearchVms finds unregistered bundles, as events and in the result", "[search_vms]") {
    capi::Session s;
    prl::test::TempDir area;
    const fs::path root = area.path() / "search";
    write_bundle(s.server, root / "lost.pvm", "lost-vm", false);
    write_bundle(s.server, root / "deeper" / "tree" / "tmpl.pvm", "lost-template", true);
    fs::create_directories(root / "junk");
    std::ofstream(root / "junk" / "broken.pvs") << "<not a configuration";
    std::ofstream(root / "junk" / "notes.txt") << "nothing";

    // A registered VM inside the searched tree is not lost.
    Handle reg;
    REQUIRE_PRL_OK(PrlSrv_CreateVm(s.server, reg.out()));
    REQUIRE_PRL_OK(PrlVmCfg_SetName(reg, "registered"));
    REQUIRE_PRL_OK(capi::job_code(PrlVm_Reg(reg, root.c_str(), PRL_TRUE)));

    Seen seen;
    REQUIRE_PRL_OK(PrlSrv_RegEventHandler(s.server, on_event, &seen));
    Handle result = capi::job_result(PrlSrv_StartSearchVms(s.server, strings({root.string()})));
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlResult_GetParamsCount(result, &n));
    REQUIRE(n == 2);
    std::vector<std::string> names;
    for (PRL_UINT32 i = 0; i < n; ++i) {
        Handle info;
        REQUIRE_PRL_OK(PrlResult_GetParamByIndex(result, i, info.out()));
        PRL_HANDLE_TYPE type = PHT_ERROR;
        REQUIRE_PRL_OK(PrlHandle_GetType(info, &type));
        REQUIRE(type == PHT_FOUND_VM_INFO);
        const std::string name = capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlFoundVmInfo_GetName(info, b, l); });
        const std::string path = capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlFoundVmInfo_GetConfigPath(info, b, l); });
        PRL_BOOL old = PRL_TRUE, tmpl = PRL_FALSE;
        PRL_UINT32 os = 0;
        REQUIRE_PRL_OK(PrlFoundVmInfo_IsOldConfig(info, &old));
        REQUIRE_PRL_OK(PrlFoundVmInfo_IsTemplate(info, &tmpl));
        REQUIRE_PRL_OK(PrlFoundVmInfo_GetOSVersion(info, &os));
        CHECK(old == PRL_FALSE);
        CHECK(os == PVS_GUEST_VER_LIN_UBUNTU);
        if (name == "lost-vm") {
            CHECK(path == (root / "lost.pvm" / "config.pvs").string());
            CHECK(tmpl == PRL_FALSE);
        } else {
            CHECK(name == "lost-template");
            CHECK(path == (root / "deeper" / "tree" / "tmpl.pvm" / "config.pvs").string());
            CHECK(tmpl == PRL_TRUE);
        }
        names.push_back(name);
        REQUIRE_PRL(PrlFoundVmInfo_GetName(info, nullptr, nullptr), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlFoundVmInfo_IsTemplate(info, nullptr), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlFoundVmInfo_GetOSVersion(result, &os), PRL_ERR_INVALID_ARG);
    }
    CHECK(names.size() == 2);
    // Events are delivered before the job's end is.
    for (int i = 0; i < 200; ++i) {
        {
            std::lock_guard<std::mutex> lock(seen.mutex);
            if (seen.names.size() >= 2) break;
        }
        usleep(10000);
    }
    {
        std::lock_guard<std::mutex> lock(seen.mutex);
        CHECK(seen.names.size() == 2);
    }
    REQUIRE_PRL_OK(PrlSrv_UnregEventHandler(s.server, on_event, &seen));

    // Once registered, a bundle is no longer lost.
    REQUIRE_PRL_OK(capi::job_code(PrlSrv_RegisterVm(s.server, (root / "lost.pvm").c_str(), PRL_TRUE)));
    Handle again = capi::job_result(PrlSrv_StartSearchVms(s.server, strings({root.string()})));
    REQUIRE_PRL_OK(PrlResult_GetParamsCount(again, &n));
    CHECK(n == 1);
    // A directory that does not exist finds nothing.
    Handle none = capi::job_result(PrlSrv_StartSearchVms(s.server, strings({(root / "absent").string()})));
    REQUIRE_PRL_OK(PrlResult_GetParamsCount(none, &n));
    CHECK(n == 0);
    // No list: the default VM folder, where only registered VMs live.
    Handle defaults = capi::job_result(PrlSrv_StartSearchVms(s.server, PRL_INVALID_HANDLE));
    REQUIRE_PRL_OK(PrlResult_GetParamsCount(defaults, &n));
    CHECK(n == 0);
}

TEST_CASE("PrlSrv_StartSearchVms: argument checks", "[search_vms]") {
    capi::Session s;
    CHECK(capi::job_code(PrlSrv_StartSearchVms(s.server, s.server)) == PRL_ERR_INVALID_ARG);
    CHECK(capi::job_code(PrlSrv_StartSearchVms(capi::forged_handle(), PRL_INVALID_HANDLE)) == PRL_ERR_INVALID_ARG);
    // A path the list itself refuses never reaches the search.
    auto refused = [&](const std::string& item) {
        Handle list;
        REQUIRE_PRL_OK(PrlApi_CreateStringsList(list.out()));
        if (PRL_FAILED(PrlStrList_AddItem(list, item.c_str()))) return true;
        return capi::job_code(PrlSrv_StartSearchVms(s.server, list)) == PRL_ERR_INVALID_ARG;
    };
    CHECK(refused("relative/dir"));
    CHECK(refused(""));
    CHECK(refused("/tmp/\xff\xfe"));
    CHECK(refused("/tmp/a\nb"));
    CHECK(refused("/" + std::string(5000, 'a')));
    Handle info;
    PRL_BOOL b;
    REQUIRE_PRL(PrlFoundVmInfo_IsOldConfig(s.server, &b), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlFoundVmInfo_GetConfigPath(capi::forged_handle(), nullptr, nullptr), PRL_ERR_INVALID_ARG);
}
