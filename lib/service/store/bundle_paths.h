// Path policy for bundles: what a caller-supplied path may be, and how disk
// image paths map into a bundle without ever escaping it.
#pragma once
#include <filesystem>
#include <string>

namespace prl::service {

// A caller-named path: no NUL (it would silently cut the C string), valid
// UTF-8, at most 4095 bytes, absolute. Returns it lexically normalized;
// throws invalid_argument otherwise.
std::filesystem::path checked_caller_path(const std::string& path, const char* what);

// Where a disk image goes: a relative path is taken inside the bundle and
// may not climb out ("..") ; an absolute one must already lie inside it.
// Throws invalid_argument for anything else.
std::filesystem::path image_path_in_bundle(const std::filesystem::path& bundle, const std::string& image);

// The form config.pvs keeps: relative for paths inside the bundle (as the
// product writes them), unchanged otherwise.
std::string path_for_config(const std::filesystem::path& bundle, const std::string& path);
// The in-memory form: relative paths resolved against the bundle.
std::string path_from_config(const std::filesystem::path& bundle, const std::string& path);

// True if `inner` is `outer` or lies below it (lexically).
bool is_within(const std::filesystem::path& outer, const std::filesystem::path& inner);

}  // namespace prl::service
