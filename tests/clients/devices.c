/* prlctl set's device commands, replayed call by call (PrlVm::set ->
 * create_dev / PrlDevHdd / PrlDevNet / PrlDev::remove, then the commit):
 *   set vm1 --device-add hdd --size 100, --device-add net --type routed,
 *   --device-add net --network Bridged, --device-set hdd0 --size 66000,
 *   --device-del net0.
 * Outcomes: the device list, the boot order, the image files in the bundle. */
#include "client.h"

#define VM "vm1"
#define MAXDEV 64

/* Finds the device of a handle type and index in a fresh lookup; *dev is
 * PRL_INVALID_HANDLE if absent. Also returns the count of that type. */
static int find_dev(PRL_HANDLE srv, PRL_HANDLE_TYPE want, PRL_UINT32 index, PRL_HANDLE* dev, PRL_UINT32* of_type) {
    PRL_HANDLE vm, devs[MAXDEV];
    PRL_UINT32 n = MAXDEV, i, idx;
    PRL_HANDLE_TYPE type;
    *dev = PRL_INVALID_HANDLE;
    *of_type = 0;
    if (cl_get_vm(srv, VM, &vm)) return 1;
    if (cl_dev_info(vm, devs, &n)) return 1;
    for (i = 0; i < n; ++i) {
        if (PRL_SUCCEEDED(PrlHandle_GetType(devs[i], &type)) && type == want) {
            ++*of_type;
            if (PRL_SUCCEEDED(PrlVmDev_GetIndex(devs[i], &idx)) && idx == index && *dev == PRL_INVALID_HANDLE) {
                *dev = devs[i];
                continue;
            }
        }
        PrlHandle_Free(devs[i]);
    }
    PrlHandle_Free(vm);
    return 0;
}

static int boot_count(PRL_HANDLE srv, PRL_UINT32* count) {
    PRL_HANDLE vm;
    if (cl_get_vm(srv, VM, &vm)) return 1;
    MUST(PrlVmCfg_GetBootDevCount(vm, count));
    PrlHandle_Free(vm);
    return 0;
}

/* PrlVm::set_boot_dev(dev, -1, inuse): append to the boot order unless listed. */
static int set_boot_dev(PRL_HANDLE vm, PRL_DEVICE_TYPE dtype, PRL_UINT32 dev_index, PRL_BOOL inuse) {
    PRL_UINT32 count = 0, i, max = 0, found = 0;
    PRL_HANDLE boot;
    MUST(PrlVmCfg_GetBootDevCount(vm, &count));
    for (i = 0; i < count; ++i) {
        PRL_DEVICE_TYPE type;
        PRL_UINT32 idx, seq;
        PRL_BOOL used;
        MUST(PrlVmCfg_GetBootDev(vm, i, &boot));
        MUST(PrlBootDev_GetType(boot, &type));
        MUST(PrlBootDev_GetIndex(boot, &idx));
        MUST(PrlBootDev_GetSequenceIndex(boot, &seq));
        MUST(PrlBootDev_IsInUse(boot, &used));
        if (seq > max) max = seq;
        if (type == dtype && idx == dev_index) found = 1;
        PrlHandle_Free(boot);
    }
    if (!found) {
        MUST(PrlVmCfg_CreateBootDev(vm, &boot));
        MUST(PrlBootDev_SetType(boot, dtype));
        MUST(PrlBootDev_SetIndex(boot, dev_index));
        MUST(PrlBootDev_SetSequenceIndex(boot, max + 1));
        MUST(PrlBootDev_SetInUse(boot, inuse));
        PrlHandle_Free(boot);
    }
    return 0;
}

/* PrlSrv::get_new_dir(home, "harddisk%d.hdd"): the first free image name. */
static int new_image_name(PRL_HANDLE srv, const char* home, char* out, size_t size) {
    PRL_HANDLE result, fsinfo, entry;
    PRL_UINT32 count = 0, i, len;
    char names[64][256];
    PRL_UINT32 n = 0, id;
    JOB(PrlSrv_FsGetDirEntries(srv, home), &result);
    MUST(PrlResult_GetParamsCount(result, &count));
    EXPECT(count > 0);
    MUST(PrlResult_GetParam(result, &fsinfo));
    PrlHandle_Free(result);
    TRY(PrlFsInfo_GetChildEntriesCount(fsinfo, &count));
    for (i = 0; i < count && n < 64; ++i) {
        MUST(PrlFsInfo_GetChildEntry(fsinfo, i, &entry));
        len = sizeof names[n];
        if (PRL_SUCCEEDED(PrlFsEntry_GetRelativeName(entry, names[n], &len))) ++n;
        PrlHandle_Free(entry);
    }
    PrlHandle_Free(fsinfo);
    out[0] = 0;
    for (id = 1; id <= n && !out[0]; ++id) {
        char name[64];
        int taken = 0;
        snprintf(name, sizeof name, "harddisk%u.hdd", (unsigned)id);
        for (i = 0; i < n; ++i) taken |= strcmp(names[i], name) == 0;
        if (!taken) snprintf(out, size, "%s%s%s", home, home[strlen(home) - 1] == '/' ? "" : "/", name);
    }
    EXPECT(out[0] != 0);
    return 0;
}

/* PrlVm::validate_config(section) */
static int validate(PRL_HANDLE vm, PRL_VM_CONFIG_SECTIONS section) {
    PRL_HANDLE job = PrlVm_ValidateConfig(vm, section), result = PRL_INVALID_HANDLE;
    PRL_RESULT retcode = PRL_ERR_SUCCESS;
    PRL_UINT32 count = 0;
    MUST(PrlJob_Wait(job, JOB_TIMEOUT));
    MUST(PrlJob_GetRetCode(job, &retcode));
    MUST(PrlJob_GetResult(job, &result));
    MUST(PrlResult_GetParamsCount(result, &count));
    PrlHandle_Free(result);
    PrlHandle_Free(job);
    MUST(retcode);
    return 0;
}

static char hdd_path[1100];

/* prlctl set vm1 --device-add hdd --size 100 */
static int cmd_add_hdd(void) {
    PRL_HANDLE srv, vm, cfg, dev, devs[MAXDEV];
    PRL_UINT32 n = MAXDEV, idx = 0, size = 0, before, after, boot_before, boot_after;
    char home[4096];
    PRL_UINT32 len = sizeof home;
    if (cl_open_vm(&srv, VM, &vm, NULL)) return 1;
    if (boot_count(srv, &boot_before)) return 1;
    if (find_dev(srv, PHT_VIRTUAL_DEV_HARD_DISK, 999, &dev, &before)) return 1;
    JOB(PrlVm_BeginEdit(vm), NULL);
    if (cl_dev_info(vm, devs, &n)) return 1;
    cl_free_all(devs, n);
    if (cl_srv_config(srv, &cfg)) return 1;
    MUST(PrlVmCfg_AddDefaultDeviceEx(vm, cfg, PDE_HARD_DISK, &dev));
    TRY(PrlVmDev_GetIndex(dev, &idx));
    /* PrlDevHdd::configure -> set_device: a new image named after the bundle's files */
    MUST(PrlVmCfg_GetHomePath(vm, home, &len));
    if (len > 11 && strcmp(home + strlen(home) - 10, "config.pvs") == 0) home[strlen(home) - 11] = 0;
    if (new_image_name(srv, home, hdd_path, sizeof hdd_path)) return 1;
    MUST(PrlVmDev_SetImagePath(dev, hdd_path));
    MUST(PrlVmDev_SetEmulatedType(dev, PDT_USE_IMAGE_FILE));
    MUST(PrlVmDev_SetFriendlyName(dev, hdd_path));
    MUST(PrlVmDev_SetSysName(dev, hdd_path));
    /* create_image */
    MUST(PrlVmDevHd_SetDiskType(dev, PHD_EXPANDING_HARD_DISK));
    TRY(PrlVmDevHd_SetDiskSize(dev, 100));
    JOB(PrlVmDev_CreateImage(dev, PRL_FALSE, PRL_TRUE), NULL);
    if (validate(vm, PVC_HARD_DISK)) return 1;
    /* PrlDevHdd::create: add to the end of the boot order */
    if (set_boot_dev(vm, PDE_HARD_DISK, idx, PRL_TRUE)) return 1;
    if (cl_commit(srv, vm)) return 1;
    PrlHandle_Free(dev);
    PrlHandle_Free(cfg);
    PrlHandle_Free(vm);

    if (find_dev(srv, PHT_VIRTUAL_DEV_HARD_DISK, idx, &dev, &after)) return 1;
    EXPECT(after == before + 1);
    EXPECT(dev != PRL_INVALID_HANDLE);
    MUST(PrlVmDevHd_GetDiskSize(dev, &size));
    EXPECT(size == 100);
    EXPECT(strcmp(cl_str(PrlVmDev_GetImagePath, dev), hdd_path) == 0);
    PrlHandle_Free(dev);
    if (boot_count(srv, &boot_after)) return 1;
    EXPECT(boot_after == boot_before + 1);
    cl_logoff(srv);
    EXPECT(cl_file_size(hdd_path) == 100L * 1024 * 1024);
    return 0;
}

/* prlctl set vm1 --device-add net --type routed | --network Bridged */
static int cmd_add_net(int routed) {
    PRL_HANDLE srv, vm, cfg, dev, devs[MAXDEV], result = PRL_INVALID_HANDLE;
    PRL_UINT32 n = MAXDEV, idx = 0, before, after, boot_before, boot_after;
    PRL_VM_DEV_EMULATION_TYPE emu;
    int pass;
    if (cl_open_vm(&srv, VM, &vm, NULL)) return 1;
    if (boot_count(srv, &boot_before)) return 1;
    if (find_dev(srv, PHT_VIRTUAL_DEV_NET_ADAPTER, 999, &dev, &before)) return 1;
    JOB(PrlVm_BeginEdit(vm), NULL);
    if (cl_dev_info(vm, devs, &n)) return 1;
    cl_free_all(devs, n);
    if (cl_srv_config(srv, &cfg)) return 1;
    MUST(PrlVmCfg_AddDefaultDeviceEx(vm, cfg, PDE_GENERIC_NETWORK_ADAPTER, &dev));
    TRY(PrlVmDev_GetIndex(dev, &idx));
    /* PrlDevNet::create, then configure */
    MUST(PrlVmDev_SetEnabled(dev, PRL_TRUE));
    for (pass = routed ? 1 : 0; pass < 2; ++pass) {
        if (routed) { /* set_device(routed): no virtual network check for this mode */
            MUST(PrlVmDev_SetEmulatedType(dev, (PRL_VM_DEV_EMULATION_TYPE)PNA_ROUTED));
        } else { /* set_vnet("Bridged"): the client looks the network up, only warns */
            TRY_JOB(PrlSrv_GetVirtualNetworkList(srv, 0), &result);
            PrlHandle_Free(result);
            MUST(PrlVmDevNet_SetVirtualNetworkId(dev, "Bridged"));
            MUST(PrlVmDev_SetEmulatedType(dev, (PRL_VM_DEV_EMULATION_TYPE)PNA_BRIDGED_ETHERNET));
        }
    }
    TRY(PrlVmDev_GetEmulatedType(dev, &emu)); /* set_network */
    if (set_boot_dev(vm, PDE_GENERIC_NETWORK_ADAPTER, idx, PRL_TRUE)) return 1;
    if (cl_commit(srv, vm)) return 1;
    PrlHandle_Free(dev);
    PrlHandle_Free(cfg);
    PrlHandle_Free(vm);

    if (find_dev(srv, PHT_VIRTUAL_DEV_NET_ADAPTER, idx, &dev, &after)) return 1;
    EXPECT(after == before + 1);
    EXPECT(dev != PRL_INVALID_HANDLE);
    MUST(PrlVmDev_GetEmulatedType(dev, &emu));
    EXPECT(emu == (routed ? (PRL_VM_DEV_EMULATION_TYPE)PNA_ROUTED : (PRL_VM_DEV_EMULATION_TYPE)PNA_BRIDGED_ETHERNET));
    if (!routed) EXPECT(strcmp(cl_str(PrlVmDevNet_GetVirtualNetworkId, dev), "Bridged") == 0);
    PrlHandle_Free(dev);
    if (boot_count(srv, &boot_after)) return 1;
    EXPECT(boot_after == boot_before + 1);
    cl_logoff(srv);
    return 0;
}

/* prlctl set vm1 --device-set hdd0 --size 66000: a resize, no commit */
static int cmd_resize_hdd0(void) {
    PRL_HANDLE srv, vm, dev, devs[MAXDEV];
    PRL_UINT32 n = MAXDEV, i, idx, count, size = 0;
    PRL_HANDLE_TYPE type;
    PRL_VM_DEV_EMULATION_TYPE emu;
    char image[4096];
    if (cl_open_vm(&srv, VM, &vm, NULL)) return 1;
    JOB(PrlVm_BeginEdit(vm), NULL);
    if (cl_dev_info(vm, devs, &n)) return 1;
    dev = PRL_INVALID_HANDLE;
    for (i = 0; i < n; ++i)
        if (dev == PRL_INVALID_HANDLE && PRL_SUCCEEDED(PrlHandle_GetType(devs[i], &type)) &&
            type == PHT_VIRTUAL_DEV_HARD_DISK && PRL_SUCCEEDED(PrlVmDev_GetIndex(devs[i], &idx)) && idx == 0)
            dev = devs[i];
    EXPECT(dev != PRL_INVALID_HANDLE);
    MUST(PrlVmDev_GetEmulatedType(dev, &emu));
    EXPECT(emu == PDT_USE_IMAGE_FILE || emu == PDT_USE_FILE_SYSTEM);
    JOB(PrlVmDev_ResizeImage(dev, 66000, PRIF_RESIZE_LAST_PARTITION), NULL);
    cl_free_all(devs, n);
    PrlHandle_Free(vm);

    if (find_dev(srv, PHT_VIRTUAL_DEV_HARD_DISK, 0, &dev, &count)) return 1;
    EXPECT(dev != PRL_INVALID_HANDLE);
    MUST(PrlVmDevHd_GetDiskSize(dev, &size));
    EXPECT(size == 66000);
    snprintf(image, sizeof image, "%s", cl_str(PrlVmDev_GetImagePath, dev));
    PrlHandle_Free(dev);
    cl_logoff(srv);
    if (image[0] != '/') { /* relative to the bundle */
        char rel[4096];
        snprintf(rel, sizeof rel, "%s", image);
        snprintf(image, sizeof image, "%s/%s", cl_path("vms/%s.pvm", VM), rel);
    }
    EXPECT(cl_file_size(image) == 66000L * 1024 * 1024);
    return 0;
}

/* prlctl set vm1 --device-del net0 */
static int cmd_del_net0(void) {
    PRL_HANDLE srv, vm, dev, devs[MAXDEV];
    PRL_UINT32 n = MAXDEV, i, idx, before, after;
    PRL_HANDLE_TYPE type;
    if (cl_open_vm(&srv, VM, &vm, NULL)) return 1;
    if (find_dev(srv, PHT_VIRTUAL_DEV_NET_ADAPTER, 999, &dev, &before)) return 1;
    JOB(PrlVm_BeginEdit(vm), NULL);
    if (cl_dev_info(vm, devs, &n)) return 1;
    dev = PRL_INVALID_HANDLE;
    for (i = 0; i < n; ++i)
        if (dev == PRL_INVALID_HANDLE && PRL_SUCCEEDED(PrlHandle_GetType(devs[i], &type)) &&
            type == PHT_VIRTUAL_DEV_NET_ADAPTER && PRL_SUCCEEDED(PrlVmDev_GetIndex(devs[i], &idx)) && idx == 0)
            dev = devs[i];
    EXPECT(dev != PRL_INVALID_HANDLE);
    MUST(PrlVmDev_Remove(dev));
    cl_free_all(devs, n);
    if (cl_commit(srv, vm)) return 1;
    PrlHandle_Free(vm);

    if (find_dev(srv, PHT_VIRTUAL_DEV_NET_ADAPTER, 0, &dev, &after)) return 1;
    EXPECT(dev == PRL_INVALID_HANDLE);
    EXPECT(after == before - 1);
    cl_logoff(srv);
    return 0;
}

int main(void) {
    if (cl_init("dev")) return 2;
    COMMAND("prlctl create vm1 --vmtype vm", cl_create_vm(VM));
    COMMAND("prlctl set vm1 --device-add hdd --size 100", cmd_add_hdd());
    COMMAND("prlctl set vm1 --device-add net --type routed", cmd_add_net(1));
    COMMAND("prlctl set vm1 --device-add net --network Bridged", cmd_add_net(0));
    COMMAND("prlctl set vm1 --device-set hdd0 --size 66000", cmd_resize_hdd0());
    COMMAND("prlctl set vm1 --device-del net0", cmd_del_net0());
    return cl_finish();
}
