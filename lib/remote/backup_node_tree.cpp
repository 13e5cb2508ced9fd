#include "backup_node_tree.h"

#include "backup_view_cache.h"

#include "backup/sha256.h"

#include "backup/container_tree.h"
#include "backup/directory_storage.h"

#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace prl::remote::backup_node {

namespace {

// The walk's nodes and blocks, to the node in tree batches; and the tree
// as the node will have it ('N' and 'C' records), to `record`, for the
// next incremental.
class NodeTreeSink final : public backup::TreeSink {
public:
    NodeTreeSink(NodeLink& link, bool compress, ViewState& record, backup::ThreadPool& pool)
        : sink_(link, compress, pool), record_(record) {}
    void node(const backup::TreeNode& n) override {
        sink_.node(n);
        wire::append_tree_node(buf_, n);
        spill();
    }
    void block(std::uint64_t index, const backup::Digest& hash, const std::uint8_t* data) override {
        sink_.block(index, hash, data);
        wire::append_tree_change(buf_, index, hash);
        spill();
    }
    void unchanged_file(const backup::TreeNode& n, backup::TreeParent& parent) override {
        sink_.node(n, true);
        wire::append_tree_node(buf_, n);
        while (const backup::MapEntry* e = parent.next_block()) {
            wire::append_tree_change(buf_, e->index, e->hash);
            spill();
        }
    }
    // Everything sent and answered; the SHA-256 of the tree recorded.
    backup::Digest finish() {
        sink_.finish();
        spill(true);
        return sha_.finish();
    }

private:
    void spill(bool all = false) {
        if (buf_.size() < (1 << 16) && !all) return;
        backup::pwrite_all(record_.fd.get(), buf_.data(), buf_.size(), record_.size, "the tree sent");
        sha_.update(buf_.data(), buf_.size());
        record_.size += buf_.size();
        buf_.clear();
    }

    NodeSink sink_;
    ViewState& record_;
    std::string buf_;
    backup::Sha256 sha_;
};

// The tree this source sent for the element before, as it kept it ('N'
// and 'C' records end to end, checked against the node's digest): what
// the walk compares the files with, so unchanged ones are not read again.
class SentTree final : public backup::TreeParent {
public:
    SentTree(backup::UniqueFd fd, std::uint64_t size) : fd_(std::move(fd)), size_(size) {}

    const backup::TreeNode* next_node() override {
        while (next_block()) {
        }
        const std::size_t len = record();
        if (len == 0) return nullptr;
        if (buf_[pos_] != 'N') bad();
        node_ = backup::decode_tree_node(std::string_view(buf_).substr(pos_, len));
        pos_ += len;
        return &node_;
    }

    const backup::MapEntry* next_block() override {
        const std::size_t len = record();
        if (len == 0 || buf_[pos_] != 'C') return nullptr;
        const wire::Change c = wire::tree_change_at(buf_.data() + pos_);
        block_.index = c.index;
        block_.hash = c.hash;
        pos_ += len;
        return &block_;
    }

private:
    // The size of the whole record at pos_, read in as needed; 0 at the end.
    std::size_t record() {
        for (;;) {
            if (const std::size_t len = wire::tree_record_size(std::string_view(buf_).substr(pos_))) return len;
            const std::size_t have = buf_.size() - pos_;
            if (!more(have + 1)) {
                if (have == 0) return 0;
                bad();  // a record cut short
            }
        }
    }

    // At least `n` bytes buffered from pos_, unless the file ends first.
    bool more(std::size_t n) {
        if (buf_.size() - pos_ >= n) return true;
        buf_.erase(0, pos_);
        pos_ = 0;
        while (buf_.size() < n && read_ < size_) {
            const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(std::max<std::size_t>(n, 1 << 16), size_ - read_));
            const std::size_t at = buf_.size();
            buf_.resize(at + want);
            if (!backup::pread_all(fd_.get(), buf_.data() + at, want, read_, "the tree kept")) bad();  // shrunk since checked
            read_ += want;
        }
        return buf_.size() >= n;
    }
    [[noreturn]] static void bad() { throw backup::Error(backup::Errc::corrupted, "the tree kept of the element before is damaged"); }

    backup::UniqueFd fd_;
    std::uint64_t size_, read_ = 0;
    std::string buf_;
    std::size_t pos_ = 0;
    backup::TreeNode node_;
    backup::MapEntry block_;
};

constexpr const char* kTreeView = "tree";  // the tree's name among a VM's views (a container has no disks)

// The tree kept after the element before, when the node's digest says it
// is the node's parent.
std::unique_ptr<SentTree> kept_parent(NodeLink& link, const ViewCache& cache, const std::string& vm) {
    const std::string text = link.call(Record("call", "tree_digest")).get("digest");
    backup::Digest digest{};
    if (text.empty()) return nullptr;
    if (!backup::from_hex(text, digest)) throw service::Error(service::Errc::corrupt, "the backup node sent a bad tree digest");
    auto kept = cache.find(vm, kTreeView, digest, 1);
    if (!kept) return nullptr;
    return std::make_unique<SentTree>(std::move(kept->fd), kept->size);
}

// What was sent, kept as the next incremental's parent. Best effort.
void keep_sent(const ViewCache& cache, const std::string& vm, const std::filesystem::path& path, const ViewState& sent,
               const backup::Digest& digest) noexcept {
    if (::fsync(sent.fd.get()) == 0) {
        cache.keep(vm, kTreeView, path, digest);
    } else {
        std::error_code ec;
        std::filesystem::remove(path, ec);  // the next incremental reads every file
    }
}

// A restore's blocks as the node streams them: numbered from 0 in manifest
// order, each checked against its hash as it is decoded, and here against
// the manifest's.
class StreamedBlocks final : public backup::TreeBlocks {
public:
    StreamedBlocks(NodeLink& link, std::uint64_t count, backup::ThreadPool& pool)
        : link_(link), count_(count), pool_(pool) {}

    void read(const backup::TreeNode& file, const backup::MapEntry& e, std::uint8_t* out) override {
        if (pos_ == batch_.size()) {
            const std::string bytes = receive_data(link_.channel());
            if (bytes.empty()) throw service::Error(service::Errc::corrupt, "the backup node sent fewer blocks than its manifest lists");
            batch_ = wire::decode_restore_batch(bytes, next_ == 0 ? UINT64_MAX : next_ - 1, count_, data_, &pool_);
            pos_ = 0;
        }
        const wire::Present& p = batch_[pos_];
        if (p.index != next_ || p.hash != e.hash)
            throw service::Error(service::Errc::corrupt, "the backup node sent another block than the manifest lists for " + file.path);
        std::memcpy(out, data_.data() + pos_ * backup::kBlockSize, backup::kBlockSize);
        ++pos_;
        ++next_;
    }

    // Every block taken, and nothing after them.
    void finish() {
        if (next_ != count_ || pos_ != batch_.size() || !receive_data(link_.channel()).empty())
            throw service::Error(service::Errc::corrupt, "the backup node sent more blocks than its manifest lists");
    }

private:
    NodeLink& link_;
    std::uint64_t count_;
    backup::ThreadPool& pool_;
    std::vector<wire::Present> batch_;
    backup::BlockBuffer data_;
    std::size_t pos_ = 0;
    std::uint64_t next_ = 0;
};

// The manifest the node sends, into a file of this process's own.
backup::UniqueFd receive_manifest(NodeLink& link, std::uint64_t size) {
    backup::UniqueFd file = anonymous_file();
    std::uint64_t got = 0;
    for (;;) {
        const std::string bytes = receive_data(link.channel());
        if (bytes.empty()) break;
        if (bytes.size() > size - got) throw service::Error(service::Errc::corrupt, "the backup node sent a longer manifest than it said");
        backup::pwrite_all(file.get(), bytes.data(), bytes.size(), got, "the manifest received");
        got += bytes.size();
    }
    if (got != size) throw service::Error(service::Errc::corrupt, "the backup node sent a shorter manifest than it said");
    return file;
}

}  // namespace

std::string send_tree_to_node(NodeLink& link, const ViewCache& cache, const backup::Source& src,
                              const backup::CreateOptions& opt, const backup::Progress& progress) {
    backup::check_tree_root(src.ct_root);
    const backup::TreeTotals totals = backup::measure_tree(src.ct_root);
    CreatePlan plan;
    plan.source = src;
    plan.options = opt;
    plan.tree_bytes = totals.file_bytes;
    const bool has_parent = link.call(encode_create(plan)).get_uint("parent") != 0;
    const std::unique_ptr<SentTree> parent = has_parent ? kept_parent(link, cache, src.vm_uuid) : nullptr;
    // What is sent, into the cache's directory, kept once committed.
    const std::filesystem::path sent_path = cache.temporary(src.vm_uuid, kTreeView);
    struct Unkept {
        const std::filesystem::path& path;
        bool kept = false;
        ~Unkept() {
            std::error_code ec;
            if (!kept) std::filesystem::remove(path, ec);
        }
    } unkept{sent_path};
    ViewState sent{backup::open_file(sent_path, O_RDWR | O_CREAT | O_EXCL, 0600), 0};
    backup::ProgressReporter pr(progress, totals.file_bytes);
    backup::ThreadPool pool(backup::ThreadPool::default_threads());
    NodeTreeSink sink(link, opt.compress, sent, pool);
    backup::backup_tree(src.ct_root, parent.get(), sink, pool, pr);
    const backup::Digest sent_digest = sink.finish();
    link.call(Record("call", "end_tree"));
    link.stop_honouring_cancel();
    pr.check_cancel();  // the last point where a cancel is honoured
    const std::string committed = link.call(Record("call", "commit")).get("id");
    keep_sent(cache, src.vm_uuid, sent_path, sent, sent_digest);
    unkept.kept = true;
    pr.done();
    return committed;
}

void restore_tree_from_node(NodeLink& link, const std::string& id, const std::filesystem::path& directory,
                            const backup::Progress& progress) {
    const Record answer = link.call(Record("call", "restore").add("id", id).add_bool("tree", true));
    backup::Digest digest{};
    if (!backup::from_hex(answer.get("tree_digest"), digest))
        throw service::Error(service::Errc::corrupt, "the backup node sent a bad manifest checksum");
    const backup::UniqueFd manifest = receive_manifest(link, answer.get_uint("tree_size"));
    const std::string what = "backup " + id;
    auto open = [&] {
        const int fd = ::fcntl(manifest.get(), F_DUPFD_CLOEXEC, 0);
        if (fd < 0) backup::throw_errno(errno, "the manifest received");
        struct stat st {};
        if (::fstat(fd, &st) != 0) backup::throw_errno(errno, "the manifest received");
        return std::make_unique<backup::ManifestReader>(
            backup::file_object_reader(backup::UniqueFd(fd), static_cast<std::uint64_t>(st.st_size), what), digest, what);
    };
    std::uint64_t count = 0;
    {
        const auto r = open();
        while (r->next_node())
            while (r->next_block()) ++count;
    }
    backup::ThreadPool pool(backup::ThreadPool::default_threads());
    StreamedBlocks blocks(link, count, pool);
    backup::ProgressReporter pr(progress, answer.get_uint("bytes"));
    backup::restore_tree_into(directory, open, blocks, pr);
    blocks.finish();
    pr.done();
}

}  // namespace prl::remote::backup_node
