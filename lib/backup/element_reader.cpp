#include "element_reader.h"

#include "disk_image.h"
#include "repository_common.h"

namespace prl::backup {

namespace {
Chain chain_of(const Layout& l, const BackupId& id) {
    auto loc = find_chain(l, id.chain);
    if (!loc || !loc->chain.elements.count(id.number)) throw Error(Errc::not_found, "no backup " + id.str());
    return std::move(loc->chain);
}
}  // namespace

ElementReader::ElementReader(const fs::path& root, const std::string& id)
    : layout_{root},
      store_lock_(acquire_lock(layout_.store_lock(), FileLock::Mode::shared)),
      chain_(chain_of(layout_, require_backup_id(id))) {
    meta_ = &chain_.elements.at(require_backup_id(id).number);
}

std::unique_ptr<LayeredView> ElementReader::disk_view(const std::string& name) const {
    for (const auto& d : meta_->disks)
        if (d.name == name) return open_disk_view(chain_, meta_->number, name);
    throw Error(Errc::vm_mismatch, "backup " + meta_->id() + " has no disk '" + name + "'");
}

}  // namespace prl::backup
