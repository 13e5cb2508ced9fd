#include "tree_clone.h"

#include "error.h"
#include "file_clone.h"
#include "file_ops.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace prl::service {
namespace {

void clone_dir(const fs::path& from, const fs::path& to, const fs::path& rel,
               const std::function<bool(const fs::path&)>& skip) {
    std::error_code ec;
    fs::directory_iterator it(from, ec);
    if (ec) throw Error(Errc::io_error, "list " + from.string() + ": " + ec.message());
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) throw Error(Errc::io_error, "list " + from.string() + ": " + ec.message());
        const fs::path name = it->path().filename();
        const fs::path r = rel / name;
        if (skip && skip(r)) continue;
        const fs::path src = from / name, dst = to / name;
        struct stat st {};
        if (::lstat(src.c_str(), &st) != 0) throw_errno("stat " + src.string(), errno);
        const mode_t mode = st.st_mode & 07777;
        if (S_ISREG(st.st_mode)) {
            clone_file(src, dst, mode);
        } else if (S_ISDIR(st.st_mode)) {
            // A directory the caller made already (an image's folder) is filled in.
            if (!make_new_directory(dst, mode | S_IRWXU) && !is_directory_nofollow(dst))
                throw Error(Errc::dir_exists, "already exists: " + dst.string());
            clone_dir(src, dst, r, skip);
            if (::chmod(dst.c_str(), mode) != 0) throw_errno("chmod " + dst.string(), errno);
        } else if (S_ISLNK(st.st_mode)) {
            const fs::path target = fs::read_symlink(src, ec);
            if (ec) throw Error(Errc::io_error, "readlink " + src.string() + ": " + ec.message());
            fs::create_symlink(target, dst, ec);
            if (ec) throw Error(Errc::io_error, "symlink " + dst.string() + ": " + ec.message());
        }
    }
    fsync_dir(to);
}

}  // namespace

void clone_tree(const fs::path& from, const fs::path& to, const std::function<bool(const fs::path&)>& skip) {
    if (!is_directory_nofollow(from)) throw Error(Errc::invalid_argument, from.string() + " is not a directory");
    clone_dir(from, to, fs::path(), skip);
}

}  // namespace prl::service
