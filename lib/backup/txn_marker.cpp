#include "txn_marker.h"

#include "error.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace prl::backup {

TxnMarker::TxnMarker(const Layout& l) : path_(l.txns() / (random_hex(8) + ".txn")) {
    fd_ = open_file(path_, O_RDWR | O_CREAT | O_EXCL, 0644);
    if (::flock(fd_.get(), LOCK_EX) != 0) throw_errno(errno, "lock " + path_.string());
    fsync_dir(l.txns());
}

TxnMarker::~TxnMarker() {
    if (!dirty_) ::unlink(path_.c_str());
    // Closing releases the flock: a kept marker is now visibly stale.
}

bool has_stale_markers(const Layout& l) {
    std::error_code ec;
    for (fs::directory_iterator it(l.txns(), ec), end; !ec && it != end; it.increment(ec)) {
        const int fd = ::open(it->path().c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        UniqueFd guard(fd);
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return true;
    }
    return false;
}

void clear_markers(const Layout& l) {
    std::error_code ec;
    for (fs::directory_iterator it(l.txns(), ec), end; !ec && it != end; it.increment(ec)) ::unlink(it->path().c_str());
}

}  // namespace prl::backup
