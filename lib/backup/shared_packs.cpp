#include "shared_packs.h"

#include "error.h"
#include "ids.h"
#include "index_maintenance.h"
#include "zstd_context.h"

#include <algorithm>
#include <map>
#include <unistd.h>
#include <zstd.h>

namespace prl::backup {

namespace {

constexpr int kZstdLevel = 1;
constexpr size_t kMaxPendingPerThread = 4;  // frames queued per worker (256 KiB each)
// A location is remembered as slot * kEntriesPerPack + entry in 32 bits.
constexpr size_t kMaxSlots = (UINT32_MAX - 1) / kEntriesPerPack;

// Which repository: its storage and where its packs go.
std::string repository_key(const Layout& layout, bool compress) {
    return layout.store().identity() + '\n' + layout.packs() + (compress ? "\nz" : "\nraw");
}

}  // namespace

std::shared_ptr<SharedPacks> SharedPacks::acquire(const Layout& layout, bool compress) {
    static std::mutex registry_mu;
    static std::map<std::string, std::weak_ptr<SharedPacks>> registry;
    const std::string key = repository_key(layout, compress);
    auto live = [&]() -> std::shared_ptr<SharedPacks> {
        for (auto it = registry.begin(); it != registry.end();)  // forget the dead
            it = it->second.expired() ? registry.erase(it) : std::next(it);
        auto found = registry.find(key);
        std::shared_ptr<SharedPacks> p = found == registry.end() ? nullptr : found->second.lock();
        // One a forked child inherited has no pool threads and may hold a
        // locked mutex: the child starts afresh.
        if (!p || p->owner_ != ::getpid()) return nullptr;
        std::lock_guard<std::mutex> in(p->mu_);
        return p->broken_ || p->retired_ ? nullptr : p;
    };
    {
        std::lock_guard<std::mutex> lk(registry_mu);
        if (auto p = live()) return p;
    }
    // Opening the index may take a while (it indexes packs no run covers):
    // not under the registry's lock, which other repositories need too.
    auto fresh = std::make_shared<SharedPacks>(layout, compress);
    std::lock_guard<std::mutex> lk(registry_mu);
    if (auto p = live()) return p;  // another writer made one meanwhile
    registry[key] = fresh;
    return fresh;
}

SharedPacks::SharedPacks(const Layout& layout, bool compress)
    : storage_(layout.storage), dir_(layout.packs()), compress_(compress), pool_(ThreadPool::default_threads()),
      index_(open_block_index(layout)) {}

SharedPacks::~SharedPacks() {
    // Tasks reference frames and packs we own: let them finish before anything is freed.
    for (auto& p : pending_)
        if (p.done.valid()) p.done.wait();
}

void SharedPacks::check_usable() const {
    if (broken_) throw Error(Errc::io_error, "an earlier write to the repository's packs failed");
}

void SharedPacks::compress_and_write(Frame& f, bool compress) {
    const auto nblocks = static_cast<uint32_t>(f.hashes.size());
    if (f.made) {
        f.pack->write_frame(f.out.data(), static_cast<uint32_t>(f.out.size()), f.compressed, f.hashes.data(),
                            f.first_entry, nblocks);
        f.written = static_cast<uint32_t>(f.out.size());
        return;
    }
    if (compress) {
        f.out.resize(ZSTD_compressBound(f.data.size()));
        const size_t n = ZSTD_compressCCtx(thread_zstd_cctx(), f.out.data(), f.out.size(), f.data.data(), f.data.size(), kZstdLevel);
        if (ZSTD_isError(n)) throw Error(Errc::io_error, std::string("zstd: ") + ZSTD_getErrorName(n));
        if (n < f.data.size()) {
            f.pack->write_frame(f.out.data(), static_cast<uint32_t>(n), true, f.hashes.data(), f.first_entry, nblocks);
            f.written = static_cast<uint32_t>(n);
            return;
        }
    }
    // Incompressible (or compression off): store the raw bytes.
    f.pack->write_frame(f.data.data(), static_cast<uint32_t>(f.data.size()), false, f.hashes.data(), f.first_entry, nblocks);
    f.written = static_cast<uint32_t>(f.data.size());
}

std::unique_ptr<SharedPacks::Frame> SharedPacks::new_frame() {
    std::unique_ptr<Frame> f;
    if (!spare_.empty()) {
        f = std::move(spare_.back());
        spare_.pop_back();
        f->data.clear();
        f->hashes.clear();
        f->owners.clear();
        f->seal_count = 0;
        f->made = false;
        f->written = 0;
    } else {
        f = std::make_unique<Frame>();
        f->data.reserve(size_t(kBlocksPerFrame) * kBlockSize);
        f->hashes.reserve(kBlocksPerFrame);
    }
    f->pack = slots_.back().pack.get();
    f->first_entry = assigned_;
    return f;
}

std::optional<BlockLocation> SharedPacks::known(const Digest& h) const {
    const IndexKey key = index_key_of(h);
    if (auto at = written_.find(key)) return BlockLocation{slots_[*at / kEntriesPerPack].pack->id(), *at % kEntriesPerPack};
    return index_->find(key);
}

std::optional<BlockLocation> SharedPacks::find(const Digest& h) const {
    std::lock_guard<std::mutex> lk(mu_);
    check_usable();
    return known(h);
}

void SharedPacks::start_pack_if_full() {
    if (!slots_.empty() && assigned_ < kEntriesPerPack) return;
    slots_.push_back(Slot{std::make_unique<PackWriter>(*storage_, dir_, random_u64())});
    assigned_ = 0;
}

// Session `s` put `blocks` blocks into frame `f` of the last slot's pack.
void SharedPacks::note(Session& s, Frame& f, uint32_t blocks) {
    const size_t slot = slots_.size() - 1;
    if (s.touched.empty() || s.touched.back() != slot) s.touched.push_back(slot);
    if (!f.owners.empty() && f.owners.back().first == s.stored) f.owners.back().second += blocks;
    else f.owners.emplace_back(s.stored, blocks);
}

void SharedPacks::remember(const Digest& h, size_t slot, uint32_t entry) {
    if (slot >= kMaxSlots || !written_.insert(index_key_of(h), static_cast<uint32_t>(slot * kEntriesPerPack + entry)))
        retired_ = true;  // it still works; it just forgets, so new operations start afresh
}

BlockLocation SharedPacks::put(Session& s, const Digest& h, const uint8_t* block) {
    std::lock_guard<std::mutex> lk(mu_);
    check_usable();
    if (auto at = known(h)) return *at;
    start_pack_if_full();
    if (!frame_) frame_ = new_frame();
    const BlockLocation loc{slots_.back().pack->id(), assigned_};
    remember(h, slots_.size() - 1, assigned_++);
    frame_->data.insert(frame_->data.end(), block, block + kBlockSize);
    frame_->hashes.push_back(h);
    note(s, *frame_, 1);
    if (assigned_ == kEntriesPerPack) frame_->seal_count = assigned_;
    if (frame_->hashes.size() == kBlocksPerFrame || frame_->seal_count) close_frame();
    return loc;
}

std::optional<BlockLocation> SharedPacks::put_frame(Session& s, const uint8_t* payload, uint32_t len, bool compressed,
                                                    const Digest* hashes, uint32_t n) {
    if (n == 0 || n > kBlocksPerFrame) throw Error(Errc::invalid_argument, "a frame of " + std::to_string(n) + " blocks");
    std::lock_guard<std::mutex> lk(mu_);
    check_usable();
    for (uint32_t i = 0; i < n; ++i)
        if (known(hashes[i])) return std::nullopt;
    start_pack_if_full();
    if (kEntriesPerPack - assigned_ < n) return std::nullopt;
    close_frame();  // the frame being filled keeps its entries before these
    frame_ = new_frame();
    frame_->made = true;
    frame_->compressed = compressed;
    frame_->out.assign(payload, payload + len);
    frame_->hashes.assign(hashes, hashes + n);
    note(s, *frame_, n);
    const BlockLocation first{slots_.back().pack->id(), assigned_};
    for (uint32_t i = 0; i < n; ++i) remember(hashes[i], slots_.size() - 1, assigned_++);
    if (assigned_ == kEntriesPerPack) frame_->seal_count = assigned_;
    close_frame();
    return first;
}

void SharedPacks::close_frame() {
    if (!frame_) return;
    Pending p;
    p.frame = std::move(frame_);
    Frame* f = p.frame.get();
    const bool compress = compress_;
    p.done = pool_.submit([f, compress] { compress_and_write(*f, compress); });
    pending_.push_back(std::move(p));
    drain(kMaxPendingPerThread * pool_.size());
}

void SharedPacks::drain(size_t keep) {
    while (pending_.size() > keep) {
        Pending& p = pending_.front();
        try {
            p.done.get();  // rethrows a compression or write failure
            // Frames complete in order here, so a pack's last frame means the pack is whole.
            if (p.frame->seal_count) p.frame->pack->seal(p.frame->seal_count);
        } catch (...) {
            broken_ = true;
            throw;
        }
        Frame& f = *p.frame;
        const uint64_t blocks = f.hashes.size();
        for (const auto& [stored, count] : f.owners)
            *stored += uint64_t(f.written) * count / blocks + count * sizeof(PackEntry);
        spare_.push_back(std::move(p.frame));
        pending_.pop_front();
    }
}

// Seals the pack being filled, so that every block put so far is in a whole pack.
void SharedPacks::seal_current() {
    close_frame();
    drain(0);
    if (slots_.empty() || slots_.back().pack->sealed()) return;
    try {
        slots_.back().pack->seal(assigned_);
    } catch (...) {
        broken_ = true;
        throw;
    }
    assigned_ = kEntriesPerPack;  // the next block starts a new pack
}

void SharedPacks::finish(Session& s) {
    std::vector<Slot*> mine;
    std::unique_lock<std::mutex> lk(mu_);
    check_usable();
    seal_current();
    // Its blocks, and those of others it found here, are in these packs.
    s.depends_on = slots_.size();
    for (size_t i = 0; i < s.depends_on; ++i)
        if (!slots_[i].synced && !slots_[i].syncing) {
            slots_[i].syncing = true;
            mine.push_back(&slots_[i]);
        }
    // Outside the lock, so that others go on storing meanwhile: sealed
    // packs take no more writes.
    lk.unlock();
    bool failed = false;
    try {
        for (Slot* slot : mine) slot->pack->sync();
    } catch (...) {
        failed = true;
    }
    lk.lock();
    for (Slot* slot : mine) {
        slot->syncing = false;
        slot->synced = !failed;
    }
    if (failed) broken_ = true;
    synced_.notify_all();
    // Those another session is syncing.
    synced_.wait(lk, [&] {
        if (broken_) return true;
        for (size_t i = 0; i < s.depends_on; ++i)
            if (!slots_[i].synced) return false;
        return true;
    });
    check_usable();
}

SharedPacks::Visible SharedPacks::make_visible(const Session& s) {
    Visible v;
    {
        std::lock_guard<std::mutex> lk(mu_);
        check_usable();
        for (size_t i = 0; i < s.depends_on; ++i) {
            Slot& slot = slots_[i];
            if (slot.visible) continue;
            if (!slot.synced) throw Error(Errc::io_error, "a pack is not durable yet");  // finish() comes first
            slot.pack->commit();
            slot.visible = true;
            v.made.push_back(slot.pack->id());
            v.orphans = v.orphans || slot.orphans;
        }
    }
    // Whoever renamed them, their names are durable before anything refers to them.
    if (s.depends_on > 0) storage_->sync_directory(dir_);
    return v;
}

bool SharedPacks::abandon(const Session& s) {
    std::lock_guard<std::mutex> lk(mu_);
    bool in_visible = false;
    for (size_t i : s.touched) {
        slots_[i].orphans = true;
        in_visible = in_visible || slots_[i].visible;
    }
    return in_visible;
}

}  // namespace prl::backup
