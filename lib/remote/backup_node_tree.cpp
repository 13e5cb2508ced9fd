#include "backup_node_tree.h"

#include "backup_view_cache.h"

#include "backup/container_tree.h"
#include "backup/directory_storage.h"

#include <fcntl.h>
#include <unistd.h>

namespace prl::remote::backup_node {

namespace {

// The walk's nodes and blocks, to the node in tree batches.
class NodeTreeSink final : public backup::TreeSink {
public:
    NodeTreeSink(NodeLink& link, bool compress, backup::ThreadPool& pool) : sink_(link, compress, pool) {}
    void node(const backup::TreeNode& n) override { sink_.node(n); }
    void block(std::uint64_t index, const backup::Digest& hash, const std::uint8_t* data) override {
        sink_.block(index, hash, data);
    }
    void unchanged(const backup::MapEntry&) override {
        // The walk has no parent manifest here: every file is read.
        throw backup::Error(backup::Errc::io_error, "internal: an unchanged block for a backup node");
    }
    void finish() { sink_.finish(); }

private:
    NodeSink sink_;
};

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
    std::vector<std::uint8_t> data_;
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

std::string send_tree_to_node(NodeLink& link, const backup::Source& src, const backup::CreateOptions& opt,
                              const backup::Progress& progress) {
    std::error_code ec;
    if (src.ct_root.empty() || !std::filesystem::is_directory(src.ct_root, ec))
        throw backup::Error(backup::Errc::invalid_argument, "container root is not a directory");
    const backup::TreeTotals totals = backup::measure_tree(src.ct_root);
    CreatePlan plan;
    plan.source = src;
    plan.options = opt;
    plan.tree_bytes = totals.file_bytes;
    link.call(encode_create(plan));
    backup::ProgressReporter pr(progress, totals.file_bytes);
    backup::ThreadPool pool(backup::ThreadPool::default_threads());
    NodeTreeSink sink(link, opt.compress, pool);
    backup::backup_tree(src.ct_root, nullptr, sink, pool, pr);
    sink.finish();
    link.call(Record("call", "end_tree"));
    link.stop_honouring_cancel();
    pr.check_cancel();  // the last point where a cancel is honoured
    const std::string committed = link.call(Record("call", "commit")).get("id");
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
