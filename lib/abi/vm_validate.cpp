// PrlVm_ValidateConfig: checks one section of the client's local copy of a
// VM's configuration (PRL_VM_CONFIG_SECTIONS), as the product's dispatcher
// does before a commit. A clean section finishes the job with
// PRL_ERR_SUCCESS and an empty result; otherwise the job's code is
// PRL_ERR_VMCONF_VALIDATION_FAILED and the result holds one error event
// (PET_DSP_EVT_ERROR_MESSAGE) per problem, its code the problem's
// PRL_ERR_VMCONF_* and its parameters the message's (vm_message_param_N) and
// the device's index (vm_config_dev_index, vm_config_dev_item_id).
//
// The checks are those of the product that need no hypervisor: general
// parameters (name), CPU count, memory and video memory sizes, hard disk
// images, network adapter MAC addresses, duplicate stack indexes on one bus.
// A container's configuration is checked for its disks' images only, as the
// product does. PVC_VALIDATE_CHANGES_ONLY checks everything but reports only
// the problems the stored configuration does not already have (none for a VM
// never registered).
#include "boundary.h"

#include "core/event.h"
#include "core/result.h"
#include "core/server.h"
#include "core/vm.h"
#include "service/store/vm_config.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <string>
#include <system_error>
#include <tuple>
#include <vector>

using namespace prl;
using namespace prl::abi;

namespace {

constexpr unsigned vm_min_mem = 4;          // MiB, the product's smallest VM
constexpr unsigned vm_min_video_mem = 2;    // MiB
constexpr unsigned vm_max_video_mem = 1024; // MiB
constexpr unsigned max_cpu_count = 256;     // the product's vCPU limit
constexpr std::size_t max_name_length = 40;

struct Problem {
    PRL_RESULT code;
    std::vector<std::string> params;  // vm_message_param_0..2
    long dev_index = -1;              // the device concerned, if any
    long dev_item = -1;               // its position in its list
    bool operator<(const Problem& o) const {
        return std::tie(code, params, dev_index) < std::tie(o.code, o.params, o.dev_index);
    }
};

struct HostLimits {
    unsigned host_cpus = 0;
    unsigned max_vcpu = 0;     // CommonPreferences/CpuPreferences/MaxVCpu, 0: unset
    unsigned max_vm_mem = 0;   // CommonPreferences/MemoryPreferences/MaxVmMemory, 0: unset
};

unsigned number_at(const service::XmlTree& tree, const std::string& path, unsigned fallback) {
    const auto text = tree.text_at(path);
    if (!text || text->empty() || text->size() > 9) return fallback;
    for (char ch : *text)
        if (!std::isdigit(static_cast<unsigned char>(ch))) return fallback;
    return static_cast<unsigned>(std::stoul(*text));
}

bool is_true(const service::XmlTree& tree, const std::string& path) {
    const auto text = tree.text_at(path);
    return text && (*text == "1" || *text == "true");
}

// A path as the service will resolve it: relative ones live in the bundle.
std::filesystem::path resolve(const service::VmConfig& c, const std::string& path) {
    std::filesystem::path p(path);
    if (p.is_relative() && !c.home_path.empty()) p = std::filesystem::path(c.home_path).parent_path() / p;
    return p;
}

bool path_exists(const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::exists(p, ec);
}

bool is_url(const std::string& s) {
    for (const char* scheme : {"ftp://", "http://", "https://", "smb://", "nfs://"})
        if (s.rfind(scheme, 0) == 0) return true;
    return false;
}

// The file name part holds a character the product refuses in file names.
bool has_invalid_symbol(const std::string& path) {
    const std::string name = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
    for (unsigned char ch : name)
        if (ch < 0x20 || std::string("\\:*?\"<>|").find(static_cast<char>(ch)) != std::string::npos) return true;
    return false;
}

// 12 hex digits, neither multicast nor all zeros (the product's checkMacAddress).
bool valid_mac(const std::string& mac) {
    if (mac.size() != 12) return false;
    for (char ch : mac)
        if (!std::isxdigit(static_cast<unsigned char>(ch))) return false;
    if (mac == "000000000000") return false;
    const int first = std::stoi(mac.substr(0, 2), nullptr, 16);
    return (first & 1) == 0;
}

class Checker {
public:
    Checker(const service::VmConfig& c, const HostLimits& limits) : c_(c), limits_(limits) {}

    std::vector<Problem> vm(long long section) {
        const auto in = [section](std::initializer_list<long long> s) {
            return section == PVC_ALL || std::find(s.begin(), s.end(), section) != s.end();
        };
        if (in({PVC_GENERAL_PARAMETERS})) general();
        if (in({PVC_CPU})) cpu();
        if (in({PVC_MAIN_MEMORY})) memory();
        if (in({PVC_VIDEO_MEMORY})) video();
        if (in({PVC_HARD_DISK})) hard_disks();
        if (in({PVC_NETWORK_ADAPTER})) network();
        if (in({PVC_IDE_DEVICES, PVC_CD_DVD_ROM, PVC_HARD_DISK})) stack_indexes(service::pvs::iface_ide);
        if (in({PVC_SCSI_DEVICES, PVC_CD_DVD_ROM, PVC_HARD_DISK})) stack_indexes(1 /* PMS_SCSI_DEVICE */);
        if (in({PVC_SATA_DEVICES, PVC_CD_DVD_ROM, PVC_HARD_DISK})) stack_indexes(service::pvs::iface_sata);
        if (in({PVC_CD_DVD_ROM, PVC_HARD_DISK})) stack_indexes(service::pvs::iface_virtio_block);
        return std::move(out_);
    }

    std::vector<Problem> ct(long long section) {
        if (section == PVC_ALL || section == PVC_HARD_DISK) {
            long item = 0;
            for (const auto& d : c_.hard_disks) {
                const long pos = item++;
                if (!d.enabled || d.emulated_type != service::pvs::emulated_image_file) continue;
                if (!d.image_path.empty() && !path_exists(resolve(c_, d.image_path)))
                    add(PRL_ERR_VMCONF_HARD_DISK_IMAGE_IS_NOT_EXIST, {d.image_path, std::to_string(d.index + 1)},
                        d.index, pos);
            }
        }
        return std::move(out_);
    }

private:
    void add(PRL_RESULT code, std::vector<std::string> params = {}, long index = -1, long item = -1) {
        out_.push_back(Problem{code, std::move(params), index, item});
    }

    void general() {
        if (c_.name.empty()) add(PRL_ERR_VMCONF_VM_NAME_IS_EMPTY);
        if (c_.name.find_first_of("/:*?\"<>|%") != std::string::npos)
            add(PRL_ERR_VMCONF_VM_NAME_HAS_INVALID_SYMBOL, {c_.name});
        // The product counts characters (UTF-16 units); UTF-8 continuation bytes are not characters.
        const auto chars = std::count_if(c_.name.begin(), c_.name.end(),
                                         [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; });
        if (static_cast<std::size_t>(chars) > max_name_length)
            add(PRL_ERR_VMCONF_VM_NAME_IS_TOO_LONG, {std::to_string(max_name_length)});
    }

    void cpu() {
        const unsigned sockets = number_at(c_.extra, "Hardware/Cpu/Sockets", 1);
        if (c_.cpu_count == 0 || sockets == 0) {
            add(PRL_ERR_VMCONF_CPU_ZERO_COUNT);
            return;
        }
        if (is_true(c_.extra, "Settings/General/IsTemplate") || limits_.host_cpus == 0) return;
        const unsigned long long cores = static_cast<unsigned long long>(c_.cpu_count) * sockets;
        const unsigned allowed = std::min(limits_.host_cpus, limits_.max_vcpu ? limits_.max_vcpu : max_cpu_count);
        if (cores > allowed) add(PRL_ERR_VMCONF_CPU_COUNT_MORE_MAX_CPU_COUNT, {std::to_string(allowed)});
        if (cores > limits_.host_cpus) add(PRL_ERR_VMCONF_CPU_COUNT_MORE_HOST_CPU_COUNT);
    }

    void memory() {
        const unsigned max = limits_.max_vm_mem ? limits_.max_vm_mem : service::max_ram_mib;
        if (c_.ram_mib == 0)
            add(PRL_ERR_VMCONF_MAIN_MEMORY_ZERO_SIZE);
        else if (c_.ram_mib < vm_min_mem || c_.ram_mib > max)
            add(PRL_ERR_VMCONF_MAIN_MEMORY_OUT_OF_RANGE, {std::to_string(vm_min_mem), std::to_string(max)});
        else if (c_.ram_mib & 3)
            add(PRL_ERR_VMCONF_MAIN_MEMORY_NOT_4_RATIO_SIZE);
    }

    void video() {
        if (c_.video_mib < vm_min_video_mem || c_.video_mib > vm_max_video_mem)
            add(PRL_ERR_VMCONF_VIDEO_MEMORY_OUT_OF_RANGE,
                {std::to_string(vm_min_video_mem), std::to_string(vm_max_video_mem)});
    }

    void hard_disks() {
        std::vector<std::pair<std::string, unsigned>> seen;  // resolved image path, device index
        long item = 0;
        for (const auto& d : c_.hard_disks) {
            const long pos = item++;
            if (!d.enabled) continue;
            const bool image = d.emulated_type == service::pvs::emulated_image_file;
            const std::string number = std::to_string(d.index + 1);
            if (d.image_path.empty()) {
                add(PRL_ERR_VMCONF_HARD_DISK_SYS_NAME_IS_EMPTY, {number}, d.index, pos);
                continue;
            }
            if (image && is_url(d.image_path)) {
                add(PRL_ERR_VMCONF_HARD_DISK_URL_FORMAT_SYS_NAME, {d.image_path, number}, d.index, pos);
                continue;
            }
            if (image && has_invalid_symbol(d.image_path)) {
                add(PRL_ERR_VMCONF_HARD_DISK_SYS_NAME_HAS_INVALID_SYMBOL,
                    {std::filesystem::path(d.image_path).filename().string()}, d.index, pos);
                continue;
            }
            const std::string resolved = resolve(c_, d.image_path).lexically_normal().string();
            const auto dup = std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == resolved; });
            if (dup != seen.end()) {
                add(PRL_ERR_VMCONF_HARD_DISK_DUPLICATE_SYS_NAME, {std::to_string(dup->second)}, d.index, pos);
                continue;
            }
            seen.emplace_back(resolved, d.index);
            if (image && !is_true(d.extra, "Remote") && !path_exists(resolved))
                add(PRL_ERR_VMCONF_HARD_DISK_IMAGE_IS_NOT_EXIST, {d.image_path, number}, d.index, pos);
        }
    }

    void network() {
        std::set<std::string> macs;
        long item = 0;
        for (const auto& d : c_.devices) {
            if (d.kind != service::DeviceKind::network_adapter) continue;
            const long pos = item++;
            if (!d.enabled) continue;
            std::string mac = d.mac;
            std::transform(mac.begin(), mac.end(), mac.begin(), [](char ch) { return static_cast<char>(std::toupper(static_cast<unsigned char>(ch))); });
            if (!valid_mac(mac))
                add(PRL_ERR_VMCONF_NETWORK_ADAPTER_INVALID_MAC_ADDRESS, {std::to_string(d.index + 1)}, d.index, pos);
            if (!macs.insert(mac).second)
                add(PRL_ERR_VMCONF_NETWORK_ADAPTER_DUPLICATE_MAC_ADDRESS, {}, d.index, pos);
        }
    }

    void stack_indexes(int bus) {
        const PRL_RESULT dup_code = bus == service::pvs::iface_ide    ? PRL_ERR_VMCONF_IDE_DEVICES_DUPLICATE_STACK_INDEX
                                    : bus == 1                        ? PRL_ERR_VMCONF_SCSI_DEVICES_DUPLICATE_STACK_INDEX
                                    : bus == service::pvs::iface_sata ? PRL_ERR_VMCONF_SATA_DEVICES_DUPLICATE_STACK_INDEX
                                                                      : PRL_ERR_VMCONF_VIRTIO_BLOCK_DEVICES_DUPLICATE_STACK_INDEX;
        std::set<int> used;
        long item = 0;
        for (const auto& d : c_.hard_disks) {
            const long pos = item++;
            if (!d.enabled || !d.connected || d.interface_type != bus) continue;
            if (!used.insert(d.stack_index).second) add(dup_code, {}, d.index, pos);
        }
        item = 0;
        for (const auto& d : c_.devices) {
            if (d.kind != service::DeviceKind::cdrom) continue;
            const long pos = item++;
            if (!d.enabled || d.interface_type.value_or(service::pvs::iface_ide) != bus) continue;
            if (!used.insert(d.stack_index.value_or(0)).second) add(dup_code, {}, d.index, pos);
        }
    }

    const service::VmConfig& c_;
    const HostLimits& limits_;
    std::vector<Problem> out_;
};

std::vector<Problem> check(const service::VmConfig& c, long long section, const HostLimits& limits) {
    Checker checker(c, limits);
    return c.type == service::VmType::ct ? checker.ct(section) : checker.vm(section);
}

ObjectPtr problem_event(const Problem& p, const std::string& vm_uuid) {
    EventData data;
    data.type = PET_DSP_EVT_ERROR_MESSAGE;
    data.issuer_type = PIE_DISPATCHER;
    data.issuer_id = vm_uuid;
    data.error_code = p.code;
    for (std::size_t i = 0; i < p.params.size() && i < 3; ++i)
        data.params.push_back(EventParam::string("vm_message_param_" + std::to_string(i), p.params[i]));
    if (p.dev_index >= 0) {
        data.params.push_back(EventParam::int32("vm_config_dev_index", static_cast<std::int32_t>(p.dev_index)));
        data.params.push_back(EventParam::int32("vm_config_dev_item_id", static_cast<std::int32_t>(p.dev_item)));
    }
    return std::make_shared<Event>(std::move(data));
}

}  // namespace

extern "C" {

PRL_HANDLE PrlVm_ValidateConfig(PRL_HANDLE hVm, PRL_VM_CONFIG_SECTIONS nSection) {
    return async(PJOC_VM_VALIDATE_CONFIG, [&] {
        VmPtr vm = handle_cast<Vm>(hVm).share();
        const long long section = enum_in(nSection);
        require(section >= PVC_VALIDATE_CHANGES_ONLY && section <= PVC_LAST_SECTION, PRL_ERR_INVALID_ARG,
                "unknown configuration section");
        // What is checked is the local copy as it is now, as the original sends it.
        service::VmConfig config = vm->config();
        return give_job(vm->server()->start_job(PJOC_VM_VALIDATE_CONFIG, [vm, section, config](Job& job) -> ResultPtr {
            auto svc = vm->server()->service();  // needs a login
            HostLimits limits;
            limits.host_cpus = svc->host_facts().cpu_count;
            const auto prefs = svc->common_prefs();
            limits.max_vcpu = number_at(prefs.tree, "CpuPreferences/MaxVCpu", 0);
            limits.max_vm_mem = number_at(prefs.tree, "MemoryPreferences/MaxVmMemory", 0);

            std::vector<Problem> problems;
            if (section == PVC_VALIDATE_CHANGES_ONLY) {
                // Only what the edit introduced: nothing to compare with for a VM never stored.
                if (vm->registered()) {
                    const service::VmConfig stored = svc->config(vm->uuid()).config;
                    std::vector<Problem> before = check(stored, PVC_ALL, limits);
                    std::sort(before.begin(), before.end());
                    for (auto& p : check(config, PVC_ALL, limits))
                        if (!std::binary_search(before.begin(), before.end(), p)) problems.push_back(std::move(p));
                }
            } else {
                problems = check(config, section, limits);
            }
            auto result = std::make_shared<Result>();
            for (const auto& p : problems) result->add(problem_event(p, config.uuid));
            if (problems.empty()) return result;
            job.finish(PRL_ERR_VMCONF_VALIDATION_FAILED, result,
                       Event::error(PRL_ERR_VMCONF_VALIDATION_FAILED, {}));
            return result;
        }));
    });
}

}  // extern "C"
