/* prlsrvctl's commands, replayed call by call:
 *   info, set --min-security-level low, net list, net add testnet,
 *   net del testnet, user list. */
#include "client.h"

/* PrlDisp::get_config_handle(): the common preferences. */
static int get_prefs(PRL_HANDLE srv, PRL_HANDLE* prefs) {
    PRL_HANDLE result;
    PRL_UINT32 count;
    JOB(PrlSrv_GetCommonPrefs(srv), &result);
    MUST(PrlResult_GetParamsCount(result, &count));
    MUST(PrlResult_GetParam(result, prefs));
    PrlHandle_Free(result);
    return 0;
}

/* PrlDisp::update_info(): the user profile (tolerated) and the settings 'info' prints. */
static int disp_update_info(PRL_HANDLE srv, PRL_HANDLE prefs) {
    PRL_HANDLE result = PRL_INVALID_HANDLE, user = PRL_INVALID_HANDLE, list;
    PRL_BOOL b;
    PRL_UINT32 u32;
    PRL_SECURITY_LEVEL level;
    char buf[4096];
    TRY_JOB(PrlSrv_GetUserProfile(srv), &result);
    if (result != PRL_INVALID_HANDLE && PRL_SUCCEEDED(PrlResult_GetParam(result, &user))) {
        u32 = sizeof buf;
        TRY(PrlUsrCfg_GetDefaultVmFolder(user, buf, &u32));
        PrlHandle_Free(user);
    }
    PrlHandle_Free(result);
    MUST(PrlDispCfg_IsAdjustMemAuto(prefs, &b));
    MUST(PrlDispCfg_GetReservedMemLimit(prefs, &u32));
    MUST(PrlDispCfg_GetMaxReservMemLimit(prefs, &u32));
    MUST(PrlDispCfg_GetMinSecurityLevel(prefs, &level));
    MUST(PrlDispCfg_CanChangeDefaultSettings(prefs, &b));
    MUST(PrlDispCfg_IsAllowMultiplePMC(prefs, &b));
    MUST(PrlDispCfg_IsSendStatisticReport(prefs, &b));
    MUST(PrlDispCfg_IsVerboseLogEnabled(prefs, &b));
    MUST(PrlDispCfg_IsLogRotationEnabled(prefs, &b));
    MUST(PrlDispCfg_GetVmCpuLimitType(prefs, &u32));
    MUST(PrlDispCfg_GetConfirmationsList(prefs, &list));
    MUST(PrlOpTypeList_GetItemsCount(list, &u32));
    PrlHandle_Free(list);
    return 0;
}

typedef PRL_RESULT (*count_fn)(PRL_HANDLE, PRL_UINT32_PTR);
typedef PRL_RESULT (*item_fn)(PRL_HANDLE, PRL_UINT32, PRL_HANDLE_PTR);

/* PrlSrv::get_hw_dev_info(type): count, handles, names; then the id/name line. */
static int hw_devs(PRL_HANDLE cfg, count_fn count, item_fn item, int kind, PRL_UINT32* total) {
    PRL_UINT32 n = 0, i, j, parts;
    char buf[1024];
    PRL_UINT32 len;
    MUST(count(cfg, &n));
    *total += n;
    for (i = 0; i < n; ++i) {
        PRL_HANDLE dev, part;
        MUST(item(cfg, i, &dev));
        len = sizeof buf;
        if (kind == 'h') {
            TRY(PrlSrvCfgHdd_GetDevName(dev, buf, &len));
            TRY(PrlSrvCfgHdd_GetPartsCount(dev, &parts));
            for (j = 0; j < parts; ++j)
                if (PRL_SUCCEEDED(PrlSrvCfgHdd_GetPart(dev, j, &part))) {
                    len = sizeof buf;
                    TRY(PrlSrvCfgHddPart_GetSysName(part, buf, &len));
                    PrlHandle_Free(part);
                }
        } else if (kind == 'n') {
            PRL_UINT16 vlan;
            TRY(PrlSrvCfgDev_GetName(dev, buf, &len));
            len = sizeof buf;
            TRY(PrlSrvCfgNet_GetMacAddress(dev, buf, &len));
            TRY(PrlSrvCfgNet_GetVlanTag(dev, &vlan));
        } else {
            TRY(PrlSrvCfgDev_GetName(dev, buf, &len));
        }
        /* PrlDevSrv::get_id / get_name: a host disk has its own calls (the
         * generic ones refuse its handle, in the SDK as here) */
        len = sizeof buf;
        MUST(kind == 'h' ? PrlSrvCfgHdd_GetDevId(dev, buf, &len) : PrlSrvCfgDev_GetId(dev, buf, &len));
        len = sizeof buf;
        MUST(kind == 'h' ? PrlSrvCfgHdd_GetDevName(dev, buf, &len) : PrlSrvCfgDev_GetName(dev, buf, &len));
        PrlHandle_Free(dev);
    }
    return 0;
}

/* prlsrvctl info (PrlSrv::print_info) */
static int cmd_info(void) {
    PRL_HANDLE srv, info, prefs, result, lic, cfg, vm, event;
    PRL_APPLICATION_MODE mode;
    PRL_RESULT status;
    PRL_UINT32 count, i, total = 0;
    PRL_VOID_PTR xml = NULL;
    char uuid[64], buf[1024];
    PRL_UINT32 len;
    char* on_disk;
    if (cl_login(&srv)) return 1;
    /* append_info: server info, product, the dispatcher's settings */
    MUST(PrlSrv_GetServerInfo(srv, &info));
    len = sizeof uuid;
    MUST(PrlSrvInfo_GetServerUuid(info, uuid, &len));
    len = sizeof buf;
    MUST(PrlSrvInfo_GetProductVersion(info, buf, &len));
    len = sizeof buf;
    MUST(PrlSrvInfo_GetHostName(info, buf, &len));
    PrlHandle_Free(info);
    MUST(PrlApi_GetAppMode(&mode));
    if (get_prefs(srv, &prefs)) return 1;
    if (disp_update_info(srv, prefs)) return 1;
    PrlHandle_Free(prefs);
    /* append_lic_info: status, key, then the licence's fields via an event */
    JOB(PrlSrv_GetLicenseInfo(srv), &result);
    MUST(PrlResult_GetParamsCount(result, &count));
    MUST(PrlResult_GetParam(result, &lic));
    PrlHandle_Free(result);
    MUST(PrlLic_GetStatus(lic, &status));
    len = sizeof buf;
    TRY(PrlLic_GetLicenseKey(lic, buf, &len));
    MUST(PrlHandle_ToString(lic, &xml));
    MUST(PrlSrv_CreateVm(srv, &vm));
    MUST(PrlVm_CreateAnswerEvent(vm, &event, 0));
    MUST(PrlEvent_FromString(event, (PRL_CONST_STR)xml));
    PrlBuffer_Free(xml);
    MUST(PrlEvent_GetParamsCount(event, &count));
    for (i = 0; i < count; ++i) {
        PRL_HANDLE param;
        MUST(PrlEvent_GetParam(event, i, &param));
        len = sizeof buf;
        MUST(PrlEvtPrm_GetName(param, buf, &len));
        PrlHandle_Free(param);
    }
    PrlHandle_Free(event);
    PrlHandle_Free(vm);
    PrlHandle_Free(lic);
    /* append_hw_info: every device class */
    if (cl_srv_config(srv, &cfg)) return 1;
    if (hw_devs(cfg, PrlSrvCfg_GetHardDisksCount, PrlSrvCfg_GetHardDisk, 'h', &total)) return 1;
    if (hw_devs(cfg, PrlSrvCfg_GetOpticalDisksCount, PrlSrvCfg_GetOpticalDisk, 'o', &total)) return 1;
    if (hw_devs(cfg, PrlSrvCfg_GetFloppyDisksCount, PrlSrvCfg_GetFloppyDisk, 'o', &total)) return 1;
    if (hw_devs(cfg, PrlSrvCfg_GetNetAdaptersCount, PrlSrvCfg_GetNetAdapter, 'n', &total)) return 1;
    if (hw_devs(cfg, PrlSrvCfg_GetUsbDevsCount, PrlSrvCfg_GetUsbDev, 'o', &total)) return 1;
    if (hw_devs(cfg, PrlSrvCfg_GetSerialPortsCount, PrlSrvCfg_GetSerialPort, 'o', &total)) return 1;
    if (hw_devs(cfg, PrlSrvCfg_GetParallelPortsCount, PrlSrvCfg_GetParallelPort, 'o', &total)) return 1;
    if (hw_devs(cfg, PrlSrvCfg_GetGenericPciDevicesCount, PrlSrvCfg_GetGenericPciDevice, 'o', &total)) return 1;
    PrlHandle_Free(cfg);
    cl_logoff(srv);
    /* the ID line is the state root's server UUID */
    on_disk = cl_read_file(cl_path("server-uuid"));
    EXPECT(on_disk && strncmp(on_disk, uuid, strlen(uuid)) == 0);
    free(on_disk);
    return 0;
}

/* prlsrvctl set --min-security-level low (PrlDisp::set) */
static int cmd_set_security(void) {
    PRL_HANDLE srv, prefs;
    PRL_SECURITY_LEVEL level;
    if (cl_login(&srv)) return 1;
    JOB(PrlSrv_CommonPrefsBeginEdit(srv), NULL);
    if (get_prefs(srv, &prefs)) return 1;
    MUST(PrlDispCfg_SetMinSecurityLevel(prefs, PSL_LOW_SECURITY));
    JOB(PrlSrv_CommonPrefsCommit(srv, prefs), NULL);
    PrlHandle_Free(prefs);
    cl_logoff(srv);
    /* a new session sees it */
    if (cl_login(&srv)) return 1;
    if (get_prefs(srv, &prefs)) return 1;
    MUST(PrlDispCfg_GetMinSecurityLevel(prefs, &level));
    EXPECT(level == PSL_LOW_SECURITY);
    PrlHandle_Free(prefs);
    cl_logoff(srv);
    return 0;
}

/* PrlSrv::fill_vnetworks_list() + find by id; *found gets a handle or PRL_INVALID_HANDLE. */
static int find_vnet(PRL_HANDLE srv, const char* id, PRL_HANDLE* found, PRL_UINT32* total, int print) {
    PRL_HANDLE result, net;
    PRL_UINT32 count = 0, i;
    *found = PRL_INVALID_HANDLE;
    JOB(PrlSrv_GetVirtualNetworkList(srv, 0), &result);
    MUST(PrlResult_GetParamsCount(result, &count));
    if (total) *total = count;
    for (i = 0; i < count; ++i) {
        char name[1024];
        PRL_UINT32 len = sizeof name;
        MUST(PrlResult_GetParamByIndex(result, i, &net));
        MUST(PrlVirtNet_GetNetworkId(net, name, &len));
        if (print) { /* print_vnetwork_info */
            PRL_NET_VIRTUAL_NETWORK_TYPE type;
            PRL_BOOL nat;
            MUST(PrlVirtNet_GetNetworkType(net, &type));
            if (type != PVN_BRIDGED_ETHERNET) MUST(PrlVirtNet_IsNATServerEnabled(net, &nat));
        }
        if (id && strcmp(name, id) == 0 && *found == PRL_INVALID_HANDLE)
            *found = net;
        else
            PrlHandle_Free(net);
    }
    PrlHandle_Free(result);
    return 0;
}

/* prlsrvctl net list */
static int cmd_net_list(void) {
    PRL_HANDLE srv, none;
    PRL_UINT32 total = 0;
    if (cl_login(&srv)) return 1;
    if (find_vnet(srv, NULL, &none, &total, 1)) return 1;
    cl_logoff(srv);
    EXPECT(total >= 1);
    return 0;
}

/* prlsrvctl net add testnet (PrlSrv::vnetwork, Add) */
static int cmd_net_add(void) {
    PRL_HANDLE srv, net, found;
    if (cl_login(&srv)) return 1;
    TRY(PrlSrv_RegEventHandler(srv, cl_on_event, NULL));
    MUST(PrlVirtNet_Create(&net));
    MUST(PrlVirtNet_SetNetworkId(net, "testnet"));
    JOB(PrlSrv_AddVirtualNetwork(srv, net, 0), NULL);
    PrlHandle_Free(net);
    if (find_vnet(srv, "testnet", &found, NULL, 0)) return 1;
    EXPECT(found != PRL_INVALID_HANDLE);
    MUST(PrlVirtNet_SetNetworkId(found, "testnet"));
    JOB(PrlSrv_UpdateVirtualNetwork(srv, found, 0), NULL);
    PrlHandle_Free(found);
    TRY(PrlSrv_UnregEventHandler(srv, cl_on_event, NULL));
    cl_logoff(srv);
    if (cl_login(&srv)) return 1;
    if (find_vnet(srv, "testnet", &found, NULL, 0)) return 1;
    EXPECT(found != PRL_INVALID_HANDLE);
    PrlHandle_Free(found);
    cl_logoff(srv);
    return 0;
}

/* prlsrvctl net del testnet */
static int cmd_net_del(void) {
    PRL_HANDLE srv, found;
    if (cl_login(&srv)) return 1;
    TRY(PrlSrv_RegEventHandler(srv, cl_on_event, NULL));
    if (find_vnet(srv, "testnet", &found, NULL, 0)) return 1;
    EXPECT(found != PRL_INVALID_HANDLE);
    MUST(PrlVirtNet_SetNetworkId(found, "testnet"));
    JOB(PrlSrv_DeleteVirtualNetwork(srv, found, 0), NULL);
    PrlHandle_Free(found);
    TRY(PrlSrv_UnregEventHandler(srv, cl_on_event, NULL));
    if (find_vnet(srv, "testnet", &found, NULL, 0)) return 1;
    EXPECT(found == PRL_INVALID_HANDLE);
    cl_logoff(srv);
    return 0;
}

/* prlsrvctl user list (PrlSrv::get_user_info) */
static int cmd_user_list(void) {
    PRL_HANDLE srv, result, user;
    PRL_UINT32 count = 0, i, u32, len;
    PRL_BOOL b;
    char name[256], uuid[64], home[4096];
    if (cl_login(&srv)) return 1;
    JOB(PrlSrv_GetUserInfoList(srv), &result);
    MUST(PrlResult_GetParamsCount(result, &count));
    for (i = 0; i < count; ++i) {
        MUST(PrlResult_GetParamByIndex(result, i, &user));
        len = sizeof name;
        MUST(PrlUsrInfo_GetName(user, name, &len));
        len = sizeof uuid;
        MUST(PrlUsrInfo_GetUuid(user, uuid, &len));
        len = sizeof home;
        MUST(PrlUsrInfo_GetDefaultVmFolder(user, home, &len));
        TRY(PrlUsrInfo_GetSessionCount(user, &u32));
        TRY(PrlUsrInfo_CanChangeSrvSets(user, &b));
        PrlHandle_Free(user);
    }
    PrlHandle_Free(result);
    cl_logoff(srv);
    EXPECT(count >= 1);
    return 0;
}

int main(void) {
    if (cl_init("srv")) return 2;
    COMMAND("prlsrvctl info", cmd_info());
    COMMAND("prlsrvctl set --min-security-level low", cmd_set_security());
    COMMAND("prlsrvctl net list", cmd_net_list());
    COMMAND("prlsrvctl net add testnet", cmd_net_add());
    COMMAND("prlsrvctl net del testnet", cmd_net_del());
    COMMAND("prlsrvctl user list", cmd_user_list());
    return cl_finish();
}
