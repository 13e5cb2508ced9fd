#include "snapshots.h"

#include "store/bundle_files.h"
#include "store/bundle_paths.h"
#include "store/error.h"
#include "store/file_clone.h"
#include "store/file_ops.h"
#include "store/host_identity.h"
#include "store/text_rules.h"
#include "store/uuid_text.h"
#include "store/vm_config.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <set>

namespace prl::service {
namespace {

constexpr std::size_t max_config_bytes = 16u << 20;
constexpr std::size_t max_tree_bytes = 16u << 20;
constexpr std::size_t max_name_bytes = 4096;
constexpr std::size_t max_description_bytes = 64u << 10;
constexpr std::size_t max_depth = 200;  // below libxml2's nesting limit, so the tree always reads back

// The paths of one VM's snapshot state.
struct Layout {
    fs::path bundle;
    fs::path tree_file() const { return bundle / "Snapshots.xml"; }
    fs::path dir() const { return bundle / "Snapshots"; }
    fs::path lock_file() const { return dir() / ".lock"; }
    fs::path switch_journal() const { return dir() / ".switch"; }
    // "{uuid}" -> Snapshots/uuid; ids are checked UUIDs, so this never leaves dir().
    fs::path of(const std::string& id) const { return dir() / id.substr(1, id.size() - 2); }
};

std::string local_time_now() {
    const time_t now = ::time(nullptr);
    tm t{};
    localtime_r(&now, &t);
    char text[32];
    strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &t);
    return text;
}

std::string checked_id(const std::string& id) {
    auto normalized = normalize_uuid(id);
    if (!normalized) throw Error(Errc::snapshot_not_found, "no snapshot with that id");
    return *normalized;
}

void check_text(const std::string& text, std::size_t max_bytes, const char* what) {
    if (!is_xml_safe_text(text, max_bytes))
        throw Error(Errc::invalid_argument, std::string("the snapshot's ") + what +
                                                " must be valid UTF-8 without control characters, at most " +
                                                std::to_string(max_bytes) + " bytes");
}

SnapshotTree read_tree(const Layout& at) {
    std::string bytes;
    try {
        bytes = read_file_bounded(at.tree_file(), max_tree_bytes);
    } catch (const Error& e) {
        if (e.code() == Errc::not_found) return {};
        throw;
    }
    return SnapshotTree::from_xml(bytes);
}

void write_tree(const Layout& at, const SnapshotTree& tree) {
    if (tree.empty()) {
        if (::unlink(at.tree_file().c_str()) != 0 && errno != ENOENT) throw_errno("remove " + at.tree_file().string(), errno);
        fsync_dir(at.bundle);
        return;
    }
    write_file_atomic(at.tree_file(), tree.to_xml());
}

// A hard disk's image path relative to the bundle (images never leave it).
fs::path relative_image(const fs::path& bundle, const HardDisk& disk) {
    const fs::path image(disk.image_path);
    if (!is_within(bundle, image) || image == bundle)
        throw Error(Errc::corrupt, "disk image outside the bundle: " + disk.image_path);
    return image.lexically_relative(bundle);
}

void sync_tree_dirs(const fs::path& top) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(top); it != fs::recursive_directory_iterator(); ++it)
        if (it->is_directory(ec) && !it->is_symlink(ec)) fsync_dir(it->path());
    fsync_dir(top);
}

// Brings the VM to snapshot `id`: each disk the snapshot holds replaces the
// live one atomically, then the configuration. Idempotent, so a switch cut
// short by a crash is simply run again.
void apply_switch(Inventory& inventory, const std::string& vm_uuid, const Layout& at, const std::string& id) {
    const fs::path saved = at.of(id);
    const std::string text = read_file_bounded(saved / "config.pvs", max_config_bytes);
    VmConfig config = bundle_config_from_text(at.bundle, text);
    for (const HardDisk& disk : config.hard_disks) {
        if (disk.emulated_type != pvs::emulated_image_file || disk.image_path.empty()) continue;
        const fs::path rel = relative_image(at.bundle, disk);
        if (!fs::exists(fs::symlink_status(saved / rel))) continue;  // the disk had no image then
        make_directories((at.bundle / rel).parent_path());
        if (fs::exists(fs::symlink_status(at.bundle / rel)))
            replace_with_clone(saved / rel, at.bundle / rel);
        else {
            clone_file(saved / rel, at.bundle / rel);
            fsync_dir((at.bundle / rel).parent_path());
        }
    }
    inventory.replace_config(vm_uuid, std::move(config));
}

// Holds the VM's snapshot lock; finishes a journalled switch and sweeps what
// a dead process left (unlisted snapshot directories) before any operation.
class Session {
public:
    Session(Inventory& inventory, const std::string& vm_uuid)
        : inventory_(inventory), vm_uuid_(vm_uuid), layout_{inventory.get(vm_uuid).bundle} {
        make_directories(layout_.dir());
        lock_ = acquire_lock(layout_.lock_file(), FileLock::Mode::exclusive);
        tree_ = read_tree(layout_);
        recover();
    }
    const Layout& layout() const { return layout_; }
    SnapshotTree& tree() { return tree_; }
    void save() { write_tree(layout_, tree_); }

    void switch_to(const std::string& id) {
        write_file_atomic(layout_.switch_journal(), id);
        apply_switch(inventory_, vm_uuid_, layout_, id);
        tree_.make_current(id);
        save();
        ::unlink(layout_.switch_journal().c_str());
        fsync_dir(layout_.dir());
    }

private:
    void recover() {
        std::string journalled;
        try {
            journalled = read_file_bounded(layout_.switch_journal(), 64);
        } catch (const Error& e) {
            if (e.code() != Errc::not_found) throw;
        }
        // A killed switch may have left a half-made clone beside an image.
        remove_dead_clone_temps(layout_.bundle);
        if (!journalled.empty() && tree_.find(journalled)) switch_to(journalled);
        else if (!journalled.empty()) ::unlink(layout_.switch_journal().c_str());

        const auto ids = tree_.ids();
        std::set<fs::path> listed;
        for (const auto& id : ids) listed.insert(layout_.of(id).filename());
        for (const auto& entry : fs::directory_iterator(layout_.dir())) {
            const fs::path name = entry.path().filename();
            if (name == ".lock" || name == ".switch" || listed.count(name)) continue;
            remove_tree(entry.path());  // a snapshot never listed, or one being deleted
        }
    }

    Inventory& inventory_;
    const std::string vm_uuid_;
    const Layout layout_;
    std::optional<FileLock> lock_;
    SnapshotTree tree_;
};

}  // namespace

std::string Snapshots::create(const std::string& vm_uuid, const std::string& name, const std::string& description) {
    check_text(name, max_name_bytes, "name");
    check_text(description, max_description_bytes, "description");
    Session session(inventory_, vm_uuid);
    const Layout& at = session.layout();
    const VmEntry entry = inventory_.get(vm_uuid);
    if (entry.type != VmType::vm) throw Error(Errc::invalid_argument, "containers have no snapshots here");
    if (session.tree().current_depth() >= max_depth)
        throw Error(Errc::invalid_argument, "snapshots nest at most " + std::to_string(max_depth) + " deep");

    SnapshotNode node;
    node.id = new_braced_uuid();
    node.name = name;
    node.description = description;
    node.created = local_time_now();
    node.creator = current_user_name();
    node.vm_state = snapshot_vm_state(static_cast<int>(entry.state));

    // Built aside, renamed into place, then listed: a crash at any point
    // leaves either no trace (swept by the next Session) or a whole snapshot.
    const fs::path staging = at.dir() / (".new-" + at.of(node.id).filename().string());
    remove_tree(staging);
    make_new_directory(staging);
    try {
        const std::string text = read_file_bounded(entry.config_file(), max_config_bytes);
        const VmConfig config = bundle_config_from_text(at.bundle, text);
        for (const HardDisk& disk : config.hard_disks) {
            if (disk.emulated_type != pvs::emulated_image_file || disk.image_path.empty()) continue;
            const fs::path rel = relative_image(at.bundle, disk);
            if (!fs::exists(fs::symlink_status(at.bundle / rel))) continue;
            make_directories((staging / rel).parent_path());
            clone_file(at.bundle / rel, staging / rel);
        }
        write_file_atomic(staging / "config.pvs", text);
        sync_tree_dirs(staging);
        if (::rename(staging.c_str(), at.of(node.id).c_str()) != 0) throw_errno("rename " + staging.string(), errno);
        fsync_dir(at.dir());
    } catch (...) {
        remove_tree(staging);
        throw;
    }
    session.tree().add(node);
    session.save();
    return node.id;
}

SnapshotTree Snapshots::tree(const std::string& vm_uuid) {
    Session session(inventory_, vm_uuid);
    return session.tree();
}

SnapshotSwitch Snapshots::switch_to(const std::string& vm_uuid, const std::string& id_arg) {
    const std::string id = checked_id(id_arg);
    Session session(inventory_, vm_uuid);
    const SnapshotNode* node = session.tree().find(id);
    if (!node) throw Error(Errc::snapshot_not_found, "no snapshot " + id);
    SnapshotSwitch outcome{node->vm_state};
    session.switch_to(id);
    return outcome;
}

std::vector<std::string> Snapshots::remove(const std::string& vm_uuid, const std::string& id_arg, bool with_children) {
    const std::string id = checked_id(id_arg);
    Session session(inventory_, vm_uuid);
    std::vector<std::string> removed = session.tree().remove(id, with_children);
    if (removed.empty()) throw Error(Errc::snapshot_not_found, "no snapshot " + id);
    session.save();  // unlisted first; a crash before the files go leaves them to the next sweep
    for (const auto& gone : removed) remove_tree(session.layout().of(gone));
    fsync_dir(session.layout().dir());
    return removed;
}

fs::path Snapshots::files_of(const std::string& vm_uuid, const std::string& id_arg) const {
    return Layout{inventory_.get(vm_uuid).bundle}.of(checked_id(id_arg));
}

void Snapshots::update(const std::string& vm_uuid, const std::string& id_arg, const std::string& name,
                       const std::string& description) {
    const std::string id = checked_id(id_arg);
    check_text(name, max_name_bytes, "name");
    check_text(description, max_description_bytes, "description");
    Session session(inventory_, vm_uuid);
    if (!session.tree().update(id, name, description)) throw Error(Errc::snapshot_not_found, "no snapshot " + id);
    session.save();
}

}  // namespace prl::service
