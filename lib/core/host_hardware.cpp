// read_hardware(): the host's CPU, OS, disks, devices and network adapters,
// as PrlSrv_GetSrvConfig reports them.
#include "host_info.h"

#include "host_files.h"
#include "host_mounts.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/utsname.h>

#include <cctype>
#include <map>
#include <set>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace prl::host {
namespace {

namespace fs = std::filesystem;
using namespace detail;

// PRL_DEVICE_TYPE, PRL_GENERIC_PCI_DEVICE_CLASS, PRL_HW_INFO_NET_ADAPTER_TYPE
// values (lib/abi/defs/constants.tsv); the core does not include the SDK's enums here.
enum : int {
    dev_floppy = 3, dev_optical = 5, dev_serial = 10, dev_parallel = 11, dev_sound = 12, dev_mixer = 13,
    dev_usb = 15, dev_printer = 16, dev_pci = 17, dev_scsi = 18,
};
enum : int { pci_network = 0, pci_display = 1, pci_sound = 2, pci_other = 3 };
enum : int { net_real = 0, net_virtual = 1, net_wifi = 2 };

std::string trim(std::string s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    const auto e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// "key : value" lines of /proc/cpuinfo, first CPU only.
std::map<std::string, std::string> first_cpu_fields() {
    std::map<std::string, std::string> out;
    for (const auto& l : lines(read_text("/proc/cpuinfo"))) {
        if (trim(l).empty()) {
            if (!out.empty()) break;
            continue;
        }
        const auto colon = l.find(':');
        if (colon == std::string::npos) continue;
        out.emplace(trim(l.substr(0, colon)), trim(l.substr(colon + 1)));
    }
    return out;
}

bool has_word(const std::string& list, const std::string& word) {
    std::istringstream in(list);
    for (std::string w; in >> w;)
        if (w == word) return true;
    return false;
}

Cpu read_cpu() {
    Cpu c;
    auto f = first_cpu_fields();
    c.model = f.count("model name") ? f["model name"] : f.count("Model") ? f["Model"] : f["cpu model"];
    // The nominal speed when cpufreq knows it; the current one otherwise.
    const std::uint64_t max_khz = read_u64("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
    if (max_khz) {
        c.speed_mhz = static_cast<std::uint32_t>(max_khz / 1000);
    } else if (f.count("cpu MHz")) {
        try {
            c.speed_mhz = static_cast<std::uint32_t>(std::stod(f["cpu MHz"]));
        } catch (...) {
        }
    }
    const std::string flags = f["flags"];
    utsname u{};
    const bool kernel64 = uname(&u) == 0 && std::string(u.machine).find("64") != std::string::npos;
    c.is_64bit = has_word(flags, "lm") || kernel64;
    c.hvt = has_word(flags, "vmx") ? 1 : has_word(flags, "svm") ? 2 : 0;
#if defined(__x86_64__) || defined(__i386__)
    // PRL_CPU_FEATURES order: 1:EDX, 1:ECX, 7:EBX, 7:ECX, 7:EDX, 80000001:ECX,
    // 80000001:EDX, 80000007:EDX, 80000008:EAX, D(1):EAX.
    unsigned a, b, cx, d;
    if (__get_cpuid(1, &a, &b, &cx, &d)) c.features[0] = d, c.features[1] = cx;
    if (__get_cpuid_count(7, 0, &a, &b, &cx, &d)) c.features[2] = b, c.features[3] = cx, c.features[4] = d;
    if (__get_cpuid(0x80000001, &a, &b, &cx, &d)) c.features[5] = cx, c.features[6] = d;
    if (__get_cpuid(0x80000007, &a, &b, &cx, &d)) c.features[7] = d;
    if (__get_cpuid(0x80000008, &a, &b, &cx, &d)) c.features[8] = a;
    if (__get_cpuid_count(0xD, 1, &a, &b, &cx, &d)) c.features[9] = a;
#endif
    return c;
}

std::string os_release_name() {
    for (const auto& l : lines(read_text("/etc/os-release"))) {
        if (!starts_with(l, "PRETTY_NAME=")) continue;
        std::string v = l.substr(12);
        if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'')) v = v.substr(1, v.size() - 2);
        return v;
    }
    return {};
}

// udev's properties of a block device ("E:KEY=value" lines), when udev runs.
std::map<std::string, std::string> udev_props(const std::string& majmin) {
    std::map<std::string, std::string> out;
    for (const auto& l : lines(read_text("/run/udev/data/b" + majmin))) {
        if (!starts_with(l, "E:")) continue;
        const auto eq = l.find('=');
        if (eq != std::string::npos) out.emplace(l.substr(2, eq - 2), l.substr(eq + 1));
    }
    return out;
}

std::string device_model(const fs::path& sys) {
    const std::string vendor = read_line(sys / "device/vendor");
    const std::string model = read_line(sys / "device/model");
    if (vendor.empty()) return model;
    if (model.empty()) return vendor;
    return vendor + " " + model;
}

void read_block_devices(Hardware& hw) {
    const Mounts mounts = read_mounts();
    for (const auto& name : entries("/sys/block")) {
        const fs::path sys = fs::path("/sys/block") / name;
        if (!path_exists(sys / "device")) continue;  // loop, zram, dm, md: not hardware
        const std::string dev = "/dev/" + name;
        std::string model = device_model(sys);
        if (starts_with(name, "sr")) {
            hw.optical.push_back({dev_optical, model.empty() ? dev : model, dev});
            continue;
        }
        if (starts_with(name, "fd")) {
            hw.floppy.push_back({dev_floppy, model.empty() ? dev : model, dev});
            continue;
        }
        Disk d;
        d.kernel_name = name;
        d.id = dev;
        d.name = model.empty() ? dev : model;
        d.size = read_u64(sys / "size") * 512;
        d.index = static_cast<std::uint32_t>(hw.disks.size());
        for (const auto& part : entries(sys)) {
            const fs::path psys = sys / part;
            if (!path_exists(psys / "partition")) continue;
            Partition p;
            p.sys_name = "/dev/" + part;
            p.size = read_u64(psys / "size") * 512;
            p.index = static_cast<std::uint32_t>(read_u64(psys / "partition"));
            auto props = udev_props(read_line(psys / "dev"));
            p.name = props["ID_FS_LABEL"];
            if (!props["ID_PART_ENTRY_TYPE"].empty()) {
                try {
                    p.type = static_cast<std::uint32_t>(std::stoul(props["ID_PART_ENTRY_TYPE"], nullptr, 16));
                } catch (...) {
                    p.type = 0;  // a GPT type GUID is not an MBR byte
                }
            }
            p.logical = props["ID_PART_ENTRY_SCHEME"] == "dos" && p.index > 4;
            p.active = props["ID_PART_ENTRY_FLAGS"] == "0x80";
            p.in_use = mounts.in_use(part);
            d.partitions.push_back(std::move(p));
        }
        hw.disks.push_back(std::move(d));
    }
}

void read_serial(Hardware& hw) {
    for (const auto& name : entries("/sys/class/tty")) {
        const fs::path sys = fs::path("/sys/class/tty") / name;
        bool present = false;
        if (starts_with(name, "ttyS")) present = read_u64(sys / "type") != 0;  // 0: no UART behind it
        else if (starts_with(name, "ttyUSB") || starts_with(name, "ttyACM")) present = true;
        if (present) hw.serial.push_back({dev_serial, "/dev/" + name, "/dev/" + name});
    }
}

void read_parallel_and_printers(Hardware& hw) {
    for (const auto& name : entries("/sys/class/ppdev"))
        hw.parallel.push_back({dev_parallel, "/dev/" + name, "/dev/" + name});
    // USB printers (usblp); CUPS queues would need the CUPS library.
    for (const auto& name : entries("/sys/class/usbmisc")) {
        if (!starts_with(name, "lp")) continue;
        const fs::path sys = fs::path("/sys/class/usbmisc") / name / "device/..";
        std::string label = trim(read_line(sys / "manufacturer") + " " + read_line(sys / "product"));
        hw.printers.push_back({dev_printer, label.empty() ? "/dev/usb/" + name : label, "/dev/usb/" + name});
    }
}

void read_sound(Hardware& hw) {
    const auto names = entries("/sys/class/sound");
    for (const auto& card : names) {
        if (!starts_with(card, "card")) continue;
        const std::string n = card.substr(4);
        std::string label = read_line(fs::path("/sys/class/sound") / card / "id");
        if (label.empty()) label = card;
        for (const auto& e : names)
            if (starts_with(e, "pcmC" + n + "D") && e.back() == 'p') {
                hw.sound_out.push_back({dev_sound, label, "/dev/snd/" + e});
                break;
            }
        if (std::find(names.begin(), names.end(), "controlC" + n) != names.end())
            hw.sound_mixer.push_back({dev_mixer, label, "/dev/snd/controlC" + n});
    }
    hw.sound_enabled = !hw.sound_out.empty();
}

void read_usb(Hardware& hw) {
    for (const auto& name : entries("/sys/bus/usb/devices")) {
        if (starts_with(name, "usb")) {
            hw.usb_supported = true;  // a host controller's root hub
            continue;
        }
        if (name.find(':') != std::string::npos) continue;  // an interface, not a device
        const fs::path sys = fs::path("/sys/bus/usb/devices") / name;
        if (read_line(sys / "bDeviceClass") == "09") continue;  // hubs
        const std::string vid = read_line(sys / "idVendor"), pid = read_line(sys / "idProduct");
        const std::string maker = read_line(sys / "manufacturer"), product = read_line(sys / "product");
        std::string label = maker.empty() || product.empty() ? maker + product : maker + " - " + product;
        if (label.empty()) label = "USB device " + vid + ":" + pid;
        // The product's USB id: location|vendor|product|speed|kind|serial ("Empty" when none).
        const std::uint64_t mbps = read_u64(sys / "speed");
        const char* speed = mbps >= 5000 ? "super" : mbps >= 480 ? "high" : mbps >= 12 ? "full" : mbps ? "low" : "unknown";
        std::string serial = read_line(sys / "serial");
        if (serial.empty()) serial = "Empty";
        hw.usb.push_back({dev_usb, label, name + "|" + vid + "|" + pid + "|" + speed + "||" + serial});
    }
}

// Vendor and device names from the pci.ids database, when it is installed.
std::string pci_name(const std::string& vendor, const std::string& device) {
    for (const char* db : {"/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids", "/usr/share/pci.ids"}) {
        std::ifstream in(db);
        if (!in) continue;
        std::string vendor_name;
        for (std::string l; std::getline(in, l);) {
            if (vendor_name.empty()) {
                if (starts_with(l, vendor + "  ")) vendor_name = l.substr(6);
                continue;
            }
            if (l.empty() || l[0] != '\t') break;  // the next vendor
            if (l.size() > 7 && l[1] != '\t' && l.compare(1, 4, device) == 0) return vendor_name + " " + l.substr(7);
        }
        if (!vendor_name.empty()) return vendor_name + " device " + device;
    }
    return {};
}

void read_pci(Hardware& hw) {
    for (const auto& addr : entries("/sys/bus/pci/devices")) {
        const fs::path sys = fs::path("/sys/bus/pci/devices") / addr;
        const std::uint64_t cls = read_u64(sys / "class", 16);
        const unsigned base = static_cast<unsigned>(cls >> 16), sub = static_cast<unsigned>((cls >> 8) & 0xFF);
        if (base == 0x06) continue;  // bridges are the bus itself, never given to a guest
        Device d;
        d.type = dev_pci;
        d.pci_class = base == 0x02 ? pci_network
                      : base == 0x03 ? pci_display
                      : base == 0x04 && (sub == 0x01 || sub == 0x03) ? pci_sound
                                                                      : pci_other;
        auto hex4 = [](std::string v) { return v.size() > 2 && v[1] == 'x' ? v.substr(2) : v; };
        const std::string vendor = hex4(read_line(sys / "vendor")), device = hex4(read_line(sys / "device"));
        d.name = pci_name(vendor, device);
        if (d.name.empty()) d.name = "PCI device " + vendor + ":" + device;
        d.id = addr;
        d.primary = read_line(sys / "boot_vga") == "1";
        hw.pci.push_back(std::move(d));
    }
    hw.vtd_supported = !entries("/sys/class/iommu").empty();
}

void read_scsi_generic(Hardware& hw) {
    // Disks (type 0) and CD/DVD drives (type 5) are listed as such already.
    for (const auto& name : entries("/sys/class/scsi_generic")) {
        const fs::path sys = fs::path("/sys/class/scsi_generic") / name;
        const std::string type = read_line(sys / "device/type");
        if (type.empty() || type == "0" || type == "5") continue;
        const std::string model = device_model(sys);
        hw.scsi.push_back({dev_scsi, model.empty() ? "/dev/" + name : model, "/dev/" + name});
    }
}

std::string ipv4_text(std::uint32_t network_order) {
    char buf[INET_ADDRSTRLEN] = {};
    in_addr a{};
    a.s_addr = network_order;
    inet_ntop(AF_INET, &a, buf, sizeof buf);
    return buf;
}

// The default routes: interface -> gateway, from /proc/net/route and ipv6_route.
void read_gateways(Hardware& hw, std::map<std::string, std::string>& gw4, std::map<std::string, std::string>& gw6) {
    for (const auto& l : lines(read_text("/proc/net/route"))) {
        std::istringstream in(l);
        std::string iface, dest, gw, flags, refcnt, use, metric, mask;
        if (!(in >> iface >> dest >> gw >> flags >> refcnt >> use >> metric >> mask)) continue;
        if (dest != "00000000" || mask != "00000000") continue;
        try {
            // The kernel prints the address in host byte order, as hex.
            const std::string text = ipv4_text(static_cast<std::uint32_t>(std::stoul(gw, nullptr, 16)));
            gw4.emplace(iface, text);
            if (hw.default_gateway.empty()) hw.default_gateway = text;
        } catch (...) {
        }
    }
    for (const auto& l : lines(read_text("/proc/net/ipv6_route"))) {
        std::istringstream in(l);
        std::string dest, dlen, src, slen, hop, metric, refcnt, use, flags, iface;
        if (!(in >> dest >> dlen >> src >> slen >> hop >> metric >> refcnt >> use >> flags >> iface)) continue;
        if (dest != std::string(32, '0') || dlen != "00" || hop == std::string(32, '0') || hop.size() != 32) continue;
        in6_addr a{};
        for (int i = 0; i < 16; ++i) a.s6_addr[i] = static_cast<unsigned char>(std::stoul(hop.substr(2 * i, 2), nullptr, 16));
        char buf[INET6_ADDRSTRLEN] = {};
        inet_ntop(AF_INET6, &a, buf, sizeof buf);
        gw6.emplace(iface, buf);
        if (hw.default_gateway6.empty()) hw.default_gateway6 = buf;
    }
}

void read_resolver(Hardware& hw) {
    for (const auto& l : lines(read_text("/etc/resolv.conf"))) {
        std::istringstream in(l);
        std::string key;
        in >> key;
        if (key == "nameserver") {
            std::string v;
            if (in >> v) hw.dns_servers.push_back(v);
        } else if (key == "search" || key == "domain") {
            for (std::string v; in >> v;) hw.search_domains.push_back(v);
        }
    }
}

int prefix_length(const sockaddr* mask) {
    int n = 0;
    const auto* bytes = mask->sa_family == AF_INET
                            ? reinterpret_cast<const unsigned char*>(&reinterpret_cast<const sockaddr_in*>(mask)->sin_addr)
                            : reinterpret_cast<const unsigned char*>(&reinterpret_cast<const sockaddr_in6*>(mask)->sin6_addr);
    const int len = mask->sa_family == AF_INET ? 4 : 16;
    for (int i = 0; i < len; ++i)
        for (int b = 7; b >= 0; --b) n += (bytes[i] >> b) & 1;
    return n;
}

std::map<std::string, std::vector<std::string>> interface_addresses() {
    std::map<std::string, std::vector<std::string>> out;
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return out;
    for (ifaddrs* a = list; a; a = a->ifa_next) {
        if (!a->ifa_addr || (a->ifa_addr->sa_family != AF_INET && a->ifa_addr->sa_family != AF_INET6)) continue;
        char buf[INET6_ADDRSTRLEN] = {};
        std::string text;
        if (a->ifa_addr->sa_family == AF_INET) {
            inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, buf, sizeof buf);
            text = buf;
            // IPv4 with a dotted mask, IPv6 with a prefix length: the product's forms.
            if (a->ifa_netmask) text += "/" + ipv4_text(reinterpret_cast<sockaddr_in*>(a->ifa_netmask)->sin_addr.s_addr);
        } else {
            inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(a->ifa_addr)->sin6_addr, buf, sizeof buf);
            text = buf;
            if (a->ifa_netmask) text += "/" + std::to_string(prefix_length(a->ifa_netmask));
        }
        out[a->ifa_name].push_back(text);
    }
    freeifaddrs(list);
    return out;
}

bool has_lease(const std::string& name, std::uint32_t index, bool v6) {
    const std::string v = v6 ? "6" : "";
    return path_exists("/var/lib/dhcp/dhclient" + v + "." + name + ".leases") ||
           path_exists("/var/lib/dhclient/dhclient" + v + "-" + name + ".leases") ||
           (!v6 && path_exists("/run/systemd/netif/leases/" + std::to_string(index)));
}

void read_net(Hardware& hw) {
    std::map<std::string, std::string> gw4, gw6;
    read_gateways(hw, gw4, gw6);
    read_resolver(hw);
    auto addresses = interface_addresses();
    for (const auto& name : entries("/sys/class/net")) {
        const fs::path sys = fs::path("/sys/class/net") / name;
        if (read_u64(sys / "type") == 772) continue;  // ARPHRD_LOOPBACK: not an adapter
        NetAdapter a;
        a.name = name;
        a.sys_index = static_cast<std::uint32_t>(read_u64(sys / "ifindex"));
        a.type = path_exists(sys / "wireless") || path_exists(sys / "phy80211") ? net_wifi
                 : path_exists(sys / "device")                              ? net_real
                                                                       : net_virtual;
        a.enabled = (read_u64(sys / "flags", 16) & IFF_UP) != 0;
        // The product's form for host adapters: AA:BB:CC:DD:EE:FF (prlsrvctl
        // matches a virtual network's bound MAC against it as text).
        if (read_u64(sys / "addr_len") == 6)
            for (char c : read_line(sys / "address")) a.mac += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        a.addresses = addresses[name];
        a.gateway = gw4[name];
        a.gateway6 = gw6[name];
        a.dhcp = has_lease(name, a.sys_index, false);
        a.dhcp6 = has_lease(name, a.sys_index, true);
        for (const auto& l : lines(read_text("/proc/net/vlan/" + name)))
            if (auto p = l.find("VID: "); p != std::string::npos) {
                try {
                    a.vlan_tag = static_cast<std::uint16_t>(std::stoul(l.substr(p + 5)));
                } catch (...) {
                }
            }
        hw.net.push_back(std::move(a));
    }
}

}  // namespace

Hardware read_hardware() {
    Hardware hw;
    hw.cpu = read_cpu();
    hw.os_name = os_release_name();
    read_block_devices(hw);
    read_serial(hw);
    read_parallel_and_printers(hw);
    read_sound(hw);
    read_usb(hw);
    read_pci(hw);
    read_scsi_generic(hw);
    read_net(hw);
    return hw;
}

}  // namespace prl::host
