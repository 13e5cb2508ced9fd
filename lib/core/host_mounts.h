// Which block devices carry mounted file systems, and how full those are:
// /proc/self/mountinfo gives each mount's device number, so no mount point
// is stat()ed (a dead network mount cannot hang the reader). A device counts
// as mounted through its holders too (LVM, dm-crypt, md on a partition).
#pragma once

#include "host_files.h"

#include <sys/statvfs.h>

#include <map>
#include <set>
#include <string>

namespace prl::host::detail {

struct Space {
    std::uint64_t used = 0, free = 0;
};

class Mounts {
public:
    // True if the block device (kernel name: "sda1", "dm-0") or one of its holders is mounted.
    bool in_use(const std::string& kernel_name, int depth = 0) const {
        if (depth > 8) return false;
        if (by_device_.count(read_line(block(kernel_name) / "dev"))) return true;
        for (const auto& h : entries(block(kernel_name) / "holders"))
            if (in_use(h, depth + 1)) return true;
        return false;
    }

    // The used and free bytes of the file systems on the device and its holders
    // (one mount per file system, so bind mounts are not counted twice).
    Space space(const std::string& kernel_name, int depth = 0) const {
        Space s;
        if (depth > 8) return s;
        auto it = by_device_.find(read_line(block(kernel_name) / "dev"));
        struct statvfs v {};
        if (it != by_device_.end() && ::statvfs(it->second.c_str(), &v) == 0) {
            const std::uint64_t unit = v.f_frsize ? v.f_frsize : v.f_bsize;
            s.used = (v.f_blocks - v.f_bfree) * unit;
            s.free = v.f_bavail * unit;
        }
        for (const auto& h : entries(block(kernel_name) / "holders")) {
            const Space hs = space(h, depth + 1);
            s.used += hs.used;
            s.free += hs.free;
        }
        return s;
    }

    friend Mounts read_mounts();

private:
    static std::filesystem::path block(const std::string& name) { return std::filesystem::path("/sys/class/block") / name; }
    std::map<std::string, std::string> by_device_;  // "maj:min" -> first mount point
};

inline std::string unescape_mount_path(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size()) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 3), nullptr, 8));
            i += 3;
        } else {
            out += s[i];
        }
    }
    return out;
}

inline Mounts read_mounts() {
    Mounts m;
    for (const auto& l : lines(read_text("/proc/self/mountinfo"))) {
        std::istringstream in(l);
        std::string id, parent, majmin, root, point;
        if (!(in >> id >> parent >> majmin >> root >> point)) continue;
        if (starts_with(majmin, "0:")) continue;  // no block device (proc, tmpfs, overlay...)
        try {
            m.by_device_.emplace(majmin, unescape_mount_path(point));
        } catch (...) {
        }
    }
    return m;
}

}  // namespace prl::host::detail
