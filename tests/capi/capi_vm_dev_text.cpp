// PrlVmDev_ToString / PrlVmDev_FromString, and the deprecated shaping-list calls.
#include "capi.h"

#include <string>

using capi::Handle;

namespace {

std::string take(PRL_VOID_PTR p) {
    REQUIRE(p != nullptr);
    std::string s(static_cast<const char*>(p));
    REQUIRE_PRL_OK(PrlBuffer_Free(p));
    return s;
}

std::string text_of(PRL_HANDLE dev) {
    PRL_VOID_PTR p = nullptr;
    REQUIRE_PRL_OK(PrlVmDev_ToString(dev, &p));
    return take(p);
}

std::string sys_name(PRL_HANDLE dev) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDev_GetSysName(dev, b, l); });
}

}  // namespace

TEST_CASE("PrlVmDev_ToString gives <Hardware> with the device's element, FromString reads it", "[vm_dev_text]") {
    capi::NewVm v;
    Handle hdd = v.create(PDE_HARD_DISK);
    REQUIRE_PRL_OK(PrlVmDev_SetSysName(hdd, "/var/images/disk-a.hdd"));
    REQUIRE_PRL_OK(PrlVmDev_SetImagePath(hdd, "/var/images/disk-a.hdd"));
    REQUIRE_PRL_OK(PrlVmDevHd_SetDiskSize(hdd, 4096));
    REQUIRE_PRL_OK(PrlVmDev_SetDescription(hdd, "from text"));
    const std::string xml = text_of(hdd);
    CHECK(xml.find("<Hardware") != std::string::npos);
    CHECK(xml.find("<Hdd") != std::string::npos);
    CHECK(xml.find("disk-a.hdd") != std::string::npos);
    CHECK(xml.find("<CdRom") == std::string::npos);

    // Into another VM's disk, which keeps its own index.
    capi::NewVm w;
    Handle first = w.create(PDE_HARD_DISK), second = w.create(PDE_HARD_DISK);
    PRL_UINT32 idx_before = 0, idx_after = 0, size = 0;
    REQUIRE_PRL_OK(PrlVmDev_GetIndex(second, &idx_before));
    REQUIRE_PRL_OK(PrlVmDev_FromString(second, xml.c_str()));
    REQUIRE_PRL_OK(PrlVmDev_GetIndex(second, &idx_after));
    CHECK(idx_after == idx_before);
    CHECK(sys_name(second) == "/var/images/disk-a.hdd");
    REQUIRE_PRL_OK(PrlVmDevHd_GetDiskSize(second, &size));
    CHECK(size == 4096);
    CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDev_GetDescription(second, b, l); }) ==
          "from text");
    CHECK(sys_name(first) != "/var/images/disk-a.hdd");
    PRL_UINT32 count = 0;
    REQUIRE_PRL_OK(PrlVmCfg_GetHardDisksCount(w.vm, &count));
    CHECK(count == 2);

    // A bare element is read too.
    Handle cd = v.create(PDE_OPTICAL_DISK);
    std::string cd_xml = text_of(cd);
    const auto open = cd_xml.find("<CdRom"), close = cd_xml.rfind("</CdRom>");
    REQUIRE(open != std::string::npos);
    REQUIRE(close != std::string::npos);
    std::string bare = cd_xml.substr(open, close + 8 - open);
    const auto sn = bare.find("<SystemName");
    REQUIRE(sn != std::string::npos);
    const auto sn_end = bare.find("</SystemName>");
    if (sn_end != std::string::npos)
        bare.replace(sn, sn_end + 13 - sn, "<SystemName>/iso/install.iso</SystemName>");
    else
        bare.replace(sn, bare.find("/>", sn) + 2 - sn, "<SystemName>/iso/install.iso</SystemName>");
    Handle cd2 = w.create(PDE_OPTICAL_DISK);
    REQUIRE_PRL_OK(PrlVmDev_FromString(cd2, bare.c_str()));
    CHECK(sys_name(cd2) == "/iso/install.iso");

    // Refused: another kind's element, not XML, too large, bad handles.
    REQUIRE_PRL(PrlVmDev_FromString(cd2, xml.c_str()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDev_FromString(cd2, "<CdRom"), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDev_FromString(cd2, "\xff\xfe"), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDev_FromString(cd2, std::string(2u << 20, 'x').c_str()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDev_FromString(cd2, nullptr), PRL_ERR_INVALID_ARG);
    CHECK(sys_name(cd2) == "/iso/install.iso");  // unchanged by a refusal
    REQUIRE_PRL(PrlVmDev_FromString(v.vm, xml.c_str()), PRL_ERR_INVALID_ARG);
    PRL_VOID_PTR p = nullptr;
    REQUIRE_PRL(PrlVmDev_ToString(hdd, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDev_ToString(v.vm, &p), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVmDev_ToString(capi::forged_handle(), &p), PRL_ERR_INVALID_ARG);
    // A removed device.
    REQUIRE_PRL_OK(PrlVmDev_Remove(second));
    REQUIRE_PRL(PrlVmDev_ToString(second, &p), PRL_ERR_OBJECT_WAS_REMOVED);
}

TEST_CASE("PrlSrv_Get/UpdateNetworkShapingList: deprecated, no job, as the SDK", "[vm_dev_text]") {
    capi::Api api;
    Handle server;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    CHECK(PrlSrv_GetNetworkShapingList(server, 0) == PRL_INVALID_HANDLE);
    CHECK(PrlSrv_UpdateNetworkShapingList(server, PRL_INVALID_HANDLE, 0) == PRL_INVALID_HANDLE);
    CHECK(PrlJob_Wait(PrlSrv_GetNetworkShapingList(server, 0), 1000) == PRL_ERR_INVALID_ARG);
}
