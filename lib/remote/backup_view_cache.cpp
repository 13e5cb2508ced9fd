#include "backup_view_cache.h"

#include "store/state_root.h"

#include <fcntl.h>
#include <unistd.h>

namespace prl::remote {

namespace {

namespace wire = backup::node_wire;
constexpr std::size_t kBuffer = wire::kPresentBytes * 16384;

std::string hex_sha(const std::string& text) {
    backup::Sha256 sha;
    return backup::to_hex(sha.digest(text.data(), text.size()));
}

}  // namespace

backup::UniqueFd anonymous_file() {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
    if (ec) dir = "/tmp";
    const int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) return backup::UniqueFd(fd);
    const auto path = dir / ("prlshim-" + backup::random_hex(8));
    backup::UniqueFd made = backup::open_file(path, O_RDWR | O_CREAT | O_EXCL, 0600);
    ::unlink(path.c_str());
    return made;
}

ViewFile::ViewFile(int fd, std::uint64_t size) : fd_(fd), size_(size) {}

const backup::MapEntry* ViewFile::peek() {
    if (have_) return &cur_;
    if (pos_ == buf_.size()) {
        const std::uint64_t n = std::min<std::uint64_t>(kBuffer, size_ - read_);
        if (n < wire::kPresentBytes) return nullptr;
        buf_.resize(n - n % wire::kPresentBytes);
        if (!backup::pread_all(fd_, buf_.data(), buf_.size(), read_, "a backup view"))
            throw backup::Error(backup::Errc::corrupted, "a backup view was cut short");
        read_ += buf_.size();
        pos_ = 0;
    }
    const wire::Present e = wire::present_at(buf_.data() + pos_);
    pos_ += wire::kPresentBytes;
    cur_ = backup::MapEntry{};
    cur_.index = e.index;
    cur_.hash = e.hash;
    have_ = true;
    return &cur_;
}

void ViewFile::pop() {
    if (!have_) peek();
    have_ = false;
}

ViewWriter::ViewWriter(const std::filesystem::path& path)
    : path_(path), fd_(backup::open_file(path, O_RDWR | O_CREAT | O_TRUNC, 0600)) {}

void ViewWriter::add(const wire::Present& e) {
    buf_ += wire::encode_present({e});
    if (buf_.size() >= kBuffer) flush();
}

void ViewWriter::append_encoded(const std::string& bytes) {
    buf_ += bytes;
    if (buf_.size() >= kBuffer) flush();
}

void ViewWriter::flush() {
    backup::pwrite_all(fd_.get(), buf_.data(), buf_.size(), size_, path_.string());
    sha_.update(buf_.data(), buf_.size());
    size_ += buf_.size();
    buf_.clear();
}

backup::Digest ViewWriter::finish() {
    flush();
    backup::fsync_fd(fd_.get(), path_.string());
    return sha_.finish();
}

ViewCache::ViewCache(const std::string& node)
    : root_(service::StateRoot::resolve_path() / "backup-views" / hex_sha(node)) {}

std::filesystem::path ViewCache::dir_of(const std::string& vm, const std::string& disk) const {
    return root_ / hex_sha(vm + '\n' + disk);  // names never become paths
}

std::optional<ViewCache::Found> ViewCache::find(const std::string& vm, const std::string& disk,
                                        const backup::Digest& digest, std::size_t record_bytes) const {
    try {
        const auto path = dir_of(vm, disk) / (backup::to_hex(digest) + ".view");
        std::error_code ec;
        if (!std::filesystem::exists(path, ec)) return std::nullopt;
        backup::UniqueFd fd = backup::open_file(path, O_RDONLY);
        const std::uint64_t size = backup::file_size(fd.get(), path.string());
        // Verified whole before use: a damaged view would make a wrong backup.
        backup::Sha256 sha;
        std::string buf(kBuffer, '\0');
        for (std::uint64_t off = 0; off < size;) {
            const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), size - off));
            if (!backup::pread_all(fd.get(), buf.data(), n, off, path.string())) return std::nullopt;
            sha.update(buf.data(), n);
            off += n;
        }
        if (size % record_bytes != 0 || sha.finish() != digest) return std::nullopt;
        return Found{std::move(fd), size};
    } catch (const backup::Error&) {
        return std::nullopt;  // unreadable: the node's copy is fetched instead
    }
}

std::filesystem::path ViewCache::temporary(const std::string& vm, const std::string& disk) const {
    const auto dir = dir_of(vm, disk);
    backup::make_directories(dir, 0700);
    return dir / ("." + backup::random_hex(8) + ".tmp");
}

void ViewCache::keep(const std::string& vm, const std::string& disk, const std::filesystem::path& temporary,
                     const backup::Digest& digest) const noexcept {
    std::error_code ec;
    const auto dir = dir_of(vm, disk);
    const auto kept = dir / (backup::to_hex(digest) + ".view");
    std::filesystem::rename(temporary, kept, ec);
    if (ec) {
        std::filesystem::remove(temporary, ec);
        return;
    }
    // Only the newest view of a disk is of use.
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->path() != kept) std::filesystem::remove(it->path(), ec);
}

}  // namespace prl::remote
