// prlctl set's on/off options that each set one boolean of a VM's
// configuration through one setter, read and applied as the product does.
#pragma once

#include "common.h"

#include <map>
#include <string>

namespace prlctl {

// The toggles a command line gives: option -> 0 or 1.
using Toggles = std::map<std::string, int>;

// Checks each toggle's value ("on"/"yes", "off"/"no"); throws Error with the
// product's message for another word.
Toggles read_toggles(const CommandLine& cl);

// Applies `option` if the command line gave it; throws ApplyError with the
// setter's name and text on failure. The caller picks the product's order.
void apply_toggle(PRL_HANDLE cfg, const Toggles& toggles, const char* option);

}  // namespace prlctl
