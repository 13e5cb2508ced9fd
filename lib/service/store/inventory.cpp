#include "inventory.h"

#include "bundle_files.h"
#include "bundle_paths.h"
#include "error.h"
#include "file_ops.h"
#include "text_rules.h"
#include "uuid_text.h"

#include <csignal>

#include <signal.h>
#include <unistd.h>

namespace prl::service {

namespace fs = std::filesystem;

namespace {

std::string checked_uuid(const std::string& uuid) {
    auto u = normalize_uuid(uuid);
    if (!u) throw Error(Errc::invalid_argument, "not a UUID");
    return *u;
}

[[noreturn]] void not_found(const std::string& uuid) {
    throw Error(Errc::not_found, "no VM or container with UUID " + uuid);
}

// Which clash is reported first follows what the caller most likely did:
// a new VM clashes by name, a re-registered bundle by its path.
enum class Clash { name_first, path_first };

void check_unique(Registry& reg, const std::string& uuid, const std::string& name, const fs::path& bundle,
                  Clash order) {
    if (reg.find_uuid(uuid)) throw Error(Errc::uuid_taken, "UUID already registered: " + uuid);
    auto path_clash = [&] {
        if (reg.find_bundle(bundle)) throw Error(Errc::path_taken, "bundle already registered: " + bundle.string());
    };
    if (order == Clash::path_first) path_clash();
    if (reg.find_name(name)) throw Error(Errc::name_taken, "name already registered: " + name);
    path_clash();
}

// Unregister/delete need a VM at rest with no guest (the product refuses
// with PRL_ERR_DISP_VM_IS_NOT_STOPPED otherwise).
void check_stopped(const VmEntry& e) {
    if (e.state != VmState::stopped && e.state != VmState::suspended && e.state != VmState::unknown)
        throw Error(Errc::not_stopped, std::string("VM is not stopped (") + state_name(e.state) + ")");
}

// Never recursively delete something that is not plainly a bundle: the
// filesystem root, the state root or its parents, or the default folders.
void check_deletable(const StateRoot& root, const fs::path& bundle) {
    fs::path b = bundle.lexically_normal();
    if (b == b.root_path() || is_within(b, root.path()) || b == root.default_vm_dir() || b == root.default_ct_dir())
        throw Error(Errc::invalid_argument, "refusing to delete " + b.string());
}

fs::path bundle_dir_for(const fs::path& parent, const VmConfig& cfg) {
    return parent / (cfg.type == VmType::vm ? cfg.name + ".pvm" : cfg.name);
}

}  // namespace

Inventory::Inventory(StateRoot root) : root_(std::move(root)) {}

namespace {

VmEntry registry_entry(const VmConfig& cfg, const fs::path& bundle) {
    VmEntry e;
    e.uuid = cfg.uuid;
    e.name = cfg.name;
    e.type = cfg.type;
    e.bundle = bundle;
    e.modified = utc_now_text();
    return e;
}

}  // namespace

Inventory::NewBundle Inventory::prepare_new(VmConfig cfg, const std::string& parent_arg) const {
    validate(cfg);
    check_entry_name(cfg.name);
    cfg.uuid = cfg.uuid.empty() ? new_braced_uuid() : checked_uuid(cfg.uuid);
    cfg.server_uuid = root_.server_uuid();
    fs::path parent;
    if (parent_arg.empty()) {
        parent = cfg.type == VmType::vm ? root_.default_vm_dir() : root_.default_ct_dir();
        make_directories(parent, 0700);
    } else {
        parent = checked_caller_path(parent_arg, "parent directory");
        if (std::error_code ec; !fs::is_directory(parent, ec))  // the product: PRL_ERR_DIRECTORY_DOES_NOT_EXIST
            throw Error(Errc::invalid_argument, "parent directory does not exist: " + parent.string());
        parent = canonical_path(parent);
    }
    fs::path bundle = bundle_dir_for(parent, cfg);
    assign_image_paths(bundle, cfg);  // rejects bad image paths before anything is created
    return {std::move(cfg), std::move(parent), std::move(bundle)};
}

VmEntry Inventory::create_filled(VmConfig config, const std::string& parent_arg, const Filler& fill) {
    const auto [cfg, parent, bundle] = prepare_new(std::move(config), parent_arg);
    {  // fail early, before any work, on a name or UUID already taken
        FileLock lock = acquire_lock(root_.inventory_lock(), FileLock::Mode::shared);
        Registry reg = load_registry(root_.inventory_file());
        check_unique(reg, cfg.uuid, cfg.name, bundle, Clash::name_first);
    }
    sweep_dead_staging(bundle);
    const fs::path staging = staging_path(bundle);
    if (!make_new_directory(staging, 0755))
        throw Error(Errc::dir_exists, "directory already exists: " + staging.string());
    try {
        VmConfig staged = cfg;
        for (auto& d : staged.hard_disks)
            d.image_path = (staging / fs::path(d.image_path).lexically_relative(bundle)).string();
        create_missing_images(staging, staged);
        write_bundle_config(staging, staged);
        fill(staging, staged);

        FileLock lock = acquire_lock(root_.inventory_lock(), FileLock::Mode::exclusive);
        Registry reg = load_registry(root_.inventory_file());
        check_unique(reg, cfg.uuid, cfg.name, bundle, Clash::name_first);
        if (std::error_code ec; fs::exists(fs::symlink_status(bundle, ec)))
            throw Error(Errc::dir_exists, "directory already exists: " + bundle.string());
        fs::rename(staging, bundle);
        write_bundle_config(bundle, cfg);  // its identity and home as they are now
        fsync_dir(parent);
        VmEntry e = registry_entry(cfg, bundle);
        reg.entries.push_back(e);
        save_registry(root_.inventory_file(), reg);
        return e;
    } catch (...) {
        try {
            remove_tree(staging);
        } catch (const Error&) {
        }
        throw;
    }
}

VmEntry Inventory::create(VmConfig config, const std::string& parent_arg) {
    const auto [cfg, parent, bundle] = prepare_new(std::move(config), parent_arg);

    FileLock lock = acquire_lock(root_.inventory_lock(), FileLock::Mode::exclusive);
    Registry reg = load_registry(root_.inventory_file());
    check_unique(reg, cfg.uuid, cfg.name, bundle, Clash::name_first);
    if (!make_new_directory(bundle, 0755))
        throw Error(Errc::dir_exists, "directory already exists: " + bundle.string());
    try {
        create_missing_images(bundle, cfg);
        write_bundle_config(bundle, cfg);
        VmEntry e = registry_entry(cfg, bundle);
        reg.entries.push_back(e);
        save_registry(root_.inventory_file(), reg);
        fsync_dir(parent);
        return e;
    } catch (...) {
        try {
            remove_tree(bundle);  // we made it a moment ago under the lock: it is ours
        } catch (const Error&) {
        }
        throw;
    }
}

VmEntry Inventory::register_bundle(const std::string& path_arg, const RegisterOptions& opt) {
    fs::path path = checked_caller_path(path_arg, "bundle path");
    if (path.filename() == "config.pvs" && !is_directory_nofollow(path)) path = path.parent_path();
    if (std::error_code ec; !fs::is_directory(path, ec)) throw Error(Errc::not_a_bundle, "not a bundle directory: " + path.string());
    const fs::path bundle = canonical_path(path);
    VmConfig cfg = read_bundle_config(bundle);

    std::string uuid = !opt.uuid.empty() ? checked_uuid(opt.uuid)
                       : (opt.regenerate_uuid || cfg.uuid.empty()) ? new_braced_uuid()
                                                                   : cfg.uuid;
    std::string name = cfg.name;
    if (name.empty()) {  // a config without a name: use the bundle's directory name
        name = bundle.filename().string();
        if (cfg.type == VmType::vm && bundle.extension() == ".pvm") name = bundle.stem().string();
    }
    check_entry_name(name);

    FileLock lock = acquire_lock(root_.inventory_lock(), FileLock::Mode::exclusive);
    Registry reg = load_registry(root_.inventory_file());
    check_unique(reg, uuid, name, bundle, Clash::path_first);
    VmEntry e;
    e.uuid = uuid;
    e.name = name;
    e.type = cfg.type;
    e.bundle = bundle;
    e.modified = utc_now_text();
    reg.entries.push_back(e);
    save_registry(root_.inventory_file(), reg);
    return e;
}

void Inventory::unregister(const std::string& uuid_arg) {
    const std::string uuid = checked_uuid(uuid_arg);
    FileLock lock = acquire_lock(root_.inventory_lock(), FileLock::Mode::exclusive);
    Registry reg = load_registry(root_.inventory_file());
    VmEntry* e = reg.find_uuid(uuid);
    if (!e) not_found(uuid);
    check_stopped(*e);
    reg.entries.erase(reg.entries.begin() + (e - reg.entries.data()));
    save_registry(root_.inventory_file(), reg);
}

void Inventory::remove(const std::string& uuid_arg) {
    const std::string uuid = checked_uuid(uuid_arg);
    FileLock lock = acquire_lock(root_.inventory_lock(), FileLock::Mode::exclusive);
    Registry reg = load_registry(root_.inventory_file());
    VmEntry* e = reg.find_uuid(uuid);
    if (!e) not_found(uuid);
    check_stopped(*e);
    const fs::path bundle = e->bundle;
    check_deletable(root_, bundle);
    reg.entries.erase(reg.entries.begin() + (e - reg.entries.data()));
    // Unlist first: a crash part-way leaves stray files, never a listed
    // entry whose bundle is half gone.
    save_registry(root_.inventory_file(), reg);
    remove_tree(bundle);
    fsync_dir(bundle.parent_path());
}

std::vector<VmEntry> Inventory::list(std::optional<VmType> type) const {
    FileLock lock = acquire_lock(root_.inventory_lock(), FileLock::Mode::shared);
    Registry reg = load_registry(root_.inventory_file());
    std::vector<VmEntry> out;
    for (auto& e : reg.entries)
        if (!type || e.type == *type) out.push_back(std::move(e));
    return out;
}

std::optional<VmEntry> Inventory::find_by_uuid(const std::string& uuid_arg) const {
    auto uuid = normalize_uuid(uuid_arg);
    if (!uuid) return std::nullopt;
    FileLock lock = acquire_lock(root_.inventory_lock(), FileLock::Mode::shared);
    Registry reg = load_registry(root_.inventory_file());
    if (VmEntry* e = reg.find_uuid(*uuid)) return *e;
    return std::nullopt;
}

std::optional<VmEntry> Inventory::find_by_name(const std::string& name) const {
    FileLock lock = acquire_lock(root_.inventory_lock(), FileLock::Mode::shared);
    Registry reg = load_registry(root_.inventory_file());
    if (VmEntry* e = reg.find_name(name)) return *e;
    return std::nullopt;
}

std::optional<VmEntry> Inventory::find(const std::string& key) const {
    if (auto e = find_by_uuid(key)) return e;
    return find_by_name(key);
}

VmEntry Inventory::get(const std::string& uuid_arg) const {
    const std::string uuid = checked_uuid(uuid_arg);
    auto e = find_by_uuid(uuid);
    if (!e) not_found(uuid);
    return *e;
}

VmRecord Inventory::get_config(const std::string& uuid_arg) const {
    const std::string uuid = checked_uuid(uuid_arg);
    FileLock lock = acquire_lock(root_.inventory_lock(), FileLock::Mode::shared);
    Registry reg = load_registry(root_.inventory_file());
    VmEntry* e = reg.find_uuid(uuid);
    if (!e) not_found(uuid);
    VmRecord rec{*e, read_bundle_config(e->bundle)};
    // The registry is authoritative for identity (a bundle may have been
    // registered under a new UUID without its files being touched).
    rec.config.uuid = e->uuid;
    rec.config.name = e->name;
    rec.config.type = e->type;
    return rec;
}

VmEntry Inventory::update_config(const std::string& uuid_arg, const VmConfig& in, std::uint64_t based_on) {
    const std::string uuid = checked_uuid(uuid_arg);
    VmConfig cfg = in;
    validate(cfg);
    check_entry_name(cfg.name);
    if (!cfg.uuid.empty() && checked_uuid(cfg.uuid) != uuid)
        throw Error(Errc::invalid_argument, "the configuration's UUID differs from the VM's");
    cfg.uuid = uuid;

    FileLock lock = acquire_lock(root_.inventory_lock(), FileLock::Mode::exclusive);
    Registry reg = load_registry(root_.inventory_file());
    VmEntry* e = reg.find_uuid(uuid);
    if (!e) not_found(uuid);
    if (e->revision != based_on)
        throw Error(Errc::edit_conflict, "configuration changed since revision " + std::to_string(based_on));
    if (cfg.type != e->type) throw Error(Errc::invalid_argument, "cannot change between VM and container");
    if (VmEntry* other = reg.find_name(cfg.name); other && other != e)
        throw Error(Errc::name_taken, "name already registered: " + cfg.name);

    assign_image_paths(e->bundle, cfg);
    cfg.server_uuid = root_.server_uuid();
    auto created = create_missing_images(e->bundle, cfg);
    try {
        write_bundle_config(e->bundle, cfg);
        e->name = cfg.name;
        ++e->revision;
        e->modified = utc_now_text();
        save_registry(root_.inventory_file(), reg);
    } catch (...) {
        for (const auto& p : created) ::unlink(p.c_str());
        throw;
    }
    return *e;
}

VmEntry Inventory::replace_config(const std::string& uuid, VmConfig config) {
    for (int attempt = 1;; ++attempt) {
        const VmRecord now = get_config(uuid);
        config.uuid = now.entry.uuid;
        config.name = now.entry.name;
        config.type = now.entry.type;
        try {
            return update_config(uuid, config, now.entry.revision);
        } catch (const Error& e) {
            if (e.code() != Errc::edit_conflict || attempt == 100) throw;
        }
    }
}

VmState Inventory::power_state(const std::string& uuid) const { return get(uuid).state; }

void Inventory::set_power_state(const std::string& uuid_arg, VmState state) {
    const std::string uuid = checked_uuid(uuid_arg);
    if (!state_name(state)) throw Error(Errc::invalid_argument, "unknown VM state");
    FileLock lock = acquire_lock(root_.inventory_lock(), FileLock::Mode::exclusive);
    Registry reg = load_registry(root_.inventory_file());
    VmEntry* e = reg.find_uuid(uuid);
    if (!e) not_found(uuid);
    e->state = state;
    save_registry(root_.inventory_file(), reg);
}

bool Inventory::compare_and_set_power_state(const std::string& uuid_arg, VmState expected, VmState next) {
    const std::string uuid = checked_uuid(uuid_arg);
    if (!state_name(next)) throw Error(Errc::invalid_argument, "unknown VM state");
    FileLock lock = acquire_lock(root_.inventory_lock(), FileLock::Mode::exclusive);
    Registry reg = load_registry(root_.inventory_file());
    VmEntry* e = reg.find_uuid(uuid);
    if (!e) not_found(uuid);
    if (e->state != expected) return false;
    e->state = next;
    save_registry(root_.inventory_file(), reg);
    return true;
}

}  // namespace prl::service
