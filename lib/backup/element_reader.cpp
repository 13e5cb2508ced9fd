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

std::unique_ptr<ManifestReader> ElementReader::tree() const {
    return std::make_unique<ManifestReader>(tree_object(), meta_->tree_digest, "backup " + meta_->id());
}

std::unique_ptr<ObjectReader> ElementReader::tree_object() const {
    if (meta_->vm_type != VmType::ct)
        throw Error(Errc::vm_mismatch, "backup " + meta_->id() + " is a VM backup: name its disks");
    std::unique_ptr<ObjectReader> in = layout_.store().open(Layout::join(chain_.dir, meta_->tree_file));
    if (!in) throw Error(Errc::corrupted, "backup " + meta_->id() + ": manifest missing");
    return in;
}

}  // namespace prl::backup
