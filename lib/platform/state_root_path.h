// Where the state root is, from the environment alone: the one rule the
// library, prlshimd and the prlshim CLI follow (docs/state-root.md).
#pragma once
#include <filesystem>
#include <optional>
#include <string>

namespace prl::platform {

// $PRLSHIM_HOME (made absolute), else $XDG_DATA_HOME/prlshim (absolute values
// only, as XDG asks), else $HOME/.local/share/prlshim. Does not touch the
// disk. nullopt, with `why`, when none of them is set or usable.
std::optional<std::filesystem::path> state_root_path(std::string& why);

}  // namespace prl::platform
