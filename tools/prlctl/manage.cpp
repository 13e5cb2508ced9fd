// prlctl create, register and set.
#include "commands.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace prlctl {
namespace {

Handle server_config(PRL_HANDLE server) { return wait_param(PrlSrv_GetSrvConfig(server), "PrlSrv_GetSrvConfig"); }

std::string absolute(const std::string& p) {
    return p.empty() ? p : std::filesystem::absolute(p).lexically_normal().string();
}

}  // namespace

int create(PRL_HANDLE server, const CommandLine& cl) {
    if (cl.has("vmtype") && cl.get("vmtype") == "ct")
        return report(PRL_ERR_UNIMPLEMENTED, "Containers are created with 'prlshim create --ct' (see prlctl(8))");
    std::string dist = "win";
    PRL_UINT32 version = ostype_version("win");
    if (cl.has("distribution")) {
        dist = cl.get("distribution");
        version = distribution_version(dist);
    } else if (cl.has("ostype")) {
        dist = cl.get("ostype");
        version = ostype_version(dist);
    }
    if (version == 0) return report(-1, "An incorrect value for --distribution or --ostype: " + dist);
    PRL_UINT32 chipset = PRL_CHIPSET_TYPE::CHIP_Q35;
    if (cl.has("chipset")) {
        const std::string c = cl.get("chipset");
        if (c == "piix") chipset = PRL_CHIPSET_TYPE::CHIP_PCI440FX;
        else if (c != "q35") return report(-1, "An incorrect value for --chipset: " + c);
    }

    say("Creating the virtual machine...");
    Handle vm;
    PRL_RESULT rc = PrlSrv_CreateVm(server, vm.out());
    if (rc) return report(rc, "Failed to create the VM: " + result_text(rc));
    say("Generate the VM configuration for " + dist + ".");
    Handle srv = server_config(server);
    if ((rc = PrlVmCfg_SetDefaultConfig(vm, srv, version, PRL_TRUE)))
        return report(rc, "PrlVmCfg_SetDefaultConfig: " + result_text(rc));
    if ((rc = PrlVmCfg_SetName(vm, cl.id.c_str())))
        return report(rc, "PrlVmCfg_SetName returned the following error: " + result_text(rc));
    if (cl.has("no-hdd")) {
        PRL_UINT32 n = 0;
        PrlVmCfg_GetHardDisksCount(vm, &n);
        while (n-- > 0) {
            Handle hd;
            if (PRL_SUCCEEDED(PrlVmCfg_GetHardDisk(vm, n, hd.out()))) PrlVmDev_Remove(hd);
        }
    }
    if (cl.has("uuid")) PrlVmCfg_SetUuid(vm, braced_uuid(cl.get("uuid")).c_str());
    say("set chipset type = " + std::to_string(chipset));
    if ((rc = PrlVmCfg_SetChipsetType(vm, static_cast<PRL_CHIPSET_TYPE>(chipset)))) return report(rc, ":PrlVmCfg_SetChipsetType " + result_text(rc));
    const PRL_UINT32 chip_version = chipset == PRL_CHIPSET_TYPE::CHIP_PCI440FX
                                        ? PRL_UINT32(PRL_I440FX_VERSION::PCI440FX_DEFAULT)
                                        : PRL_UINT32(PRL_Q35_VERSION::Q35_DEFAULT);
    say("set chipset version = " + std::to_string(chip_version));
    if ((rc = PrlVmCfg_SetChipsetVersion(vm, chip_version)))
        return report(rc, ":PrlVmCfg_SetChipsetVersion " + result_text(rc));
    const std::string dst = absolute(cl.get("dst"));
    Handle job(PrlVm_RegEx(vm, dst.c_str(), PACF_NON_INTERACTIVE_MODE));
    std::string err;
    if ((rc = wait(job, err))) {
        report(rc, "Failed to register the VM: " + err);
        return report(rc, "Failed to create the virtual machine.");
    }
    say("The VM has been successfully created.");
    return 0;
}

int register_vm(PRL_HANDLE server, const CommandLine& cl) {
    say("Register the virtual environment...");
    PRL_UINT32 flags = PACF_NON_INTERACTIVE_MODE;
    if (cl.has("regenerate-src-uuid")) flags |= PRVF_REGENERATE_SRC_VM_UUID;
    if (cl.has("force")) flags |= PRCF_FORCE;
    const std::string path = absolute(cl.id);
    Handle job;
    if (cl.has("uuid")) {
        job.reset(PrlSrv_RegisterVmWithUuid(server, path.c_str(), braced_uuid(cl.get("uuid")).c_str(), flags));
    } else {
        if (!cl.has("preserve-uuid")) flags |= PRVF_REGENERATE_VM_UUID;
        job.reset(PrlSrv_RegisterVmEx(server, path.c_str(), flags));
    }
    std::string err;
    if (const PRL_RESULT rc = wait(job, err)) return report(rc, "Failed to register the virtual environment: " + err);
    say("The virtual environment has been successfully registered.");
    return 0;
}

int set(PRL_HANDLE server, const CommandLine& cl) {
    Vm vm = find_vm(server, cl.id);
    const std::string kind = vm.kind();
    {
        Handle edit(PrlVm_BeginEdit(vm.cfg));
        std::string err;
        if (const PRL_RESULT rc = wait(edit, err)) return report(rc, "PrlVm_BeginEdit: " + err);
    }
    PRL_RESULT rc = 0;
    if (cl.has("cpus")) {
        const unsigned long n = std::strtoul(cl.get("cpus").c_str(), nullptr, 10);
        if (n == 0) return report(-1, "An incorrect value for the CPU cores parameter (0).");
        Handle srv = server_config(server);
        PRL_UINT32 host = 0, sockets = 1;
        PrlSrvCfg_GetCpuCount(srv, &host);
        PrlVmCfg_GetCpuSocketsCount(vm.cfg, &sockets);
        say("set cpu cores(" + std::to_string(host / (sockets ? sockets : 1)) + "): " + std::to_string(n));
        if ((rc = PrlVmCfg_SetCpuCount(vm.cfg, static_cast<PRL_UINT32>(n))))
            return report(rc, ":PrlVmCfg_SetCpuCount " + result_text(rc));
    }
    if (cl.has("memsize")) {
        const unsigned long n = std::strtoul(cl.get("memsize").c_str(), nullptr, 10);
        say("Set the memsize parameter to " + std::to_string(n) + "Mb.");
        if ((rc = PrlVmCfg_SetRamSize(vm.cfg, static_cast<PRL_UINT32>(n))))
            return report(rc, "PrlVmCfg_SetRamSize " + result_text(rc));
    }
    if (cl.has("description")) {
        if ((rc = PrlVmCfg_SetDescription(vm.cfg, cl.get("description").c_str())))
            return report(rc, "PrlVmCfg_SetDescription: " + result_text(rc));
    }
    if (cl.has("name")) {
        say("Set name of " + kind + " to '" + cl.get("name") + "'");
        if ((rc = PrlVmCfg_SetName(vm.cfg, cl.get("name").c_str())))
            return report(rc, "PrlVmCfg_SetName: " + result_text(rc));
    }
    Handle commit(PrlVm_CommitEx(vm.cfg, 0));
    std::string err;
    if ((rc = wait(commit, err))) return report(rc, "Unable to commit " + kind + " configuration: " + err);
    say("\nThe " + kind + " has been successfully configured.");
    return 0;
}

}  // namespace prlctl
