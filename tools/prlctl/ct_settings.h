// prlctl set's container settings: resources (--swappages, --swap,
// --quotaugidlimit), capabilities (--capability) and application templates
// (--apptemplate), read and applied as the product's prlctl does.
#pragma once

#include "common.h"

#include <string>
#include <vector>

namespace prlctl {

struct CtResource {
    PRL_CT_RESOURCE id;
    unsigned long long barrier, limit;
};

struct CtSettings {
    std::vector<CtResource> resources;
    PRL_UINT32 capabilities_on = 0, capabilities_off = 0;
    std::vector<std::string> app_templates;
};

// Throws Error with the product's message for a bad value.
CtSettings read_ct_settings(const CommandLine& cl);

// Each throws ApplyError.
void apply_capabilities(const Vm& vm, const CtSettings& s);
void apply_resources(const Vm& vm, const CtSettings& s);
void apply_app_templates(PRL_HANDLE cfg, const CtSettings& s);

}  // namespace prlctl
