#include "bundle_files.h"

#include "bundle_paths.h"
#include "error.h"
#include "file_ops.h"

#include <csignal>
#include <cstdlib>
#include <set>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace prl::service {

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t mib = 1024 * 1024;

// Devices whose SystemName is a file the product keeps bundle-relative.
bool is_file_backed(const Device& d) {
    switch (d.kind) {
    case DeviceKind::cdrom:
    case DeviceKind::floppy: return d.emulated_type == 1;   // PDT_USE_IMAGE_FILE
    case DeviceKind::serial:
    case DeviceKind::parallel: return d.emulated_type == 2; // PDT_USE_OUTPUT_FILE
    default: return false;
    }
}

template <class Map>
// A friendly name that mirrors the image path (what PrlVmDev_SetImagePath
// sets, and what PrlVmDev_GetImagePath reports) moves with it, so clients see
// the image's real place.
void map_paths(VmConfig& cfg, Map map) {
    for (auto& d : cfg.hard_disks) {
        if (d.friendly_name == d.image_path) d.friendly_name = map(d.friendly_name);
        d.image_path = map(d.image_path);
    }
    for (auto& d : cfg.devices) {
        if (!is_file_backed(d)) continue;
        if (d.friendly_name == d.system_name) d.friendly_name = map(d.friendly_name);
        d.system_name = map(d.system_name);
    }
}

VmConfig in_bundle(const fs::path& bundle, VmConfig cfg) {
    map_paths(cfg, [&](const std::string& p) { return path_from_config(bundle, p); });
    // A disk image lives inside its bundle, whatever a config.pvs handed to us
    // says: backups read it and restores replace it, so a path leading out
    // ("../../x", "/home/u/.bashrc") would let a crafted bundle reach any file.
    for (const auto& d : cfg.hard_disks) image_path_in_bundle(bundle, d.image_path);
    cfg.home_path = (bundle / "config.pvs").string();
    return cfg;
}

}  // namespace

void assign_image_paths(const fs::path& bundle, VmConfig& cfg) {
    std::set<fs::path> seen;
    unsigned n = 0;
    for (auto& d : cfg.hard_disks) {
        if (d.image_path.empty()) d.image_path = n == 0 ? "harddisk.hdd" : "harddisk" + std::to_string(n) + ".hdd";
        if (d.friendly_name.empty()) d.friendly_name = d.image_path;
        fs::path abs = image_path_in_bundle(bundle, d.image_path);
        if (abs == bundle / "config.pvs" || !seen.insert(abs).second)
            throw Error(Errc::invalid_argument, "disk image path used twice or reserved: " + d.image_path);
        d.image_path = abs.string();
        ++n;
    }
}

std::vector<fs::path> create_missing_images(const fs::path& bundle, const VmConfig& cfg) {
    std::vector<fs::path> created;
    try {
        for (const auto& d : cfg.hard_disks) {
            fs::path image = image_path_in_bundle(bundle, d.image_path);
            if (exists_nofollow(image)) continue;
            // Intermediate directories stay inside the bundle (checked above);
            // none of them may be a symlink planted to lead elsewhere.
            fs::path dir = image.parent_path();
            for (fs::path p = dir; is_within(bundle, p) && p != bundle; p = p.parent_path()) {
                struct stat st {};
                if (::lstat(p.c_str(), &st) == 0 && !S_ISDIR(st.st_mode))
                    throw Error(Errc::invalid_argument, "disk image directory is not a directory: " + p.string());
            }
            make_directories(dir, 0755);
            create_sparse_file(image, d.size_mib * mib);
            created.push_back(image);
        }
    } catch (...) {
        for (const auto& p : created) ::unlink(p.c_str());
        throw;
    }
    return created;
}

void make_paths_relative(const fs::path& bundle, VmConfig& cfg) {
    map_paths(cfg, [&](const std::string& p) { return path_for_config(bundle, p); });
}

void write_bundle_config(const fs::path& bundle, VmConfig cfg) {
    map_paths(cfg, [&](const std::string& p) { return path_for_config(bundle, p); });
    cfg.home_path = (bundle / "config.pvs").string();
    save_config_pvs(bundle / "config.pvs", cfg);
}

VmConfig read_bundle_config(const fs::path& bundle) {
    return in_bundle(bundle, load_config_pvs(bundle / "config.pvs"));
}

VmConfig bundle_config_from_text(const fs::path& bundle, const std::string& config_pvs) {
    return in_bundle(bundle, from_config_pvs(config_pvs));
}

fs::path staging_path(const fs::path& bundle) {
    return bundle.string() + ".partial-" + std::to_string(::getpid());
}

void sweep_dead_staging(const fs::path& bundle) {
    const std::string mine = bundle.filename().string() + ".partial-";
    const std::string any_vm = ".pvm.partial-";
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(bundle.parent_path(), ec)) {
        const std::string name = e.path().filename().string();
        std::size_t digits = std::string::npos;
        if (name.compare(0, mine.size(), mine) == 0) {
            digits = mine.size();
        } else if (const auto at = name.rfind(any_vm); at != std::string::npos && at > 0) {
            digits = at + any_vm.size();
        }
        if (digits == std::string::npos || digits >= name.size() ||
            name.find_first_not_of("0123456789", digits) != std::string::npos)
            continue;
        const long pid = std::strtol(name.c_str() + digits, nullptr, 10);
        if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)) {
            try {
                remove_tree(e.path());
            } catch (const Error&) {
            }
        }
    }
}

}  // namespace prl::service
