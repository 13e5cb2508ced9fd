#include "element_reader.h"

#include "disk_image.h"
#include "repository_common.h"

namespace prl::backup {

ElementReader::ElementReader(std::shared_ptr<Storage> storage, const std::string& id_text)
    : layout_{std::move(storage)}, store_lock_(layout_.store().lock(layout_.store_lock(), LockMode::shared, true)) {
    const BackupId id = require_backup_id(id_text);
    auto loc = find_chain(layout_, id.chain);
    if (!loc || !loc->chain.elements.count(id.number)) throw Error(Errc::not_found, "no backup " + id.str());
    chain_ = std::move(loc->chain);
    meta_ = &chain_.elements.at(id.number);
}

std::unique_ptr<LayeredView> ElementReader::disk_view(const std::string& name) const {
    for (const auto& d : meta_->disks)
        if (d.name == name) return open_disk_view(layout_.store(), chain_, meta_->number, name);
    throw Error(Errc::vm_mismatch, "backup " + meta_->id() + " has no disk '" + name + "'");
}

}  // namespace prl::backup
