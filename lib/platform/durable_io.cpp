#include "durable_io.h"

#include "random.h"
#include "sys_error.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace prl::platform {
namespace {

// open(2), or openat(2) relative to `dir_fd`, retried on EINTR.
UniqueFd open_retry(const fs::path& path, int flags, mode_t mode, int dir_fd = AT_FDCWD) {
    int fd;
    do fd = ::openat(dir_fd, path.c_str(), flags | O_CLOEXEC, mode);
    while (fd < 0 && errno == EINTR);
    return UniqueFd(fd);
}

// A unique sibling name: pid plus random suffix, so two processes (or
// threads) never collide. ".tmp." marks it for the tree copier (clones.cpp).
fs::path temp_sibling(const fs::path& path) {
    return path.parent_path() / ("." + path.filename().string() + ".tmp." + std::to_string(::getpid()) + "." +
                                 random_hex(8));
}

// Writes `data` into a new temp file next to `path`, fsynced; returns its name.
fs::path write_temp(const fs::path& path, const std::string& data, mode_t mode) {
    const fs::path tmp = temp_sibling(path);
    UniqueFd fd = open_retry(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
    if (!fd) throw_sys_error(errno, "create " + tmp.string());
    try {
        write_all(fd.get(), data.data(), data.size(), tmp.string());
        fsync_fd(fd.get(), tmp.string());
    } catch (...) {
        ::unlink(tmp.c_str());
        throw;
    }
    return tmp;
}

}  // namespace

UniqueFd open_file(const fs::path& path, int flags, mode_t mode) {
    UniqueFd fd = open_retry(path, flags, mode);
    if (!fd) {
        const int err = errno;
        throw_sys_error(err == ENOENT ? SysErrc::not_found : sys_errc_from_errno(err), err,
                        "cannot open " + path.string());
    }
    return fd;
}

void write_all(int fd, const void* buf, std::size_t n, const std::string& what) {
    auto p = static_cast<const char*>(buf);
    while (n > 0) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            throw_sys_error(errno, "write " + what);
        }
        p += w;
        n -= static_cast<std::size_t>(w);
    }
}

void pwrite_all(int fd, const void* buf, std::size_t n, std::uint64_t off, const std::string& what) {
    auto p = static_cast<const char*>(buf);
    while (n > 0) {
        ssize_t w = ::pwrite(fd, p, n, static_cast<off_t>(off));
        if (w < 0) {
            if (errno == EINTR) continue;
            throw_sys_error(errno, "write " + what);
        }
        p += w;
        off += static_cast<std::uint64_t>(w);
        n -= static_cast<std::size_t>(w);
    }
}

std::size_t pread_upto(int fd, void* buf, std::size_t n, std::uint64_t off, const std::string& what) {
    auto p = static_cast<char*>(buf);
    std::size_t got = 0;
    while (got < n) {
        ssize_t r = ::pread(fd, p + got, n - got, static_cast<off_t>(off + got));
        if (r < 0) {
            if (errno == EINTR) continue;
            throw_sys_error(errno, "read " + what);
        }
        if (r == 0) break;
        got += static_cast<std::size_t>(r);
    }
    return got;
}

bool pread_all(int fd, void* buf, std::size_t n, std::uint64_t off, const std::string& what) {
    return pread_upto(fd, buf, n, off, what) == n;
}

std::uint64_t file_size(int fd, const std::string& what) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw_sys_error(errno, "stat " + what);
    return static_cast<std::uint64_t>(st.st_size);
}

void fsync_fd(int fd, const std::string& what) {
    if (::fsync(fd) != 0) throw_sys_error(errno, "fsync " + what);
}

void fsync_dir(const fs::path& dir) {
    UniqueFd fd = open_retry(dir, O_RDONLY | O_DIRECTORY, 0);
    if (!fd) throw_sys_error(errno, "open directory " + dir.string());
    if (::fsync(fd.get()) != 0 && errno != EINVAL) throw_sys_error(errno, "fsync " + dir.string());
}

void rename_durable(const fs::path& from, const fs::path& to) {
    if (::rename(from.c_str(), to.c_str()) != 0)
        throw_sys_error(errno, "rename " + from.string() + " to " + to.string());
    fsync_dir(to.parent_path());
}

void write_file_atomic(const fs::path& dest, const std::string& data, mode_t mode) {
    const fs::path tmp = write_temp(dest, data, mode);
    try {
        rename_durable(tmp, dest);
    } catch (...) {
        ::unlink(tmp.c_str());  // gone already if only the directory fsync failed
        throw;
    }
}

bool create_file_once(const fs::path& path, const std::string& data, mode_t mode) {
    const fs::path tmp = write_temp(path, data, mode);
    const int rc = ::link(tmp.c_str(), path.c_str());
    const int err = errno;
    ::unlink(tmp.c_str());
    if (rc != 0) {
        if (err == EEXIST) return false;
        throw_sys_error(err, "link " + path.string());
    }
    fsync_dir(path.parent_path());
    return true;
}

namespace {

// The bounded read of a file open as `fd` (named `what` in errors).
std::string read_open_file(const UniqueFd& fd, const std::string& what, std::size_t max_bytes, struct stat* st_out) {
    if (!fd) {
        const int err = errno;
        if (err == ENOENT || err == ENOTDIR) throw SysError(SysErrc::not_found, err, "no file " + what);
        throw_sys_error(err, "open " + what);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw_sys_error(errno, "stat " + what);
    if (!S_ISREG(st.st_mode)) throw SysError(SysErrc::bad_file, 0, what + " is not a regular file");
    if (static_cast<std::uint64_t>(st.st_size) > max_bytes)
        throw SysError(SysErrc::bad_file, 0, what + " is larger than " + std::to_string(max_bytes) + " bytes");
    // Asks for one byte more than the stat size, to notice a file that grew
    // meanwhile; a regular file's read returns fewer bytes than asked only
    // at its end, so a whole file usually takes one read, not two.
    const std::size_t size = static_cast<std::size_t>(st.st_size);
    std::string out(size + 1, '\0');
    std::size_t got = 0;
    for (;;) {
        ssize_t n = ::read(fd.get(), out.data() + got, out.size() - got);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_sys_error(errno, "read " + what);
        }
        got += static_cast<std::size_t>(n);
        if (n == 0 || got >= size) break;
    }
    if (got != size) throw SysError(SysErrc::bad_file, 0, what + " changed while being read");
    out.resize(size);
    if (st_out) *st_out = st;
    return out;
}

}  // namespace

std::string read_file_bounded(const fs::path& path, std::size_t max_bytes) {
    const UniqueFd fd = open_retry(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK, 0);
    return read_open_file(fd, path.string(), max_bytes, nullptr);
}

std::string read_file_bounded_at(int dir_fd, const std::string& name, std::size_t max_bytes, struct stat* st) {
    // Without updating the access time where we may (the file's owner, or
    // CAP_FOWNER): on ext4 that is a journalled inode update per file read.
    // Others get EPERM, and once one has, this process no longer asks.
    static std::atomic<bool> noatime_refused{false};
    const int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK;
    if (!noatime_refused.load(std::memory_order_relaxed)) {
        const UniqueFd fd = open_retry(name, flags | O_NOATIME, 0, dir_fd);
        if (fd || errno != EPERM) return read_open_file(fd, name, max_bytes, st);
        noatime_refused.store(true, std::memory_order_relaxed);
    }
    const UniqueFd fd = open_retry(name, flags, 0, dir_fd);
    return read_open_file(fd, name, max_bytes, st);
}

void make_directories(const fs::path& dir, mode_t mode) {
    fs::path partial;
    for (const auto& part : dir) {
        partial /= part;
        if (part == "/" || part.empty()) continue;
        if (::mkdir(partial.c_str(), mode) == 0) continue;
        if (errno != EEXIST) throw_sys_error(errno, "mkdir " + partial.string());
        struct stat st {};
        if (::stat(partial.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
            throw SysError(SysErrc::io_error, 0, partial.string() + " exists and is not a directory");
    }
}

void unlink_if_exists(const fs::path& path) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) throw_sys_error(errno, "cannot remove " + path.string());
}

}  // namespace prl::platform
