// PrlDbg_* and the guest OS matrix (PrlApi_GetSupportedOses*, defaults,
// recommended memory, PrlApi_GuestToString, PrlSrv_GetSupportedOses,
// PrlOsesMatrix_*).
#include "session_fixture.h"

#include <cstring>
#include <vector>

using capi::Handle;

namespace {

template <class T>
std::vector<T> op_items(PRL_HANDLE list) {
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlOpTypeList_GetItemsCount(list, &n));
    PRL_SIZE size = 0;
    REQUIRE_PRL_OK(PrlOpTypeList_GetTypeSize(list, &size));
    REQUIRE(size == sizeof(T));
    std::vector<T> items(n);
    for (PRL_UINT32 i = 0; i < n; ++i) REQUIRE_PRL_OK(PrlOpTypeList_GetItem(list, i, &items[i]));
    return items;
}

bool contains(const std::vector<PRL_UINT16>& v, unsigned x) {
    for (auto i : v)
        if (i == x) return true;
    return false;
}

}  // namespace

TEST_CASE("PrlDbg: handle counts by type and names of codes, handle and event types", "[dbg]") {
    capi::Api api;
    PRL_UINT32 before = 0, servers_before = 0;
    REQUIRE_PRL_OK(PrlDbg_GetHandlesNum(&before, PHT_ERROR));
    REQUIRE_PRL_OK(PrlDbg_GetHandlesNum(&servers_before, PHT_SERVER));
    {
        Handle a, b;
        REQUIRE_PRL_OK(PrlSrv_Create(a.out()));
        REQUIRE_PRL_OK(PrlSrv_Create(b.out()));
        PRL_UINT32 all = 0, servers = 0, jobs = 0;
        REQUIRE_PRL_OK(PrlDbg_GetHandlesNum(&all, PHT_ERROR));
        REQUIRE_PRL_OK(PrlDbg_GetHandlesNum(&servers, PHT_SERVER));
        REQUIRE_PRL_OK(PrlDbg_GetHandlesNum(&jobs, PHT_JOB));
        CHECK(all == before + 2);
        CHECK(servers == servers_before + 2);
    }
    PRL_UINT32 after = 0;
    REQUIRE_PRL_OK(PrlDbg_GetHandlesNum(&after, PHT_SERVER));
    CHECK(after == servers_before);
    REQUIRE_PRL(PrlDbg_GetHandlesNum(nullptr, PHT_SERVER), PRL_ERR_INVALID_ARG);

    const char* s = nullptr;
    REQUIRE_PRL_OK(PrlDbg_PrlResultToString(PRL_ERR_INVALID_ARG, &s));
    CHECK(std::string(s) == "PRL_ERR_INVALID_ARG");
    REQUIRE_PRL_OK(PrlDbg_PrlResultToString(PRL_ERR_SUCCESS, &s));
    CHECK(std::string(s) == "PRL_ERR_SUCCESS");
    REQUIRE_PRL_OK(PrlDbg_PrlResultToString(static_cast<PRL_RESULT>(0x7ABCDEF1), &s));
    CHECK(std::string(s) == "Unknown");
    REQUIRE_PRL_OK(PrlDbg_HandleTypeToString(PHT_VIRTUAL_MACHINE, &s));
    CHECK(std::string(s) == "PHT_VIRTUAL_MACHINE");
    REQUIRE_PRL_OK(PrlDbg_HandleTypeToString(static_cast<PRL_HANDLE_TYPE>(0x12345), &s));
    CHECK(std::string(s) == "Unknown");
    REQUIRE_PRL_OK(PrlDbg_EventTypeToString(PET_DSP_EVT_VM_STATE_CHANGED, &s));
    CHECK(std::string(s) == "PET_DSP_EVT_VM_STATE_CHANGED");
    REQUIRE_PRL_OK(PrlDbg_EventTypeToString(static_cast<PRL_EVENT_TYPE>(-5), &s));
    CHECK(std::string(s) == "Unknown");
    REQUIRE_PRL(PrlDbg_PrlResultToString(PRL_ERR_SUCCESS, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlDbg_HandleTypeToString(PHT_SERVER, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlDbg_EventTypeToString(PET_DSP_EVT_VM_STATE_CHANGED, nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("PrlDbg: the name calls work before PrlApi_Init, the count does not", "[dbg]") {
    const char* s = nullptr;
    REQUIRE_PRL_OK(PrlDbg_PrlResultToString(PRL_ERR_FAILURE, &s));
    CHECK(std::string(s) == "PRL_ERR_FAILURE");
    PRL_UINT32 n = 0;
    REQUIRE_PRL(PrlDbg_GetHandlesNum(&n, PHT_ERROR), PRL_ERR_API_WASNT_INITIALIZED);
}

TEST_CASE("PrlApi_GuestToString names types and versions as the product does", "[oses]") {
    capi::Api api;
    auto name = [](PRL_UINT32 id) {
        return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlApi_GuestToString(id, b, l); });
    };
    CHECK(name(PVS_GUEST_TYPE_LINUX) == PVS_GUEST_TYPE_NAME_LINUX);
    CHECK(name(PVS_GUEST_VER_WIN_XP) == PVS_GUEST_VER_NAME_WIN_XP);
    CHECK(name(PVS_GUEST_VER_LIN_CENTOS_7) == PVS_GUEST_VER_NAME_LIN_CENTOS);
    CHECK(name(PVS_GUEST_VER_OTH_OTHER) == PVS_GUEST_VER_NAME_OTH_OTHER);
    CHECK(name(0xDEAD) == "unknown");
    char small[2];
    PRL_UINT32 len = sizeof small;
    REQUIRE_PRL(PrlApi_GuestToString(PVS_GUEST_VER_WIN_XP, small, &len), PRL_ERR_BUFFER_OVERRUN);
    REQUIRE_PRL(PrlApi_GuestToString(PVS_GUEST_VER_WIN_XP, small, nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("supported guest OS types, versions, defaults and memory", "[oses]") {
    capi::Api api;
    Handle types;
    REQUIRE_PRL_OK(PrlApi_GetSupportedOsesTypes(PHO_UNKNOWN, types.out()));
    const auto t = op_items<PRL_UINT8>(types);
    REQUIRE(t.size() == 9);
    CHECK(t.front() == PVS_GUEST_TYPE_WINDOWS);
    CHECK(t[1] == PVS_GUEST_TYPE_LINUX);
    CHECK(t.back() == PVS_GUEST_TYPE_OTHER);

    Handle linux_versions, mac_on_linux, mac_on_mac;
    REQUIRE_PRL_OK(PrlApi_GetSupportedOsesVersions(PHO_UNKNOWN, PVS_GUEST_TYPE_LINUX, linux_versions.out()));
    const auto lv = op_items<PRL_UINT16>(linux_versions);
    CHECK(lv.front() == PVS_GUEST_VER_LIN_UBUNTU);
    CHECK(contains(lv, PVS_GUEST_VER_LIN_CENTOS_7));
    CHECK(lv.back() == PVS_GUEST_VER_LIN_OTHER);
    REQUIRE_PRL_OK(PrlApi_GetSupportedOsesVersions(PHO_LIN, PVS_GUEST_TYPE_MACOS, mac_on_linux.out()));
    CHECK(op_items<PRL_UINT16>(mac_on_linux).empty());
    REQUIRE_PRL_OK(PrlApi_GetSupportedOsesVersions(PHO_MAC, PVS_GUEST_TYPE_MACOS, mac_on_mac.out()));
    CHECK(op_items<PRL_UINT16>(mac_on_mac) == std::vector<PRL_UINT16>{PVS_GUEST_VER_MACOS_UNIVERSAL});
    REQUIRE_PRL(PrlApi_GetSupportedOsesTypes(PHO_UNKNOWN, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlApi_GetSupportedOsesVersions(PHO_UNKNOWN, PVS_GUEST_TYPE_LINUX, nullptr), PRL_ERR_INVALID_ARG);

    PRL_UINT16 v = 0;
    REQUIRE_PRL_OK(PrlApi_GetDefaultOsVersion(PVS_GUEST_TYPE_LINUX, &v));
    CHECK(v == PVS_GUEST_VER_LIN_REDHAT);  // server mode
    REQUIRE_PRL_OK(PrlApi_GetDefaultOsVersion(PVS_GUEST_TYPE_WINDOWS, &v));
    CHECK(v == PVS_GUEST_VER_WIN_2012);
    REQUIRE_PRL_OK(PrlApi_GetDefaultOsVersion(PVS_GUEST_TYPE_OTHER, &v));
    CHECK(v == PVS_GUEST_VER_OTH_OPENSTEP);
    REQUIRE_PRL(PrlApi_GetDefaultOsVersion(0x42, &v), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlApi_GetDefaultOsVersion(PVS_GUEST_TYPE_LINUX, nullptr), PRL_ERR_INVALID_ARG);

    PRL_UINT32 mem = 0;
    REQUIRE_PRL_OK(PrlApi_GetRecommendMinVmMem(PVS_GUEST_VER_WIN_311, &mem));
    CHECK(mem == 64);
    REQUIRE_PRL_OK(PrlApi_GetRecommendMinVmMem(PVS_GUEST_VER_LIN_UBUNTU, &mem));
    CHECK(mem == 128);
    REQUIRE_PRL_OK(PrlApi_GetRecommendMinVmMem(PVS_GUEST_VER_LIN_CENTOS_7, &mem));
    CHECK(mem == 512);
    REQUIRE_PRL_OK(PrlApi_GetRecommendMinVmMem(0xFFFFFF, &mem));
    CHECK(mem == 256);
    REQUIRE_PRL(PrlApi_GetRecommendMinVmMem(PVS_GUEST_VER_LIN_UBUNTU, nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("PrlSrv_GetSupportedOses: the matrix comes with a login", "[oses]") {
    SECTION("no login, no matrix") {
        capi::Api api;
        Handle server, matrix;
        REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
        REQUIRE_PRL(PrlSrv_GetSupportedOses(server, matrix.out()), PRL_ERR_NO_DATA);
        REQUIRE_PRL(PrlSrv_GetSupportedOses(capi::forged_handle(), matrix.out()), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlSrv_GetSupportedOses(server, nullptr), PRL_ERR_INVALID_ARG);
    }
    SECTION("the prlctl walk: types, versions, support levels") {
        capi::Session s;
        Handle matrix;
        REQUIRE_PRL_OK(PrlSrv_GetSupportedOses(s.server, matrix.out()));
        Handle types;
        REQUIRE_PRL_OK(PrlOsesMatrix_GetSupportedOsesTypes(matrix, types.out()));
        const auto t = op_items<PRL_UINT8>(types);
        REQUIRE(t.size() == 9);
        int supported = 0;
        for (PRL_UINT8 type : t) {
            Handle versions;
            REQUIRE_PRL_OK(PrlOsesMatrix_GetSupportedOsesVersions(matrix, type, versions.out()));
            for (PRL_UINT16 v : op_items<PRL_UINT16>(versions)) {
                PRL_GUEST_OS_SUPPORT_TYPE st = PGS_OS_EXPERIMENTAL;
                REQUIRE_PRL_OK(PrlOsesMatrix_GetSupportType(matrix, type, v, &st));
                if (st == PGS_OS_SUPPORTED) ++supported;
            }
        }
        CHECK(supported == 17);  // Windows Server 2008..2022, CentOS, VzLinux, CloudLinux (3 each), Debian, Ubuntu, FreeBSD
        PRL_UINT16 v = 0;
        REQUIRE_PRL_OK(PrlOsesMatrix_GetDefaultOsVersion(matrix, PVS_GUEST_TYPE_LINUX, &v));
        CHECK(v == PVS_GUEST_VER_LIN_REDHAT);
        REQUIRE_PRL_OK(PrlOsesMatrix_GetDefaultOsVersion(matrix, PVS_GUEST_TYPE_MACOS, &v));
        CHECK(v == 0);  // not in this host's matrix
        PRL_GUEST_OS_SUPPORT_TYPE st;
        REQUIRE_PRL(PrlOsesMatrix_GetSupportType(matrix, PVS_GUEST_TYPE_LINUX, PVS_GUEST_VER_WIN_XP, &st),
                    PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlOsesMatrix_GetSupportType(matrix, PVS_GUEST_TYPE_LINUX, PVS_GUEST_VER_LIN_UBUNTU, nullptr),
                    PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlOsesMatrix_GetSupportedOsesVersions(matrix, 0x42, types.out()), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlOsesMatrix_GetSupportedOsesTypes(s.server, types.out()), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlOsesMatrix_GetDefaultOsVersion(matrix, PVS_GUEST_TYPE_LINUX, nullptr), PRL_ERR_INVALID_ARG);
    }
}
