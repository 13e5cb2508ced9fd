#include "layout.h"

#include "ids.h"

namespace prl::backup {

fs::path Layout::vm_dir(const std::string& uuid) const { return vms() / uuid_dir_name(uuid); }
fs::path Layout::chain_dir(const std::string& vm, const std::string& chain) const {
    return vm_dir(vm) / uuid_dir_name(chain);
}

}  // namespace prl::backup
