#include "layout.h"

#include "ids.h"
#include "pack_file.h"

namespace prl::backup {

std::string Layout::pack(uint64_t id) const { return join(packs(), pack_file_name(id)); }
std::string Layout::vm_dir(const std::string& uuid) const { return join(vms(), uuid_dir_name(uuid)); }
std::string Layout::chain_dir(const std::string& vm, const std::string& chain) const {
    return join(vm_dir(vm), uuid_dir_name(chain));
}

}  // namespace prl::backup
