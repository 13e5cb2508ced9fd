#include "bundle_paths.h"

#include "error.h"
#include "text_rules.h"

namespace prl::service {

namespace fs = std::filesystem;

fs::path checked_caller_path(const std::string& path, const char* what) {
    if (path.empty()) throw Error(Errc::invalid_argument, std::string(what) + " is empty");
    if (path.find('\0') != std::string::npos) throw Error(Errc::invalid_argument, std::string(what) + " contains NUL");
    if (path.size() > 4095) throw Error(Errc::invalid_argument, std::string(what) + " is too long");
    if (!is_xml_safe_text(path, 4095) || path.find_first_of("\n\r\t") != std::string::npos)
        throw Error(Errc::invalid_argument, std::string(what) + " is not UTF-8 text");
    fs::path p(path);
    if (!p.is_absolute()) throw Error(Errc::invalid_argument, std::string(what) + " is not absolute");  // PRL_ERR_VMDIR_PATH_IS_NOT_ABSOLUTE
    p = p.lexically_normal();
    if (!p.has_filename() && p != p.root_path()) p = p.parent_path();
    return p;
}

bool is_within(const fs::path& outer, const fs::path& inner) {
    fs::path rel = inner.lexically_normal().lexically_relative(outer.lexically_normal());
    if (rel.empty()) return false;
    if (rel == ".") return true;
    return *rel.begin() != "..";
}

fs::path image_path_in_bundle(const fs::path& bundle, const std::string& image) {
    if (image.empty() || image.find('\0') != std::string::npos || image.size() > 4095)
        throw Error(Errc::invalid_argument, "bad disk image path");
    fs::path p(image);
    if (p.is_absolute()) {
        fs::path n = p.lexically_normal();
        if (!is_within(bundle, n) || n == bundle.lexically_normal())
            throw Error(Errc::invalid_argument, "disk image outside the bundle: " + image);
        return n;
    }
    for (const auto& part : p)
        if (part == "..") throw Error(Errc::invalid_argument, "disk image path climbs out of the bundle: " + image);
    fs::path n = (bundle / p).lexically_normal();
    if (!is_within(bundle, n) || n == bundle.lexically_normal() || !n.has_filename())
        throw Error(Errc::invalid_argument, "bad disk image path: " + image);
    return n;
}

std::string path_for_config(const fs::path& bundle, const std::string& path) {
    if (path.empty()) return path;
    fs::path p(path);
    if (p.is_absolute() && is_within(bundle, p) && p.lexically_normal() != bundle.lexically_normal())
        return p.lexically_normal().lexically_relative(bundle.lexically_normal()).string();
    return path;
}

std::string path_from_config(const fs::path& bundle, const std::string& path) {
    if (path.empty()) return path;
    fs::path p(path);
    if (p.is_absolute()) return path;
    return (bundle / p).lexically_normal().string();
}

}  // namespace prl::service
