#include "file_ops.h"

#include "error.h"
#include "unique_fd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <random>
#include <system_error>

namespace prl::service {
namespace {

void write_all(int fd, const std::string& data, const fs::path& path) {
    const char* p = data.data();
    std::size_t left = data.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("write " + path.string(), errno);
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

// A unique sibling name for a temp file: pid plus random suffix, so two
// processes (or threads) never collide even without the inventory lock.
fs::path temp_sibling(const fs::path& path) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return path.parent_path() /
           ("." + path.filename().string() + ".tmp." + std::to_string(::getpid()) + "." +
            std::to_string(rng()));
}

// Writes `data` into a new temp file next to `path`; returns its name.
fs::path write_temp(const fs::path& path, const std::string& data, mode_t mode) {
    fs::path tmp = temp_sibling(path);
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
    if (!fd) throw_errno("create " + tmp.string(), errno);
    try {
        write_all(fd.get(), data, tmp);
        if (::fsync(fd.get()) != 0) throw_errno("fsync " + tmp.string(), errno);
    } catch (...) {
        ::unlink(tmp.c_str());
        throw;
    }
    return tmp;
}

}  // namespace

void fsync_directory(const fs::path& dir) {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) throw_errno("open directory " + dir.string(), errno);
    if (::fsync(fd.get()) != 0 && errno != EINVAL) throw_errno("fsync " + dir.string(), errno);
}

void atomic_write_file(const fs::path& path, const std::string& data, mode_t mode) {
    fs::path tmp = write_temp(path, data, mode);
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw_errno("rename to " + path.string(), err);
    }
    fsync_directory(path.parent_path());
}

bool create_file_once(const fs::path& path, const std::string& data, mode_t mode) {
    fs::path tmp = write_temp(path, data, mode);
    int rc = ::link(tmp.c_str(), path.c_str());
    int err = errno;
    ::unlink(tmp.c_str());
    if (rc != 0) {
        if (err == EEXIST) return false;
        throw_errno("link " + path.string(), err);
    }
    fsync_directory(path.parent_path());
    return true;
}

std::string read_file_bounded(const fs::path& path, std::size_t max_bytes) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
    if (!fd) {
        if (errno == ENOENT || errno == ENOTDIR) throw Error(Errc::not_found, "no file " + path.string());
        throw_errno("open " + path.string(), errno);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw_errno("stat " + path.string(), errno);
    if (!S_ISREG(st.st_mode)) throw Error(Errc::corrupt, path.string() + " is not a regular file");
    if (static_cast<std::uint64_t>(st.st_size) > max_bytes)
        throw Error(Errc::corrupt, path.string() + " is larger than " + std::to_string(max_bytes) + " bytes");
    std::string out;
    out.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    // Read one byte past the stat size to notice a file that grew meanwhile.
    char extra;
    for (;;) {
        char* dst = got < out.size() ? out.data() + got : &extra;
        std::size_t want = got < out.size() ? out.size() - got : 1;
        ssize_t n = ::read(fd.get(), dst, want);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("read " + path.string(), errno);
        }
        if (n == 0) break;
        if (got >= out.size()) throw Error(Errc::corrupt, path.string() + " changed while being read");
        got += static_cast<std::size_t>(n);
    }
    out.resize(got);
    return out;
}

void make_directories(const fs::path& dir, mode_t mode) {
    fs::path partial;
    for (const auto& part : dir) {
        partial /= part;
        if (part == "/" || part.empty()) continue;
        if (::mkdir(partial.c_str(), mode) == 0) continue;
        if (errno != EEXIST) throw_errno("mkdir " + partial.string(), errno);
        struct stat st {};
        if (::stat(partial.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
            throw Error(Errc::io_error, partial.string() + " exists and is not a directory");
    }
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
