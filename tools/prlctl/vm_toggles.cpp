#include "vm_toggles.h"

#include "option_values.h"
#include "vm_devices.h"

#include <cstring>

namespace prlctl {
namespace {

struct Toggle {
    const char* option;
    // The product words a bad value two ways: "An invalid value was specified
    // for --X: V" for these, "An incorrect value for --X is specified: V" else.
    bool invalid_wording;
    PRL_RESULT (*setter)(PRL_HANDLE, PRL_BOOL);
    const char* setter_name;  // as the product names it in a failure (not always the setter)
};

const Toggle kToggles[] = {
    {"high-resolution", false, PrlVmCfg_SetHighResolutionEnabled, "PrlVmCfg_SetHighResolutionEnabled"},
    {"usedefanswers", true, PrlVmCfg_SetUseDefaultAnswers, "PrlVmCfg_SetUseDefaultAnswers"},
    {"tools-autoupdate", true, PrlVmCfg_SetToolsAutoUpdateEnabled, "PrlVmCfg_SetUseDefaultAnswers"},
    {"smart-mount", true, PrlVmCfg_SetSmartMountEnabled, "PrlVmCfg_SetSmartMountEnabled"},
    {"ratebound", false, PrlVmCfg_SetRateBound, "PrlVmCfg_SetRateBound"},
    {"efi-boot", false, PrlVmCfg_SetEfiEnabled, "PrlVmCfg_SetEfiEnabled"},
    {"select-boot-device", false, PrlVmCfg_SetAllowSelectBootDevice, "PrlVmCfg_SetAllowSelectBootDevice"},
    {"lock-on-suspend", false, PrlVmCfg_SetLockGuestOnSuspendEnabled, "PrlVmCfg_SetLockGuestOnSuspendEnabled"},
    {"isolate-vm", false, PrlVmCfg_SetIsolatedVmEnabled, "PrlVmCfg_SetIsolatedVmEnabled"},
    {"smart-guard", false, PrlVmCfg_SetSmartGuardEnabled, "PrlVmCfg_SetSmartGuardEnabled"},
    {"sg-notify-before-create", false, PrlVmCfg_SetSmartGuardNotifyBeforeCreation,
     "PrlVmCfg_SetSmartGuardNotifyBeforeCreation"},
    {"faster-vm", false, PrlVmCfg_SetDiskCacheWriteBack, "PrlVmCfg_SetDiskCacheWriteBack"},
    {"adaptive-hypervisor", false, PrlVmCfg_SetAdaptiveHypervisorEnabled, "PrlVmCfg_SetAdaptiveHypervisorEnabled"},
    {"auto-compress", false, PrlVmCfg_SetAutoCompressEnabled, "PrlVmCfg_SetAutoCompressEnabled"},
    {"nested-virt", false, PrlVmCfg_SetNestedVirtualizationEnabled, "PrlVmCfg_SetNestedVirtualizationEnabled"},
    {"pmu-virt", false, PrlVmCfg_SetPMUVirtualizationEnabled, "PrlVmCfg_SetPMUVirtualizationEnabled"},
    {"longer-battery-life", false, PrlVmCfg_SetLongerBatteryLifeEnabled, "PrlVmCfg_SetLongerBatteryLifeEnabled"},
    {"battery-status", false, PrlVmCfg_SetBatteryStatusEnabled, "PrlVmCfg_SetBatteryStatusEnabled"},
    {"template", false, PrlVmCfg_SetTemplateSign, "PrlVmCfg_SetTemplateSign"},
};

}  // namespace

Toggles read_toggles(const CommandLine& cl) {
    Toggles out;
    for (const Toggle& t : kToggles) {
        if (!cl.has(t.option)) continue;
        const std::string v = cl.get(t.option);
        const int b = on_off(v);
        if (b == -1)
            throw Error{1, t.invalid_wording ? "An invalid value was specified for --" + std::string(t.option) + ": " + v
                                             : "An incorrect value for --" + std::string(t.option) + " is specified: " + v};
        out[t.option] = b;
    }
    return out;
}

void apply_toggle(PRL_HANDLE cfg, const Toggles& toggles, const char* option) {
    const auto given = toggles.find(option);
    if (given == toggles.end()) return;
    for (const Toggle& t : kToggles)
        if (std::strcmp(t.option, option) == 0)
            check(t.setter(cfg, given->second ? PRL_TRUE : PRL_FALSE), t.setter_name);
}

}  // namespace prlctl
