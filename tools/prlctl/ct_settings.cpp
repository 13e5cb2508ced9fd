#include "ct_settings.h"

#include "option_values.h"
#include "vm_devices.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>

namespace prlctl {
namespace {

// Linux capabilities by bit, as the product names them.
const char* const kCapabilities[] = {
    "CHOWN",    "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER",     "FSETID",         "KILL",
    "SETGID",   "SETUID",       "SETPCAP",         "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST",
    "NET_ADMIN", "NET_RAW",     "IPC_LOCK",        "IPC_OWNER",  "SYS_MODULE",     "SYS_RAWIO",
    "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",       "SYS_ADMIN",  "SYS_BOOT",       "SYS_NICE",
    "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG",  "MKNOD",      "LEASE",          "AUDIT_WRITE",
    "VE_ADMIN", "SETFCAP"};

// A K/M/G/T/B suffix's multiplier; 0 for another letter.
unsigned long long multiplier(char c) {
    switch (std::tolower(static_cast<unsigned char>(c))) {
        case 't': return 1ULL << 40;
        case 'g': return 1ULL << 30;
        case 'm': return 1ULL << 20;
        case 'k': return 1ULL << 10;
        case 'b': return 1;
        default: return 0;
    }
}

// One number of "barrier[:limit]": "unlimited", a number with a size suffix
// (bytes, divided by `unit`), or a bare number (divided by `bare_unit`).
// Returns false when malformed; `rest` is left after what was read.
bool one_value(const char* text, unsigned long long unit, unsigned long long bare_unit, unsigned long long& out,
               const char*& rest, bool last) {
    errno = 0;
    char* tail = nullptr;
    unsigned long long v = std::strtoull(text, &tail, 10);
    if (errno == ERANGE) return false;
    const std::string word(text);
    if (last ? word == "unlimited" : word.compare(0, 9, "unlimited") == 0) {
        v = LONG_MAX;
        tail = const_cast<char*>(text) + 9;
    } else if (tail == text) {
        return false;
    } else if (*tail != ':' && *tail != '\0') {
        const unsigned long long m = multiplier(*tail);
        if (!m || (last && tail[1] != '\0')) return false;
        v = v * m / unit;
        ++tail;
    } else {
        v /= bare_unit;
    }
    out = std::min<unsigned long long>(v, LONG_MAX);
    rest = tail;
    return true;
}

// "barrier[:limit]"; a lone value is both.
bool barrier_limit(const std::string& text, unsigned long long unit, unsigned long long bare_unit, CtResource& r) {
    const char* rest = nullptr;
    if (!one_value(text.c_str(), unit, bare_unit, r.barrier, rest, false)) return false;
    if (*rest == '\0') {
        r.limit = r.barrier;
        return true;
    }
    if (*rest != ':') return false;
    return one_value(rest + 1, unit, bare_unit, r.limit, rest, true);
}

// A resource given again replaces the earlier value, in its place.
void add_resource(std::vector<CtResource>& list, const CtResource& r) {
    for (CtResource& e : list)
        if (e.id == r.id) {
            e = r;
            return;
        }
    list.push_back(r);
}

// "NAME:on,NAME:off" in bit order, as the product prints what it sets.
std::string capabilities_text(PRL_UINT32 on, PRL_UINT32 off) {
    std::string text;
    for (std::size_t i = 0; i < std::size(kCapabilities); ++i) {
        const PRL_UINT32 bit = 1u << i;
        if (!((on | off) & bit)) continue;
        if (!text.empty()) text += ",";
        text += std::string(kCapabilities[i]) + (on & bit ? ":on" : ":off");
    }
    return text;
}

}  // namespace

CtSettings read_ct_settings(const CommandLine& cl) {
    CtSettings s;
    for (const auto& [option, value] : cl.given) {
        if (option == "swappages" || option == "swap") {
            CtResource r{PCR_SWAPPAGES, 0, 0};
            if (!barrier_limit(value, 4096, option == "swap" ? 4096 : 1, r))
                throw Error{1, "an invalid value was specified for --" + option + ": " + value};
            add_resource(s.resources, r);
        } else if (option == "quotaugidlimit") {
            const auto n = unsigned_value(value);
            if (!n) throw Error{1, "an invalid value was specified for --quotaugidlimit: " + value};
            add_resource(s.resources, {PCR_QUOTAUGIDLIMIT, *n, *n});
        } else if (option == "apptemplate") {
            s.app_templates.push_back(value);
        } else if (option == "capability") {
            std::string::size_type start = 0;
            while (start <= value.size()) {
                const auto comma = std::min(value.find(',', start), value.size());
                const std::string item = value.substr(start, comma - start);
                start = comma + 1;
                if (item.empty()) continue;
                const auto colon = item.find(':');
                if (colon == std::string::npos)
                    throw Error{1, "An invalid value ('" + value + "') for --capability: the mode is not specified."};
                const std::string name = item.substr(0, colon), mode = item.substr(colon + 1);
                std::string upper = name;
                std::transform(upper.begin(), upper.end(), upper.begin(),
                               [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
                const auto at = std::find(std::begin(kCapabilities), std::end(kCapabilities), upper);
                if (at == std::end(kCapabilities))
                    throw Error{1, "An incorrect capability ('" + name + "') is specified."};
                const PRL_UINT32 bit = 1u << (at - std::begin(kCapabilities));
                if (mode == "on") {
                    s.capabilities_on |= bit;
                } else if (mode == "off") {
                    s.capabilities_off |= bit;
                } else {
                    throw Error{1, "An incorrect mode ('" + mode + "') is specified for the capability '" + name + "'."};
                }
            }
        }
    }
    return s;
}

void apply_capabilities(const Vm& vm, const CtSettings& s) {
    if (!(s.capabilities_on | s.capabilities_off)) return;
    if (vm.type != PVT_CT) throw ApplyError{-1, "Capabilities can be set for Containers only."};
    if (vm.state() != VMS_STOPPED) throw ApplyError{-1, "Unable to set the capability for the running Container."};
    PRL_UINT32 os = 0;
    PrlVmCfg_GetOsType(vm.cfg, &os);
    if (os != PVS_GUEST_TYPE_LINUX)
        throw ApplyError{-1, "Unable to set the capability. The Container is running a non-Linux operating system."};
    PRL_UINT32 mask = 0;
    check(PrlVmCfg_GetCapabilitiesMask(vm.cfg, &mask), "PrlVmCfg_GetCapabilitiesMask");
    check(PrlVmCfg_SetCapabilitiesMask(vm.cfg, (mask | s.capabilities_on) & ~s.capabilities_off),
          "PrlVmCfg_SetCapabilitiesMask");
    say("Set capabilities: " + capabilities_text(s.capabilities_on, s.capabilities_off));
}

void apply_resources(const Vm& vm, const CtSettings& s) {
    for (const CtResource& r : s.resources) {
        if (r.id == PCR_SWAPPAGES && vm.type == PVT_CT) {
            std::fflush(stdout);
            std::fputs("WARNING: Use of swap significantly slows down both the container and the node.\n", stderr);
        }
        say(std::string("Set ") + (r.id == PCR_SWAPPAGES ? "swappages" : "quotaugidlimit") + " " +
            std::to_string(r.limit));
        check(PrlVmCfg_SetResource(vm.cfg, r.id, r.barrier, r.limit), "PrlVmCfg_SetResource");
    }
}

void apply_app_templates(PRL_HANDLE cfg, const CtSettings& s) {
    if (s.app_templates.empty()) return;
    std::string text;
    for (const std::string& t : s.app_templates) text += t + " ";
    if (const PRL_RESULT rc = PrlVmCfg_SetAppTemplateList(cfg, string_list(s.app_templates)))
        throw ApplyError{rc, "PrlVmCfg_SetAppTemplates"};
    say("Configure Templates: " + text);
}

}  // namespace prlctl
