// A private directory on a filesystem that shares extents (FICLONE), for the
// tests of what only a reflink filesystem does. Either $PRLSHIM_TEST_REFLINK_DIR
// (a directory on XFS/btrfs the tester provides) or, when run as root with
// xfsprogs installed, a small XFS image on a loop device mounted for the test.
// Neither possible: available() is false and why() says so; the test then
// reports itself skipped rather than failing.
#pragma once
#include "test_home.h"

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <unistd.h>

namespace prl::test {

class ReflinkDir {
public:
    ReflinkDir() {
        if (const char* given = std::getenv("PRLSHIM_TEST_REFLINK_DIR"); given && *given) {
            std::string tmpl = (std::filesystem::path(given) / "prlshim-test-XXXXXX").string();
            if (!mkdtemp(tmpl.data())) {
                why_ = "PRLSHIM_TEST_REFLINK_DIR=" + std::string(given) + " is not writable";
                return;
            }
            path_ = tmpl;
            return;
        }
        if (::geteuid() != 0) {
            why_ = "not root, so no XFS loop mount; set PRLSHIM_TEST_REFLINK_DIR to a directory on XFS or btrfs";
            return;
        }
        image_dir_.emplace();
        const std::string image = (image_dir_->path() / "xfs.img").string();
        const std::string mnt = (image_dir_->path() / "mnt").string();
        std::filesystem::create_directory(mnt);
        const std::string make = "truncate -s 320M '" + image + "' && mkfs.xfs -q -m reflink=1 '" + image +
                                 "' >/dev/null 2>&1 && mount -o loop '" + image + "' '" + mnt + "' 2>/dev/null";
        if (std::system(make.c_str()) != 0) {
            why_ = "cannot make an XFS loop mount here (mkfs.xfs missing or no loop devices)";
            return;
        }
        mounted_ = mnt;
        path_ = mnt;
    }
    ~ReflinkDir() {
        std::error_code ec;
        if (!mounted_.empty()) {
            const std::string unmount = "umount '" + mounted_ + "' || umount -l '" + mounted_ + "'";
            (void)std::system(unmount.c_str());
        } else if (!path_.empty()) {
            std::filesystem::remove_all(path_, ec);
        }
    }
    ReflinkDir(const ReflinkDir&) = delete;
    ReflinkDir& operator=(const ReflinkDir&) = delete;

    bool available() const { return !path_.empty(); }
    const std::string& why() const { return why_; }
    const std::filesystem::path& path() const { return path_; }

private:
    std::optional<TempDir> image_dir_;  // holds the image and mount point; removed last
    std::string mounted_;
    std::filesystem::path path_;
    std::string why_;
};

}  // namespace prl::test
