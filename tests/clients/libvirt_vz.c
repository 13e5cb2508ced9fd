/* libvirt's vz driver (src/vz/vz_sdk.c of libvirt 9.0), replayed call by call:
 * what libvirtd does when it connects and loads every VM (each must load: a
 * disk bus, adapter model or boot order the driver does not know, or a failed
 * perf-stats subscription, drops the VM from `virsh list`), `virsh define`
 * (a VM built device by device, then registered), and start, suspend,
 * managed-save removal (PrlVm_DropSuspendedState), destroy and undefine.
 * docs/compatibility.md, "libvirt". */
#include "client.h"

#define DEFINED "lvz-defined"
#define CREATED "lvz-created"
#define DEFINED_UUID "{5a0b4d0e-62a1-4c39-9a26-2f0d5e9c7d11}"

/* prlsdkGetDiskId: the buses the driver maps to libvirt's. */
static int known_bus(PRL_UINT32 bus) {
    return bus == PMS_IDE_DEVICE || bus == PMS_SCSI_DEVICE || bus == PMS_SATA_DEVICE || bus == PMS_UNKNOWN_DEVICE;
}

/* prlsdkLoadDomain for one VM: the getters it needs, the checks it makes. */
static int load_domain(PRL_HANDLE vm) {
    char buf[4096];
    PRL_UINT32 len, ram, cpus, env_id, count, i, prev = 0, used = 0, video;
    PRL_VM_AUTOSTART_OPTION autostart;
    len = sizeof buf;
    MUST(PrlVmCfg_GetName(vm, buf, &len));
    len = sizeof buf;
    MUST(PrlVmCfg_GetUuid(vm, buf, &len));
    MUST(PrlVmCfg_GetRamSize(vm, &ram));
    MUST(PrlVmCfg_GetCpuCount(vm, &cpus));
    MUST(PrlVmCfg_GetVideoRamSize(vm, &video));
    MUST(PrlVmCfg_GetEnvId(vm, &env_id));
    MUST(PrlVmCfg_GetAutoStart(vm, &autostart));
    EXPECT(autostart == PAO_VM_START_ON_LOAD || autostart == PAO_VM_START_MANUAL);

    MUST(PrlVmCfg_GetHardDisksCount(vm, &count));
    for (i = 0; i < count; ++i) {
        PRL_HANDLE hd;
        PRL_UINT32 bus, pos;
        MUST(PrlVmCfg_GetHardDisk(vm, i, &hd));
        MUST(PrlVmDev_GetStackIndex(hd, &pos));
        MUST(PrlVmDev_GetIfaceType(hd, &bus));
        EXPECT(known_bus(bus));
        PrlHandle_Free(hd);
    }
    MUST(PrlVmCfg_GetNetAdaptersCount(vm, &count));
    for (i = 0; i < count; ++i) {
        PRL_HANDLE net;
        PRL_VM_NET_ADAPTER_TYPE model;
        MUST(PrlVmCfg_GetNetAdapter(vm, i, &net));
        MUST(PrlVmDevNet_GetAdapterType(net, &model));
        EXPECT(model == PNT_RTL || model == PNT_E1000 || model == PNT_VIRTIO);
        PrlHandle_Free(net);
    }
    /* prlsdkConvertBootOrderVm: in-use entries in increasing order. */
    MUST(PrlVmCfg_GetBootDevCount(vm, &count));
    for (i = 0; i < count; ++i) {
        PRL_HANDLE dev;
        PRL_BOOL in_use;
        PRL_UINT32 seq, index;
        PRL_DEVICE_TYPE type;
        MUST(PrlVmCfg_GetBootDev(vm, i, &dev));
        MUST(PrlBootDev_IsInUse(dev, &in_use));
        if (in_use) {
            MUST(PrlBootDev_GetSequenceIndex(dev, &seq));
            EXPECT(used == 0 || seq > prev);
            prev = seq;
            ++used;
            MUST(PrlBootDev_GetType(dev, &type));
            EXPECT(type == PDE_OPTICAL_DISK || type == PDE_HARD_DISK || type == PDE_GENERIC_NETWORK_ADAPTER ||
                   type == PDE_FLOPPY_DISK);
            MUST(PrlBootDev_GetIndex(dev, &index));
        }
        PrlHandle_Free(dev);
    }
    JOB(PrlVm_SubscribeToPerfStats(vm, NULL), NULL);
    return 0;
}

/* vzConnectOpen: log in, list every VM and container, load each. */
static int connect_and_load(PRL_UINT32 expect_vms) {
    PRL_HANDLE srv, result, vm;
    PRL_UINT32 count = 0, i;
    if (cl_login(&srv)) return 1;
    MUST(PrlSrv_RegEventHandler(srv, cl_on_event, NULL));
    JOB(PrlSrv_GetVmListEx(srv, PVTF_VM | PVTF_CT), &result);
    MUST(PrlResult_GetParamsCount(result, &count));
    EXPECT(count == expect_vms);
    for (i = 0; i < count; ++i) {
        MUST(PrlResult_GetParamByIndex(result, i, &vm));
        if (load_domain(vm)) return 1;
        PrlHandle_Free(vm);
    }
    PrlHandle_Free(result);
    MUST(PrlSrv_UnregEventHandler(srv, cl_on_event, NULL));
    cl_logoff(srv);
    return 0;
}

/* prlsdkCreateVm + prlsdkDoApplyConfig for `virsh define`: a default
 * configuration stripped of its devices, then the domain's own. */
static int define_vm(void) {
    PRL_HANDLE srv, vm, cfg, list, dev;
    PRL_UINT32 count = 0, i;
    const char* image = cl_path("vms/" DEFINED ".pvm/harddisk.hdd");
    if (cl_login(&srv)) return 1;
    MUST(PrlSrv_CreateVm(srv, &vm));
    if (cl_srv_config(srv, &cfg)) return 1;
    MUST(PrlVmCfg_SetDefaultConfig(vm, cfg, PVS_GUEST_VER_LIN_REDHAT, 0));
    MUST(PrlVmCfg_SetOfflineManagementEnabled(vm, PRL_FALSE));
    MUST(PrlVmCfg_SetName(vm, DEFINED));
    MUST(PrlVmCfg_SetUuid(vm, DEFINED_UUID));
    MUST(PrlVmCfg_SetRamSize(vm, 512));
    MUST(PrlVmCfg_SetCpuCount(vm, 2));
    /* prlsdkClearDevices, prlsdkRemoveBootDevices */
    MUST(PrlVmCfg_GetAllDevices(vm, &list));
    MUST(PrlHndlList_GetItemsCount(list, &count));
    for (i = 0; i < count; ++i) {
        MUST(PrlHndlList_GetItem(list, i, &dev));
        MUST(PrlVmDev_Remove(dev));
        PrlHandle_Free(dev);
    }
    PrlHandle_Free(list);
    MUST(PrlVmCfg_GetBootDevCount(vm, &count));
    while (count-- > 0) {
        MUST(PrlVmCfg_GetBootDev(vm, 0, &dev));
        MUST(PrlBootDev_Remove(dev));
        PrlHandle_Free(dev);
    }
    /* prlsdkConfigureNet */
    MUST(PrlVmCfg_CreateVmDev(vm, PDE_GENERIC_NETWORK_ADAPTER, &dev));
    MUST(PrlVmDev_SetEnabled(dev, PRL_TRUE));
    MUST(PrlVmDev_SetConnected(dev, PRL_TRUE));
    MUST(PrlVmDevNet_SetMacAddress(dev, "001C42A0B1C2"));
    MUST(PrlVmDevNet_SetAdapterType(dev, PNT_VIRTIO));
    MUST(PrlVmDev_SetEmulatedType(dev, (PRL_VM_DEV_EMULATION_TYPE)PNA_BRIDGED_NETWORK));
    MUST(PrlVmDevNet_SetVirtualNetworkId(dev, "Bridged"));
    PrlHandle_Free(dev);
    /* prlsdkConfigureDisk: the source inside the bundle to be; no serial (NULL) */
    MUST(PrlVmCfg_CreateVmDev(vm, PDE_HARD_DISK, &dev));
    MUST(PrlVmDev_SetEnabled(dev, PRL_TRUE));
    MUST(PrlVmDev_SetConnected(dev, PRL_TRUE));
    MUST(PrlVmDev_SetEmulatedType(dev, PDT_USE_IMAGE_FILE));
    MUST(PrlVmDev_SetSysName(dev, image));
    MUST(PrlVmDev_SetFriendlyName(dev, image));
    MUST(PrlVmDevHd_SetDiskSize(dev, 64));
    MUST(PrlVmDev_SetSubType(dev, PCD_VIRTIO_SCSI));
    MUST(PrlVmDev_SetIfaceType(dev, PMS_SCSI_DEVICE));
    MUST(PrlVmDev_SetStackIndex(dev, 0));
    MUST(PrlVmDevHd_SetSerialNumber(dev, NULL));
    PrlHandle_Free(dev);
    /* prlsdkSetBootOrderVm: sequence numbers from 0 */
    MUST(PrlVmCfg_CreateBootDev(vm, &dev));
    MUST(PrlBootDev_SetIndex(dev, 0));
    MUST(PrlBootDev_SetType(dev, PDE_HARD_DISK));
    MUST(PrlBootDev_SetSequenceIndex(dev, 0));
    MUST(PrlBootDev_SetInUse(dev, PRL_TRUE));
    PrlHandle_Free(dev);
    JOB(PrlVm_Reg(vm, "", PRL_TRUE), NULL);
    PrlHandle_Free(cfg);
    PrlHandle_Free(vm);
    cl_logoff(srv);
    EXPECT(cl_exists(image));
    EXPECT(cl_file_has(cl_path("vms/" DEFINED ".pvm/config.pvs"), "<SerialNumber"));
    return 0;
}

static VIRTUAL_MACHINE_STATE state_of(PRL_HANDLE vm) {
    PRL_HANDLE result, info;
    VIRTUAL_MACHINE_STATE s = VMS_UNKNOWN;
    if (PRL_FAILED(cl_job(PrlVm_GetState(vm), &result))) return VMS_UNKNOWN;
    if (PRL_SUCCEEDED(PrlResult_GetParam(result, &info))) {
        PrlVmInfo_GetState(info, &s);
        PrlHandle_Free(info);
    }
    PrlHandle_Free(result);
    return s;
}

/* virsh start, suspend, managedsave-remove, start, destroy, undefine. */
static int lifecycle(void) {
    PRL_HANDLE srv, vm, counters, event;
    PRL_EVENT_TYPE type;
    if (cl_login(&srv)) return 1;
    if (cl_get_vm(srv, DEFINED, &vm)) return 1;
    JOB(PrlVm_Start(vm), NULL);
    EXPECT(state_of(vm) == VMS_RUNNING);
    JOB(PrlVm_GetPerfStats(vm, NULL), &counters);
    MUST(PrlResult_GetParam(counters, &event));
    MUST(PrlEvent_GetType(event, &type));
    EXPECT(type == PET_DSP_EVT_VM_PERFSTATS);
    PrlHandle_Free(event);
    PrlHandle_Free(counters);
    JOB(PrlVm_Suspend(vm), NULL);
    EXPECT(state_of(vm) == VMS_SUSPENDED);
    JOB(PrlVm_DropSuspendedState(vm), NULL);
    EXPECT(state_of(vm) == VMS_STOPPED);
    JOB(PrlVm_Start(vm), NULL);
    JOB(PrlVm_StopEx(vm, PSM_KILL, 0), NULL);
    EXPECT(state_of(vm) == VMS_STOPPED);
    JOB(PrlVm_UnsubscribeFromPerfStats(vm), NULL);
    JOB(PrlVm_Delete(vm, PRL_INVALID_HANDLE), NULL);
    PrlHandle_Free(vm);
    cl_logoff(srv);
    EXPECT(!cl_exists(cl_path("vms/" DEFINED ".pvm")));
    return 0;
}

int main(void) {
    if (cl_init("libvirt_vz")) return 2;
    COMMAND("prlctl create " CREATED, cl_create_vm(CREATED));
    COMMAND("libvirtd: connect, load every VM", connect_and_load(1));
    COMMAND("virsh define (a VM built device by device)", define_vm());
    COMMAND("libvirtd: connect, load every VM", connect_and_load(2));
    COMMAND("virsh start, suspend, managedsave-remove, start, destroy, undefine", lifecycle());
    COMMAND("libvirtd: connect, load every VM", connect_and_load(1));
    return cl_finish();
}
