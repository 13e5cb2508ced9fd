#include "vm_info.h"

#include "ct_features.h"

#include <cstring>
#include <sstream>

namespace prlctl {
namespace {

template <typename T, typename Getter>
T value_of(Getter g, PRL_HANDLE h, T fallback = T{}) {
    T v = fallback;
    if (PRL_FAILED(g(h, &v))) return fallback;
    return v;
}

bool on(PRL_RESULT (*g)(PRL_HANDLE, PRL_BOOL_PTR), PRL_HANDLE h) { return value_of<PRL_BOOL>(g, h) != PRL_FALSE; }

std::string iface_word(PRL_MASS_STORAGE_INTERFACE_TYPE t, const char* other) {
    switch (t) {
        case PMS_IDE_DEVICE: return "ide";
        case PMS_SATA_DEVICE: return "sata";
        case PMS_SCSI_DEVICE: return "scsi";
        case PMS_VIRTIO_BLOCK_DEVICE: return "virtio";
        default: return other;
    }
}

std::string subtype_word(PRL_HANDLE dev) {
    switch (value_of<PRL_CLUSTERED_DEVICE_SUBTYPE>(PrlVmDev_GetSubType, dev)) {
        case PCD_VIRTIO_SCSI: return "virtio-scsi";
        case PCD_HYPER_V_SCSI: return "hyperv";
        default: return "unknown";
    }
}

std::vector<Handle> devices(PRL_HANDLE cfg, PRL_DEVICE_TYPE type) {
    std::vector<Handle> list;
    PRL_UINT32 n = 0;
    if (PRL_FAILED(PrlVmCfg_GetDevsCountByType(cfg, type, &n))) return list;
    for (PRL_UINT32 i = 0; i < n; ++i) {
        Handle d;
        if (PRL_SUCCEEDED(PrlVmCfg_GetDevByType(cfg, type, i, d.out()))) list.push_back(std::move(d));
    }
    return list;
}

std::string dev_id(const char* prefix, PRL_HANDLE dev) {
    return prefix + std::to_string(value_of<PRL_UINT32>(PrlVmDev_GetIndex, dev));
}

void storage_port(Report& r, PRL_HANDLE dev, const char* other) {
    const std::string iface = iface_word(value_of<PRL_MASS_STORAGE_INTERFACE_TYPE>(PrlVmDev_GetIfaceType, dev), other);
    if (!iface.empty())
        r.str("port", iface + ":" + std::to_string(value_of<PRL_UINT32>(PrlVmDev_GetStackIndex, dev)), true,
              Report::kHidden);
}

void scsi_and_compact(Report& r, PRL_HANDLE dev) {
    if (value_of<PRL_MASS_STORAGE_INTERFACE_TYPE>(PrlVmDev_GetIfaceType, dev) == PMS_SCSI_DEVICE)
        r.str("subtype", subtype_word(dev), true);
    PRL_BOOL compress = PRL_TRUE;
    if (PRL_SUCCEEDED(PrlVmDevHd_IsAutoCompressEnabled(dev, &compress)) && !compress) r.str("autocompact", "off", true);
}

void hard_disk(Report& r, PRL_HANDLE dev, bool full, bool type_and_size = true) {
    r.device(dev_id("hdd", dev));
    r.enabled(on(PrlVmDev_IsEnabled, dev));
    storage_port(r, dev, "");
    const std::string url = text_of(PrlVmDevHd_GetStorageURL, dev);
    const bool image = value_of<PRL_VM_DEV_EMULATION_TYPE>(PrlVmDev_GetEmulatedType, dev) == PDT_USE_IMAGE_FILE;
    r.str(image || !url.empty() ? "image" : "real", text_of(PrlVmDev_GetFriendlyName, dev), true, Report::kQuoted);
    if (!url.empty()) r.str("url", url, true, Report::kQuoted);
    if (image && type_and_size) {
        PRL_HARD_DISK_INTERNAL_FORMAT fmt;
        if (PRL_SUCCEEDED(PrlVmDevHd_GetDiskType(dev, &fmt)))
            r.str("type", fmt == PHD_PLAIN_HARD_DISK ? "plain" : "expanded", true, Report::kQuoted);
        PRL_UINT32 size = 0;
        if (PRL_SUCCEEDED(PrlVmDevHd_GetDiskSize(dev, &size)) && size) r.num("size", size, "Mb", true, true);
    }
    const std::string mnt = text_of(PrlVmDevHd_GetMountPoint, dev);
    if (!mnt.empty()) r.str("mnt", mnt, true);
    r.str("state", on(PrlVmDev_IsConnected, dev) ? "connected" : "disconnected", true);
    scsi_and_compact(r, dev);
    if (full) {
        const std::string serial = text_of(PrlVmDevHd_GetSerialNumber, dev);
        if (!serial.empty()) r.str("serial", serial, true);
    }
    r.end(true);
}

void optical(Report& r, PRL_HANDLE dev) {
    r.device(dev_id("cdrom", dev));
    r.enabled(on(PrlVmDev_IsEnabled, dev));
    storage_port(r, dev, "scsi");
    const bool image = value_of<PRL_VM_DEV_EMULATION_TYPE>(PrlVmDev_GetEmulatedType, dev) == PDT_USE_IMAGE_FILE;
    r.str(image ? "image" : "real", text_of(PrlVmDev_GetFriendlyName, dev), true, Report::kQuoted);
    r.str("state", on(PrlVmDev_IsConnected, dev) ? "connected" : "disconnected", true);
    scsi_and_compact(r, dev);
    r.end(true);
}

void usb(Report& r, PRL_HANDLE dev) {
    r.device("usb");
    r.enabled(on(PrlVmDev_IsEnabled, dev));
    r.str("state", on(PrlVmDev_IsConnected, dev) ? "connected" : "disconnected", true);
    r.end(true);
}

void floppy(Report& r, PRL_HANDLE dev) {
    r.device(dev_id("fdd", dev));
    r.enabled(on(PrlVmDev_IsEnabled, dev));
    const bool real = value_of<PRL_VM_DEV_EMULATION_TYPE>(PrlVmDev_GetEmulatedType, dev) == PDT_USE_REAL_DEVICE;
    r.str(real ? "real" : "image", text_of(PrlVmDev_GetFriendlyName, dev), true, Report::kQuoted);
    r.str("state", on(PrlVmDev_IsConnected, dev) ? "connected" : "disconnected", true);
    r.end(true);
}

void serial_port(Report& r, PRL_HANDLE dev) {
    r.device(dev_id("serial", dev));
    r.enabled(on(PrlVmDev_IsEnabled, dev));
    const auto type = value_of<PRL_VM_DEV_EMULATION_TYPE>(PrlVmDev_GetEmulatedType, dev, PDT_ANY_TYPE);
    const char* word = type == PDT_USE_REAL_DEVICE                ? "real"
                       : type == PDT_USE_OUTPUT_FILE              ? "output"
                       : type == PDT_USE_SERIAL_PORT_SOCKET_MODE  ? "socket"
                       : type == PDT_USE_SERIAL_PORT_TCP_MODE     ? "tcp"
                       : type == PDT_USE_SERIAL_PORT_UDP_MODE     ? "udp"
                                                                  : "unknown";
    r.str(word, text_of(PrlVmDev_GetFriendlyName, dev), true, Report::kQuoted);
    if (type == PDT_USE_SERIAL_PORT_SOCKET_MODE || type == PDT_USE_SERIAL_PORT_TCP_MODE) {
        const auto mode = value_of<PRL_SERIAL_PORT_SOCKET_OPERATION_MODE>(PrlVmDevSerial_GetSocketMode, dev,
                                                                          PSP_SERIAL_SOCKET_SERVER);
        if (mode == PSP_SERIAL_SOCKET_SERVER) r.str("mode", "server", true);
        if (mode == PSP_SERIAL_SOCKET_CLIENT) r.str("mode", "client", true);
    }
    r.str("state", on(PrlVmDev_IsConnected, dev) ? "connected" : "disconnected", true);
    r.end(true);
}

void parallel_port(Report& r, PRL_HANDLE dev) {
    r.device(dev_id("parallel", dev));
    r.enabled(on(PrlVmDev_IsEnabled, dev));
    const bool real = value_of<PRL_VM_DEV_EMULATION_TYPE>(PrlVmDev_GetEmulatedType, dev) == PDT_USE_REAL_DEVICE;
    r.str(real ? "real" : "output", text_of(PrlVmDev_GetFriendlyName, dev), true, Report::kQuoted);
    r.str("state", on(PrlVmDev_IsConnected, dev) ? "connected" : "disconnected", true);
    r.end(true);
}

void sound(Report& r, PRL_HANDLE dev) {
    r.device(dev_id("sound", dev));
    r.enabled(on(PrlVmDev_IsEnabled, dev));
    char buf[512];
    PRL_UINT32 len = sizeof buf;
    if (PRL_SUCCEEDED(PrlVmDevSound_GetOutputDev(dev, buf, &len))) r.str("output", buf, true, Report::kQuoted);
    len = sizeof buf;
    if (PRL_SUCCEEDED(PrlVmDevSound_GetMixerDev(dev, buf, &len))) r.str("mixer", buf, true, Report::kQuoted);
    r.str("state", on(PrlVmDev_IsConnected, dev) ? "connected" : "disconnected", true);
    r.end(true);
}

std::string card_word(PRL_VM_NET_ADAPTER_TYPE t) {
    switch (t) {
        case PNT_RTL: return "rtl";
        case PNT_E1000: return "e1000";
        case PNT_HYPERV: return "hyperv";
        case PNT_E1000E: return "e1000e";
        case PNT_VIRTIO: return "virtio";
        default: return "unknown";
    }
}

std::string string_list(PRL_RESULT (*getter)(PRL_HANDLE, PRL_HANDLE_PTR), PRL_HANDLE dev, bool& ok) {
    Handle list;
    ok = PRL_SUCCEEDED(getter(dev, list.out()));
    std::string out;
    PRL_UINT32 n = 0;
    if (!ok || PRL_FAILED(PrlStrList_GetItemsCount(list, &n))) return out;
    for (PRL_UINT32 i = 0; i < n; ++i) {
        PRL_UINT32 len = 0;
        if (PRL_FAILED(PrlStrList_GetItem(list, i, nullptr, &len)) || len == 0) continue;
        std::string item(len, '\0');
        if (PRL_FAILED(PrlStrList_GetItem(list, i, item.data(), &len))) continue;
        item.resize(std::strlen(item.c_str()));
        out += (i ? " " : "") + item;
    }
    return out;
}

void network(Report& r, PRL_HANDLE dev, bool full, bool in_ct = false) {
    const auto type = static_cast<PRL_NET_ADAPTER_EMULATED_TYPE>(value_of<PRL_VM_DEV_EMULATION_TYPE>(PrlVmDev_GetEmulatedType, dev));
    // A container's routed adapter is its venet0, whatever its index.
    r.device(in_ct && type == PNA_ROUTED ? "venet0" : dev_id("net", dev));
    r.str("dev", text_of(PrlVmDevNet_GetHostInterfaceName, dev), true, Report::kQuoted);
    r.enabled(on(PrlVmDev_IsEnabled, dev));
    const std::string ifname = text_of(PrlVmDev_GetSysName, dev);
    if (!ifname.empty()) r.str("ifname", ifname, true, Report::kQuoted);
    switch (type) {
        case PNA_BRIDGE: r.str("type", "bridge", true); break;
        case PNA_BRIDGED_ETHERNET:
            r.str("network", text_of(PrlVmDevNet_GetVirtualNetworkId, dev), true, Report::kQuoted);
            break;
        case PNA_ROUTED: r.str("type", "routed", true); break;
        case PNA_HOST_ONLY: {
            r.str("type", "host", true);
            PRL_INT32 idx = 0;
            if (PRL_SUCCEEDED(PrlVmDevNet_GetBoundAdapterIndex(dev, &idx)))
                r.str("iface", text_of(PrlVmDevNet_GetBoundAdapterName, dev), true, Report::kQuoted);
            break;
        }
        case PNA_SHARED: r.str("type", "shared", true); break;
        case PNA_DIRECT_ASSIGN:
            r.str("type", "direct", true);
            r.str("device", ifname, true, Report::kQuoted);
            break;
        default: r.str("type", "unknown", true);
    }
    if (type != PNA_DIRECT_ASSIGN) {
        char mac[64] = "";
        PRL_UINT32 len = sizeof mac;
        if (PRL_SUCCEEDED(PrlVmDevNet_GetMacAddress(dev, mac, &len))) r.str("mac", mac, true);
    }
    PRL_VM_NET_ADAPTER_TYPE card = PNT_UNDEFINED;
    if (PRL_SUCCEEDED(PrlVmDevNet_GetAdapterType(dev, &card)) && card != PNT_UNDEFINED)
        r.str("card", card_word(card), true);
    PRL_BOOL b = PRL_FALSE;
    bool ok = false;
    if (full) {
        if (PRL_SUCCEEDED(PrlVmDevNet_IsPktFilterPreventPromisc(dev, &b))) r.str("preventpromisc", b ? "on" : "off", true);
        if (PRL_SUCCEEDED(PrlVmDevNet_IsPktFilterPreventMacSpoof(dev, &b))) r.str("mac_filter", b ? "on" : "off", true);
        if (PRL_SUCCEEDED(PrlVmDevNet_IsPktFilterPreventIpSpoof(dev, &b))) r.str("ip_filter", b ? "on" : "off", true);
        const std::string dns = string_list(PrlVmDevNet_GetDnsServers, dev, ok);
        if (ok) r.str("nameservers", dns, true);
        const std::string domains = string_list(PrlVmDevNet_GetSearchDomains, dev, ok);
        if (ok) r.str("searchdomains", domains, true);
    }
    const std::string ips = string_list(PrlVmDevNet_GetNetAddresses, dev, ok);
    if (!ips.empty()) r.str("ips", ips + " ", true, Report::kQuoted);
    if (type != PNA_ROUTED) {
        if (PRL_SUCCEEDED(PrlVmDevNet_IsConfigureWithDhcp(dev, &b)) && b) r.str("dhcp", "yes", true, Report::kQuoted);
        if (PRL_SUCCEEDED(PrlVmDevNet_IsConfigureWithDhcpIPv6(dev, &b)) && b) r.str("dhcp6", "yes", true, Report::kQuoted);
        const std::string gw = text_of(PrlVmDevNet_GetDefaultGateway, dev);
        if (!gw.empty()) r.str("gw", gw, true, Report::kQuoted);
        const std::string gw6 = text_of(PrlVmDevNet_GetDefaultGatewayIPv6, dev);
        if (!gw6.empty()) r.str("gw6", gw6, true, Report::kQuoted);
    }
    r.str("state", on(PrlVmDev_IsConnected, dev) ? "connected" : "disconnected", true);
    r.end(true);
}

std::string autostart_word(PRL_HANDLE cfg) {
    PRL_VM_AUTOSTART_OPTION m;
    if (PRL_FAILED(PrlVmCfg_GetAutoStart(cfg, &m))) return {};
    switch (m) {
        case PAO_VM_START_MANUAL: return "off";
        case PAO_VM_START_ON_LOAD: return "on";
        case PAO_VM_START_ON_RELOAD: return "auto";
        case PAO_VM_START_ON_GUI_APP_STARTUP: return "start-app";
        case PAO_VM_START_ON_GUI_VM_WINDOW_OPEN: return "open-window";
        default: return {};
    }
}

std::string autostop_word(PRL_HANDLE cfg) {
    PRL_VM_AUTOSTOP_OPTION m;
    if (PRL_FAILED(PrlVmCfg_GetAutoStop(cfg, &m))) return {};
    switch (m) {
        case PAO_VM_STOP: return "stop";
        case PAO_VM_SUSPEND: return "suspend";
        case PAO_VM_SHUTDOWN: return "shutdown";
        default: return {};
    }
}

std::string on_crash_word(PRL_HANDLE cfg) {
    PRL_VM_ON_CRASH_ACTION a;
    PRL_UINT32 o = 0;
    if (PRL_FAILED(PrlVmCfg_GetActionOnGuestCrash(cfg, &a)) || PRL_FAILED(PrlVmCfg_GetOptionsOnGuestCrash(cfg, &o)))
        return {};
    std::string s = a == POCA_RESTART ? "restart" : a == POCA_PAUSE ? "pause" : "";
    if (o == 0) s += ":no-report";
    return s;
}

std::string boot_order(PRL_HANDLE cfg) {
    // The boot devices in use, by their prlctl names, in boot order.
    PRL_UINT32 n = 0;
    if (PRL_FAILED(PrlVmCfg_GetBootDevCount(cfg, &n))) return {};
    std::vector<std::pair<PRL_UINT32, std::string>> in_use;
    for (PRL_UINT32 i = 0; i < n; ++i) {
        Handle b;
        if (PRL_FAILED(PrlVmCfg_GetBootDev(cfg, i, b.out()))) continue;
        PRL_BOOL used = PRL_FALSE;
        PRL_DEVICE_TYPE type;
        PRL_UINT32 index = 0, seq = 0;
        if (PRL_FAILED(PrlBootDev_IsInUse(b, &used)) || !used || PRL_FAILED(PrlBootDev_GetType(b, &type)) ||
            PRL_FAILED(PrlBootDev_GetIndex(b, &index)) || PRL_FAILED(PrlBootDev_GetSequenceIndex(b, &seq)))
            continue;
        const char* prefix = type == PDE_HARD_DISK ? "hdd" : type == PDE_OPTICAL_DISK ? "cdrom"
                           : type == PDE_FLOPPY_DISK ? "fdd" : type == PDE_GENERIC_NETWORK_ADAPTER ? "net" : nullptr;
        // An entry left by a removed device (the SDK keeps a network
        // adapter's while another adapter remains) is not shown.
        bool present = false;
        for (const Handle& d : devices(cfg, type)) present = present || value_of<PRL_UINT32>(PrlVmDev_GetIndex, d) == index;
        if (prefix && present) in_use.emplace_back(seq, prefix + std::to_string(index));
    }
    std::sort(in_use.begin(), in_use.end());
    std::string s;
    for (const auto& [seq, name] : in_use) s += name + " ";
    return s;
}

std::string tools_state(PRL_HANDLE cfg, std::string& version) {
    Handle tools;
    try {
        tools = wait_param(PrlVm_GetToolsState(cfg), "tools");
    } catch (const Error&) {
        return {};
    }
    PRL_VM_TOOLS_STATE s;
    if (PRL_FAILED(PrlVmToolsInfo_GetState(tools, &s))) return {};
    version = text_of(PrlVmToolsInfo_GetVersion, tools);
    switch (s) {
        case PTS_POSSIBLY_INSTALLED: return "possibly_installed";
        case PTS_INSTALLED: return "installed";
        case PTS_NOT_INSTALLED: return "not_installed";
        case PTS_OUTDATED: return "outdated";
        default: return {};
    }
}

}  // namespace

std::string device_info_line(PRL_HANDLE dev, PRL_DEVICE_TYPE type, bool in_container) {
    Report r(false);
    switch (type) {
        case PDE_HARD_DISK: hard_disk(r, dev, false); break;
        case PDE_OPTICAL_DISK: optical(r, dev); break;
        case PDE_GENERIC_NETWORK_ADAPTER: network(r, dev, false, in_container); break;
        case PDE_USB_DEVICE: usb(r, dev); break;
        case PDE_FLOPPY_DISK: floppy(r, dev); break;
        case PDE_SERIAL_PORT: serial_port(r, dev); break;
        case PDE_PARALLEL_PORT: parallel_port(r, dev); break;
        case PDE_SOUND_DEVICE: sound(r, dev); break;
        default: break;
    }
    return r.text();
}

std::string disk_line_without_type_and_size(PRL_HANDLE dev) {
    Report r(false);
    hard_disk(r, dev, false, false);
    return r.text();
}

std::string home_dir(PRL_HANDLE cfg) {
    std::string h = text_of(PrlVmCfg_GetHomePath, cfg);
    const std::string tail = "config.pvs";
    if (h.size() > tail.size() && h.compare(h.size() - tail.size(), tail.size(), tail) == 0)
        h.resize(h.size() - tail.size());
    return h;
}

std::string owner_of(PRL_HANDLE cfg) {
    Handle info, acl;
    if (PRL_FAILED(PrlVmCfg_GetVmInfo(cfg, info.out())) || PRL_FAILED(PrlVmInfo_GetAccessRights(info, acl.out())))
        return {};
    return text_of(PrlAcl_GetOwnerName, acl);
}

std::vector<std::string> macs_of(PRL_HANDLE cfg) {
    std::vector<std::string> out;
    for (const auto& d : devices(cfg, PDE_GENERIC_NETWORK_ADAPTER)) {
        const std::string raw = text_of(PrlVmDevNet_GetMacAddress, d);
        std::string m;
        for (std::size_t i = 0; i < raw.size(); ++i) m += (i && i % 2 == 0 ? ":" : "") + std::string(1, raw[i]);
        out.push_back(m);
    }
    return out;
}

std::vector<std::string> netifs_of(PRL_HANDLE cfg) {
    std::vector<std::string> out;
    for (const auto& d : devices(cfg, PDE_GENERIC_NETWORK_ADAPTER)) out.push_back(dev_id("net", d));
    return out;
}

std::vector<std::string> addresses_of(PRL_HANDLE cfg) {
    std::vector<std::string> v4, v6, local;
    for (const auto& d : devices(cfg, PDE_GENERIC_NETWORK_ADAPTER)) {
        bool ok = false;
        std::string all = string_list(PrlVmDevNet_GetNetAddresses, d, ok), one;
        std::istringstream in(all);
        while (in >> one) {
            if (one.find(':') == std::string::npos)
                v4.push_back(one);
            else if (one.compare(0, 5, "FE80:") == 0)
                local.push_back(one);
            else
                v6.push_back(one);
        }
    }
    v4.insert(v4.end(), v6.begin(), v6.end());
    v4.insert(v4.end(), local.begin(), local.end());
    return v4;
}

std::string host_ifaces_of(PRL_HANDLE cfg) {
    std::string s;
    bool first = true;
    for (const auto& d : devices(cfg, PDE_GENERIC_NETWORK_ADAPTER)) {
        if (!first) s += ",";
        first = false;
        s += text_of(PrlVmDevNet_GetHostInterfaceName, d);
    }
    return s;
}

void append_info(Report& r, const Vm& vm, bool full) {
    const PRL_HANDLE cfg = vm.cfg;
    r.uuid("ID", vm.uuid);
    r.str("EnvID", text_of(PrlVmCfg_GetCtId, cfg));
    r.str("Name", vm.name);
    r.str("Description", text_of(PrlVmCfg_GetDescription, cfg));
    r.str("Type", vm.kind());
    if (vm.type == PVT_VM) {
        // The product shows the chipset in text; its JSON carries "" (docs/prlctl.md).
        const auto chip = value_of<PRL_CHIPSET_TYPE>(PrlVmCfg_GetChipsetType, cfg, PRL_CHIPSET_TYPE::CHIP_Q35);
        const char* word = chip == PRL_CHIPSET_TYPE::CHIP_PCI440FX ? "piix"
                         : chip == PRL_CHIPSET_TYPE::CHIP_Q35       ? "q35"
                         : chip == PRL_CHIPSET_TYPE::CHIP_RHEL7     ? "rhel7"
                                                                    : "UNKNOWN";
        r.str("Chipset", r.json() ? "" : word);
    }
    r.str("State", state_word(vm.state()));
    r.str("OS", distribution_name(value_of<PRL_UINT32>(PrlVmCfg_GetOsVersion, cfg)));
    r.str("Template", on(PrlVmCfg_IsTemplate, cfg) ? "yes" : "no");
    PRL_UINT64 uptime = 0;
    if (PRL_SUCCEEDED(PrlVmCfg_GetUptime(cfg, &uptime)))
        r.uptime("Uptime", uptime, text_of(PrlVmCfg_GetUptimeStartDate, cfg));
    r.str("Home", home_dir(cfg));
    r.str("Backup path", text_of(PrlVmCfg_GetDefaultBackupDirectory, cfg));
    r.str("Owner", owner_of(cfg));
    {
        std::string version;
        const std::string state = tools_state(cfg, version);
        r.group("GuestTools");
        if (!state.empty()) r.str("state", state, true);
        if (!version.empty()) r.str("version", version, true);
        r.end(true);
    }
    r.str("GuestTools autoupdate", on(PrlVmCfg_IsToolsAutoUpdateEnabled, cfg) ? "on" : "off");
    r.str("Autostart", autostart_word(cfg));
    r.str("Autostop", autostop_word(cfg));
    r.str("Autocompact", on(PrlVmCfg_IsAutoCompressEnabled, cfg) ? "on" : "off");
    r.str("Boot order", boot_order(cfg));
    r.str("EFI boot", on(PrlVmCfg_IsEfiEnabled, cfg) ? "on" : "off");
    r.str("Allow select boot device", on(PrlVmCfg_IsAllowSelectBootDevice, cfg) ? "on" : "off");
    r.str("External boot device", text_of(PrlVmCfg_GetExternalBootDevice, cfg));
    if (vm.type == PVT_VM) r.str("On guest crash", on_crash_word(cfg));
    {
        r.group("Remote display");
        PRL_VM_REMOTE_DISPLAY_MODE mode;
        if (PRL_SUCCEEDED(PrlVmCfg_GetVNCMode(cfg, &mode)))
            r.str("mode", mode == PRD_AUTO ? "auto" : mode == PRD_MANUAL ? "manual" : "off", true);
        const auto port = value_of<PRL_UINT32>(PrlVmCfg_GetVNCPort, cfg);
        if (port > 0) r.num("port", port, "", true);
        const auto ws = value_of<PRL_UINT32>(PrlVmCfg_GetVNCWebSocketPort, cfg);
        if (ws > 0) r.num("websocket", ws, "", true);
        const std::string address = text_of(PrlVmCfg_GetVNCHostName, cfg);
        if (!address.empty()) r.str("address", address, true);
        r.end(true);
    }
    {
        Handle info;
        PRL_BOOL vnc = PRL_FALSE;
        if (PRL_SUCCEEDED(PrlVmCfg_GetVmInfo(cfg, info.out()))) PrlVmInfo_IsVncServerStarted(info, &vnc);
        r.str("Remote display state", vnc ? "running" : "stopped");
    }

    r.section("Hardware");
    r.group("cpu");
    const auto cpus = value_of<PRL_UINT32>(PrlVmCfg_GetCpuCount, cfg);
    r.num("sockets", value_of<PRL_UINT32>(PrlVmCfg_GetCpuSocketsCount, cfg), "", true);
    if (cpus == PRL_CPU_UNLIMITED) {
        r.str("cpus", "unlimited", true);
        r.str("cores", "unlimited", true);
    } else {
        r.num("cpus", cpus, "", true);
        r.num("cores", cpus, "", true);
    }
    r.flag("VT-x", on(PrlVmCfg_IsCpuVtxEnabled, cfg));
    r.flag("hotplug", on(PrlVmCfg_IsCpuHotplugEnabled, cfg));
    switch (value_of<PRL_VM_ACCELERATION_LEVEL>(PrlVmCfg_GetCpuAccelLevel, cfg, PVA_ACCELERATION_DISABLED)) {
        case PVA_ACCELERATION_DISABLED: r.str("accl", "disable", true); break;
        case PVA_ACCELERATION_NORMAL: r.str("accl", "normal", true); break;
        case PVA_ACCELERATION_HIGH: r.str("accl", "high", true); break;
        default: break;
    }
    switch (value_of<PRL_CPU_MODE>(PrlVmCfg_GetCpuMode, cfg, PCM_CPU_MODE_32)) {
        case PCM_CPU_MODE_32: r.str("mode", "32", true); break;
        case PCM_CPU_MODE_64: r.str("mode", "64", true); break;
        default: break;
    }
    PRL_UINT32 units = 0;
    if (PRL_SUCCEEDED(PrlVmCfg_GetCpuUnits(cfg, &units)) && units) r.num("cpuunits", units, "", true);
    PRL_CPULIMIT_DATA limit{0, PRL_CPULIMIT_MHZ};
    if (PRL_SUCCEEDED(PrlVmCfg_GetCpuLimitEx(cfg, &limit)) && limit.value) {
        r.num("cpulimit", limit.value, limit.type == PRL_CPULIMIT_MHZ ? "Mhz" : "%", true);
        PRL_UINT32 mode = PRL_VM_CPULIMIT_FULL;
        if (PRL_SUCCEEDED(PrlVmCfg_GetGuestCpuLimitType(cfg, &mode)))
            r.str("cpulimitmode", mode == PRL_VM_CPULIMIT_GUEST ? "guest" : "full", true);
    }
    PRL_UINT32 v = 0;
    if (PRL_SUCCEEDED(PrlVmCfg_GetIoPriority(cfg, &v)) && v != PRL_UINT32(-1)) r.num("ioprio", v, "", true);
    PRL_IOLIMIT_DATA io{0, PRL_IOLIMIT_BS};
    if (PRL_SUCCEEDED(PrlVmCfg_GetIoLimit(cfg, &io)) && io.value != PRL_UINT32(-1))
        r.str("iolimit", std::to_string(io.value), true, Report::kQuoted);
    if (PRL_SUCCEEDED(PrlVmCfg_GetIopsLimit(cfg, &v)) && v != PRL_UINT32(-1) && v != 0) r.num("iopslimit", v, "", true);
    const std::string mask = text_of(PrlVmCfg_GetCpuMask, cfg);
    if (!mask.empty()) r.str("mask", mask, true);
    const std::string nodes = text_of(PrlVmCfg_GetNodeMask, cfg);
    if (!nodes.empty()) r.str("nodemask", nodes, true);
    r.end(true);

    r.group("memory");
    r.num("size", value_of<PRL_UINT32>(PrlVmCfg_GetRamSize, cfg), "Mb", true, true);
    r.flag("hotplug", on(PrlVmCfg_IsRamHotplugEnabled, cfg));
    r.end(true);

    r.group("NUMA nodes:");
    const auto numa = value_of<PRL_UINT32>(PrlVmCfg_GetNumaNodesCount, cfg);
    if (numa > 1)
        r.num("nodes", numa, "", true, true);
    else
        r.str("nodes", "disabled", true, Report::kHidden);
    r.end(true);

    r.group("video");
    r.num("size", value_of<PRL_UINT32>(PrlVmCfg_GetVideoRamSize, cfg), "Mb", true, true);
    const auto v3d = value_of<PRL_VIDEO_3D_ACCELERATION>(PrlVmCfg_Get3DAccelerationMode, cfg, P3D_DISABLED);
    r.str("3d acceleration", v3d == P3D_ENABLED_HIGHEST ? "highest" : v3d == P3D_ENABLED_DX9 ? "DirectX 9.x" : "off",
          true);
    r.str("vertical sync", on(PrlVmCfg_IsVerticalSynchronizationEnabled, cfg) ? "yes" : "no", true);
    r.end(true);

    r.group("memory_guarantee");
    PRL_MEMGUARANTEE_DATA mg{0, PRL_MEMGUARANTEE_AUTO};
    PrlVmCfg_GetMemGuaranteeSize(cfg, &mg);
    if (mg.type == PRL_MEMGUARANTEE_AUTO)
        r.flag("auto", true);
    else if (mg.type == PRL_MEMGUARANTEE_PERCENTS)
        r.num("value", mg.value, "%", true, true);
    r.end(true);

    // The SDK's order of devices (PrlVmCfg_GetDevsList).
    for (const auto& d : devices(cfg, PDE_FLOPPY_DISK)) floppy(r, d);
    for (const auto& d : devices(cfg, PDE_HARD_DISK)) hard_disk(r, d, full);
    for (const auto& d : devices(cfg, PDE_OPTICAL_DISK)) optical(r, d);
    for (const auto& d : devices(cfg, PDE_SERIAL_PORT)) serial_port(r, d);
    for (const auto& d : devices(cfg, PDE_PARALLEL_PORT)) parallel_port(r, d);
    for (const auto& d : devices(cfg, PDE_USB_DEVICE)) usb(r, d);
    for (const auto& d : devices(cfg, PDE_GENERIC_NETWORK_ADAPTER)) network(r, d, full, vm.type == PVT_CT);
    for (const auto& d : devices(cfg, PDE_SOUND_DEVICE)) sound(r, d);
    r.end(false);

    if (vm.type == PVT_CT) {
        CtFeatures features;
        PRL_UINT32 off = 0;
        if (PRL_SUCCEEDED(PrlVmCfg_GetFeaturesMask(cfg, &features.on, &off))) features.known = features.on | off;
        r.str("Features", ct_features_text(features));
    } else {
        r.switch_section("SmartMount", false);
        r.end(false);
    }
    r.str("Disabled Windows logo", on(PrlVmCfg_IsSwitchOffWindowsLogoEnabled, cfg) ? "on" : "off");
    r.str("Nested virtualization", on(PrlVmCfg_IsNestedVirtualizationEnabled, cfg) ? "on" : "off");
    PRL_BOOL offline = PRL_FALSE;
    if (PRL_SUCCEEDED(PrlVmCfg_IsOfflineManagementEnabled(cfg, &offline))) {
        r.switch_section("Offline management", offline);
        r.end(false);
    }
    const std::string hostname = text_of(PrlVmCfg_GetHostname, cfg);
    if (!hostname.empty()) r.str("Hostname", hostname);
    bool listed = false;
    const std::string dns = string_list(PrlVmCfg_GetDnsServers, cfg, listed);
    if (!dns.empty()) r.str("DNS Servers", dns);
    const std::string domains = string_list(PrlVmCfg_GetSearchDomains, cfg, listed);
    if (!domains.empty()) r.str("Search Domains", domains);
    if (full) {
        r.group("High Availability");
        r.str("enabled", on(PrlVmCfg_IsHighAvailabilityEnabled, cfg) ? "yes" : "no", true);
        r.num("prio", value_of<PRL_UINT32>(PrlVmCfg_GetHighAvailabilityPriority, cfg), "", true);
        r.end(true);
        PRL_BOOL bound = PRL_FALSE;
        if (PRL_SUCCEEDED(PrlVmCfg_IsRateBound(cfg, &bound))) {
            r.switch_section("Network Shaping", false);
            r.str("ratebound", bound ? "on" : "off");
            // The VM's own rates, "CLASS:RATE ..."; without them the product
            // shows the server's shaping rates, of which prlshim has none.
            std::string rates;
            Handle list;
            PRL_UINT32 n = 0;
            if (PRL_SUCCEEDED(PrlVmCfg_GetNetworkRateList(cfg, list.out())) &&
                PRL_SUCCEEDED(PrlHndlList_GetItemsCount(list, &n)))
                for (PRL_UINT32 i = 0; i < n; ++i) {
                    Handle rate;
                    PRL_UINT32 id = 0, value = 0;
                    if (PRL_FAILED(PrlHndlList_GetItem(list, i, rate.out())) ||
                        PRL_FAILED(PrlNetworkRate_GetClassId(rate, &id)) || PRL_FAILED(PrlNetworkRate_GetRate(rate, &value)))
                        break;
                    rates += (i ? " " : "") + std::to_string(id) + ":" + std::to_string(value);
                }
            r.str("rate", rates);
            r.end(false);
        }
    }
}

}  // namespace prlctl
