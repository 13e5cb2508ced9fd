#include "backup_node_client.h"

#include "backup_node_protocol.h"
#include "dial.h"
#include "service_codec.h"
#include "sockets.h"

#include "backup/disk_image.h"
#include "backup/node_wire.h"
#include "backup/staged_files.h"
#include "backup/thread_pool.h"
#include "store/error.h"

#include "service/backups.h"

#include <mutex>
#include <fcntl.h>
#include <unistd.h>

namespace prl::remote {

namespace {

namespace wire = backup::node_wire;
using namespace backup_node;

// A connection of its own for one operation, logged in with the session.
class NodeLink {
public:
    explicit NodeLink(const BackupNodeAddress& a)
        : directory_(a.directory),
          channel_(tls_connect(connect_tcp(a.host, a.port ? a.port : default_port, a.timeout), a.host,
                               a.port ? a.port : default_port, a.trust, a.timeout)) {
        Record login("login");
        login.add("session", a.session).add("purpose", kTarget);
        channel_.send(FrameKind::control,
                      packet_xml(Packet{"login", protocol_version, false, false, "login", "", login.xml()}));
        receive_reply(channel_);
    }
    ~NodeLink() { channel_.shut_down(); }
    FramedChannel& channel() { return channel_; }

    // One call and its reply; `directory` goes with the first.
    Record call(Record call) {
        if (!first_sent_ && !directory_.empty()) call.add("directory", directory_);
        first_sent_ = true;
        send_call(channel_, call);
        return receive_reply(channel_);
    }
private:
    std::string directory_;
    FramedChannel channel_;
    bool first_sent_ = false;
};

// The parent's block state of one disk, fetched from the node into a
// temporary file (unlinked at once: only its descriptor remains), and read
// back in order as backup_image compares the disk with it.
class ParentView final : public backup::EntryStream {
public:
    explicit ParentView(FramedChannel& channel) {
        std::error_code ec;
        backup::fs::path dir = backup::fs::temp_directory_path(ec);
        if (ec) dir = "/tmp";
        const backup::fs::path path = dir / ("prlshim-view-" + backup::random_hex(8));
        fd_ = backup::open_file(path, O_RDWR | O_CREAT | O_EXCL, 0600);
        ::unlink(path.c_str());
        std::uint64_t last = UINT64_MAX;
        for (;;) {
            const std::string bytes = receive_data(channel);
            if (bytes.empty()) break;
            // Checked as it comes: in order, within the largest disk.
            const auto entries = wire::decode_present(bytes, last, backup::blocks_for(wire::kMaxDiskBytes));
            last = entries.empty() ? last : entries.back().index;
            backup::pwrite_all(fd_.get(), bytes.data(), bytes.size(), size_, "the parent's view");
            size_ += bytes.size();
        }
    }

    const backup::MapEntry* peek() override {
        if (have_) return &cur_;
        if (pos_ == buf_.size()) {
            const std::uint64_t n = std::min<std::uint64_t>(kBuffer, size_ - read_);
            if (n == 0) return nullptr;
            buf_.resize(n);
            backup::pread_all(fd_.get(), buf_.data(), n, read_, "the parent's view");
            read_ += n;
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
    void pop() override {
        if (!have_) peek();
        have_ = false;
    }

private:
    static constexpr std::size_t kBuffer = wire::kPresentBytes * 16384;
    backup::UniqueFd fd_;
    std::uint64_t size_ = 0, read_ = 0;
    std::string buf_;
    std::size_t pos_ = 0;
    backup::MapEntry cur_;
    bool have_ = false;
};

std::unique_ptr<backup::EntryStream> fetch_parent_view(NodeLink& link, std::size_t disk) {
    link.call(Record("call", "view").add_uint("disk", disk));
    return std::make_unique<ParentView>(link.channel());
}

// The changes of one disk, sent in batches: the node answers which blocks
// it lacks, and only those travel, compressed.
class NodeSink final : public backup::BlockSink {
public:
    NodeSink(NodeLink& link, std::size_t disk, bool compress) : link_(link), disk_(disk), compress_(compress) {}

    void block(std::uint64_t index, const backup::Digest& hash, const std::uint8_t* data) override {
        changes_.push_back(wire::Change{index, false, hash});
        data_.insert(data_.end(), data, data + backup::kBlockSize);
        if (changes_.size() == wire::kMaxBlocksPerBatch) flush();
    }
    void zero(std::uint64_t index) override {
        changes_.push_back(wire::Change{index, true, {}});
        if (changes_.size() == wire::kMaxBlocksPerBatch) flush();
    }

    void flush() {
        if (changes_.empty()) return;
        send_call(link_.channel(), Record("call", "changes").add_uint("disk", disk_));
        send_data(link_.channel(), wire::encode_changes(changes_));
        const Record answer = receive_reply(link_.channel());
        const std::vector<bool> missing = wire::decode_bitmap(answer.get("missing"), changes_.size());
        std::size_t next = 0, wanted = 0;
        for (std::size_t i = 0; i < changes_.size(); ++i) {
            if (changes_[i].zero) continue;
            if (missing[i]) {
                if (wanted != next)
                    std::copy_n(data_.data() + next * backup::kBlockSize, backup::kBlockSize,
                                data_.data() + wanted * backup::kBlockSize);
                ++wanted;
            }
            ++next;
        }
        if (wanted) send_data(link_.channel(), wire::encode_blocks(data_.data(), wanted, compress_));
        changes_.clear();
        data_.clear();
    }

private:
    NodeLink& link_;
    std::size_t disk_;
    bool compress_;
    std::vector<wire::Change> changes_;
    std::vector<std::uint8_t> data_;
};

class NodeRepository final : public backup::Repository {
public:
    explicit NodeRepository(BackupNodeAddress a) : a_(std::move(a)) {}

    std::string create(const backup::Source& src, const backup::CreateOptions& opt,
                       const backup::Progress& progress) override {
        return create_on_node(src, opt, progress);
    }

    std::vector<backup::VmEntry> list() const override {
        NodeLink link(a_);
        std::vector<backup::VmEntry> out;
        for (const auto& vm : link.call(Record("call", "list")).all("vm"))
            out.push_back(decode_backup_vm(Record::parse(vm)));
        return out;
    }

    void restore(const std::string& id, const backup::RestoreTarget& target,
                 const backup::Progress& progress) const override {
        restore_from_node(id, target, progress);
    }

    std::optional<std::string> read_config(const std::string& id) const override {
        NodeLink link(a_);
        return link.call(Record("call", "read_config").add("id", id)).find("config");
    }

    void remove(const std::string& id, bool keep_chain) override {
        NodeLink link(a_);
        link.call(Record("call", "remove").add("id", id).add_bool("keep_chain", keep_chain));
    }

    void remove_all(const std::string& vm_uuid) override {
        NodeLink link(a_);
        link.call(Record("call", "remove_all").add("vm_uuid", vm_uuid));
    }

private:
    std::string create_on_node(const backup::Source& src, const backup::CreateOptions& opt,
                               const backup::Progress& progress) {
        if (src.type != backup::VmType::vm)
            throw backup::Error(backup::Errc::invalid_argument, "a backup node takes VM backups only, not containers yet");
        CreatePlan plan;
        plan.source = src;
        plan.options = opt;
        std::vector<backup::SourceDisk> disks;
        std::uint64_t total = 0;
        for (const auto& d : src.disks) {
            disks.push_back(backup::open_source_disk(d));
            plan.disk_sizes.push_back(disks.back().size);
            total += disks.back().size;
        }
        NodeLink link(a_);
        const Record started = link.call(encode_create(plan));
        const std::string id = started.get("id");
        const bool has_parent = started.get_uint("parent") != 0;
        backup::ProgressReporter pr(progress, total);
        backup::ThreadPool pool(backup::ThreadPool::default_threads());
        for (std::size_t i = 0; i < src.disks.size(); ++i) {
            std::unique_ptr<backup::EntryStream> parent =
                has_parent ? fetch_parent_view(link, i) : std::make_unique<backup::LayeredView>();
            NodeSink sink(link, i, opt.compress);
            backup::backup_image(disks[i].fd.get(), disks[i].size, *parent, sink, pool, pr,
                                 "backup " + id + " disk '" + src.disks[i].name + "'");
            sink.flush();
            link.call(Record("call", "end_disk").add_uint("disk", i));
        }
        pr.check_cancel();  // the last point where a cancel is honoured
        const std::string committed = link.call(Record("call", "commit")).get("id");
        pr.done();
        return committed;
    }

    void restore_from_node(const std::string& id, const backup::RestoreTarget& target,
                           const backup::Progress& progress) const {
        if (target.disks.empty())
            throw backup::Error(backup::Errc::vm_mismatch, "a backup node restores VM disks: name them");
        for (const auto& [name, path] : target.disks) backup::check_target_parent(path);
        NodeLink link(a_);
        Record call("call", "restore");
        call.add("id", id);
        for (const auto& [name, path] : target.disks) call.add("disk", name);
        const std::vector<std::string> disks = link.call(call).all("disk");
        if (disks.size() != target.disks.size())
            throw service::Error(service::Errc::corrupt, "the backup node answered for other disks");
        std::vector<std::uint64_t> sizes;
        std::uint64_t total = 0;
        for (const std::string& text : disks) {
            sizes.push_back(Record::parse(text).get_uint("size"));
            if (sizes.back() > wire::kMaxDiskBytes) throw service::Error(service::Errc::corrupt, "a disk larger than 1 PiB");
            total += sizes.back();
        }
        backup::ProgressReporter pr(progress, total);
        backup::StagedFiles staged;
        std::size_t i = 0;
        std::vector<std::uint8_t> data;
        for (const auto& [name, path] : target.disks) {
            const std::uint64_t size = sizes[i++];
            const std::string what = "backup " + id + " disk '" + name + "'";
            backup::UniqueFd fd = staged.stage(path);
            if (::ftruncate(fd.get(), static_cast<off_t>(size)) != 0) backup::throw_errno(errno, "resize " + what);
            std::uint64_t last = UINT64_MAX, reported = 0;
            for (;;) {
                pr.check_cancel();
                const std::string bytes = receive_data(link.channel());
                if (bytes.empty()) break;
                // Every block checked against its hash, whatever the node says.
                const auto entries = wire::decode_restore_batch(bytes, last, backup::blocks_for(size), data);
                if (entries.empty()) continue;
                last = entries.back().index;
                std::vector<std::uint64_t> indices;
                for (const auto& e : entries) indices.push_back(e.index);
                backup::write_blocks(fd.get(), size, indices.data(), indices.size(), data.data(), what);
                const std::uint64_t reached = std::min(size, (last + 1) * backup::kBlockSize);
                pr.add(reached - reported);
                reported = reached;
            }
            pr.add(size - reported);
            backup::fsync_fd(fd.get(), what);
        }
        staged.commit();
        pr.done();
    }

    BackupNodeAddress a_;
};

}  // namespace

std::unique_ptr<backup::Repository> backup_node_repository(BackupNodeAddress address) {
    return std::make_unique<NodeRepository>(std::move(address));
}

void install_backup_node_opener() {
    static std::once_flag once;
    std::call_once(once, [] {
        service::set_backup_node_opener([](const service::BackupPlace& place) {
            BackupNodeAddress a;
            a.host = place.node.host;
            a.port = place.node.port;
            a.session = place.node.session;
            a.directory = place.directory;
            a.trust = client_trust();
            return backup_node_repository(std::move(a));
        });
    });
}

}  // namespace prl::remote
