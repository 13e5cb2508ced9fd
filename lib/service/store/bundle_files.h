// The files inside one bundle: its config.pvs (paths kept relative, as the
// product keeps them) and its disk images.
#pragma once
#include "vm_config.h"

#include <filesystem>
#include <vector>

namespace prl::service {

// Gives every hard disk without an image path "harddisk<N>.hdd" (N omitted
// for the first) and checks that all images land inside the bundle, each
// at a distinct path. Throws invalid_argument.
void assign_image_paths(const std::filesystem::path& bundle, VmConfig& config);

// Creates the sparse image of each hard disk whose image does not exist yet
// (parent directories inside the bundle as needed). Returns what it created,
// so a failed operation can undo exactly that.
std::vector<std::filesystem::path> create_missing_images(const std::filesystem::path& bundle,
                                                         const VmConfig& config);

// Paths inside `bundle` (disk images, device files) made relative to it, as
// config.pvs keeps them: the configuration then fits any other bundle holding
// the same files (a clone).
void make_paths_relative(const std::filesystem::path& bundle, VmConfig& config);

void write_bundle_config(const std::filesystem::path& bundle, VmConfig config);
VmConfig read_bundle_config(const std::filesystem::path& bundle);
// The same for config.pvs text from elsewhere (a backup) placed in `bundle`.
VmConfig bundle_config_from_text(const std::filesystem::path& bundle, const std::string& config_pvs);

// A bundle being built or moved is staged beside its final place as
// <bundle>.partial-<pid>. Removes, in the parent of `bundle`, the staging
// directories of `bundle` and of any VM bundle (<name>.pvm.partial-<pid>)
// whose process is gone.
std::filesystem::path staging_path(const std::filesystem::path& bundle);
void sweep_dead_staging(const std::filesystem::path& bundle);

}  // namespace prl::service
