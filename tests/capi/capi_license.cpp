// PrlSrv_GetLicenseInfo, PrlSrv_UpdateLicense(Ex), PrlLic_*: no licence is
// installed, and that is said plainly.
#include "capi_host_support.h"

#include <cstring>

using capi::Handle;
using namespace capi::host;

TEST_CASE("licence: the host reports no valid licence and no key", "[license]") {
    Session s;
    Handle lic = job_param(PrlSrv_GetLicenseInfo(s.server));
    REQUIRE(type_of(lic) == PHT_LICENSE);
    PRL_BOOL valid = PRL_TRUE;
    REQUIRE_PRL_OK(PrlLic_IsValid(lic, &valid));
    REQUIRE(valid == PRL_FALSE);
    PRL_RESULT status = PRL_ERR_SUCCESS;
    REQUIRE_PRL_OK(PrlLic_GetStatus(lic, &status));
    REQUIRE(status == PRL_ERR_LICENSE_NOT_VALID);
    char buf[64];
    PRL_UINT32 len = sizeof buf;
    REQUIRE_PRL(PrlLic_GetLicenseKey(lic, buf, &len), PRL_ERR_NO_DATA);
    REQUIRE_PRL(PrlLic_GetUserName(lic, buf, &len), PRL_ERR_NO_DATA);
    REQUIRE_PRL(PrlLic_GetCompanyName(lic, buf, &len), PRL_ERR_NO_DATA);

    // Its XML round-trips through a new licence object.
    char* xml = nullptr;
    REQUIRE_PRL_OK(PrlLic_ToString(lic, reinterpret_cast<PRL_VOID_PTR_PTR>(&xml)));
    REQUIRE(xml != nullptr);
    REQUIRE(std::strstr(xml, "license_status") != nullptr);
    Handle copy;
    REQUIRE_PRL_OK(PrlLic_Create(copy.out()));
    REQUIRE_PRL(PrlLic_IsValid(copy, &valid), PRL_ERR_NO_DATA);  // empty until filled
    REQUIRE_PRL_OK(PrlLic_FromString(copy, xml));
    PrlBuffer_Free(xml);
    REQUIRE_PRL_OK(PrlLic_GetStatus(copy, &status));
    REQUIRE(status == PRL_ERR_LICENSE_NOT_VALID);
    REQUIRE_PRL(PrlLic_FromString(copy, "<not-an-event"), PRL_ERR_INVALID_ARG);
}

TEST_CASE("licence: installing a key is refused, bad arguments", "[license]") {
    Session s;
    Handle update(PrlSrv_UpdateLicense(s.server, "KEY-1234", "user", "company"));
    REQUIRE(job_code(update) == PRL_ERR_OPERATION_FAILED);
    Handle update_ex(PrlSrv_UpdateLicenseEx(s.server, "KEY-1234", "user", "company", PUPLF_CHECK_KEY_ONLY));
    REQUIRE(job_code(update_ex) == PRL_ERR_OPERATION_FAILED);
    Handle null_key(PrlSrv_UpdateLicense(s.server, nullptr, "user", "company"));
    REQUIRE(job_code(null_key) == PRL_ERR_INVALID_ARG);
    Handle null_company(PrlSrv_UpdateLicenseEx(s.server, "k", "u", nullptr, 0));
    REQUIRE(job_code(null_company) == PRL_ERR_INVALID_ARG);
    Handle bad_server(PrlSrv_GetLicenseInfo(capi::forged_handle()));
    REQUIRE(job_code(bad_server) == PRL_ERR_INVALID_ARG);
    Handle offline;
    REQUIRE_PRL_OK(PrlSrv_Create(offline.out()));
    Handle not_connected(PrlSrv_GetLicenseInfo(offline));
    REQUIRE(job_code(not_connected) == PRL_ERR_NOT_CONNECTED_TO_DISPATCHER);

    Handle lic = job_param(PrlSrv_GetLicenseInfo(s.server));
    PRL_BOOL b;
    PRL_RESULT r;
    REQUIRE_PRL(PrlLic_IsValid(lic, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlLic_IsValid(s.server, &b), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlLic_GetStatus(capi::forged_handle(), &r), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlLic_GetStatus(lic, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlLic_GetLicenseKey(lic, nullptr, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlLic_GetUserName(s.server, nullptr, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlLic_GetCompanyName(lic, nullptr, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlLic_Create(nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlLic_ToString(lic, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlLic_ToString(s.server, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlLic_FromString(lic, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlLic_FromString(s.server, "<x/>"), PRL_ERR_INVALID_ARG);
}
