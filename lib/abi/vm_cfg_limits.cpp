// A VM's resource settings that are more than one element or need a rule:
// video memory (a modelled field), 3D acceleration and battery-life flags
// (booleans over an integer element), the host memory quota's RAM-dependent
// default, the memory guarantee, CPU, I/O and IOPS limits (structures; the
// I/O ones also apply to every hard disk, as in the SDK), CPU and NUMA node
// masks, and the start-as user's credentials.
#include "boundary.h"
#include "copy_out.h"

#include "props/owners.h"

#include "core/vm.h"

#include "service/store/text_rules.h"
#include "service/store/vm_config.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

using namespace prl;
using namespace prl::abi;
using prl::service::XmlTree;

namespace {

std::optional<long long> number_at(const XmlTree& t, const std::string& path) {
    auto text = t.text_at(path);
    if (!text || text->empty()) return std::nullopt;
    char* end = nullptr;
    const long long v = std::strtoll(text->c_str(), &end, 10);
    if (!end || *end != '\0') return std::nullopt;
    return v;
}

void put(XmlTree& t, const std::string& path, long long v) { t.set_text_at(path, std::to_string(v)); }

// Reads (write=false) or edits the VM's config.pvs tree.
template <class F>
auto on_tree(PRL_HANDLE h, bool write, F&& f) {
    using R = decltype(f(std::declval<XmlTree&>()));
    if constexpr (std::is_void_v<R>) {
        props::with_tree(props::Owner::vm, h, write, [&](XmlTree& t) { f(t); });
    } else {
        R out{};
        props::with_tree(props::Owner::vm, h, write, [&](XmlTree& t) { out = f(t); });
        return out;
    }
}

// The two 32-bit halves of the SDK's packed {value, type} structures.
struct Pair {
    std::uint32_t value, type;
};
template <class S>
Pair read_pair(const S* s) {
    static_assert(sizeof(S) == 8);
    Pair p;
    std::memcpy(&p.value, reinterpret_cast<const char*>(s), 4);
    std::memcpy(&p.type, reinterpret_cast<const char*>(s) + 4, 4);
    return p;
}
template <class S>
void write_pair(S* s, std::uint32_t value, std::uint32_t type) {
    static_assert(sizeof(S) == 8);
    std::memcpy(reinterpret_cast<char*>(s), &value, 4);
    std::memcpy(reinterpret_cast<char*>(s) + 4, &type, 4);
}

std::uint32_t u32(long long v) { return static_cast<std::uint32_t>(v); }

// A CPU or NUMA node mask as the product's parser takes it: "all", or
// comma-separated numbers and ranges ("0-3,6") below `limit`; empty clears it.
bool valid_mask(const std::string& mask, unsigned limit) {
    if (mask.empty() || mask == "all") return true;
    std::size_t i = 0;
    auto number = [&](unsigned& out) {
        if (i >= mask.size() || !std::isdigit(static_cast<unsigned char>(mask[i]))) return false;
        unsigned long v = 0;
        while (i < mask.size() && std::isdigit(static_cast<unsigned char>(mask[i]))) {
            v = v * 10 + static_cast<unsigned>(mask[i++] - '0');
            if (v >= limit) return false;
        }
        out = static_cast<unsigned>(v);
        return true;
    };
    while (true) {
        unsigned lo = 0, hi = 0;
        if (!number(lo)) return false;
        hi = lo;
        if (i < mask.size() && mask[i] == '-') {
            ++i;
            if (!number(hi) || hi < lo) return false;
        }
        if (i == mask.size()) return true;
        if (mask[i++] != ',') return false;
    }
}

PRL_RESULT get_text(PRL_HANDLE h, const char* path, PRL_STR buf, PRL_UINT32_PTR len) {
    out_ptr(len);
    const std::string text = on_tree(h, false, [&](XmlTree& t) { return t.text_at(path).value_or(""); });
    return copy_out(text, buf, len);
}

void set_mask(PRL_HANDLE h, const char* path, PRL_CONST_STR mask, unsigned limit) {
    require(mask != nullptr, PRL_ERR_INVALID_ARG, "null mask");
    const std::string text = mask;
    require(text.size() <= 4096 && valid_mask(text, limit), PRL_ERR_INVALID_ARG,
            "invalid mask (\"all\" or numbers and ranges such as 0-3,6)");
    on_tree(h, true, [&](XmlTree& t) {
        if (text.empty())
            t.erase(path);
        else
            t.set_text_at(path, text);
    });
}

void set_cpu_limit(PRL_HANDLE h, std::uint32_t value, std::uint32_t type) {
    on_tree(h, true, [&](XmlTree& t) {
        put(t, "Hardware/Cpu/CpuLimitValue", value);
        put(t, "Hardware/Cpu/CpuLimitType", type);
        // The percentage element follows a percentage limit and is cleared by a MHz one.
        if (type == PRL_CPULIMIT_MHZ)
            put(t, "Hardware/Cpu/CpuLimit", 0);
        else if (type == PRL_CPULIMIT_PERCENTS)
            put(t, "Hardware/Cpu/CpuLimit", value);
    });
}

}  // namespace

extern "C" {

// ---- video and memory ----

PRL_RESULT PrlVmCfg_GetVideoRamSize(PRL_HANDLE hVmCfg, PRL_UINT32_PTR pnVmVideoRamSize) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        *out_ptr(pnVmVideoRamSize) = vm->read([](const service::VmConfig& c) { return c.video_mib; });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_SetVideoRamSize(PRL_HANDLE hVmCfg, PRL_UINT32 nVmVideoRamSize) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        // The SDK refuses 0; config.pvs keeps at most 1 TiB of video memory.
        require(nVmVideoRamSize != 0 && nVmVideoRamSize <= (1u << 20), PRL_ERR_INVALID_ARG,
                "video memory size out of range");
        vm->edit([&](service::VmConfig& c) { c.video_mib = nVmVideoRamSize; });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_Is3DAccelerationEnabled(PRL_HANDLE hVmCfg, PRL_BOOL_PTR pbVm3DAccelerationEnabled) {
    return sync([&] {
        out_ptr(pbVm3DAccelerationEnabled);
        const long long mode = on_tree(hVmCfg, false, [](XmlTree& t) {
            return number_at(t, "Hardware/Video/Enable3DAcceleration").value_or(P3D_DISABLED);
        });
        *pbVm3DAccelerationEnabled = mode != P3D_DISABLED ? PRL_TRUE : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_Set3DAccelerationEnabled(PRL_HANDLE hVmCfg, PRL_BOOL bVm3DAccelerationEnabled) {
    return sync([&] {
        on_tree(hVmCfg, true, [&](XmlTree& t) {
            put(t, "Hardware/Video/Enable3DAcceleration", bVm3DAccelerationEnabled ? P3D_ENABLED_HIGHEST : P3D_DISABLED);
        });
        return PRL_ERR_SUCCESS;
    });
}

// OptimizePowerConsumptionMode: 0 optimizes battery life, 1 (the default) performance.
PRL_RESULT PrlVmCfg_IsLongerBatteryLifeEnabled(PRL_HANDLE hVm, PRL_BOOL_PTR pbEnable) {
    return sync([&] {
        out_ptr(pbEnable);
        const long long mode = on_tree(hVm, false, [](XmlTree& t) {
            return number_at(t, "Settings/Runtime/OptimizePowerConsumptionMode").value_or(1);
        });
        *pbEnable = mode == 0 ? PRL_TRUE : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_SetLongerBatteryLifeEnabled(PRL_HANDLE hVm, PRL_BOOL bEnable) {
    return sync([&] {
        on_tree(hVm, true, [&](XmlTree& t) { put(t, "Settings/Runtime/OptimizePowerConsumptionMode", bEnable ? 0 : 1); });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetHostMemQuotaMin(PRL_HANDLE hVmCfg, PRL_UINT32_PTR pnHostMemQuotaMin) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        out_ptr(pnHostMemQuotaMin);
        const unsigned ram = vm->read([](const service::VmConfig& c) { return c.ram_mib; });
        // The model's default: half the VM's memory, at most 512 MiB.
        const long long fallback = std::min<long long>(ram / 2, 512);
        *pnHostMemQuotaMin = u32(on_tree(hVmCfg, false, [&](XmlTree& t) {
            return number_at(t, "Hardware/Memory/HostMemQuotaMin").value_or(fallback);
        }));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_SetHostMemQuotaMin(PRL_HANDLE hVmCfg, PRL_UINT32 nHostMemQuotaMin) {
    return sync([&] {
        on_tree(hVmCfg, true, [&](XmlTree& t) { put(t, "Hardware/Memory/HostMemQuotaMin", nHostMemQuotaMin); });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetMemGuaranteeSize(PRL_HANDLE hVmCfg, PRL_MEMGUARANTEE_DATA_PTR pMemGuaranteeSize) {
    return sync([&] {
        out_ptr(pMemGuaranteeSize);
        on_tree(hVmCfg, false, [&](XmlTree& t) {
            write_pair(pMemGuaranteeSize, u32(number_at(t, "Hardware/Memory/MemGuarantee").value_or(0)),
                       u32(number_at(t, "Hardware/Memory/MemGuaranteeType").value_or(PRL_MEMGUARANTEE_AUTO)));
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_SetMemGuaranteeSize(PRL_HANDLE hVmCfg, PRL_CONST_MEMGUARANTEE_DATA_PTR pMemGuaranteeSize) {
    return sync([&] {
        handle_cast<Vm>(hVmCfg);
        require(pMemGuaranteeSize != nullptr, PRL_ERR_INVALID_ARG, "null memory guarantee");
        const Pair p = read_pair(pMemGuaranteeSize);
        require(p.type == PRL_MEMGUARANTEE_AUTO || p.type == PRL_MEMGUARANTEE_PERCENTS, PRL_ERR_INVALID_MEMORY_GUARANTEE,
                "memory guarantee type must be PRL_MEMGUARANTEE_AUTO or PRL_MEMGUARANTEE_PERCENTS");
        on_tree(hVmCfg, true, [&](XmlTree& t) {
            put(t, "Hardware/Memory/MemGuarantee", p.type == PRL_MEMGUARANTEE_AUTO ? 0 : p.value);
            put(t, "Hardware/Memory/MemGuaranteeType", p.type);
        });
        return PRL_ERR_SUCCESS;
    });
}

// ---- CPU ----

PRL_RESULT PrlVmCfg_GetCpuLimit(PRL_HANDLE hVmCfg, PRL_UINT32_PTR nVmCpuLimit) {
    return sync([&] {
        out_ptr(nVmCpuLimit);
        *nVmCpuLimit = u32(on_tree(hVmCfg, false, [](XmlTree& t) {
            return number_at(t, "Hardware/Cpu/CpuLimit").value_or(0);
        }));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_SetCpuLimit(PRL_HANDLE hVmCfg, PRL_UINT32 nVmCpuLimit) {
    return sync([&] {
        handle_cast<Vm>(hVmCfg);
        set_cpu_limit(hVmCfg, nVmCpuLimit, PRL_CPULIMIT_PERCENTS);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetCpuLimitEx(PRL_HANDLE hVmCfg, PRL_CPULIMIT_DATA_PTR pVmCpuLimit) {
    return sync([&] {
        out_ptr(pVmCpuLimit);
        on_tree(hVmCfg, false, [&](XmlTree& t) {
            write_pair(pVmCpuLimit, u32(number_at(t, "Hardware/Cpu/CpuLimitValue").value_or(0)),
                       u32(number_at(t, "Hardware/Cpu/CpuLimitType").value_or(PRL_CPULIMIT_MHZ)));
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_SetCpuLimitEx(PRL_HANDLE hVmCfg, PRL_CONST_CPULIMIT_DATA_PTR pVmCpuLimit) {
    return sync([&] {
        handle_cast<Vm>(hVmCfg);
        require(pVmCpuLimit != nullptr, PRL_ERR_INVALID_ARG, "null CPU limit");
        const Pair p = read_pair(pVmCpuLimit);
        require(p.type >= PRL_CPULIMIT_PERCENTS100 && p.type <= PRL_CPULIMIT_PERCENTS_TO_MHZ, PRL_ERR_INVALID_ARG,
                "not a PRL_CPULIMIT_TYPE");
        set_cpu_limit(hVmCfg, p.value, p.type);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetCpuMask(PRL_HANDLE hVmCfg, PRL_STR sMask, PRL_UINT32_PTR pnMaskBufLength) {
    return sync([&] { return get_text(hVmCfg, "Hardware/Cpu/CpuMask", sMask, pnMaskBufLength); });
}

PRL_RESULT PrlVmCfg_SetCpuMask(PRL_HANDLE hVmCfg, PRL_CONST_STR sMask) {
    return sync([&] {
        handle_cast<Vm>(hVmCfg);
        set_mask(hVmCfg, "Hardware/Cpu/CpuMask", sMask == nullptr ? "" : sMask, 4096);  // the SDK takes NULL as ""
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetNodeMask(PRL_HANDLE hVmCfg, PRL_STR sMask, PRL_UINT32_PTR pnMaskBufLength) {
    return sync([&] { return get_text(hVmCfg, "Hardware/Cpu/NodeMask", sMask, pnMaskBufLength); });
}

PRL_RESULT PrlVmCfg_SetNodeMask(PRL_HANDLE hVmCfg, PRL_CONST_STR sMask) {
    return sync([&] {
        handle_cast<Vm>(hVmCfg);
        set_mask(hVmCfg, "Hardware/Cpu/NodeMask", sMask, 1024);
        return PRL_ERR_SUCCESS;
    });
}

// ---- I/O ----

PRL_RESULT PrlVmCfg_GetIoLimit(PRL_HANDLE hVmCfg, PRL_IOLIMIT_DATA_PTR pVmIoLimit) {
    return sync([&] {
        out_ptr(pVmIoLimit);
        on_tree(hVmCfg, false, [&](XmlTree& t) {
            if (!t.find("Settings/Runtime/IoLimit")) {
                write_pair(pVmIoLimit, 0, PRL_IOLIMIT_BS);
                return;
            }
            write_pair(pVmIoLimit, u32(number_at(t, "Settings/Runtime/IoLimit/IoLimitValue").value_or(0)),
                       u32(number_at(t, "Settings/Runtime/IoLimit/IoLimitType").value_or(PRL_IOLIMIT_BS)));
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_SetIoLimit(PRL_HANDLE hVmCfg, PRL_CONST_IOLIMIT_DATA_PTR pVmIoLimit) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        require(pVmIoLimit != nullptr, PRL_ERR_INVALID_ARG, "null I/O limit");
        const Pair p = read_pair(pVmIoLimit);
        require(p.type == PRL_IOLIMIT_BS, PRL_ERR_INVALID_ARG, "I/O limit type must be PRL_IOLIMIT_BS");
        on_tree(hVmCfg, true, [&](XmlTree& t) {
            put(t, "Settings/Runtime/IoLimit/IoLimitType", p.type);
            put(t, "Settings/Runtime/IoLimit/IoLimitValue", p.value);
        });
        // As in the SDK, every hard disk gets the same limit.
        vm->edit([&](service::VmConfig& c) {
            for (auto& d : c.hard_disks) {
                put(d.extra, "IoLimit/IoLimitType", p.type);
                put(d.extra, "IoLimit/IoLimitValue", p.value);
            }
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_SetIopsLimit(PRL_HANDLE hVmCfg, PRL_UINT32 nVmIopsLimit) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        on_tree(hVmCfg, true, [&](XmlTree& t) { put(t, "Settings/Runtime/IopsLimit", nVmIopsLimit); });
        vm->edit([&](service::VmConfig& c) {
            for (auto& d : c.hard_disks) put(d.extra, "IopsLimit", nVmIopsLimit);
        });
        return PRL_ERR_SUCCESS;
    });
}

// ---- start-as user ----

PRL_RESULT PrlVmCfg_SetStartUserCreds(PRL_HANDLE hVmCfg, PRL_CONST_STR sStartUserLogin, PRL_CONST_STR sPassword) {
    return sync([&] {
        handle_cast<Vm>(hVmCfg);
        require(sStartUserLogin != nullptr && sPassword != nullptr, PRL_ERR_INVALID_ARG, "null user or password");
        const std::string user = sStartUserLogin, password = sPassword;
        require(service::is_storable_path(user) && service::is_storable_path(password), PRL_ERR_INVALID_ARG,
                "user and password must be one line of UTF-8 text");
        on_tree(hVmCfg, true, [&](XmlTree& t) {
            t.set_text_at("Settings/Startup/VmStartAsUser", user);
            t.set_text_at("Settings/Startup/VmStartAsPassword", password);
            t.set_text_at("Settings/Startup/ChangedPassword", "true");
        });
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
