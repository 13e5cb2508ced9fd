// Feature matrix, free disk space, shutdown, restrictions, confirmation mode,
// proxy, vcmmd policy, CT templates and plugins, offline services.
#include "session_fixture.h"

#include <fstream>
#include <string>

#include <sys/statvfs.h>

using capi::Handle;

TEST_CASE("PrlSrv_IsFeatureSupported: the embedded service's honest matrix", "[srv_misc]") {
    capi::Session s;
    PRL_BOOL b = PRL_FALSE;
    REQUIRE_PRL_OK(PrlSrv_IsFeatureSupported(s.server, PFSM_DEFAULT_PLAINDISK_ALLOWED, &b));
    CHECK(b == PRL_TRUE);
    REQUIRE_PRL_OK(PrlSrv_IsFeatureSupported(s.server, PFSM_RAM_HOTPLUG_SUPPORT, &b));
    CHECK(b == PRL_FALSE);
    REQUIRE_PRL_OK(PrlSrv_IsFeatureSupported(s.server, static_cast<PRL_FEATURES_MATRIX>(9999), &b));
    CHECK(b == PRL_FALSE);
    REQUIRE_PRL(PrlSrv_IsFeatureSupported(s.server, PFSM_IPV6_SUPPORT, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrv_IsFeatureSupported(capi::forged_handle(), PFSM_IPV6_SUPPORT, &b), PRL_ERR_INVALID_ARG);
    Handle offline;
    REQUIRE_PRL_OK(PrlSrv_Create(offline.out()));
    REQUIRE_PRL_OK(PrlSrv_IsFeatureSupported(offline, PFSM_DEFAULT_PLAINDISK_ALLOWED, &b));
    CHECK(b == PRL_FALSE);  // no login, no matrix
}

TEST_CASE("PrlSrv_GetDiskFreeSpace answers statvfs and the product's codes", "[srv_misc]") {
    capi::Session s;
    const std::string home = s.home.path().string();
    Handle result = capi::job_result(PrlSrv_GetDiskFreeSpace(s.server, home.c_str(), 0));
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlResult_GetParamsCount(result, &n));
    REQUIRE(n == 2);
    const std::string avail = capi::get_string(
        [&](PRL_STR b, PRL_UINT32_PTR l) { return PrlResult_GetParamByIndexAsString(result, 0, b, l); });
    struct statvfs st {};
    REQUIRE(::statvfs(home.c_str(), &st) == 0);
    const double expected = double(st.f_bavail) * double(st.f_frsize);
    CHECK(std::stod(avail) == Approx(expected).epsilon(0.05));
    CHECK(capi::job_code(PrlSrv_GetDiskFreeSpace(s.server, (home + "/missing").c_str(), 0)) == PRL_ERR_INCORRECT_PATH);
    CHECK(capi::job_code(PrlSrv_GetDiskFreeSpace(s.server, "relative", 0)) == PRL_ERR_INCORRECT_PATH);
    CHECK(capi::job_code(PrlSrv_GetDiskFreeSpace(s.server, nullptr, 0)) == PRL_ERR_INVALID_ARG);
    CHECK(capi::job_code(PrlSrv_GetDiskFreeSpace(s.server, "/\xc0\x80", 0)) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("restrictions, proxy and confirmation mode", "[srv_misc]") {
    capi::Session s;
    PRL_BOOL b = PRL_TRUE;
    REQUIRE_PRL_OK(PrlSrv_HasRestriction(s.server, PLRK_VM_CPU_LIMIT, &b));
    CHECK(b == PRL_FALSE);
    Handle param;
    REQUIRE_PRL(PrlSrv_GetRestrictionInfo(s.server, PLRK_VM_CPU_LIMIT, param.out()), PRL_ERR_NO_DATA);
    REQUIRE_PRL(PrlSrv_HasRestriction(s.server, PLRK_VM_CPU_LIMIT, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlSrv_IsProxyConnection(s.server, &b));
    CHECK(b == PRL_FALSE);
    REQUIRE_PRL(PrlSrv_IsProxyConnection(s.server, nullptr), PRL_ERR_INVALID_ARG);

    REQUIRE_PRL_OK(PrlSrv_IsConfirmationModeEnabled(s.server, &b));
    CHECK(b == PRL_FALSE);
    REQUIRE_PRL_OK(capi::job_code(PrlSrv_EnableConfirmationMode(s.server, 0)));
    REQUIRE_PRL_OK(PrlSrv_IsConfirmationModeEnabled(s.server, &b));
    CHECK(b == PRL_TRUE);
    {  // kept in the state root: another session sees it
        Handle other;
        REQUIRE_PRL_OK(PrlSrv_Create(other.out()));
        REQUIRE_PRL_OK(capi::job_code(PrlSrv_LoginLocal(other, nullptr, 0, PSL_HIGH_SECURITY)));
        REQUIRE_PRL_OK(PrlSrv_IsConfirmationModeEnabled(other, &b));
        CHECK(b == PRL_TRUE);
        capi::job_code(PrlSrv_Logoff(other));
    }
    CHECK(capi::job_code(PrlSrv_DisableConfirmationMode(s.server, nullptr, "", 0)) == PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(capi::job_code(PrlSrv_DisableConfirmationMode(s.server, "root", "", 0)));
    REQUIRE_PRL_OK(PrlSrv_IsConfirmationModeEnabled(s.server, &b));
    CHECK(b == PRL_FALSE);
}

TEST_CASE("vcmmd policy: read, set (density|performance), kept in the state root", "[srv_misc]") {
    capi::Session s;
    auto policy = [&](PRL_UINT32 flags) {
        Handle cfg = capi::job_param(PrlSrv_GetVcmmdConfig(s.server, flags));
        return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVcmmdConfig_GetPolicy(cfg, b, l); });
    };
    CHECK(policy(0) == "performance");
    CHECK(policy(VCMMD_COMMAND_RUNTIME) == "performance");
    Handle cfg = capi::job_param(PrlSrv_GetVcmmdConfig(s.server, 0));
    REQUIRE_PRL_OK(PrlVcmmdConfig_SetPolicy(cfg, "density"));
    REQUIRE_PRL_OK(capi::job_code(PrlSrv_SetVcmmdConfig(s.server, cfg, 0)));
    CHECK(policy(0) == "density");
    std::ifstream in(s.home.path() / "vcmmd.xml");
    std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(xml.find("<Policy>density</Policy>") != std::string::npos);
    REQUIRE_PRL_OK(PrlVcmmdConfig_SetPolicy(cfg, "bogus"));
    CHECK(capi::job_code(PrlSrv_SetVcmmdConfig(s.server, cfg, 0)) == PRL_ERR_INVALID_ARG);
    CHECK(policy(0) == "density");
    REQUIRE_PRL(PrlVcmmdConfig_SetPolicy(cfg, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVcmmdConfig_SetPolicy(cfg, "a\nb"), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVcmmdConfig_SetPolicy(s.server, "density"), PRL_ERR_INVALID_ARG);
    CHECK(capi::job_code(PrlSrv_SetVcmmdConfig(s.server, s.server, 0)) == PRL_ERR_INVALID_ARG);
    PRL_UINT32 len = 0;
    REQUIRE_PRL(PrlVcmmdConfig_GetPolicy(cfg, nullptr, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlVcmmdConfig_GetPolicy(cfg, nullptr, &len));
    CHECK(len == 6);  // "bogus" and its NUL: the handle keeps what was set
}

TEST_CASE("CT templates and plugins: none installed", "[srv_misc]") {
    capi::Session s;
    Handle list = capi::job_result(PrlSrv_GetCtTemplateList(s.server, 0));
    PRL_UINT32 n = 1;
    REQUIRE_PRL_OK(PrlResult_GetParamsCount(list, &n));
    CHECK(n == 0);
    CHECK(capi::job_code(PrlSrv_RemoveCtTemplate(s.server, "centos-7-x86_64", nullptr, 0)) == PRL_ERR_TEMPLATE_NOT_FOUND);
    CHECK(capi::job_code(PrlSrv_RemoveCtTemplate(s.server, nullptr, nullptr, 0)) == PRL_ERR_INVALID_ARG);
    CHECK(capi::job_code(PrlSrv_CopyCtTemplate(s.server, "t", nullptr, "localhost", 0, "", 0, 0)) ==
          PRL_ERR_TEMPLATE_NOT_FOUND);
    Handle plugins = capi::job_result(PrlSrv_GetPluginsList(s.server, nullptr, 0));
    REQUIRE_PRL_OK(PrlResult_GetParamsCount(plugins, &n));
    CHECK(n == 0);
    REQUIRE_PRL_OK(capi::job_code(PrlSrv_RefreshPlugins(s.server, 0)));
    CHECK(capi::job_code(PrlSrv_GetPluginsList(capi::forged_handle(), nullptr, 0)) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("offline management services: create, update, list, delete", "[srv_misc]") {
    capi::Session s;
    Handle svc;
    REQUIRE_PRL_OK(PrlOffmgmtService_Create(svc.out()));
    REQUIRE_PRL_OK(PrlOffmgmtService_SetName(svc, "ssh"));
    REQUIRE_PRL_OK(PrlOffmgmtService_SetPort(svc, 22));
    REQUIRE_PRL_OK(PrlOffmgmtService_SetUsedByDefault(svc, PRL_TRUE));
    REQUIRE_PRL(PrlOffmgmtService_SetPort(svc, 70000), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlOffmgmtService_SetName(svc, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlOffmgmtService_SetName(s.server, "x"), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(capi::job_code(PrlSrv_UpdateOfflineService(s.server, svc, 0)));
    REQUIRE_PRL_OK(PrlOffmgmtService_SetPort(svc, 2222));
    REQUIRE_PRL_OK(capi::job_code(PrlSrv_UpdateOfflineService(s.server, svc, 0)));  // same name: replaced

    Handle list = capi::job_result(PrlSrv_GetOfflineServicesList(s.server, 0));
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlResult_GetParamsCount(list, &n));
    REQUIRE(n == 1);
    Handle got;
    REQUIRE_PRL_OK(PrlResult_GetParamByIndex(list, 0, got.out()));
    CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlOffmgmtService_GetName(got, b, l); }) ==
          "ssh");
    PRL_UINT32 port = 0;
    PRL_BOOL def = PRL_FALSE;
    REQUIRE_PRL_OK(PrlOffmgmtService_GetPort(got, &port));
    REQUIRE_PRL_OK(PrlOffmgmtService_IsUsedByDefault(got, &def));
    CHECK(port == 2222);
    CHECK(def == PRL_TRUE);

    REQUIRE_PRL_OK(capi::job_code(PrlSrv_DeleteOfflineService(s.server, svc, 0)));
    Handle after = capi::job_result(PrlSrv_GetOfflineServicesList(s.server, 0));
    REQUIRE_PRL_OK(PrlResult_GetParamsCount(after, &n));
    CHECK(n == 0);
    Handle unnamed;
    REQUIRE_PRL_OK(PrlOffmgmtService_Create(unnamed.out()));
    CHECK(capi::job_code(PrlSrv_UpdateOfflineService(s.server, unnamed, 0)) == PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlOffmgmtService_Create(nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("PrlSrv_Shutdown ends the embedded service's session", "[srv_misc]") {
    capi::Session s;
    CHECK(capi::job_code(PrlSrv_Shutdown(capi::forged_handle(), PRL_FALSE)) == PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(capi::job_code(PrlSrv_ShutdownEx(s.server, 0)));
    PRL_BOOL connected = PRL_TRUE;
    REQUIRE_PRL_OK(PrlSrv_IsConnected(s.server, &connected, nullptr));
    CHECK(connected == PRL_FALSE);
    CHECK(capi::job_code(PrlSrv_Shutdown(s.server, PRL_TRUE)) == PRL_ERR_NOT_CONNECTED_TO_DISPATCHER);
}
