#include "backup_node.h"

#include "backup/directory_storage.h"

#include "backup/disk_image.h"
#include "backup/element_reader.h"
#include "backup/element_writer.h"
#include "backup/node_wire.h"
#include "remote/backup_node_protocol.h"
#include "remote/error_record.h"
#include "remote/service_codec.h"
#include "store/error.h"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <future>

namespace prl::daemon {

namespace {

namespace wire = backup::node_wire;
using namespace remote::backup_node;
using remote::FramedChannel;
using remote::Record;

constexpr std::size_t kPresentPerFrame = 65536;                 // 2.5 MiB of a view per data frame
constexpr std::size_t kRestoreBlocksPerFrame = 256;             // 1 MiB of a restore per data frame
constexpr std::size_t kManifestPerFrame = 1 << 20;              // a container's manifest, sent as stored
// Batches a restore reads at once: on RADOS each frame is a round trip to
// an OSD, so reads in flight, not cores, set the pace (rados_bench: the
// restore 1.24x a directory's with 2, 0.91-1.06x with 8; a directory's the
// same either way).
constexpr unsigned kRestoreReaders = 8;

Record result() { return Record("result"); }

// A disk's block state as the source reads it: frames of entries, then an empty frame.
void send_view(FramedChannel& channel, backup::LayeredView& view) {
    std::vector<wire::Present> batch;
    while (const backup::MapEntry* e = view.peek()) {
        batch.push_back(wire::Present{e->index, e->hash});
        view.pop();
        if (batch.size() == kPresentPerFrame) {
            send_data(channel, wire::encode_present(batch));
            batch.clear();
        }
    }
    if (!batch.empty()) send_data(channel, wire::encode_present(batch));
    send_data(channel, {});
}

// The identity of a disk's block state: the SHA-256 of its entries as
// send_view sends them, which a source compares with the view it kept.
std::string view_digest(backup::LayeredView& view) {
    backup::Sha256 sha;
    std::vector<wire::Present> batch;
    auto flush = [&] {
        const std::string bytes = wire::encode_present(batch);
        sha.update(bytes.data(), bytes.size());
        batch.clear();
    };
    while (const backup::MapEntry* e = view.peek()) {
        batch.push_back(wire::Present{e->index, e->hash});
        view.pop();
        if (batch.size() == kPresentPerFrame) flush();
    }
    flush();
    return backup::to_hex(sha.finish());
}

// Receiving one element: the source's calls in order, each answered.
class Receiver {
public:
    Receiver(FramedChannel& channel, const backup::Layout& layout, CreatePlan plan)
        : channel_(channel), plan_(check(std::move(plan))), element_(layout, plan_.source, plan_.options) {
        std::uint64_t total = plan_.tree_bytes;
        for (std::uint64_t size : plan_.disk_sizes) total += size;
        element_.set_original_size(total);
        if (is_tree()) manifest_ = &element_.begin_tree();
    }

    Record started() const {
        return result().add("id", element_.meta().id()).add_uint("parent", element_.meta().parent);
    }

    // Answers one call; true when the element is committed (the commit
    // itself is answered by the caller: committed()).
    // The source went away midway: what it sent stays for its retry.
    void keep_received_blocks() noexcept {
        try {  // the last batch's blocks too, once they check out
            if (pending_ && pending_->checked.valid()) {
                pending_->checked.get();
                store(*pending_);
            }
        } catch (...) {
        }
        pending_ = nullptr;
        element_.keep_stored_blocks();
    }

    // Whether the call being handled has had its reply, so that a failure
    // found afterwards (the batch before it, checked meanwhile) belongs to
    // the next call.
    bool answered() const { return answered_; }
    // The committed element's id.
    const std::string& committed() const { return committed_; }

    bool handle(FramedChannel& channel, const std::string& id, const Record& call) {
        answered_ = false;
        const std::string& op = call.op();
        if (op == "view_digest") {
            const std::size_t disk = disk_of(call);
            send_reply(channel, id, result().add("digest", view_digest(*element_.parent_disk_view(plan_.source.disks[disk].name))));
        } else if (op == "view") {
            const std::size_t disk = disk_of(call);
            send_reply(channel, id, result());
            send_view(channel, *element_.parent_disk_view(plan_.source.disks[disk].name));
        } else if (op == "changes") {
            open(disk_of(call));
            receive_changes(channel, id);
        } else if (op == "tree_digest" && manifest_) {
            // The parent's tree as the source would have sent it; none for a full backup.
            const std::unique_ptr<backup::ManifestReader> parent = element_.parent_manifest();
            send_reply(channel, id, result().add("digest", parent ? backup::to_hex(wire::tree_stream_digest(*parent)) : ""));
        } else if (op == "tree_batch" && manifest_) {
            receive_tree_batch(channel, id);
        } else if (op == "end_tree" && manifest_) {
            finish_pending();
            element_.end_tree();
            manifest_ = nullptr;
            in_file_ = false;
            tree_done_ = true;
            send_reply(channel, id, result());
        } else if (op == "end_disk") {
            open(disk_of(call));
            finish_pending();
            element_.end_disk();
            map_ = nullptr;
            ++next_disk_;
            send_reply(channel, id, result());
        } else if (op == "commit") {
            if (map_ || next_disk_ != plan_.source.disks.size() || (is_tree() && !tree_done_))
                throw service::Error(service::Errc::invalid_argument, "commit before every disk was sent");
            backup::Progress none;
            backup::ProgressReporter pr(none, 0);
            committed_ = element_.commit(pr);
            return true;  // answered by receive(), once the writer is gone
        } else {
            throw service::Error(service::Errc::unimplemented, "no backup node call '" + op + "' while receiving");
        }
        return false;
    }

private:
    static CreatePlan check(CreatePlan plan) {
        for (std::uint64_t size : plan.disk_sizes)
            if (size > wire::kMaxDiskBytes) throw backup::Error(backup::Errc::invalid_argument, "a disk larger than 1 PiB");
        return plan;
    }

    bool is_tree() const { return plan_.source.type == backup::VmType::ct; }

    // The next node of a container's tree, checked as a restore will read
    // it (a safe path, in order, inside a directory sent before): what the
    // node commits can be rebuilt. A file's blocks follow it.
    // `same`: a file whose blocks are the parent's, none of them sent.
    void accept_tree_node(const backup::TreeNode& n, bool same) {
        order_.accept(n);
        if (n.size > wire::kMaxDiskBytes) throw backup::Error(backup::Errc::invalid_argument, "a file larger than 1 PiB");
        in_file_ = n.type == backup::NodeType::file && !same;
        blocks_ = backup::blocks_for(n.size);
        last_ = UINT64_MAX;
    }

    // A file the source says is unchanged since the parent element: the
    // parent's blocks of the same file, of the same size, into the manifest.
    void parent_blocks(const backup::TreeNode& n) {
        if (!parent_tree_) {
            parent_tree_ = element_.parent_manifest();
            if (!parent_tree_) throw backup::Error(backup::Errc::corrupted, "backup node data: an unchanged file in a full backup");
            parent_cursor_.emplace(*parent_tree_);
        }
        const backup::TreeNode* p = parent_cursor_->seek(n.path);
        if (!p || p->type != backup::NodeType::file || p->size != n.size)
            throw backup::Error(backup::Errc::corrupted, "backup node data: " + n.path + " is not as in the element before");
        while (const backup::MapEntry* e = parent_tree_->next_block()) manifest_->block(*e);
    }

    std::size_t disk_of(const Record& call) const {
        const std::uint64_t disk = call.get_uint("disk");
        if (disk >= plan_.source.disks.size()) throw service::Error(service::Errc::corrupt, "record: no such disk");
        return static_cast<std::size_t>(disk);
    }

    // Disks are sent in order, each once.
    void open(std::size_t disk) {
        if (map_ && disk == next_disk_) return;
        if (map_ || disk != next_disk_)
            throw service::Error(service::Errc::invalid_argument, "disks must be sent in order, each once");
        const backup::DiskSource& d = plan_.source.disks[disk];
        map_ = &element_.begin_disk(d.name, d.path.string(), plan_.disk_sizes[disk]);
        blocks_ = backup::blocks_for(plan_.disk_sizes[disk]);
        last_ = UINT64_MAX;
    }

    // A batch of changes as it waits for its blocks to be checked and stored.
    struct Batch {
        std::vector<wire::Change> changes;
        std::vector<bool> missing;         // asked of the source (in `wanted`)
        std::vector<backup::Digest> wanted, wanted_sorted;
        std::string bytes;                 // the source's data frame, which `groups` point into
        std::vector<wire::Group> groups;   // checked
        std::vector<wire::TreeBatch::Node> nodes;  // a tree's, each before change `before`
        std::future<void> checked;
    };

    // A batch of changes: answer which blocks the store lacks, take them;
    // they are checked while the next batch is answered, so the source
    // compresses one batch while the node checks the one before.
    void receive_changes(FramedChannel& channel, const std::string& id) {
        auto batch = std::make_unique<Batch>();
        batch->changes = wire::decode_changes(receive_data(channel), last_, blocks_);
        if (!batch->changes.empty()) last_ = batch->changes.back().index;
        exchange(channel, id, std::move(batch));
    }

    // A batch of a container's tree: its nodes checked in their places, its
    // blocks each within the file before it, then as a disk's changes.
    void receive_tree_batch(FramedChannel& channel, const std::string& id) {
        auto batch = std::make_unique<Batch>();
        wire::TreeBatch tree = wire::decode_tree_batch(receive_data(channel));
        std::size_t next_node = 0;
        for (std::size_t i = 0; i <= tree.changes.size(); ++i) {
            for (; next_node < tree.nodes.size() && tree.nodes[next_node].before == i; ++next_node)
                accept_tree_node(tree.nodes[next_node].node, tree.nodes[next_node].same);
            if (i == tree.changes.size()) break;
            const std::uint64_t index = tree.changes[i].index;
            if (!in_file_) throw backup::Error(backup::Errc::corrupted, "backup node data: a block outside a file of the tree");
            if (index >= blocks_ || (last_ != UINT64_MAX && index <= last_))
                throw backup::Error(backup::Errc::corrupted, "backup node data: a file's blocks out of order or past its end");
            last_ = index;
        }
        batch->changes = std::move(tree.changes);
        batch->nodes = std::move(tree.nodes);
        exchange(channel, id, std::move(batch));
    }

    // Answers which of a batch's blocks the store lacks, and takes them.
    void exchange(FramedChannel& channel, const std::string& id, std::unique_ptr<Batch> batch) {
        batch->missing.assign(batch->changes.size(), false);
        for (std::size_t i = 0; i < batch->changes.size(); ++i) {
            const wire::Change& c = batch->changes[i];
            // Neither stored nor coming in the batch before.
            if (c.zero || element_.store().find(c.hash) || (pending_ && in_flight(*pending_, c.hash))) continue;
            batch->missing[i] = true;
            batch->wanted.push_back(c.hash);
        }
        send_reply(channel, id, result().add("missing", wire::encode_bitmap(batch->missing)));
        answered_ = true;
        if (!batch->wanted.empty()) batch->bytes = receive_data(channel);
        batch->wanted_sorted = batch->wanted;
        std::sort(batch->wanted_sorted.begin(), batch->wanted_sorted.end());
        finish_pending();
        if (!batch->wanted.empty()) {
            Batch* b = batch.get();
            // A thread of its own: it waits on the pool's threads.
            b->checked = std::async(std::launch::async, [b, &pool = element_.pool()] {
                b->groups = wire::check_blocks(b->bytes, b->wanted, &pool);
            });
        }
        pending_ = std::move(batch);
    }

    static bool in_flight(const Batch& b, const backup::Digest& hash) {
        return std::binary_search(b.wanted_sorted.begin(), b.wanted_sorted.end(), hash);
    }

    // The batch before: its blocks, once checked, into the store, and all its changes into the map.
    void finish_pending() {
        if (!pending_) return;
        std::unique_ptr<Batch> b = std::move(pending_);
        std::vector<backup::BlockLocation> stored;
        if (b->checked.valid()) {
            b->checked.get();
            stored = store(*b);
            channel_.recycle(std::move(b->bytes));  // stored: its memory serves the next batches
        }
        std::size_t next = 0, next_node = 0;
        auto nodes_before = [&](std::size_t i) {
            for (; next_node < b->nodes.size() && b->nodes[next_node].before == i; ++next_node) {
                manifest_->node(b->nodes[next_node].node);
                if (b->nodes[next_node].same) parent_blocks(b->nodes[next_node].node);
            }
        };
        for (std::size_t i = 0; i < b->changes.size(); ++i) {
            nodes_before(i);
            backup::MapEntry e;
            e.index = b->changes[i].index;
            e.zero = b->changes[i].zero;
            if (!e.zero) {
                e.hash = b->changes[i].hash;
                if (b->missing[i]) {
                    e.loc = stored[next++];
                } else if (auto at = element_.store().find(e.hash)) {
                    e.loc = *at;
                } else {
                    throw service::Error(service::Errc::corrupt, "a block the node was to have is not in its store");
                }
            }
            if (!manifest_) map_->add(e);
            else manifest_->block(e);  // a tree's changes are all non-zero
        }
        nodes_before(b->changes.size());
    }

    // A batch's checked blocks into the store: each group as the source
    // made it (compressed once, on the source), unless the store came to
    // have one of its blocks meanwhile (another source's, say).
    std::vector<backup::BlockLocation> store(const Batch& b) {
        const std::vector<backup::Digest>& wanted = b.wanted;
        std::vector<backup::BlockLocation> where(wanted.size());
        for (const wire::Group& g : b.groups) {
            const std::optional<backup::BlockLocation> first =
                element_.store().put_frame(reinterpret_cast<const std::uint8_t*>(g.payload.data()),
                                           static_cast<std::uint32_t>(g.payload.size()), g.compressed,
                                           wanted.data() + g.first, static_cast<std::uint32_t>(g.count));
            if (first) {
                for (std::size_t i = 0; i < g.count; ++i)
                    where[g.first + i] = backup::BlockLocation{first->pack, first->entry + static_cast<std::uint32_t>(i)};
            } else {
                // At a pack's end, or a block another writer stored meanwhile:
                // decompressed again (checked before), each block put on its own.
                scratch_.resize(g.count * backup::kBlockSize);
                wire::group_blocks(g, scratch_.data());
                for (std::size_t i = 0; i < g.count; ++i)
                    where[g.first + i] = element_.store().put(wanted[g.first + i], scratch_.data() + backup::kBlockSize * i);
            }
        }
        return where;
    }

    FramedChannel& channel_;  // for recycle(): this thread is its reader
    CreatePlan plan_;
    backup::ElementWriter element_;
    backup::MapWriter* map_ = nullptr;
    backup::ManifestWriter* manifest_ = nullptr;  // a container's, until its end
    backup::TreeOrder order_;
    std::unique_ptr<backup::ManifestReader> parent_tree_;  // for unchanged files, opened at the first
    std::optional<backup::ParentCursor> parent_cursor_;
    bool in_file_ = false, tree_done_ = false;
    std::size_t next_disk_ = 0;
    std::uint64_t blocks_ = 0, last_ = UINT64_MAX;
    std::unique_ptr<Batch> pending_;  // the last batch received, its blocks being checked
    backup::BlockBuffer scratch_;  // a group's blocks, when it cannot be stored as it came
    bool answered_ = false;
    std::string committed_;
};

// `id` follows the call being answered, so a failure answers that one.
void receive(FramedChannel& channel, const backup::Layout& layout, std::string& id, const Record& first) {
    std::string committed;
    {
        Receiver receiver(channel, layout, decode_create(first));
        send_reply(channel, id, receiver.started());
        try {
            for (;;) {
                const Record call = receive_call(channel, id);
                try {
                    if (receiver.handle(channel, id, call)) break;
                } catch (...) {
                    // Each call has one reply: a failure after this one's goes
                    // to the next, which the source sends after this one's blocks.
                    if (receiver.answered()) {
                        try {
                            receive_call(channel, id);
                        } catch (...) {
                            // Not a call: the error goes with the last id.
                        }
                    }
                    throw;
                }
            }
        } catch (const service::Error& e) {
            if (e.code() == service::Errc::connection_lost) receiver.keep_received_blocks();
            throw;
        }
        committed = receiver.committed();
    }
    // Answered once the writer has let go of the VM's lock: the source's
    // next backup of it, started as soon as this one ends, is not refused.
    send_reply(channel, id, result().add("id", committed));
}

// One batch of a restore: the pack frames holding its blocks, as stored
// (the source decompresses them and checks every block against its hash).
backup::BlockBuffer read_batch(const std::vector<backup::MapEntry>& batch, backup::PackCachePool& packs) {
    std::unique_ptr<backup::PackCache> cache = packs.take();
    struct GiveBack {
        backup::PackCachePool& pool;
        std::unique_ptr<backup::PackCache>& cache;
        ~GiveBack() { pool.give_back(std::move(cache)); }
    } give_back{packs, cache};
    struct Frame {
        std::uint64_t pack;
        backup::PackEntry entry;
    };
    std::vector<Frame> frames;
    std::vector<std::size_t> sizes;
    std::map<std::pair<std::uint64_t, std::uint64_t>, std::uint32_t> frame_numbers;  // (pack, offset) -> frame
    std::vector<wire::Wanted> wanted;
    for (const backup::MapEntry& e : batch) {
        backup::PackReader& pack = cache->get(e.loc.pack);
        const backup::PackEntry stored = pack.entry(e.loc.entry);
        if ((stored.flags & backup::kEntryDead) || stored.hash != e.hash)
            throw backup::Error(backup::Errc::corrupted, "block " + std::to_string(e.index) +
                                                             " is not in its pack as the block map says");
        auto [at, added] = frame_numbers.emplace(std::pair{e.loc.pack, stored.frame_off},
                                                 static_cast<std::uint32_t>(frames.size()));
        if (added) {
            frames.push_back(Frame{e.loc.pack, stored});
            sizes.push_back(backup::PackReader::raw_frame_size(stored));
        }
        wanted.push_back(wire::Wanted{e.index, at->second, stored.slot, e.hash});
    }
    // Asked of the cache again: a batch may span more packs than it keeps open.
    return wire::encode_restore_batch(sizes, wanted, [&](std::size_t i, std::uint8_t* to) {
        cache->get(frames[i].pack).read_frame_raw(frames[i].entry, to);
    });
}

// Blocks sent as a restore wants them: batches read, checked and
// compressed on the pool's threads, sent in order (a few wait their turn at
// most), then an empty frame.
class BlockStreamer {
public:
    explicit BlockStreamer(const backup::Layout& layout) : pool_(kRestoreReaders), packs_(layout.store(), layout.packs()) {}
    ~BlockStreamer() {
        for (auto& f : ready_) f.wait();  // the tasks use `packs_`
    }

    // Every entry `next` gives (null at the end), in order.
    template <class Next>
    void stream(FramedChannel& channel, Next&& next) {
        for (;;) {
            auto batch = std::make_shared<std::vector<backup::MapEntry>>();
            while (batch->size() < kRestoreBlocksPerFrame) {
                const backup::MapEntry* e = next();
                if (!e) break;
                batch->push_back(*e);
            }
            if (batch->empty()) break;
            ready_.push_back(pool_.submit([batch, this] { return read_batch(*batch, packs_); }));
            while (ready_.size() > 2 * pool_.size()) send_oldest(channel);
        }
        while (!ready_.empty()) send_oldest(channel);
        send_data(channel, {});
    }

private:
    void send_oldest(FramedChannel& channel) {
        std::future<backup::BlockBuffer> f = std::move(ready_.front());
        ready_.pop_front();
        const backup::BlockBuffer batch = f.get();
        send_data(channel, std::string_view(reinterpret_cast<const char*>(batch.data()), batch.size()));
    }

    backup::ThreadPool pool_;
    backup::PackCachePool packs_;
    std::deque<std::future<backup::BlockBuffer>> ready_;
};

// A container's restore: its manifest as stored (the source checks it
// against the checksum in the reply), then every block it lists, in its
// order, numbered from 0.
void serve_tree_restore(FramedChannel& channel, const backup::Layout& layout, const std::string& id,
                        const backup::ElementReader& element) {
    const std::unique_ptr<backup::ManifestReader> manifest = element.tree();  // its checksum checked
    const std::unique_ptr<backup::ObjectReader> stored = element.tree_object();
    const std::uint64_t size = stored->size();
    send_reply(channel, id, result().add("tree_digest", backup::to_hex(element.meta().tree_digest))
                                .add_uint("tree_size", size).add_uint("bytes", element.meta().original_size));
    std::string chunk(kManifestPerFrame, '\0');
    for (std::uint64_t off = 0; off < size;) {
        const std::size_t n = stored->read_at(chunk.data(), std::min<std::uint64_t>(chunk.size(), size - off), off);
        if (n == 0) throw backup::Error(backup::Errc::corrupted, "backup " + element.meta().id() + ": manifest truncated");
        send_data(channel, std::string_view(chunk.data(), n));
        off += n;
    }
    send_data(channel, {});
    BlockStreamer streamer(layout);
    backup::MapEntry numbered;
    std::uint64_t sequence = 0;
    bool in_file = false;
    streamer.stream(channel, [&]() -> const backup::MapEntry* {
        for (;;) {
            if (in_file) {
                if (const backup::MapEntry* e = manifest->next_block()) {
                    numbered = *e;
                    numbered.index = sequence++;
                    return &numbered;
                }
            }
            const backup::TreeNode* n = manifest->next_node();
            if (!n) return nullptr;
            in_file = n->type == backup::NodeType::file;
        }
    });
}

// A restore: the element's disks asked for, each as frames of verified
// blocks, then an empty frame; or a container's tree.
void serve_restore(FramedChannel& channel, const backup::Layout& layout, const std::string& id,
                   const Record& call) {
    backup::ElementReader element(layout.storage, call.get("id"));
    const bool tree = element.meta().vm_type != backup::VmType::vm;
    if (tree != (call.find("tree") && call.get_bool("tree")))
        throw backup::Error(backup::Errc::vm_mismatch, "backup " + element.meta().id() +
                                                           (tree ? " is a container backup: give a directory"
                                                                 : " is a VM backup: name its disks"));
    if (tree) return serve_tree_restore(channel, layout, id, element);
    const std::vector<std::string> names = call.all("disk");
    std::vector<std::unique_ptr<backup::LayeredView>> views;
    Record answer = result();
    for (const std::string& name : names) {
        views.push_back(element.disk_view(name));
        for (const auto& d : element.meta().disks)
            if (d.name == name) answer.add("disk", Record("disk").add("name", name).add_uint("size", d.size).xml());
    }
    send_reply(channel, id, answer);
    BlockStreamer streamer(layout);
    backup::MapEntry taken;
    for (auto& view : views) {
        streamer.stream(channel, [&]() -> const backup::MapEntry* {
            const backup::MapEntry* e = view->peek();
            if (!e) return nullptr;
            taken = *e;
            view->pop();
            return &taken;
        });
    }
}

void run(FramedChannel& channel, std::shared_ptr<backup::Storage> storage, std::string& id, const Record& call) {
    // Opening makes the repository if it is new, and clears what an
    // operation that died there left behind.
    auto repository = backup::Repository::open(storage);
    const backup::Layout layout{std::move(storage)};
    const std::string& op = call.op();
    if (op == "create") return receive(channel, layout, id, call);
    if (op == "restore") return serve_restore(channel, layout, id, call);
    Record answer = result();
    if (op == "list") {
        for (const auto& vm : repository->list()) answer.add("vm", remote::encode(vm).xml());
    } else if (op == "read_config") {
        if (auto config = repository->read_config(call.get("id"))) answer.add("config", *config);
    } else if (op == "remove") {
        repository->remove(call.get("id"), call.get_bool("keep_chain"));
    } else if (op == "remove_all") {
        repository->remove_all(call.get("vm_uuid"));
    } else {
        throw service::Error(service::Errc::unimplemented, "no backup node call '" + op + "'");
    }
    send_reply(channel, id, answer);
}

}  // namespace

void serve_backup_node(FramedChannel& channel, const remote::Packet& first, const BackupStorageOpener& default_storage,
                       bool admin, remote::PeerTimeouts peer) {
    const remote::ChannelWatch watch(channel, peer);
    std::string id = first.id;
    try {
        const Record call = Record::parse(first.data);
        if (call.element() != "call") throw service::Error(service::Errc::corrupt, "a backup node takes calls");
        if (!admin) throw service::Error(service::Errc::access_denied, "only an administrator may use the backup node");
        if (!default_storage) throw service::Error(service::Errc::unimplemented, "this prlshimd is no backup node");
        const std::string named = call.find("directory").value_or("");
        if (named.empty()) {
            run(channel, default_storage(), id, call);
        } else {
            const std::filesystem::path repository(named);
            if (!repository.is_absolute())
                throw service::Error(service::Errc::invalid_argument, "a backup directory must be an absolute path");
            run(channel, backup::open_directory_storage(repository.lexically_normal()), id, call);
        }
    } catch (...) {
        try {
            send_reply(channel, id, remote::current_error_record());
        } catch (...) {
            // The connection is gone: nobody to tell.
        }
    }
    // Until the source hangs up (or the watch cuts it off): a close with
    // the source's keepalives unread would reset the connection, and the
    // source could lose the end of what it was sent.
    try {
        while (channel.receive()) {
        }
    } catch (...) {
        // Reset or cut: the end either way.
    }
}

}  // namespace prl::daemon
