#include "file_clone.h"

#include "error.h"
#include "file_ops.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cerrno>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace prl::service {
namespace {

// The same through a buffer: copy_file_range refuses some pairs of files
// (EXDEV across filesystems on many kernels, EINVAL/EOPNOTSUPP on some).
void copy_range_buffered(int in, int out, off_t offset, off_t length, const fs::path& from) {
    std::vector<char> buf(1 << 20);
    while (length > 0) {
        const size_t want = static_cast<size_t>(std::min<off_t>(length, static_cast<off_t>(buf.size())));
        ssize_t n = ::pread(in, buf.data(), want, offset);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("read " + from.string(), errno);
        }
        if (n == 0) throw Error(Errc::io_error, "copy " + from.string() + ": file shrank while copied");
        for (ssize_t done = 0; done < n;) {
            ssize_t w = ::pwrite(out, buf.data() + done, static_cast<size_t>(n - done), offset + done);
            if (w < 0) {
                if (errno == EINTR) continue;
                throw_errno("write copy of " + from.string(), errno);
            }
            done += w;
        }
        offset += n;
        length -= n;
    }
}

// Copies [offset, offset+length) of `in` to the same offset of `out`.
void copy_range(int in, int out, off_t offset, off_t length, const fs::path& from) {
    off_t in_off = offset, out_off = offset;
    while (length > 0) {
        ssize_t n = ::copy_file_range(in, &in_off, out, &out_off, static_cast<size_t>(length), 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EXDEV || errno == EINVAL || errno == EOPNOTSUPP || errno == ENOSYS) {
                copy_range_buffered(in, out, in_off, length, from);
                return;
            }
            throw_errno("copy " + from.string(), errno);
        }
        if (n == 0) throw Error(Errc::io_error, "copy " + from.string() + ": file shrank while copied");
        length -= n;
    }
}

// Copies only the data extents; the size is set first so the holes stay.
void sparse_copy(int in, int out, off_t size, const fs::path& from) {
    if (::ftruncate(out, size) != 0) throw_errno("truncate copy of " + from.string(), errno);
    off_t pos = 0;
    while (pos < size) {
        off_t data = ::lseek(in, pos, SEEK_DATA);
        if (data < 0) {
            if (errno == ENXIO) break;  // only a hole remains
            if (errno == EINVAL) {      // no SEEK_DATA here: copy the rest as data
                copy_range(in, out, pos, size - pos, from);
                return;
            }
            throw_errno("seek " + from.string(), errno);
        }
        off_t hole = ::lseek(in, data, SEEK_HOLE);
        if (hole < 0) throw_errno("seek " + from.string(), errno);
        if (hole > size) hole = size;
        copy_range(in, out, data, hole - data, from);
        pos = hole;
    }
}

constexpr const char* temp_marker = ".clone.";

// ".<name>.clone.<pid>.<random>": the pid says whether its writer still lives.
fs::path temp_beside(const fs::path& path) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return path.parent_path() /
           ("." + path.filename().string() + temp_marker + std::to_string(::getpid()) + "." + std::to_string(rng()));
}

// The writer's pid of a temp name, or 0 when `name` is not one.
pid_t temp_owner(const std::string& name) {
    if (name.empty() || name[0] != '.') return 0;
    const auto marker = name.rfind(temp_marker);
    if (marker == std::string::npos) return 0;
    const auto dot = name.find('.', marker + std::strlen(temp_marker));
    if (dot == std::string::npos) return 0;
    const std::string pid = name.substr(marker + std::strlen(temp_marker), dot - marker - std::strlen(temp_marker));
    if (pid.empty() || pid.size() > 9 || pid.find_first_not_of("0123456789") != std::string::npos) return 0;
    return static_cast<pid_t>(std::stol(pid));
}

}  // namespace

void remove_dead_clone_temps(const fs::path& dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const pid_t owner = temp_owner(entry.path().filename().string());
        if (owner > 0 && ::kill(owner, 0) != 0 && errno == ESRCH) ::unlink(entry.path().c_str());
    }
}

const char* clone_method_name(CloneMethod method) noexcept {
    return method == CloneMethod::reflink ? "reflink" : "sparse copy";
}

namespace {

struct OpenedPair {
    platform::UniqueFd in, out;
    off_t size = 0;
};

// `from` opened for reading (a regular file), `to` created for writing.
OpenedPair open_pair(const fs::path& from, const fs::path& to, mode_t mode) {
    OpenedPair p;
    p.in.reset(::open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!p.in) throw_errno("open " + from.string(), errno);
    struct stat st {};
    if (::fstat(p.in.get(), &st) != 0) throw_errno("stat " + from.string(), errno);
    if (!S_ISREG(st.st_mode)) throw Error(Errc::invalid_argument, from.string() + " is not a regular file");
    p.size = st.st_size;
    p.out.reset(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
    if (!p.out) throw_errno("create " + to.string(), errno);
    return p;
}

void fsync_or_throw(int fd, const fs::path& path) {
    if (::fsync(fd) != 0) throw_errno("fsync " + path.string(), errno);
}

}  // namespace

CloneMethod clone_file_with(const fs::path& from, const fs::path& to, const ByteCopier& copy, mode_t mode) {
    OpenedPair p = open_pair(from, to, mode);
    try {
        CloneMethod method = CloneMethod::reflink;
        // EOPNOTSUPP/EINVAL/EXDEV/ENOTTY: this filesystem (or pair) cannot
        // share extents; `to` is still empty then.
        if (::ioctl(p.out.get(), FICLONE, p.in.get()) != 0) {
            copy(p.in.get(), p.out.get(), p.size);
            method = CloneMethod::sparse_copy;
        }
        fsync_or_throw(p.out.get(), to);
        return method;
    } catch (...) {
        ::unlink(to.c_str());
        throw;
    }
}

CloneMethod clone_file(const fs::path& from, const fs::path& to, mode_t mode) {
    return clone_file_with(
        from, to, [&from](int in, int out, off_t size) { sparse_copy(in, out, size, from); }, mode);
}

CloneMethod replace_with_clone(const fs::path& from, const fs::path& target, mode_t mode) {
    fs::path temp = temp_beside(target);
    CloneMethod method = clone_file(from, temp, mode);
    if (::rename(temp.c_str(), target.c_str()) != 0) {
        int err = errno;
        ::unlink(temp.c_str());
        throw_errno("replace " + target.string(), err);
    }
    fsync_dir(target.parent_path());
    return method;
}

}  // namespace prl::service
