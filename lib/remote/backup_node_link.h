// The source's side of a backup node conversation, shared by its VM and
// container halves (backup_node_client.cpp, backup_node_tree.cpp): the
// link to the node, and the sink that sends a run of block changes.
// Internal to lib/remote.
#pragma once
#include "backup_node_client.h"
#include "backup_node_protocol.h"
#include "channel_watch.h"
#include "dial.h"
#include "sockets.h"

#include "backup/disk_image.h"
#include "backup/node_wire.h"
#include "backup/thread_pool.h"
#include "store/error.h"

#include <future>
#include <memory>

namespace prl::remote::backup_node {

namespace wire = backup::node_wire;

// A connection of its own for one operation, logged in with the session,
// and watched (channel_watch.h): the operation's `cancel` and a node gone
// silent cut it.
class NodeLink {
public:
    // Runs `body`, the link's whole use; a failure after the watch cut the
    // connection is told as what it was: a cancel, or a node gone silent.
    template <class F>
    decltype(auto) guarded(F&& body) {
        try {
            return body();
        } catch (...) {
            switch (watch_.cut()) {
                case ChannelWatch::Cut::cancelled:
                    throw backup::Error(backup::Errc::cancelled, "operation cancelled");
                case ChannelWatch::Cut::silent:
                    throw service::Error(service::Errc::connection_lost,
                                         "the backup node " + node_ + " said nothing for " +
                                             std::to_string(watch_.timeouts().silence.count() / 1000) + " s");
                case ChannelWatch::Cut::none:
                    break;
            }
            throw;
        }
    }
    explicit NodeLink(const BackupNodeAddress& a, const std::atomic<bool>* cancel = nullptr)
        : node_(a.host + ":" + std::to_string(a.port ? a.port : default_port)),
          directory_(a.directory),
          channel_(tls_connect(connect_tcp(a.host, a.port ? a.port : default_port, a.timeout), a.host,
                               a.port ? a.port : default_port, a.trust, a.timeout)),
          watch_(channel_, a.peer, cancel) {
        guarded([&] {
            Record login("login");
            login.add("session", a.session).add("purpose", kTarget);
            channel_.send(FrameKind::control,
                          packet_xml(Packet{"login", protocol_version, false, false, "login", "", login.xml()}));
            receive_reply(channel_);
        });
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

    // Past the last point where the operation honours a cancel.
    void stop_honouring_cancel() { watch_.stop_honouring_cancel(); }

private:
    std::string node_, directory_;
    FramedChannel channel_;
    ChannelWatch watch_;  // after the channel it watches
    bool first_sent_ = false;
};

// A disk's block state in a file (node_wire Present entries).
struct ViewState {
    backup::UniqueFd fd;
    std::uint64_t size = 0;
};

// The changes of one disk, or a container's whole tree, sent in batches:
// the node answers which blocks it lacks, and only those travel,
// compressed. A tree's batches carry its nodes too, between the blocks of
// its files (node_wire.h), so small files share an exchange.
class NodeSink final : public backup::BlockSink {
public:
    // A disk's. Every change sent is also written to `record` when there
    // is one (for the view kept after the commit).
    NodeSink(NodeLink& link, std::size_t disk, bool compress, ViewState* record, backup::ThreadPool& pool)
        : link_(link), call_(Record("call", "changes").add_uint("disk", disk)), compress_(compress), record_(record),
          pool_(pool) {}
    // A tree's.
    NodeSink(NodeLink& link, bool compress, backup::ThreadPool& pool)
        : link_(link), call_("call", "tree_batch"), tree_(true), compress_(compress), record_(nullptr), pool_(pool) {}
    ~NodeSink() {
        if (sending_.valid()) sending_.wait();
    }

    void block(std::uint64_t index, const backup::Digest& hash, const std::uint8_t* data) override {
        filling_->changes.push_back(wire::Change{index, false, hash});
        if (tree_) wire::append_tree_change(filling_->tree, index, hash);
        filling_->data.insert(filling_->data.end(), data, data + backup::kBlockSize);
        if (filling_->changes.size() == wire::kMaxBlocksPerBatch) flush();
    }
    void zero(std::uint64_t index) override {
        filling_->changes.push_back(wire::Change{index, true, {}});
        if (filling_->changes.size() == wire::kMaxBlocksPerBatch) flush();
    }
    // The next node of a tree; its blocks, if a file, follow. `same`: a
    // file unchanged since the element before, whose blocks the node has.
    void node(const backup::TreeNode& n, bool same = false) {
        const std::size_t before = filling_->tree.size();
        if (same) wire::append_tree_same(filling_->tree, n);
        else wire::append_tree_node(filling_->tree, n);
        filling_->node_bytes += filling_->tree.size() - before;
        if (filling_->node_bytes > wire::kMaxTreeNodeBytes - 16384) flush();  // a node is at most ~8 KiB
    }

    // Hands the batch being filled to a thread of its own to send, so the
    // disk is read and hashed on while the node answers: one batch travels
    // while the next fills. A failure of the last send is thrown here.
    void flush() {
        if (sending_.valid()) sending_.get();
        if (filling_->changes.empty() && filling_->tree.empty()) return;
        std::swap(filling_, sent_);
        filling_->changes.clear();
        filling_->data.clear();
        filling_->tree.clear();
        filling_->node_bytes = 0;
        sending_ = std::async(std::launch::async, [this] { send(*sent_); });
    }
    // Everything sent and answered.
    void finish() {
        flush();
        if (sending_.valid()) sending_.get();
    }

private:
    struct Batch {
        std::vector<wire::Change> changes;
        std::vector<std::uint8_t> data;  // the blocks of the non-zero changes, in order
        std::string tree;                // a tree's records: its nodes and changes, in order
        std::size_t node_bytes = 0;
    };

    void send(Batch& b) {
        const std::string encoded = tree_ ? std::move(b.tree) : wire::encode_changes(b.changes);
        send_call(link_.channel(), call_);
        send_data(link_.channel(), encoded);
        if (record_) {
            backup::pwrite_all(record_->fd.get(), encoded.data(), encoded.size(), record_->size, "the changes sent");
            record_->size += encoded.size();
        }
        const Record answer = receive_reply(link_.channel());
        const std::vector<bool> missing = wire::decode_bitmap(answer.get("missing"), b.changes.size());
        std::size_t next = 0, wanted = 0;
        for (std::size_t i = 0; i < b.changes.size(); ++i) {
            if (b.changes[i].zero) continue;
            if (missing[i]) {
                if (wanted != next)
                    std::copy_n(b.data.data() + next * backup::kBlockSize, backup::kBlockSize,
                                b.data.data() + wanted * backup::kBlockSize);
                ++wanted;
            }
            ++next;
        }
        if (wanted) link_.channel().send_parts(FrameKind::data, compressed(b.data.data(), wanted));
    }

    // `n` blocks, in groups compressed on the pool's threads (sent as one frame).
    std::vector<std::string> compressed(const std::uint8_t* blocks, std::size_t n) {
        std::vector<std::future<std::string>> parts;
        for (std::size_t first = 0; first < n; first += wire::kBlocksPerGroup) {
            const std::uint8_t* data = blocks + first * backup::kBlockSize;
            const std::size_t count = std::min<std::size_t>(wire::kBlocksPerGroup, n - first);
            parts.push_back(pool_.submit([data, count, c = compress_] { return wire::encode_blocks(data, count, c); }));
        }
        for (auto& p : parts) p.wait();  // all done with the blocks before any failure is thrown
        std::vector<std::string> out;
        for (auto& p : parts) out.push_back(p.get());
        return out;
    }

    NodeLink& link_;
    Record call_;
    bool tree_ = false;
    bool compress_;
    ViewState* record_;
    backup::ThreadPool& pool_;
    std::unique_ptr<Batch> filling_ = std::make_unique<Batch>(), sent_ = std::make_unique<Batch>();
    std::future<void> sending_;
};

}  // namespace prl::remote::backup_node
