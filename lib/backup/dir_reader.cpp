#include "dir_reader.h"

#include <cerrno>
#include <cstring>

namespace prl::backup {

DirReader::DirReader(int parent_fd, const char* name) {
    int fd;
    do fd = ::openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        const int err = errno;
        if (err == ENOENT || err == ENOTDIR) throw Error(Errc::not_found, std::string("no directory ") + name);
        throw_errno(err, std::string("open directory ") + name);
    }
    dir_ = ::fdopendir(fd);
    if (!dir_) {
        const int err = errno;
        ::close(fd);
        throw_errno(err, std::string("read directory ") + name);
    }
}

DirReader::~DirReader() { ::closedir(dir_); }

const struct dirent* DirReader::next() {
    while (const struct dirent* e = ::readdir(dir_)) {
        const char* n = e->d_name;
        if (n[0] == '.' && (n[1] == 0 || (n[1] == '.' && n[2] == 0))) continue;
        return e;
    }
    return nullptr;
}

}  // namespace prl::backup
