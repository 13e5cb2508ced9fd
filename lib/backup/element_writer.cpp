#include "element_writer.h"

#include "disk_image.h"
#include "index_maintenance.h"
#include "repository_common.h"

#include <ctime>
#include <fcntl.h>
#include <set>
#include <unistd.h>

namespace prl::backup {

namespace {

constexpr size_t kMaxText = 65536;

void check_text(const std::string& s, const char* what) {
    if (s.size() > kMaxText || !is_xml_safe_utf8(s))
        throw Error(Errc::invalid_argument, std::string(what) + " must be valid UTF-8 text of at most 64 KiB");
}

// What the element records of `src`: its texts and disk names (a node
// receiving a backup has the source's words for them, not its files).
void validate(const Source& src, const CreateOptions& opt) {
    check_text(src.vm_name, "VM name");
    check_text(opt.description, "description");
    check_text(opt.creator, "creator");
    check_text(opt.host, "host");
    check_text(opt.server_uuid, "server uuid");
    if (src.config && src.config->size() > kMaxConfigBytes)
        throw Error(Errc::invalid_argument, "the VM configuration is " + std::to_string(src.config->size()) +
                                                " bytes; a backup keeps at most " +
                                                std::to_string(kMaxConfigBytes) + " bytes of configuration");
    if (src.type != VmType::vm) return;
    if (src.disks.empty()) throw Error(Errc::invalid_argument, "a VM backup needs at least one disk");
    std::set<std::string> names;
    for (const auto& d : src.disks) {
        if (d.name.empty() || d.name.size() > 255 || !is_xml_safe_utf8(d.name))
            throw Error(Errc::invalid_argument, "bad disk name");
        if (!names.insert(d.name).second) throw Error(Errc::invalid_argument, "duplicate disk name '" + d.name + "'");
        check_text(d.path.string(), "disk path");
        if (d.path.empty()) throw Error(Errc::invalid_argument, "disk '" + d.name + "' has no path");
    }
}

}  // namespace

ElementWriter::ElementWriter(const Layout& layout, const Source& src, const CreateOptions& opt) : layout_{layout} {
    const std::string vm = require_vm_uuid(src.vm_uuid);
    validate(src, opt);
    leftovers_.storage = &layout_.store();
    vm_lock_ = lock_vm_for_writing(layout_, vm);
    store_lock_ = layout_.store().lock(layout_.store_lock(), LockMode::shared, true);
    txn_ = std::make_unique<TxnMarker>(layout_);

    // Where the element goes: a new chain, or the latest chain of this VM.
    chains_ = load_vm_chains(layout_, vm);
    m_.vm_uuid = vm;
    m_.vm_name = src.vm_name;
    m_.vm_type = src.type;
    m_.kind = opt.kind;
    // Element numbers are at most 9 digits; a chain that ran out starts afresh.
    if (opt.kind != Kind::full && !chains_.empty() && chains_.back().latest().number < 999999999) {
        chain_ = &chains_.back();
        if (chain_->base().vm_type != src.type)
            throw Error(Errc::vm_mismatch, "backup " + chain_->uuid + " is of another VM type");
        m_.chain = chain_->uuid;
        m_.number = chain_->latest().number + 1;
        m_.parent = opt.kind == Kind::incremental ? chain_->latest().number : chain_->base().number;
    } else {
        m_.kind = Kind::full;
        m_.chain = new_uuid();
        m_.number = 1;
        m_.parent = 0;
    }
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    m_.time = static_cast<int64_t>(now.tv_sec);
    m_.time_ns = static_cast<uint32_t>(now.tv_nsec);
    m_.creator = opt.creator;
    m_.host = opt.host;
    m_.server_uuid = opt.server_uuid;
    m_.description = opt.description;
    m_.flags = opt.flags;
    m_.compressed = opt.compress;

    chain_dir_ = layout_.chain_dir(vm, m_.chain);
    if (!chain_) leftovers_.made_dir = chain_dir_;
    tag_ = std::to_string(m_.number) + "-" + random_hex(4);

    pool_ = std::make_unique<ThreadPool>(ThreadPool::default_threads());
    store_ = std::make_unique<StoreWriter>(SharedPacks::acquire(layout_, opt.compress));

    // The configuration: a small object of the element, committed (durable)
    // before the metadata that names it.
    if (src.config) {
        m_.config_file = tag_ + ".config";
        m_.config_size = src.config->size();
        auto out = layout_.store().create(new_file(m_.config_file));
        out->append(src.config->data(), src.config->size());
        out->commit_unsynced();  // commit() syncs the chain directory
        Sha256 sha;
        m_.config_digest = sha.digest(src.config->data(), src.config->size());
        meta_bytes_ += src.config->size();
    }
}

ElementWriter::~ElementWriter() {
    // Blocks of ours that another writer's commit made visible: garbage
    // collection finds them through the marker we then leave.
    if (store_ && store_->abandon() && txn_) txn_->mark_dirty();
}

ElementWriter::Leftovers::~Leftovers() {
    try {
        for (const auto& name : files) storage->remove(name, false);
        if (!made_dir.empty()) storage->remove_directory(made_dir);
    } catch (...) {
        // What is left, garbage collection removes.
    }
}

std::string ElementWriter::new_file(const std::string& name) {
    leftovers_.files.push_back(Layout::join(chain_dir_, name));
    return leftovers_.files.back();
}

std::unique_ptr<LayeredView> ElementWriter::parent_disk_view(const std::string& name) const {
    return chain_ ? open_disk_view(layout_.store(), *chain_, m_.parent, name) : std::make_unique<LayeredView>();
}

std::unique_ptr<ManifestReader> ElementWriter::parent_manifest() const {
    if (!chain_) return nullptr;
    const ElementMeta& pm = chain_->elements.at(m_.parent);
    return std::make_unique<ManifestReader>(layout_.store(), Layout::join(chain_->dir, pm.tree_file), pm.tree_digest,
                                            "backup " + pm.id());
}

MapWriter& ElementWriter::begin_disk(const std::string& name, const std::string& original_path, uint64_t size) {
    if (map_) throw Error(Errc::invalid_argument, "a disk's map is still open");
    DiskRecord rec;
    rec.name = name;
    rec.original_path = original_path;
    rec.size = size;
    rec.map_file = tag_ + ".d" + std::to_string(m_.disks.size()) + ".map";
    map_ = std::make_unique<MapWriter>(layout_.store(), new_file(rec.map_file), size);
    m_.disks.push_back(std::move(rec));
    return *map_;
}

void ElementWriter::end_disk() {
    if (!map_) throw Error(Errc::invalid_argument, "no disk's map is open");
    m_.disks.back().map_digest = map_->finish();
    meta_bytes_ += map_->bytes_written();
    map_.reset();
}

ManifestWriter& ElementWriter::begin_tree() {
    m_.tree_file = tag_ + ".tree";
    manifest_ = std::make_unique<ManifestWriter>(layout_.store(), new_file(m_.tree_file));
    return *manifest_;
}

void ElementWriter::end_tree() {
    m_.tree_digest = manifest_->finish();
    meta_bytes_ += manifest_->bytes_written();
    manifest_.reset();
}

void ElementWriter::keep_stored_blocks() noexcept {
    try {
        store_->finish();
        txn_->mark_dirty();
        // Packs of a writer that gave up: their blocks are for garbage collection.
        if (!store_->commit()) txn_->mark_clean();
        index_committed_packs(layout_, store_->pack_ids(), store_->index());
    } catch (...) {
        // They go with the rest of the element (or, once renamed, to GC).
    }
}

std::string ElementWriter::commit(ProgressReporter& pr) {
    if (map_ || manifest_) throw Error(Errc::invalid_argument, "the element's last map is still open");
    pr.check_cancel();
    store_->finish();
    pr.check_cancel();  // the last point where a cancel is honoured
    txn_->mark_dirty();  // from here a failure may leave final-named packs for GC
    const bool orphans = store_->commit();
    layout_.store().sync_directory(chain_dir_);  // the maps and the configuration
    m_.stored_size = store_->stored_bytes() + meta_bytes_;
    m_.stored_size += serialize_element(m_).size();
    // Held all along, or another writer or a garbage collection may have
    // acted meanwhile: nothing is made visible then.
    vm_lock_->check();
    store_lock_->check();
    // Past this point the element may become visible even if a later step
    // fails, so its files must stay; should it not, GC removes them.
    leftovers_.dismiss();
    if (!layout_.store().put_exclusive(Layout::join(chain_dir_, element_file_name(m_.number)), serialize_element(m_)))
        throw Error(Errc::io_error, "backup " + m_.id() + " exists already");
    if (!orphans) txn_->mark_clean();  // else it stays, for garbage collection
    // The index is derived data: a failure or a crash here costs only a
    // re-indexing of these packs by a later create.
    index_committed_packs(layout_, store_->pack_ids(), store_->index());
    refresh_catalog_cache(layout_, m_.vm_uuid, m_.chain);
    pr.done();
    return m_.id();
}

}  // namespace prl::backup
