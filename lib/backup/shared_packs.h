// The packs that every write operation on one repository in this process
// fills together, so that a block two operations store at the same time is
// stored once (a backup node receives from many sources at once). One per
// repository and compression setting, alive while a StoreWriter uses it;
// each operation's StoreWriter is a session of it. It also holds the one
// dedup index and the one frame-writing pool those operations share.
//
// Packs stay "*.pack.tmp" until an operation commits. Its commit seals the
// pack being filled (blocks it refers to may be there, its own or another
// operation's), makes every pack up to that one durable and visible, and
// returns those it made visible for indexing.
// An operation that gives up may so leave blocks in a visible pack with
// nothing referencing them: the pack is marked, and whoever makes it (or
// made it) visible keeps its transaction marker, so that garbage collection
// reclaims them. Packs nobody committed are deleted with this object.
//
// A frame that fails to be written breaks the object for all its sessions
// (their lookups may point into that frame); later sessions get a new one.
// See docs/backup-engine.md, "Writers on one repository at once".
#pragma once
#include "block_index.h"
#include "layout.h"
#include "new_block_table.h"
#include "pack_file.h"
#include "thread_pool.h"

#include <condition_variable>
#include <deque>
#include <future>
#include <memory>
#include <mutex>

#include <unistd.h>

namespace prl::backup {

class SharedPacks {
public:
    // What one operation did with the packs, for what it owes at its end.
    struct Session {
        std::vector<size_t> touched;  // pack slots its blocks went into, ascending
        std::shared_ptr<std::atomic<uint64_t>> stored = std::make_shared<std::atomic<uint64_t>>(0);  // its bytes
        size_t depends_on = 0;        // after finish(): slots [0, this) hold every block it refers to
    };
    struct Visible {
        std::vector<uint64_t> made;  // ids of the packs this call made visible
        bool orphans = false;        // some of them hold blocks nothing will reference
    };

    // The object for `layout`'s repository with `compress`, shared with every
    // operation using it now, or a new one (its index opened from the store).
    static std::shared_ptr<SharedPacks> acquire(const Layout& layout, bool compress);
    SharedPacks(const Layout& layout, bool compress);
    ~SharedPacks();
    SharedPacks(const SharedPacks&) = delete;
    SharedPacks& operator=(const SharedPacks&) = delete;

    // Where the store, or any session, already has the block `h`.
    std::optional<BlockLocation> find(const Digest& h) const;
    // Stores the block unless it is known; its location either way.
    BlockLocation put(Session& s, const Digest& h, const uint8_t* block);
    // Stores `n` blocks (at most kBlocksPerFrame) as one frame already
    // made, checked against `hashes`; nullopt when one of them is known or
    // they do not fit in the pack being filled (the caller then puts them
    // one by one).
    std::optional<BlockLocation> put_frame(Session& s, const uint8_t* payload, uint32_t len, bool compressed,
                                           const Digest* hashes, uint32_t n);
    // Every block `s` stored is written, in a sealed, durable pack.
    void finish(Session& s);
    // Makes the packs `s` depends on visible (after finish()).
    Visible make_visible(const Session& s);
    // `s` will not commit: its blocks in packs not yet visible are orphans.
    // True when some are in packs already visible.
    bool abandon(const Session& s);

    const BlockIndex& index() const { return *index_; }

private:
    struct Slot {
        std::unique_ptr<PackWriter> pack;
        bool syncing = false;  // a session is making it durable, outside the lock
        bool synced = false, visible = false, orphans = false;
    };
    struct Frame {
        PackWriter* pack = nullptr;
        uint32_t first_entry = 0;
        uint32_t seal_count = 0;  // non-zero: the pack is full after this frame; seal it with this count
        std::vector<uint8_t> data;
        std::vector<Digest> hashes;
        std::vector<uint8_t> out;
        bool made = false;        // `out` is the frame's payload as it is to be written
        bool compressed = false;  // (when made) it is zstd-compressed
        uint32_t written = 0;     // bytes it took in its pack
        // Whose blocks it holds, in runs: their bytes are credited once written.
        std::vector<std::pair<std::shared_ptr<std::atomic<uint64_t>>, uint32_t>> owners;
    };
    struct Pending {
        std::unique_ptr<Frame> frame;
        std::future<void> done;
    };

    void check_usable() const;
    std::optional<BlockLocation> known(const Digest& h) const;  // under mu_
    void start_pack_if_full();
    void note(Session& s, Frame& f, uint32_t blocks);
    void remember(const Digest& h, size_t slot, uint32_t entry);
    void close_frame();
    void drain(size_t keep);
    void seal_current();
    static void compress_and_write(Frame& f, bool compress);
    std::unique_ptr<Frame> new_frame();

    std::shared_ptr<Storage> storage_;
    std::string dir_;
    bool compress_;
    ThreadPool pool_;
    std::unique_ptr<BlockIndex> index_;
    mutable std::mutex mu_;
    std::condition_variable synced_;  // a slot stopped syncing
    NewBlockTable written_;  // key -> slot * kEntriesPerPack + entry
    std::deque<Slot> slots_;
    uint32_t assigned_ = 0;  // entries handed out in the last slot's pack; kEntriesPerPack: it takes no more
    std::unique_ptr<Frame> frame_;
    std::deque<Pending> pending_;
    std::vector<std::unique_ptr<Frame>> spare_;  // recycled frame buffers
    const pid_t owner_ = ::getpid();  // the process that made it
    bool broken_ = false;   // a frame failed: no session may go on
    bool retired_ = false;  // its table is full: later operations get a fresh object
};

}  // namespace prl::backup
