#include "helpers.h"

#include <chrono>
#include <cstdio>
#include <cstdint>
#include <fstream>
#include <thread>
#include <vector>

using capi::Handle;
using capi::run;

namespace daemon_test {

Handle local_login() {
    Handle server;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    run(PrlSrv_LoginLocal(server, nullptr, 0, PSL_HIGH_SECURITY));
    return server;
}

std::string backup_tree(PRL_HANDLE server) {
    Handle result = run(PrlSrv_GetBackupTree(server, "", "", 0, "", PBT_VM, 0, PRL_FALSE));
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlResult_GetParamAsString(result, b, l); });
}

std::string vm_uuid(PRL_HANDLE vm) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetUuid(vm, b, l); });
}


Handle make_vm(PRL_HANDLE server, const char* name, PRL_UINT32 disk_mib) {
    Handle result = run(PrlSrv_GetSrvConfig(server));
    Handle srv_cfg, vm, disk;
    REQUIRE_PRL_OK(PrlResult_GetParam(result, srv_cfg.out()));
    REQUIRE_PRL_OK(PrlSrv_CreateVm(server, vm.out()));
    REQUIRE_PRL_OK(PrlVmCfg_SetDefaultConfig(vm, srv_cfg, PVS_GUEST_VER_LIN_OTHER, PRL_FALSE));
    REQUIRE_PRL_OK(PrlVmCfg_SetName(vm, name));
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_HARD_DISK, disk.out()));
    REQUIRE_PRL_OK(PrlVmDevHd_SetDiskSize(disk, disk_mib));
    REQUIRE_PRL_OK(PrlVmDev_SetImagePath(disk, "disk0.hdd"));
    run(PrlVm_Reg(vm, "", PRL_TRUE));
    return vm;
}


std::size_t vm_count(PRL_HANDLE server) {
    Handle result = run(PrlSrv_GetVmList(server));
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlResult_GetParamsCount(result, &n));
    return n;
}


void fill_disk(PRL_HANDLE vm, std::size_t mib) {
    Handle disk;
    REQUIRE_PRL_OK(PrlVmCfg_GetHardDisk(vm, 0, disk.out()));
    const std::string image = capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmDev_GetImagePath(disk, b, l); });
    std::ofstream out(image, std::ios::binary | std::ios::trunc);
    std::uint64_t x = 0x9e3779b97f4a7c15ull;
    std::vector<std::uint64_t> block(1 << 17);  // 1 MiB
    for (std::size_t m = 0; m < mib; ++m) {
        for (auto& w : block) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            w = x;
        }
        out.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(block.size() * 8));
    }
    REQUIRE(out.good());
}


std::size_t running_tasks() {
    Handle server;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    Handle result = run(PrlSrv_LoginLocal(server, nullptr, 0, PSL_HIGH_SECURITY));
    Handle response;
    REQUIRE_PRL_OK(PrlResult_GetParam(result, response.out()));
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlLoginResponse_GetRunningTaskCount(response, &n));
    return n;
}


bool eventually(const std::function<bool()>& condition) {
    for (int i = 0; i < 800 && !condition(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    return condition();
}


PRL_RESULT login(PRL_HANDLE server, std::uint16_t port, const char* user, const char* password) {
    return capi::wait_code(Handle(PrlSrv_Login(server, "127.0.0.1", user, password, nullptr, port, 20000,
                                               PSL_HIGH_SECURITY)), 60000);
}

std::string output_of(const std::string& command) {
    std::FILE* p = ::popen(command.c_str(), "r");
    REQUIRE(p);
    std::string out;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    CHECK(::pclose(p) == 0);
    return out;
}

}  // namespace daemon_test
