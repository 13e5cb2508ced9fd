// PrlSrvCfg_*, PrlSrvCfgHdd*, PrlSrvCfgNet_*, PrlSrvCfgDev_*, PrlSrvCfgPci_*:
// the host's configuration checked against /proc and /sys read here.
#include "capi_host_support.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <map>

using capi::Handle;
using namespace capi::host;

namespace {

Handle srv_config(const Session& s) { return job_param(PrlSrv_GetSrvConfig(s.server)); }

PRL_UINT32 u32(PRL_RESULT (*getter)(PRL_HANDLE, PRL_UINT32_PTR), PRL_HANDLE h) {
    PRL_UINT32 v = 0xdeadbeef;
    REQUIRE_PRL_OK(getter(h, &v));
    return v;
}

using CountFn = PRL_RESULT (*)(PRL_HANDLE, PRL_UINT32_PTR);
using ItemFn = PRL_RESULT (*)(PRL_HANDLE, PRL_UINT32, PRL_HANDLE_PTR);

// Every item of a device list, checking that one past the end is refused.
std::vector<Handle> items(PRL_HANDLE cfg, CountFn count, ItemFn item) {
    std::vector<Handle> out;
    const PRL_UINT32 n = u32(count, cfg);
    for (PRL_UINT32 i = 0; i < n; ++i) {
        Handle h;
        REQUIRE_PRL_OK(item(cfg, i, h.out()));
        out.push_back(std::move(h));
    }
    Handle past;
    REQUIRE_PRL(item(cfg, n, past.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(item(cfg, 0, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(count(cfg, nullptr), PRL_ERR_INVALID_ARG);
    return out;
}

}  // namespace

TEST_CASE("server config: CPU and memory are the host's", "[srvcfg][host]") {
    Session s;
    Handle cfg = srv_config(s);
    REQUIRE(u32(PrlSrvCfg_GetCpuCount, cfg) == static_cast<PRL_UINT32>(sysconf(_SC_NPROCESSORS_ONLN)));
    REQUIRE(u32(PrlSrvCfg_GetHostRamSize, cfg) == meminfo_kib("MemTotal") / 1024);

    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string model;
    for (std::string l; std::getline(cpuinfo, l);)
        if (l.rfind("model name", 0) == 0) {
            model = l.substr(l.find(':') + 2);
            break;
        }
    if (!model.empty()) REQUIRE(text(PrlSrvCfg_GetCpuModel, cfg) == model);

    PRL_CPU_MODE mode;
    REQUIRE_PRL_OK(PrlSrvCfg_GetCpuMode(cfg, &mode));
    REQUIRE(mode == (sizeof(void*) == 8 ? PCM_CPU_MODE_64 : mode));
    PRL_CPU_HVT hvt;
    REQUIRE_PRL_OK(PrlSrvCfg_GetCpuHvt(cfg, &hvt));
    REQUIRE((hvt == PCM_CPU_NONE_HV || hvt == PCM_CPU_INTEL_VT_X || hvt == PCM_CPU_AMD_V));
    PRL_UINT32 speed = 0;
    REQUIRE_PRL_OK(PrlSrvCfg_GetCpuSpeed(cfg, &speed));
    PRL_CPU_FEATURES features{};
    REQUIRE_PRL_OK(PrlSrvCfg_GetCpuFeatures(cfg, &features));
#if defined(__x86_64__)
    REQUIRE((features.nFEATURES & (1u << 0)) != 0);  // every x86-64 CPU has an FPU
#endif
    REQUIRE(u32(PrlSrvCfg_GetMaxVmNetAdapters, cfg) == 16);

    // The buffer rule on a string the host always has.
    PRL_UINT32 len = 1;
    char small[1];
    REQUIRE_PRL(PrlSrvCfg_GetCpuModel(cfg, small, &len), model.empty() ? PRL_ERR_SUCCESS : PRL_ERR_BUFFER_OVERRUN);
    if (!model.empty()) REQUIRE(len == model.size() + 1);
}

TEST_CASE("server config: bad handles and null pointers are refused", "[srvcfg][host]") {
    Session s;
    Handle cfg = srv_config(s);
    PRL_UINT32 n;
    PRL_BOOL b;
    REQUIRE_PRL(PrlSrvCfg_GetCpuSpeed(s.server, &n), PRL_ERR_INVALID_ARG);  // a server, not its config
    REQUIRE_PRL(PrlSrvCfg_GetCpuSpeed(capi::forged_handle(), &n), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfg_GetCpuSpeed(cfg, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfg_GetCpuMode(cfg, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfg_GetCpuHvt(cfg, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfg_GetCpuFeatures(cfg, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfg_GetCpuModel(cfg, nullptr, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfg_IsUsbSupported(cfg, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfg_IsVtdSupported(s.server, &b), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfg_IsSoundDefaultEnabled(cfg, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfg_GetMaxHostNetAdapters(cfg, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfg_GetMaxVmNetAdapters(cfg, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfg_GetDefaultGateway(cfg, nullptr, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfg_GetDefaultGatewayIPv6(cfg, nullptr, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfg_GetDnsServers(cfg, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfg_GetSearchDomains(s.server, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfg_GetHardDisksCount(s.server, &n), PRL_ERR_INVALID_ARG);
    // A configuration needs a session.
    Handle offline;
    REQUIRE_PRL_OK(PrlSrv_Create(offline.out()));
    Handle job(PrlSrv_GetSrvConfig(offline));
    REQUIRE(job_code(job) == PRL_ERR_NOT_CONNECTED_TO_DISPATCHER);
}

TEST_CASE("server config: hard disks and partitions are the host's block devices", "[srvcfg][host]") {
    Session s;
    Handle cfg = srv_config(s);
    const auto disks = items(cfg, PrlSrvCfg_GetHardDisksCount, PrlSrvCfg_GetHardDisk);
    const std::set<std::string> want = hardware_disks();
    REQUIRE(disks.size() == want.size());
    PRL_UINT32 index = 0;
    for (const auto& d : disks) {
        REQUIRE(type_of(d) == PHT_HW_HARD_DISK);
        const std::string id = text(PrlSrvCfgHdd_GetDevId, d);
        REQUIRE(id.rfind("/dev/", 0) == 0);
        const std::string name = id.substr(5);
        REQUIRE(want.count(name) == 1);
        REQUIRE_FALSE(text(PrlSrvCfgHdd_GetDevName, d).empty());
        PRL_UINT64 size = 0;
        REQUIRE_PRL_OK(PrlSrvCfgHdd_GetDevSize(d, &size));
        REQUIRE(size == std::stoull(file_line("/sys/block/" + name + "/size")) * 512);
        REQUIRE(u32(PrlSrvCfgHdd_GetDiskIndex, d) == index++);
        // Partitions: the sysfs children that are partitions.
        std::set<std::string> parts;
        for (const auto& e : dir("/sys/block/" + name))
            if (std::filesystem::exists("/sys/block/" + name + "/" + e + "/partition")) parts.insert("/dev/" + e);
        const PRL_UINT32 n = u32(PrlSrvCfgHdd_GetPartsCount, d);
        REQUIRE(n == parts.size());
        for (PRL_UINT32 i = 0; i < n; ++i) {
            Handle p;
            REQUIRE_PRL_OK(PrlSrvCfgHdd_GetPart(d, i, p.out()));
            REQUIRE(type_of(p) == PHT_HW_HARD_DISK_PARTITION);
            const std::string sys = text(PrlSrvCfgHddPart_GetSysName, p);
            REQUIRE(parts.count(sys) == 1);
            const std::string pname = sys.substr(5);
            PRL_UINT64 psize = 0;
            REQUIRE_PRL_OK(PrlSrvCfgHddPart_GetSize(p, &psize));
            REQUIRE(psize == std::stoull(file_line("/sys/class/block/" + pname + "/size")) * 512);
            REQUIRE(u32(PrlSrvCfgHddPart_GetIndex, p) == std::stoul(file_line("/sys/class/block/" + pname + "/partition")));
            PRL_BOOL b;
            REQUIRE_PRL_OK(PrlSrvCfgHddPart_IsInUse(p, &b));
            REQUIRE_PRL_OK(PrlSrvCfgHddPart_IsLogical(p, &b));
            REQUIRE_PRL_OK(PrlSrvCfgHddPart_IsActive(p, &b));
            REQUIRE_PRL_OK(PrlSrvCfgHddPart_GetType(p, &index));
            text(PrlSrvCfgHddPart_GetName, p);
        }
        Handle past;
        REQUIRE_PRL(PrlSrvCfgHdd_GetPart(d, n, past.out()), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlSrvCfgHdd_GetPart(d, 0, nullptr), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlSrvCfgHdd_GetDevSize(d, nullptr), PRL_ERR_INVALID_ARG);
        // A disk is no generic device, and no partition.
        PRL_DEVICE_TYPE t;
        REQUIRE_PRL(PrlSrvCfgDev_GetType(d, &t), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlSrvCfgHddPart_GetSize(d, &size), PRL_ERR_INVALID_ARG);
    }
    PRL_UINT64 size;
    PRL_BOOL b;
    REQUIRE_PRL(PrlSrvCfgHdd_GetDevSize(cfg, &size), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfgHddPart_IsInUse(capi::forged_handle(), &b), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfgHdd_GetDevName(capi::forged_handle(), nullptr, nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("server config: network adapters are /sys/class/net without loopback", "[srvcfg][host]") {
    Session s;
    Handle cfg = srv_config(s);
    const auto adapters = items(cfg, PrlSrvCfg_GetNetAdaptersCount, PrlSrvCfg_GetNetAdapter);
    std::map<std::string, std::string> want;  // name -> sysfs dir
    for (const auto& n : dir("/sys/class/net"))
        if (file_line("/sys/class/net/" + n + "/type") != "772") want[n] = "/sys/class/net/" + n + "/";
    REQUIRE(adapters.size() == want.size());
    PRL_UINT32 top = 0;
    for (const auto& a : adapters) {
        REQUIRE(type_of(a) == PHT_HW_NET_ADAPTER);
        const std::string name = text(PrlSrvCfgDev_GetName, a);
        REQUIRE(want.count(name) == 1);
        const std::string sys = want[name];
        REQUIRE(text(PrlSrvCfgDev_GetId, a) == name);
        PRL_DEVICE_TYPE t;
        REQUIRE_PRL_OK(PrlSrvCfgDev_GetType(a, &t));
        REQUIRE(t == PDE_GENERIC_NETWORK_ADAPTER);
        const PRL_UINT32 index = u32(PrlSrvCfgNet_GetSysIndex, a);
        REQUIRE(index == std::stoul(file_line(sys + "ifindex")));
        top = std::max(top, index + 1);
        std::string mac;
        if (file_line(sys + "addr_len") == "6")
            for (char c : file_line(sys + "address"))
                mac += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        REQUIRE(text(PrlSrvCfgNet_GetMacAddress, a) == mac);
        PRL_BOOL enabled;
        REQUIRE_PRL_OK(PrlSrvCfgNet_IsEnabled(a, &enabled));
        REQUIRE(enabled == ((std::stoul(file_line(sys + "flags"), nullptr, 16) & 1) ? PRL_TRUE : PRL_FALSE));
        PRL_HW_INFO_NET_ADAPTER_TYPE at;
        REQUIRE_PRL_OK(PrlSrvCfgNet_GetNetAdapterType(a, &at));
        REQUIRE(at == (std::filesystem::exists(sys + "wireless") ? PHY_WIFI_REAL_NET_ADAPTER
                       : std::filesystem::exists(sys + "device") ? PHI_REAL_NET_ADAPTER
                                                                 : PHI_VIRTUAL_NET_ADAPTER));
        Handle addresses, dns, search;
        REQUIRE_PRL_OK(PrlSrvCfgNet_GetNetAddresses(a, addresses.out()));
        REQUIRE(type_of(addresses) == PHT_STRINGS_LIST);
        REQUIRE_PRL_OK(PrlSrvCfgNet_GetDnsServers(a, dns.out()));
        REQUIRE_PRL_OK(PrlSrvCfgNet_GetSearchDomains(a, search.out()));
        PRL_UINT16 vlan = 0;
        REQUIRE_PRL_OK(PrlSrvCfgNet_GetVlanTag(a, &vlan));
        if (!std::filesystem::exists("/proc/net/vlan/" + name)) REQUIRE(vlan == PRL_INVALID_VLAN_TAG);
        REQUIRE_PRL_OK(PrlSrvCfgNet_IsConfigureWithDhcp(a, &enabled));
        REQUIRE_PRL_OK(PrlSrvCfgNet_IsConfigureWithDhcpIPv6(a, &enabled));
        text(PrlSrvCfgNet_GetDefaultGateway, a);
        text(PrlSrvCfgNet_GetDefaultGatewayIPv6, a);
        // Bad arguments.
        REQUIRE_PRL(PrlSrvCfgNet_GetVlanTag(a, nullptr), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlSrvCfgNet_GetMacAddress(a, nullptr, nullptr), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlSrvCfgNet_GetNetAddresses(a, nullptr), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlSrvCfgPci_IsPrimaryDevice(a, &enabled), PRL_ERR_INVALID_ARG);  // not a PCI device
        if (!mac.empty()) {
            PRL_UINT32 len = 3;
            char buf[3];
            REQUIRE_PRL(PrlSrvCfgNet_GetMacAddress(a, buf, &len), PRL_ERR_BUFFER_OVERRUN);
            REQUIRE(len == mac.size() + 1);
        }
    }
    REQUIRE(u32(PrlSrvCfg_GetMaxHostNetAdapters, cfg) == top);
    PRL_UINT32 index;
    REQUIRE_PRL(PrlSrvCfgNet_GetSysIndex(cfg, &index), PRL_ERR_INVALID_ARG);

    // Name servers and search domains: /etc/resolv.conf.
    std::vector<std::string> servers;
    std::ifstream conf("/etc/resolv.conf");
    for (std::string l; std::getline(conf, l);) {
        std::istringstream in(l);
        std::string key, v;
        if (in >> key >> v && key == "nameserver") servers.push_back(v);
    }
    Handle dns;
    REQUIRE_PRL_OK(PrlSrvCfg_GetDnsServers(cfg, dns.out()));
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlStrList_GetItemsCount(dns, &n));
    REQUIRE(n == servers.size());
    for (PRL_UINT32 i = 0; i < n; ++i)
        REQUIRE(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlStrList_GetItem(dns, i, b, l); }) ==
                servers[i]);
    Handle search;
    REQUIRE_PRL_OK(PrlSrvCfg_GetSearchDomains(cfg, search.out()));
    text(PrlSrvCfg_GetDefaultGateway, cfg);
    text(PrlSrvCfg_GetDefaultGatewayIPv6, cfg);
}

TEST_CASE("server config: generic device lists and their devices", "[srvcfg][host]") {
    Session s;
    Handle cfg = srv_config(s);
    struct Kind {
        CountFn count;
        ItemFn item;
        PRL_DEVICE_TYPE type;
    };
    const Kind kinds[] = {
        {PrlSrvCfg_GetFloppyDisksCount, PrlSrvCfg_GetFloppyDisk, PDE_FLOPPY_DISK},
        {PrlSrvCfg_GetOpticalDisksCount, PrlSrvCfg_GetOpticalDisk, PDE_OPTICAL_DISK},
        {PrlSrvCfg_GetSerialPortsCount, PrlSrvCfg_GetSerialPort, PDE_SERIAL_PORT},
        {PrlSrvCfg_GetParallelPortsCount, PrlSrvCfg_GetParallelPort, PDE_PARALLEL_PORT},
        {PrlSrvCfg_GetSoundOutputDevsCount, PrlSrvCfg_GetSoundOutputDev, PDE_SOUND_DEVICE},
        {PrlSrvCfg_GetSoundMixerDevsCount, PrlSrvCfg_GetSoundMixerDev, PDE_MIXER_DEVICE},
        {PrlSrvCfg_GetPrintersCount, PrlSrvCfg_GetPrinter, PDE_PRINTER},
        {PrlSrvCfg_GetUsbDevsCount, PrlSrvCfg_GetUsbDev, PDE_USB_DEVICE},
        {PrlSrvCfg_GetGenericPciDevicesCount, PrlSrvCfg_GetGenericPciDevice, PDE_GENERIC_PCI_DEVICE},
        {PrlSrvCfg_GetGenericScsiDevicesCount, PrlSrvCfg_GetGenericScsiDevice, PDE_GENERIC_SCSI_DEVICE},
    };
    for (const Kind& k : kinds) {
        for (const auto& d : items(cfg, k.count, k.item)) {
            PRL_DEVICE_TYPE t;
            REQUIRE_PRL_OK(PrlSrvCfgDev_GetType(d, &t));
            REQUIRE(t == k.type);
            REQUIRE_FALSE(text(PrlSrvCfgDev_GetName, d).empty());
            REQUIRE_FALSE(text(PrlSrvCfgDev_GetId, d).empty());
            PRL_BOOL connected = PRL_TRUE;
            REQUIRE_PRL_OK(PrlSrvCfgDev_IsConnectedToVm(d, &connected));
            REQUIRE(connected == PRL_FALSE);
        }
    }
    // Optical drives, serial ports and PCI devices, counted here from sysfs.
    size_t optical = 0, serial = 0, pci = 0;
    for (const auto& n : dir("/sys/block"))
        if (n.rfind("sr", 0) == 0 && std::filesystem::exists("/sys/block/" + n + "/device")) ++optical;
    for (const auto& n : dir("/sys/class/tty"))
        if ((n.rfind("ttyS", 0) == 0 && file_line("/sys/class/tty/" + n + "/type") != "0" &&
             !file_line("/sys/class/tty/" + n + "/type").empty()) ||
            n.rfind("ttyUSB", 0) == 0 || n.rfind("ttyACM", 0) == 0)
            ++serial;
    for (const auto& n : dir("/sys/bus/pci/devices"))
        if (file_line("/sys/bus/pci/devices/" + n + "/class").substr(0, 4) != "0x06") ++pci;
    REQUIRE(u32(PrlSrvCfg_GetOpticalDisksCount, cfg) == optical);
    REQUIRE(u32(PrlSrvCfg_GetSerialPortsCount, cfg) == serial);
    REQUIRE(u32(PrlSrvCfg_GetGenericPciDevicesCount, cfg) == pci);

    // PCI devices: class, primary flag, and the state a client may set.
    const auto pcis = items(cfg, PrlSrvCfg_GetGenericPciDevicesCount, PrlSrvCfg_GetGenericPciDevice);
    for (const auto& d : pcis) {
        REQUIRE(type_of(d) == PHT_HW_GENERIC_PCI_DEVICE);
        PRL_GENERIC_PCI_DEVICE_CLASS c;
        REQUIRE_PRL_OK(PrlSrvCfgPci_GetDeviceClass(d, &c));
        REQUIRE((c >= PGD_PCI_NETWORK && c <= PGD_PCI_OTHER));
        PRL_BOOL primary;
        REQUIRE_PRL_OK(PrlSrvCfgPci_IsPrimaryDevice(d, &primary));
        REQUIRE_PRL(PrlSrvCfgPci_GetDeviceClass(d, nullptr), PRL_ERR_INVALID_ARG);
    }
    if (!pcis.empty()) {
        const Handle& d = pcis.front();
        PRL_GENERIC_DEVICE_STATE state;
        REQUIRE_PRL_OK(PrlSrvCfgDev_GetDeviceState(d, &state));
        REQUIRE(state == PGS_CONNECTED_TO_HOST);
        REQUIRE_PRL_OK(PrlSrvCfgDev_SetDeviceState(d, PGS_RESERVED));
        Handle again;  // the same device, asked for again, keeps the state
        REQUIRE_PRL_OK(PrlSrvCfg_GetGenericPciDevice(cfg, 0, again.out()));
        REQUIRE_PRL_OK(PrlSrvCfgDev_GetDeviceState(again, &state));
        REQUIRE(state == PGS_RESERVED);
        REQUIRE_PRL(PrlSrvCfgDev_SetDeviceState(d, static_cast<PRL_GENERIC_DEVICE_STATE>(99)), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlSrvCfgDev_GetDeviceState(d, nullptr), PRL_ERR_INVALID_ARG);
    }
    PRL_DEVICE_TYPE t;
    PRL_BOOL b;
    REQUIRE_PRL(PrlSrvCfgDev_GetType(cfg, &t), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfgDev_IsConnectedToVm(capi::forged_handle(), &b), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfgDev_SetDeviceState(s.server, PGS_CONNECTED_TO_HOST), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfgDev_GetName(cfg, nullptr, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfgDev_GetId(capi::forged_handle(), nullptr, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlSrvCfgPci_GetDeviceClass(cfg, nullptr), PRL_ERR_INVALID_ARG);
}
