// Repository::create — one new chain element, committed by the rename of its
// metadata file after every byte it references is durable.
#include "container_tree.h"
#include "disk_image.h"
#include "repository.h"
#include "error_guard.h"
#include "repository_common.h"
#include "txn_marker.h"

#include <cerrno>
#include <ctime>
#include <fcntl.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace prl::backup {

namespace {

constexpr size_t kMaxText = 65536;

void check_text(const std::string& s, const char* what) {
    if (s.size() > kMaxText || !is_xml_safe_utf8(s))
        throw Error(Errc::invalid_argument, std::string(what) + " must be valid UTF-8 text of at most 64 KiB");
}

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
    if (src.type == VmType::vm) {
        if (src.disks.empty()) throw Error(Errc::invalid_argument, "a VM backup needs at least one disk");
        std::set<std::string> names;
        for (const auto& d : src.disks) {
            if (d.name.empty() || d.name.size() > 255 || !is_xml_safe_utf8(d.name))
                throw Error(Errc::invalid_argument, "bad disk name");
            if (!names.insert(d.name).second) throw Error(Errc::invalid_argument, "duplicate disk name '" + d.name + "'");
            check_text(d.path.string(), "disk path");
            if (d.path.empty()) throw Error(Errc::invalid_argument, "disk '" + d.name + "' has no path");
        }
    } else {
        std::error_code ec;
        if (src.ct_root.empty() || !fs::is_directory(src.ct_root, ec))
            throw Error(Errc::invalid_argument, "container root is not a directory");
    }
}

// Deletes the files of an unfinished element unless dismissed.
class FileCleanup {
public:
    ~FileCleanup() {
        for (const auto& p : files_) ::unlink(p.c_str());
        if (!dir_.empty()) ::rmdir(dir_.c_str());  // only if we created it and it stayed empty
    }
    void add(const fs::path& p) { files_.push_back(p); }
    void created_dir(const fs::path& d) { dir_ = d; }
    void dismiss() { files_.clear(); dir_.clear(); }

private:
    std::vector<fs::path> files_;
    fs::path dir_;
};

}  // namespace

namespace {
std::string create_element(const fs::path& root, const Source& src, const CreateOptions& opt, const Progress& progress) {
    const Layout l{root};
    const std::string vm = require_vm_uuid(src.vm_uuid);
    validate(src, opt);

    FileLock vm_lock = lock_vm_for_writing(l, vm);
    FileLock store_lock = acquire_lock(l.store_lock(), FileLock::Mode::shared);
    TxnMarker txn(l);

    // Where the element goes: a new chain, or the latest chain of this VM.
    std::vector<Chain> chains = load_vm_chains(l, vm);
    ElementMeta m;
    m.vm_uuid = vm;
    m.vm_name = src.vm_name;
    m.vm_type = src.type;
    m.kind = opt.kind;
    const Chain* chain = nullptr;
    // Element numbers are at most 9 digits; a chain that ran out starts afresh.
    if (opt.kind != Kind::full && !chains.empty() && chains.back().latest().number < 999999999) {
        chain = &chains.back();
        if (chain->base().vm_type != src.type)
            throw Error(Errc::vm_mismatch, "backup " + chain->uuid + " is of another VM type");
        m.chain = chain->uuid;
        m.number = chain->latest().number + 1;
        m.parent = opt.kind == Kind::incremental ? chain->latest().number : chain->base().number;
    } else {
        m.kind = Kind::full;
        m.chain = new_uuid();
        m.number = 1;
        m.parent = 0;
    }
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    m.time = static_cast<int64_t>(now.tv_sec);
    m.time_ns = static_cast<uint32_t>(now.tv_nsec);
    m.creator = opt.creator;
    m.host = opt.host;
    m.server_uuid = opt.server_uuid;
    m.description = opt.description;
    m.flags = opt.flags;
    m.compressed = opt.compress;

    const fs::path chain_dir = l.chain_dir(vm, m.chain);
    FileCleanup cleanup;
    if (!chain) {
        make_directories(chain_dir);
        cleanup.created_dir(chain_dir);
    }
    const std::string tag = std::to_string(m.number) + "-" + random_hex(4);

    ThreadPool pool(ThreadPool::default_threads());
    DedupIndex index;
    load_dedup_index(l, index);
    StoreWriter store(l.packs(), pool, opt.compress, index);
    uint64_t meta_bytes = 0;

    // The configuration: a small file of the element, durable before the
    // metadata that names it is committed (the chain directory is fsync'ed
    // in commit()).
    if (src.config) {
        m.config_file = tag + ".config";
        m.config_size = src.config->size();
        const fs::path path = chain_dir / m.config_file;
        UniqueFd fd = open_file(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        cleanup.add(path);
        write_all(fd.get(), src.config->data(), src.config->size(), path.string());
        fsync_fd(fd.get(), path.string());
        Sha256 sha;
        m.config_digest = sha.digest(src.config->data(), src.config->size());
        meta_bytes += src.config->size();
    }

    // Makes everything durable, then publishes the element by renaming its metadata.
    auto commit = [&](ProgressReporter& pr) {
        pr.check_cancel();
        store.finish();
        pr.check_cancel();  // the last point where a cancel is honoured
        txn.mark_dirty();   // from here a failure may leave final-named packs for GC
        store.commit();
        fsync_dir(chain_dir);
        if (!chain) fsync_dir(chain_dir.parent_path());
        m.stored_size = store.stored_bytes() + meta_bytes;
        m.stored_size += serialize_element(m).size();
        // Past this point the element may become visible even if a later step
        // fails, so its files must stay; should it not, GC removes them.
        cleanup.dismiss();
        write_file_atomic(chain_dir / element_file_name(m.number), serialize_element(m));
        txn.mark_clean();
        refresh_catalog_cache(l, vm, m.chain);
        pr.done();
        return m.id();
    };

    if (src.type == VmType::vm) {
        std::vector<UniqueFd> fds;
        std::vector<uint64_t> sizes;
        uint64_t total = 0;
        for (const auto& d : src.disks) {
            UniqueFd fd;
            try {
                fd = open_file(d.path, O_RDONLY);
            } catch (const Error& e) {
                throw Error(e.code() == Errc::not_found ? Errc::invalid_argument : e.code(),
                            "disk '" + d.name + "': " + e.what());
            }
            struct stat st {};
            if (::fstat(fd.get(), &st) != 0) throw_errno(errno, "stat disk '" + d.name + "'");
            if (!S_ISREG(st.st_mode)) throw Error(Errc::invalid_argument, "disk '" + d.name + "' is not a regular file");
            sizes.push_back(static_cast<uint64_t>(st.st_size));
            total += sizes.back();
            fds.push_back(std::move(fd));
        }
        m.original_size = total;
        ProgressReporter pr(progress, total);
        for (size_t i = 0; i < src.disks.size(); ++i) {
            const DiskSource& d = src.disks[i];
            const std::string what = "backup " + m.id() + " disk '" + d.name + "'";
            std::unique_ptr<LayeredView> parent =
                chain ? open_disk_view(*chain, m.parent, d.name) : std::make_unique<LayeredView>();
            DiskRecord rec;
            rec.name = d.name;
            rec.original_path = d.path.string();
            rec.size = sizes[i];
            rec.map_file = tag + ".d" + std::to_string(i) + ".map";
            const fs::path map_path = chain_dir / rec.map_file;
            MapWriter map(map_path, rec.size);
            cleanup.add(map_path);
            backup_image(fds[i].get(), rec.size, *parent, store, map, pool, pr, what);
            rec.map_digest = map.finish();
            meta_bytes += map.bytes_written();
            m.disks.push_back(std::move(rec));
        }
        return commit(pr);
    }

    // Container: file-level.
    const TreeTotals totals = measure_tree(src.ct_root);
    m.original_size = totals.file_bytes;
    ProgressReporter pr(progress, totals.file_bytes);
    std::unique_ptr<ManifestReader> parent;
    if (chain) {
        const ElementMeta& pm = chain->elements.at(m.parent);
        parent = std::make_unique<ManifestReader>(chain->dir / pm.tree_file, pm.tree_digest, "backup " + pm.id());
    }
    m.tree_file = tag + ".tree";
    const fs::path manifest_path = chain_dir / m.tree_file;
    ManifestWriter manifest(manifest_path);
    cleanup.add(manifest_path);
    backup_tree(src.ct_root, parent.get(), store, manifest, pool, pr);
    m.tree_digest = manifest.finish();
    meta_bytes += manifest.bytes_written();
    return commit(pr);
}

}  // namespace

std::string Repository::create(const Source& src, const CreateOptions& opt, const Progress& progress) {
    return guard_errors([&] { return create_element(root_, src, opt, progress); });
}

}  // namespace prl::backup
