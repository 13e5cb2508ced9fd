// Copying a whole directory tree (a container's private area, a bundle moved
// to another filesystem) with the file-clone primitive: regular files by
// clone_file (reflink or sparse copy), directories made anew, symbolic links
// recreated as links (never followed). Sockets, devices and FIFOs are left out.
#pragma once
#include <filesystem>
#include <functional>

namespace prl::service {

// Copies what lies inside `from` into the existing directory `to`
// (a subdirectory already there is filled in; a file already there is an error),
// keeping permission bits. `skip` (paths relative to `from`) leaves entries
// out. Files are fsynced, and so is every directory made, and `to` itself.
// Throws prl::service::Error; the caller removes `to` on failure.
void clone_tree(const std::filesystem::path& from, const std::filesystem::path& to,
                const std::function<bool(const std::filesystem::path& relative)>& skip = {});

}  // namespace prl::service
