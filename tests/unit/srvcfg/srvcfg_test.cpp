// PrlSrvCfg_* on a ServerConfig object made here, and PrlVmCfg_SetDefaultConfig
// choosing memory and CPUs from its host facts.
#include "capi.h"

#include "abi/boundary.h"
#include "core/info_objects.h"

#include <memory>
#include <string>

using capi::Handle;

namespace {

Handle server_config(std::uint64_t ram_mib, std::uint32_t cpus, std::string os = "Linux 6.1.0-18-amd64 x86_64") {
    prl::service::HostFacts host;
    host.host_name = "node1.example.com";
    host.os_version = std::move(os);
    host.ram_mib = ram_mib;
    host.cpu_count = cpus;
    Handle h;
    prl::abi::give(std::make_shared<prl::ServerConfig>(host, prl::host::Hardware{}), h.out());
    return h;
}

PRL_UINT32 u32(PRL_RESULT (*getter)(PRL_HANDLE, PRL_UINT32_PTR), PRL_HANDLE h) {
    PRL_UINT32 v = 0xdeadbeef;
    REQUIRE_PRL_OK(getter(h, &v));
    return v;
}

}  // namespace

TEST_CASE("server config: host facts", "[srvcfg]") {
    capi::Api api;
    Handle cfg = server_config(16384, 8);
    PRL_HANDLE_TYPE type;
    REQUIRE_PRL_OK(PrlHandle_GetType(cfg, &type));
    REQUIRE(type == PHT_SERVER_CONFIG);
    REQUIRE(u32(PrlSrvCfg_GetHostRamSize, cfg) == 16384);
    REQUIRE(u32(PrlSrvCfg_GetCpuCount, cfg) == 8);
    REQUIRE(u32(PrlSrvCfg_GetHostOsMajor, cfg) == 6);
    REQUIRE(u32(PrlSrvCfg_GetHostOsMinor, cfg) == 1);
    REQUIRE(u32(PrlSrvCfg_GetHostOsSubMinor, cfg) == 0);
    PRL_HOST_OS_TYPE os = PHO_UNKNOWN;
    REQUIRE_PRL_OK(PrlSrvCfg_GetHostOsType(cfg, &os));
    REQUIRE(os == PHO_LIN);
    REQUIRE(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlSrvCfg_GetHostname(cfg, b, l); }) ==
            "node1.example.com");
    REQUIRE(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) {
                return PrlSrvCfg_GetHostOsStrPresentation(cfg, b, l);
            }) == "Linux 6.1.0-18-amd64 x86_64");
    char small[4];
    PRL_UINT32 len = sizeof small;
    REQUIRE_PRL(PrlSrvCfg_GetHostname(cfg, small, &len), PRL_ERR_BUFFER_OVERRUN);
    REQUIRE(len == 18);
    REQUIRE_PRL(PrlSrvCfg_GetHostname(cfg, small, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfg_GetHostOsStrPresentation(cfg, small, nullptr), PRL_ERR_INVALID_ARG);

    // Huge memory saturates; an odd OS string gives zeros, not garbage.
    Handle odd = server_config(std::uint64_t(1) << 40, 1, "Plan9");
    REQUIRE(u32(PrlSrvCfg_GetHostRamSize, odd) == 0xFFFFFFFFu);
    REQUIRE(u32(PrlSrvCfg_GetHostOsMajor, odd) == 0);
    REQUIRE_PRL_OK(PrlSrvCfg_GetHostOsType(odd, &os));
    REQUIRE(os == PHO_UNKNOWN);
    Handle two = server_config(1, 1, "Linux 5.10");
    REQUIRE(u32(PrlSrvCfg_GetHostOsMajor, two) == 5);
    REQUIRE(u32(PrlSrvCfg_GetHostOsMinor, two) == 10);
    REQUIRE(u32(PrlSrvCfg_GetHostOsSubMinor, two) == 0);
}

TEST_CASE("server config: functions reject bad handles and null pointers", "[srvcfg]") {
    capi::Api api;
    Handle cfg = server_config(1024, 1), server, list;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    REQUIRE_PRL_OK(PrlApi_CreateStringsList(list.out()));
    PRL_HANDLE freed = server_config(1, 1).release();
    REQUIRE_PRL_OK(PrlHandle_Free(freed));
    PRL_UINT32 n, len = 0;
    PRL_HOST_OS_TYPE os;
    for (PRL_HANDLE bad : {PRL_HANDLE(PRL_INVALID_HANDLE), freed, capi::forged_handle(), server.get(), list.get()}) {
        REQUIRE_PRL(PrlSrvCfg_GetHostRamSize(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlSrvCfg_GetCpuCount(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlSrvCfg_GetHostname(bad, nullptr, &len), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlSrvCfg_GetHostOsType(bad, &os), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlSrvCfg_GetHostOsMajor(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlSrvCfg_GetHostOsMinor(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlSrvCfg_GetHostOsSubMinor(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlSrvCfg_GetHostOsStrPresentation(bad, nullptr, &len), PRL_ERR_INVALID_ARG);
    }
    for (auto getter : {PrlSrvCfg_GetHostRamSize, PrlSrvCfg_GetCpuCount, PrlSrvCfg_GetHostOsMajor,
                        PrlSrvCfg_GetHostOsMinor, PrlSrvCfg_GetHostOsSubMinor})
        REQUIRE_PRL(getter(cfg, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfg_GetHostOsType(cfg, nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("SetDefaultConfig sizes memory and CPUs for the host", "[srvcfg]") {
    capi::Api api;
    Handle server, vm;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    REQUIRE_PRL_OK(PrlSrv_CreateVm(server, vm.out()));
    struct Row {
        std::uint64_t host_ram;
        std::uint32_t host_cpus;
        PRL_UINT32 os;
        PRL_UINT32 ram, cpus;
    };
    const Row rows[] = {
        {16384, 8, PVS_GUEST_VER_LIN_UBUNTU, 1024, 2},     // Linux: 1 GiB on a host above 2 GiB
        {2048, 8, PVS_GUEST_VER_LIN_UBUNTU, 768, 2},       // ... 768 MiB on a 1-2 GiB host
        {1024, 2, PVS_GUEST_VER_LIN_UBUNTU, 512, 1},       // ... 512 MiB up to 1 GiB; 1 CPU under 4 host CPUs
        {16384, 4, PVS_GUEST_VER_LIN_REDHAT_9, 2048, 2},   // fixed sizes for some versions
        {16384, 8, PVS_GUEST_VER_WIN_WINDOWS10, 2048, 2},
        {3072, 8, PVS_GUEST_VER_WIN_XP, 768, 2},           // older Windows: by host memory
        {4096, 8, PVS_GUEST_VER_WIN_XP, 1024, 2},
        {16384, 8, PVS_GUEST_VER_WIN_95, 128, 1},          // single-CPU guests
        {16384, 8, PVS_GUEST_VER_LIN_KRNL_24, 1024, 1},
        {16384, 8, PVS_GUEST_VER_SOL_10, 1536, 1},
        {16384, 8, PVS_GUEST_VER_DOS_MS622, 32, 1},
    };
    for (const Row& r : rows) {
        INFO("host " << r.host_ram << " MiB, " << r.host_cpus << " CPUs, guest " << r.os);
        Handle cfg = server_config(r.host_ram, r.host_cpus);
        REQUIRE_PRL_OK(PrlVmCfg_SetDefaultConfig(vm, cfg, r.os, PRL_TRUE));
        REQUIRE(u32(PrlVmCfg_GetRamSize, vm) == r.ram);
        REQUIRE(u32(PrlVmCfg_GetCpuCount, vm) == r.cpus);
        REQUIRE(u32(PrlVmCfg_GetOsVersion, vm) == r.os);
    }
    // Old Windows gets a smaller first disk.
    Handle cfg = server_config(8192, 4);
    REQUIRE_PRL_OK(PrlVmCfg_SetDefaultConfig(vm, cfg, PVS_GUEST_VER_WIN_98, PRL_TRUE));
    Handle hdd;
    REQUIRE_PRL_OK(PrlVmCfg_GetHardDisk(vm, 0, hdd.out()));
    PRL_UINT32 size = 0;
    REQUIRE_PRL_OK(PrlVmDevHd_GetDiskSize(hdd, &size));
    REQUIRE(size == 8192);
    // The server configuration handle is not a VM and vice versa.
    REQUIRE_PRL(PrlVmCfg_SetDefaultConfig(cfg, vm, PVS_GUEST_VER_WIN_98, PRL_TRUE), PRL_ERR_INVALID_ARG);
}
