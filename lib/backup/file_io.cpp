#include "file_io.h"

#include "error.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

namespace prl::backup {

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
}

void UniqueFd::reset(int fd) noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
}

UniqueFd open_file(const fs::path& p, int flags, mode_t mode) {
    int fd;
    do fd = ::open(p.c_str(), flags | O_CLOEXEC, mode);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        if (errno == ENOENT) throw Error(Errc::not_found, "cannot open " + p.string() + ": no such file");
        throw_errno(errno, "cannot open " + p.string());
    }
    return UniqueFd(fd);
}

UniqueFd open_if_exists(const fs::path& p, int flags) {
    int fd;
    do fd = ::open(p.c_str(), flags | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        if (errno == ENOENT) return UniqueFd();
        throw_errno(errno, "cannot open " + p.string());
    }
    return UniqueFd(fd);
}

void write_all(int fd, const void* buf, size_t n, const std::string& what) {
    auto p = static_cast<const char*>(buf);
    while (n > 0) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            throw_errno(errno, "write " + what);
        }
        p += w;
        n -= static_cast<size_t>(w);
    }
}

void pwrite_all(int fd, const void* buf, size_t n, uint64_t off, const std::string& what) {
    auto p = static_cast<const char*>(buf);
    while (n > 0) {
        ssize_t w = ::pwrite(fd, p, n, static_cast<off_t>(off));
        if (w < 0) {
            if (errno == EINTR) continue;
            throw_errno(errno, "write " + what);
        }
        p += w;
        off += static_cast<uint64_t>(w);
        n -= static_cast<size_t>(w);
    }
}

size_t pread_upto(int fd, void* buf, size_t n, uint64_t off, const std::string& what) {
    auto p = static_cast<char*>(buf);
    size_t got = 0;
    while (got < n) {
        ssize_t r = ::pread(fd, p + got, n - got, static_cast<off_t>(off + got));
        if (r < 0) {
            if (errno == EINTR) continue;
            throw_errno(errno, "read " + what);
        }
        if (r == 0) break;
        got += static_cast<size_t>(r);
    }
    return got;
}

bool pread_all(int fd, void* buf, size_t n, uint64_t off, const std::string& what) {
    return pread_upto(fd, buf, n, off, what) == n;
}

uint64_t file_size(int fd, const std::string& what) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw_errno(errno, "stat " + what);
    return static_cast<uint64_t>(st.st_size);
}

void fsync_fd(int fd, const std::string& what) {
    if (::fsync(fd) != 0) throw_errno(errno, "fsync " + what);
}

void fsync_dir(const fs::path& dir) {
    UniqueFd fd = open_file(dir, O_RDONLY | O_DIRECTORY);
    fsync_fd(fd.get(), dir.string());
}

void rename_durable(const fs::path& from, const fs::path& to) {
    if (::rename(from.c_str(), to.c_str()) != 0)
        throw_errno(errno, "rename " + from.string() + " to " + to.string());
    fsync_dir(to.parent_path());
}

std::string read_small_file(const fs::path& p, size_t max_bytes) {
    UniqueFd fd = open_file(p, O_RDONLY);
    const uint64_t size = file_size(fd.get(), p.string());
    if (size > max_bytes) throw Error(Errc::corrupted, p.string() + " is larger than allowed");
    std::string data(static_cast<size_t>(size), '\0');
    if (!pread_all(fd.get(), data.data(), data.size(), 0, p.string()))
        throw Error(Errc::corrupted, p.string() + " changed size while read");
    return data;
}

void write_file_atomic(const fs::path& dest, const std::string& data) {
    const fs::path tmp = dest.parent_path() / ("." + dest.filename().string() + "." + random_hex(4) + ".tmp");
    try {
        UniqueFd fd = open_file(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
        write_all(fd.get(), data.data(), data.size(), tmp.string());
        fsync_fd(fd.get(), tmp.string());
    } catch (...) {
        ::unlink(tmp.c_str());
        throw;
    }
    try {
        rename_durable(tmp, dest);
    } catch (...) {
        ::unlink(tmp.c_str());
        throw;
    }
}

void mkdir_p(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw_errno(ec.value(), "cannot create directory " + dir.string());
}

void unlink_quiet(const fs::path& p) {
    if (::unlink(p.c_str()) != 0 && errno != ENOENT) throw_errno(errno, "cannot remove " + p.string());
}

std::string random_hex(size_t bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string raw(bytes, '\0');
    size_t got = 0;
    while (got < bytes) {
        ssize_t r = ::getrandom(raw.data() + got, bytes - got, 0);
        if (r < 0) {
            if (errno == EINTR) continue;
            throw_errno(errno, "getrandom");
        }
        got += static_cast<size_t>(r);
    }
    std::string out;
    out.reserve(bytes * 2);
    for (unsigned char c : raw) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

uint64_t random_u64() {
    uint64_t v = 0;
    while (v == 0) v = std::stoull(random_hex(8), nullptr, 16);
    return v;
}

}  // namespace prl::backup
