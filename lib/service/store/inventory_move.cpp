// Inventory::move_bundle: a bundle moves to another parent directory.
#include "inventory.h"

#include "bundle_files.h"
#include "bundle_paths.h"
#include "error.h"
#include "file_ops.h"
#include "tree_clone.h"
#include "uuid_text.h"

#include <sys/stat.h>

#include <cerrno>

namespace prl::service {

namespace fs = std::filesystem;

namespace {

dev_t device_of(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw_errno("stat " + path.string(), errno);
    return st.st_dev;
}

}  // namespace

VmEntry Inventory::move_bundle(const std::string& uuid_arg, const std::string& parent_arg) {
    const auto uuid = normalize_uuid(uuid_arg);
    if (!uuid) throw Error(Errc::invalid_argument, "not a UUID");
    fs::path parent = checked_caller_path(parent_arg, "new home");
    const fs::path old = get(*uuid).bundle;
    // Checked before anything is made: nothing may appear inside the bundle.
    if (is_within(old, parent)) throw Error(Errc::invalid_argument, "cannot move a bundle into itself");
    make_directories(parent, 0755);
    parent = canonical_path(parent);
    const fs::path target = parent / old.filename();
    if (exists_nofollow(target)) throw Error(Errc::dir_exists, "already exists: " + target.string());
    if (is_within(old, target)) throw Error(Errc::invalid_argument, "cannot move a bundle into itself");

    // Across filesystems the copy is made first, aside, without the lock.
    const bool same_fs = device_of(old) == device_of(parent);
    fs::path staging;
    if (!same_fs) {
        sweep_dead_staging(target);
        staging = staging_path(target);
        if (!make_new_directory(staging, 0755)) throw Error(Errc::dir_exists, "already exists: " + staging.string());
    }
    auto drop_staging = [&] {
        if (staging.empty()) return;
        try {
            remove_tree(staging);
        } catch (const Error&) {
        }
    };
    try {
        if (!same_fs) {
            clone_tree(old, staging);
            struct stat st {};
            if (::stat(old.c_str(), &st) == 0) ::chmod(staging.c_str(), st.st_mode & 07777);
        }
        VmEntry moved;
        {
            FileLock lock = acquire_lock(root_.inventory_lock(), FileLock::Mode::exclusive);
            Registry reg = load_registry(root_.inventory_file());
            VmEntry* e = reg.find_uuid(*uuid);
            if (!e) throw Error(Errc::not_found, "no VM or container with UUID " + *uuid);
            if (e->bundle != old) throw Error(Errc::edit_conflict, "the bundle moved meanwhile");
            if (exists_nofollow(target) || reg.find_bundle(target))
                throw Error(Errc::dir_exists, "already exists: " + target.string());
            // Recorded first: from here on, whichever directory exists is the bundle.
            e->bundle = target;
            e->moving_from = old;
            save_registry(root_.inventory_file(), reg);
            const fs::path from = same_fs ? old : staging;
            if (::rename(from.c_str(), target.c_str()) != 0) {
                const int err = errno;
                e->bundle = old;
                e->moving_from.clear();
                save_registry(root_.inventory_file(), reg);
                throw_errno("move " + from.string() + " to " + target.string(), err);
            }
            staging.clear();
            fsync_dir(parent);
            fsync_dir(old.parent_path());
            // config.pvs names its own place (VmHome): rewrite it there. Readers
            // take the place from the bundle anyway, so a failure is no reason
            // to undo a move that happened.
            try {
                write_bundle_config(target, read_bundle_config(target));
            } catch (const Error&) {
            }
            e->moving_from.clear();
            ++e->revision;
            e->modified = utc_now_text();
            save_registry(root_.inventory_file(), reg);
            moved = *e;
        }
        if (!same_fs) {
            remove_tree(old);
            fsync_dir(old.parent_path());
        }
        return moved;
    } catch (...) {
        drop_staging();
        throw;
    }
}

}  // namespace prl::service
