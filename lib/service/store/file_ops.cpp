#include "file_ops.h"

#include "error.h"

#include "platform/durable_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

namespace prl::service {
namespace {

template <class F>
decltype(auto) store_io(F&& f) {
    return platform::translate_sys_errors(store_error, std::forward<F>(f));
}

}  // namespace

FileLock acquire_lock(const fs::path& lock_file, FileLock::Mode mode) {
    return store_io([&] { return FileLock::acquire(lock_file, mode); });
}

FileLock try_acquire_lock(const fs::path& lock_file, FileLock::Mode mode) {
    return store_io([&] { return FileLock::try_acquire(lock_file, mode); });
}

void write_file_atomic(const fs::path& path, const std::string& data, mode_t mode) {
    store_io([&] { platform::write_file_atomic(path, data, mode); });
}

bool create_file_once(const fs::path& path, const std::string& data, mode_t mode) {
    return store_io([&] { return platform::create_file_once(path, data, mode); });
}

std::string read_file_bounded(const fs::path& path, std::size_t max_bytes) {
    return store_io([&] { return platform::read_file_bounded(path, max_bytes); });
}

void fsync_dir(const fs::path& dir) {
    store_io([&] { platform::fsync_dir(dir); });
}

void make_directories(const fs::path& dir, mode_t mode) {
    store_io([&] { platform::make_directories(dir, mode); });
}

bool make_new_directory(const fs::path& dir, mode_t mode) {
    if (::mkdir(dir.c_str(), mode) == 0) return true;
    if (errno == EEXIST) return false;
    throw_errno("mkdir " + dir.string(), errno);
}

void create_sparse_file(const fs::path& path, std::uint64_t size_bytes) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd) {
        if (errno == EEXIST) throw Error(Errc::dir_exists, "image already exists: " + path.string());
        throw_errno("create image " + path.string(), errno);
    }
    if (::ftruncate(fd.get(), static_cast<off_t>(size_bytes)) != 0) {
        int err = errno;
        ::unlink(path.c_str());
        throw_errno("size image " + path.string(), err);
    }
    if (::fsync(fd.get()) != 0) throw_errno("fsync " + path.string(), errno);
}

void remove_tree(const fs::path& path) {
    std::error_code ec;
    fs::remove_all(path, ec);  // never follows symlinks, removes the links themselves
    if (ec) throw Error(Errc::io_error, "remove " + path.string() + ": " + ec.message());
}

bool exists_nofollow(const fs::path& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

bool is_directory_nofollow(const fs::path& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

fs::path canonical_path(const fs::path& path) {
    std::error_code ec;
    fs::path abs = fs::absolute(path, ec);
    if (ec) throw Error(Errc::io_error, "absolute " + path.string() + ": " + ec.message());
    fs::path out = fs::weakly_canonical(abs, ec);
    if (ec) throw Error(Errc::io_error, "canonical " + path.string() + ": " + ec.message());
    // weakly_canonical keeps a trailing separator; drop it so equal dirs compare equal.
    if (!out.has_filename() && out.has_parent_path() && out != out.root_path()) out = out.parent_path();
    return out;
}

}  // namespace prl::service
