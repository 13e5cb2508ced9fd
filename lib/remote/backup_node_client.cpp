#include "backup_node_client.h"

#include "backup_node_link.h"
#include "backup_node_tree.h"
#include "backup_view_cache.h"
#include "service_codec.h"

#include "backup/staged_files.h"

#include "service/backups.h"

#include <future>
#include <mutex>
#include <deque>
#include <fcntl.h>
#include <unistd.h>

namespace prl::remote {

namespace {

using namespace backup_node;

// The parent's state of `disk`: the view this source kept of it when the
// node's digest says it is the same, else fetched from the node.
ViewState parent_state(NodeLink& link, const ViewCache& cache, const std::string& vm, const std::string& name,
                       std::size_t disk) {
    backup::Digest digest{};
    if (!backup::from_hex(link.call(Record("call", "view_digest").add_uint("disk", disk)).get("digest"), digest))
        throw service::Error(service::Errc::corrupt, "the backup node sent a bad view digest");
    if (auto kept = cache.find(vm, name, digest)) return ViewState{std::move(kept->fd), kept->size};
    link.call(Record("call", "view").add_uint("disk", disk));
    ViewState fetched{anonymous_file(), 0};
    std::uint64_t last = UINT64_MAX;
    for (;;) {
        const std::string bytes = receive_data(link.channel());
        if (bytes.empty()) break;
        // Checked as it comes: in order, within the largest disk.
        const auto entries = wire::decode_present(bytes, last, backup::blocks_for(wire::kMaxDiskBytes));
        if (!entries.empty()) last = entries.back().index;
        backup::pwrite_all(fetched.fd.get(), bytes.data(), bytes.size(), fetched.size, "the parent's view");
        fetched.size += bytes.size();
    }
    return fetched;
}

// The changes sent for one disk, read back in order.
class ChangesFile {
public:
    ChangesFile(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
    const wire::Change* peek() {
        if (pos_ == batch_.size()) {
            if (read_ == size_) return nullptr;
            const std::uint64_t n = std::min<std::uint64_t>(size_ - read_, wire::kChangeBytes * wire::kMaxBlocksPerBatch);
            std::string bytes(n, '\0');
            backup::pread_all(fd_, bytes.data(), n, read_, "the changes sent");
            read_ += n;
            batch_ = wire::decode_changes(bytes, UINT64_MAX, UINT64_MAX);
            pos_ = 0;
        }
        return &batch_[pos_];
    }
    void pop() { ++pos_; }

private:
    int fd_;
    std::uint64_t size_, read_ = 0;
    std::vector<wire::Change> batch_;
    std::size_t pos_ = 0;
};

// The new element's state of a disk of `size` bytes: the parent's, with the changes over it.
void merge_view(ViewFile& parent, ChangesFile& changes, std::uint64_t size, ViewWriter& out) {
    const std::uint64_t blocks = backup::blocks_for(size);
    for (;;) {
        const backup::MapEntry* p = parent.peek();
        const wire::Change* c = changes.peek();
        if (!p && !c) return;
        if (c && (!p || c->index <= p->index)) {
            if (p && p->index == c->index) parent.pop();
            if (!c->zero && c->index < blocks) out.add(wire::Present{c->index, c->hash});
            changes.pop();
        } else {
            if (p->index < blocks) out.add(wire::Present{p->index, p->hash});
            parent.pop();
        }
    }
}

class NodeRepository final : public backup::Repository {
public:
    explicit NodeRepository(BackupNodeAddress a) : a_(std::move(a)) {}

    std::string create(const backup::Source& src, const backup::CreateOptions& opt,
                       const backup::Progress& progress) override {
        return create_on_node(src, opt, progress);
    }

    std::vector<backup::VmEntry> list() const override {
        NodeLink link(a_);
        return link.guarded([&] {
            std::vector<backup::VmEntry> out;
            for (const auto& vm : link.call(Record("call", "list")).all("vm"))
                out.push_back(decode_backup_vm(Record::parse(vm)));
            return out;
        });
    }

    void restore(const std::string& id, const backup::RestoreTarget& target,
                 const backup::Progress& progress) const override {
        restore_from_node(id, target, progress);
    }

    std::optional<std::string> read_config(const std::string& id) const override {
        NodeLink link(a_);
        return link.guarded([&] { return link.call(Record("call", "read_config").add("id", id)).find("config"); });
    }

    void remove(const std::string& id, bool keep_chain) override {
        NodeLink link(a_);
        link.guarded([&] { link.call(Record("call", "remove").add("id", id).add_bool("keep_chain", keep_chain)); });
    }

    void remove_all(const std::string& vm_uuid) override {
        NodeLink link(a_);
        link.guarded([&] { link.call(Record("call", "remove_all").add("vm_uuid", vm_uuid)); });
    }

private:
    std::string create_on_node(const backup::Source& src, const backup::CreateOptions& opt,
                               const backup::Progress& progress) {
        if (src.type == backup::VmType::ct) {
            NodeLink link(a_, progress.cancel);
            const ViewCache cache(node_key());
            return link.guarded([&] { return send_tree_to_node(link, cache, src, opt, progress); });
        }
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
        NodeLink link(a_, progress.cancel);
        return link.guarded([&] { return send_to_node(link, src, opt, progress, plan, disks, total); });
    }

    std::string send_to_node(NodeLink& link, const backup::Source& src, const backup::CreateOptions& opt,
                             const backup::Progress& progress, const CreatePlan& plan,
                             std::vector<backup::SourceDisk>& disks, std::uint64_t total) {
        const Record started = link.call(encode_create(plan));
        const std::string id = started.get("id");
        const bool has_parent = started.get_uint("parent") != 0;
        const ViewCache cache(node_key());
        backup::ProgressReporter pr(progress, total);
        backup::ThreadPool pool(backup::ThreadPool::default_threads());
        std::vector<ViewState> parents(src.disks.size()), sent(src.disks.size());
        for (std::size_t i = 0; i < src.disks.size(); ++i) {
            const std::string& name = src.disks[i].name;
            if (has_parent) parents[i] = parent_state(link, cache, src.vm_uuid, name, i);
            ViewFile parent(parents[i].fd.get(), parents[i].size);
            sent[i].fd = anonymous_file();
            NodeSink sink(link, i, opt.compress, &sent[i], pool);
            backup::backup_image(disks[i].fd.get(), disks[i].size, parent, sink, pool, pr,
                                 "backup " + id + " disk '" + name + "'");
            sink.finish();
            link.call(Record("call", "end_disk").add_uint("disk", i));
        }
        link.stop_honouring_cancel();
        pr.check_cancel();  // the last point where a cancel is honoured
        const std::string committed = link.call(Record("call", "commit")).get("id");
        keep_views(cache, src, plan.disk_sizes, parents, sent);
        pr.done();
        return committed;
    }

    // The committed element's disk states, for the next incremental. Best
    // effort: without them it fetches the node's.
    static void keep_views(const ViewCache& cache, const backup::Source& src, const std::vector<std::uint64_t>& sizes,
                           const std::vector<ViewState>& parents, const std::vector<ViewState>& sent) noexcept {
        for (std::size_t i = 0; i < src.disks.size(); ++i) {
            try {
                const std::filesystem::path path = cache.temporary(src.vm_uuid, src.disks[i].name);
                ViewWriter out(path);
                ViewFile parent(parents[i].fd.get(), parents[i].size);
                ChangesFile changes(sent[i].fd.get(), sent[i].size);
                merge_view(parent, changes, sizes[i], out);
                cache.keep(src.vm_uuid, src.disks[i].name, path, out.finish());
            } catch (...) {
                // The next incremental fetches the node's view instead.
            }
        }
    }

    std::string node_key() const {
        return a_.host + "\n" + std::to_string(a_.port ? a_.port : default_port) + "\n" + a_.directory;
    }

    void restore_from_node(const std::string& id, const backup::RestoreTarget& target,
                           const backup::Progress& progress) const {
        if (target.disks.empty()) {
            if (target.directory.empty())
                throw backup::Error(backup::Errc::vm_mismatch, "name the disks of a VM backup, or a container's directory");
            NodeLink link(a_, progress.cancel);
            return link.guarded([&] { restore_tree_from_node(link, id, target.directory, progress); });
        }
        for (const auto& [name, path] : target.disks) backup::check_target_parent(path);
        NodeLink link(a_, progress.cancel);
        link.guarded([&] { receive_from_node(link, id, target, progress); });
    }

    static void receive_from_node(NodeLink& link, const std::string& id, const backup::RestoreTarget& target,
                                  const backup::Progress& progress) {
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
        backup::ThreadPool pool(backup::ThreadPool::default_threads());
        backup::StagedFiles staged;
        // Synced once everything has arrived: a long fsync between two
        // disks would leave the node unable to send for as long.
        std::vector<std::pair<backup::UniqueFd, std::string>> written;
        std::size_t i = 0;
        for (const auto& [name, path] : target.disks) {
            const std::uint64_t size = sizes[i++];
            const std::string what = "backup " + id + " disk '" + name + "'";
            backup::UniqueFd fd = staged.stage(path);
            if (::ftruncate(fd.get(), static_cast<off_t>(size)) != 0) backup::throw_errno(errno, "resize " + what);
            backup::RestoredDiskWriter out(fd.get(), size, pr, what);
            // Batches are decoded and checked on the pool's threads while
            // the next ones arrive; this thread writes them in order. Their
            // buffers are used again (no fresh pages a batch).
            struct Decoded {
                std::string received;  // the batch as it came
                std::vector<wire::Present> entries;
                backup::BlockBuffer data;
            };
            struct InFlight {
                std::shared_ptr<Decoded> batch;
                std::future<void> done;
            };
            std::deque<InFlight> queue;
            std::vector<std::shared_ptr<Decoded>> spare;
            std::uint64_t last = UINT64_MAX;
            std::vector<std::uint64_t> indices;
            auto write_oldest = [&] {
                InFlight f = std::move(queue.front());
                queue.pop_front();
                f.done.get();
                Decoded& d = *f.batch;
                if (!d.entries.empty()) {
                    if (last != UINT64_MAX && d.entries.front().index <= last)
                        throw service::Error(service::Errc::corrupt, "the backup node sent blocks out of order");
                    last = d.entries.back().index;
                    indices.clear();
                    for (const auto& e : d.entries) indices.push_back(e.index);
                    out.write(indices.data(), indices.size(), d.data.data());
                }
                link.channel().recycle(std::move(d.received));
                spare.push_back(std::move(f.batch));
            };
            try {
                const std::uint64_t blocks = backup::blocks_for(size);
                for (;;) {
                    pr.check_cancel();
                    std::string bytes = receive_data(link.channel());
                    if (bytes.empty()) break;
                    std::shared_ptr<Decoded> d;
                    if (spare.empty()) {
                        d = std::make_shared<Decoded>();
                    } else {
                        d = std::move(spare.back());
                        spare.pop_back();
                    }
                    d->received = std::move(bytes);
                    // Every block checked against its hash, whatever the node says.
                    queue.push_back(InFlight{d, pool.submit([d, blocks] {
                        d->entries = wire::decode_restore_batch(d->received, UINT64_MAX, blocks, d->data);
                    })});
                    while (queue.size() > 2 * pool.size()) write_oldest();
                }
                while (!queue.empty()) write_oldest();
            } catch (...) {
                for (auto& f : queue) f.done.wait();
                throw;
            }
            out.finish_progress();
            written.emplace_back(std::move(fd), what);
        }
        for (const auto& [fd, what] : written) backup::fsync_fd(fd.get(), what);
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
