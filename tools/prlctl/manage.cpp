// prlctl create, register and clone (set: vm_settings.cpp).
#include "commands.h"

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace prlctl {
namespace {

// --no-hdd: every disk of the new configuration goes, as the product says.
void remove_disks(PRL_HANDLE cfg) {
    PRL_UINT32 n = 0;
    PrlVmCfg_GetHardDisksCount(cfg, &n);
    while (n-- > 0) {
        Handle hd;
        PRL_UINT32 index = 0;
        if (PRL_FAILED(PrlVmCfg_GetHardDisk(cfg, n, hd.out()))) continue;
        PrlVmDev_GetIndex(hd, &index);
        say("Remove the hdd" + std::to_string(index) + " device.");
        PrlVmDev_Remove(hd);
    }
}

std::string absolute(const std::string& p) {
    return p.empty() ? p : std::filesystem::absolute(p).lexically_normal().string();
}

// --dst (or --location) as the product's prlctl takes it: "./x" is refused,
// another relative path must exist and is made absolute; "" means the
// default place.
std::string location_option(const CommandLine& cl) {
    std::string dst = cl.has("dst") ? cl.get("dst") : cl.get("location");
    if (dst.empty() || dst[0] == '/') return dst;
    if (dst[0] == '.') throw Error{1, "An incorrect value for --dst is specified; relative paths are not allowed."};
    char full[PATH_MAX];
    if (!realpath(dst.c_str(), full)) throw Error{1, "Unable to get full path for " + dst};
    return full;
}

// A copy of `vm` named `name` (a template with PCVF_CLONE_TO_TEMPLATE).
int clone_to(const Vm& vm, const std::string& name, const std::string& dst, PRL_UINT32 flags) {
    const std::string kind = vm.kind();
    if (name.empty()) return report(1, "Failed to clone the " + kind + "; the --name option is not specified.");
    say("Clone the " + vm.name + " " + kind + " to " + (flags & PCVF_CLONE_TO_TEMPLATE ? "template" : kind) + " " +
        name + "...");
    Handle job(PrlVm_CloneWithUuid(vm.cfg, name.c_str(), "", dst.c_str(), flags));
    std::string err;
    if (const PRL_RESULT rc = wait(job, err)) return report(rc, "\nFailed to clone the " + kind + ": " + err);
    say("\nThe " + kind + " has been successfully cloned.");
    return 0;
}

// create --vmtype ct: the server's default container, named, registered.
int create_container(PRL_HANDLE server, const CommandLine& cl, const std::string& dst) {
    say("Creating the Container...");
    const std::string sample = cl.get("config");
    PRL_GET_VM_CONFIG_PARAM_DATA param{};
    param.nVmType = PVT_CT;
    param.sConfigSample = sample.c_str();
    param.nOsVersion = 0;
    Handle ct;
    try {
        ct = wait_param(PrlSrv_GetDefaultVmConfig(server, &param, 0), "PrlSrv_GetDefaultVmConfig");
    } catch (const Error& e) {
        return report(e.code, "Failed to get Container configuration: " + result_text(e.code));
    }
    PRL_RESULT rc = PrlVmCfg_SetVmType(ct, PVT_CT);
    if (rc) return report(rc, "PrlVmCfg_SetVmType: " + result_text(rc));
    if (cl.has("ostemplate")) PrlVmCfg_SetOsTemplate(ct, cl.get("ostemplate").c_str());
    if (!sample.empty()) PrlVmCfg_ApplyConfigSample(ct, sample.c_str());
    if ((rc = PrlVmCfg_SetName(ct, cl.id.c_str())))
        return report(rc, "PrlVmCfg_SetName returned the following error: " + result_text(rc));
    PRL_UINT32 flags = PACF_NON_INTERACTIVE_MODE;
    if (cl.has("no-hdd")) {
        remove_disks(ct);
        flags |= PRNVM_PRESERVE_DISK;
    }
    std::string err;
    if ((rc = wait(Handle(PrlVm_RegEx(ct, dst.c_str(), flags)), err))) {
        report(rc, "Failed to register the CT: " + err);
        return report(rc, "Failed to create the virtual machine.");
    }
    say("The Container has been successfully created.");
    return 0;
}

// create --ostemplate for a VM: a clone of that template.
int create_from_template(PRL_HANDLE server, const CommandLine& cl, const std::string& dst) {
    const std::string name = cl.get("ostemplate");
    say("Creating the VM on the basis of the " + name + " template...");
    const Vm vm = find_vm(server, name, false);
    PRL_BOOL is_template = PRL_FALSE;
    PrlVmCfg_IsTemplate(vm.cfg, &is_template);
    if (!is_template) return report(1, "Failed to find the " + name + " template.");
    return clone_to(vm, cl.id, dst, 0);
}

}  // namespace

int create(PRL_HANDLE server, const CommandLine& cl) {
    const std::string type = cl.get("vmtype");
    if (cl.has("vmtype") && type != "ct" && type != "c" && type != "vm" && type != "v")
        return report(1, "An incorrect value for --vmtype is specified: " + type);
    if (type == "ct" || type == "c") return create_container(server, cl, location_option(cl));
    if (cl.has("ostemplate")) return create_from_template(server, cl, location_option(cl));
    // The option checks in the product's order: a bad --ostype stops at
    // once with the family names; a bad --distribution is reported, and after
    // the other options are checked, the server's list is printed instead.
    std::string dist = "win";
    PRL_UINT32 version = ostype_version("win");
    if (cl.has("ostype")) {
        dist = cl.get("ostype");
        version = ostype_version(dist);
        if (version == 0) {
            if (dist != "list") std::fprintf(stderr, "An incorrect value for --ostype is specified:%s\n", dist.c_str());
            std::fputs(("The following values are allowed: " + ostype_list()).c_str(), stdout);
            return 1;
        }
    }
    bool list_distributions = false;
    if (cl.has("distribution")) {
        dist = cl.get("distribution");
        version = distribution_version(dist);
        list_distributions = version == 0;
        if (version == 0 && dist != "list")
            std::fprintf(stderr, "An incorrect value for --distribution is specified: %s\n", dist.c_str());
    }
    PRL_UINT32 chipset = PRL_CHIPSET_TYPE::CHIP_Q35;
    if (cl.has("chipset")) {
        const std::string c = cl.get("chipset");
        if (c == "piix") chipset = PRL_CHIPSET_TYPE::CHIP_PCI440FX;
        else if (c != "q35") return report(1, "An incorrect value for --chipset is specified: " + c);
    }
    const std::string dst = location_option(cl);  // checked with the options, before any work
    if (list_distributions) {
        std::fputs(distribution_list(server).c_str(), stdout);
        return dist == "list" ? 0 : 1;
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
    if (cl.has("no-hdd")) remove_disks(vm);
    if (cl.has("uuid")) PrlVmCfg_SetUuid(vm, braced_uuid(cl.get("uuid")).c_str());
    say("set chipset type = " + std::to_string(chipset));
    if ((rc = PrlVmCfg_SetChipsetType(vm, static_cast<PRL_CHIPSET_TYPE>(chipset)))) return report(rc, ":PrlVmCfg_SetChipsetType " + result_text(rc));
    const PRL_UINT32 chip_version = chipset == PRL_CHIPSET_TYPE::CHIP_PCI440FX
                                        ? PRL_UINT32(PRL_I440FX_VERSION::PCI440FX_DEFAULT)
                                        : PRL_UINT32(PRL_Q35_VERSION::Q35_DEFAULT);
    say("set chipset version = " + std::to_string(chip_version));
    if ((rc = PrlVmCfg_SetChipsetVersion(vm, chip_version)))
        return report(rc, ":PrlVmCfg_SetChipsetVersion " + result_text(rc));
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

int clone(PRL_HANDLE server, const CommandLine& cl) {
    PRL_UINT32 flags = 0;
    if (cl.has("template")) flags |= PCVF_CLONE_TO_TEMPLATE;
    if (cl.has("changesid")) flags |= PCVF_CHANGE_SID;  // no guest to change: the SDK ignores it too
    if (cl.has("linked")) flags |= PCVF_LINKED_CLONE;
    if (cl.has("detach-external-hdd")) {
        const std::string v = cl.get("detach-external-hdd");
        const bool on = v == "yes" || v == "on", off = v == "no" || v == "off";
        if (!on && !off) throw Error{1, "An invalid value was specified for --detach-external-hdd: " + v};
        // As the product's prlctl: "no" toggles the flag, which is not set
        // before, so it sets it as "yes" does.
        if (on) flags |= PCVF_DETACH_EXTERNAL_VIRTUAL_HDD;
        else flags ^= PCVF_DETACH_EXTERNAL_VIRTUAL_HDD;
    }
    const std::string dst = location_option(cl);
    return clone_to(find_vm(server, cl.id), cl.get("name"), dst, flags);
}

}  // namespace prlctl
