#include "store_writer.h"

#include "error.h"

#include <cstring>
#include <zstd.h>

namespace prl::backup {

namespace {

constexpr int kZstdLevel = 1;
constexpr size_t kMaxPendingPerThread = 4;  // frames queued per worker (256 KiB each)

struct CctxDeleter {
    void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

ZSTD_CCtx* thread_cctx() {
    thread_local std::unique_ptr<ZSTD_CCtx, CctxDeleter> ctx(ZSTD_createCCtx());
    if (!ctx) throw std::bad_alloc();
    return ctx.get();
}

}  // namespace

StoreWriter::StoreWriter(Storage& storage, std::string packs_dir, ThreadPool& pool, bool compress, const BlockIndex* index)
    : storage_(storage), dir_(std::move(packs_dir)), pool_(pool), compress_(compress), index_(index) {}

StoreWriter::~StoreWriter() {
    // Tasks reference frames and packs we own: let them finish before anything is freed.
    for (auto& p : pending_)
        if (p.done.valid()) p.done.wait();
}

void StoreWriter::compress_and_write(Frame& f, bool compress) {
    const auto nblocks = static_cast<uint32_t>(f.hashes.size());
    if (f.made) {
        f.pack->write_frame(f.out.data(), static_cast<uint32_t>(f.out.size()), f.compressed, f.hashes.data(),
                            f.first_entry, nblocks);
        return;
    }
    if (compress) {
        f.out.resize(ZSTD_compressBound(f.data.size()));
        const size_t n = ZSTD_compressCCtx(thread_cctx(), f.out.data(), f.out.size(), f.data.data(), f.data.size(), kZstdLevel);
        if (ZSTD_isError(n)) throw Error(Errc::io_error, std::string("zstd: ") + ZSTD_getErrorName(n));
        if (n < f.data.size()) {
            f.pack->write_frame(f.out.data(), static_cast<uint32_t>(n), true, f.hashes.data(), f.first_entry, nblocks);
            return;
        }
    }
    // Incompressible (or compression off): store the raw bytes.
    f.pack->write_frame(f.data.data(), static_cast<uint32_t>(f.data.size()), false, f.hashes.data(), f.first_entry, nblocks);
}

std::unique_ptr<StoreWriter::Frame> StoreWriter::new_frame() {
    std::unique_ptr<Frame> f;
    if (!spare_.empty()) {
        f = std::move(spare_.back());
        spare_.pop_back();
        f->data.clear();
        f->hashes.clear();
        f->seal_count = 0;
        f->made = false;
    } else {
        f = std::make_unique<Frame>();
        f->data.reserve(size_t(kBlocksPerFrame) * kBlockSize);
        f->hashes.reserve(kBlocksPerFrame);
    }
    return f;
}

std::optional<BlockLocation> StoreWriter::find(const Digest& h) const {
    const IndexKey key = index_key_of(h);
    // New blocks fill pack after pack, kEntriesPerPack each: a sequence number is a location.
    if (auto seq = written_.find(key))
        return BlockLocation{packs_[*seq / kEntriesPerPack]->id(), *seq % kEntriesPerPack};
    if (index_) return index_->find(key);
    return std::nullopt;
}

BlockLocation StoreWriter::put(const Digest& h, const uint8_t* block) {
    if (auto known = find(h)) return *known;
    const IndexKey key = index_key_of(h);
    if (packs_.empty() || assigned_ == kEntriesPerPack) {
        packs_.push_back(std::make_unique<PackWriter>(storage_, dir_, random_u64()));
        assigned_ = 0;
    }
    if (!frame_) {
        frame_ = new_frame();
        frame_->pack = packs_.back().get();
        frame_->first_entry = assigned_;
    }
    const BlockLocation loc{packs_.back()->id(), assigned_++};
    frame_->data.insert(frame_->data.end(), block, block + kBlockSize);
    frame_->hashes.push_back(h);
    if (new_blocks_ < UINT32_MAX - 1) written_.insert(key, static_cast<uint32_t>(new_blocks_));
    ++new_blocks_;
    if (assigned_ == kEntriesPerPack) frame_->seal_count = assigned_;
    if (frame_->hashes.size() == kBlocksPerFrame || frame_->seal_count) close_frame();
    return loc;
}

std::optional<BlockLocation> StoreWriter::put_frame(const uint8_t* payload, uint32_t len, bool compressed,
                                                    const Digest* hashes, uint32_t n) {
    if (n == 0 || n > kBlocksPerFrame) throw Error(Errc::invalid_argument, "a frame of " + std::to_string(n) + " blocks");
    if (packs_.empty() || assigned_ == kEntriesPerPack) {
        packs_.push_back(std::make_unique<PackWriter>(storage_, dir_, random_u64()));
        assigned_ = 0;
    }
    if (kEntriesPerPack - assigned_ < n) return std::nullopt;
    close_frame();  // the frame being filled keeps its entries before these
    std::unique_ptr<Frame> f = new_frame();
    f->pack = packs_.back().get();
    f->first_entry = assigned_;
    f->made = true;
    f->compressed = compressed;
    f->out.assign(payload, payload + len);
    f->hashes.assign(hashes, hashes + n);
    const BlockLocation first{packs_.back()->id(), assigned_};
    // Entries given out in order, as put() does: sequence numbers stay locations.
    for (uint32_t i = 0; i < n; ++i, ++new_blocks_)
        if (new_blocks_ < UINT32_MAX - 1) written_.insert(index_key_of(hashes[i]), static_cast<uint32_t>(new_blocks_));
    assigned_ += n;
    if (assigned_ == kEntriesPerPack) f->seal_count = assigned_;
    frame_ = std::move(f);
    close_frame();
    return first;
}

void StoreWriter::close_frame() {
    if (!frame_) return;
    Pending p;
    p.frame = std::move(frame_);
    Frame* f = p.frame.get();
    const bool compress = compress_;
    p.done = pool_.submit([f, compress] { compress_and_write(*f, compress); });
    pending_.push_back(std::move(p));
    drain(kMaxPendingPerThread * pool_.size());
}

void StoreWriter::drain(size_t keep) {
    while (pending_.size() > keep) {
        Pending& p = pending_.front();
        p.done.get();  // rethrows a compression or write failure
        // Frames complete in order here, so a pack's last frame means the pack is whole.
        if (p.frame->seal_count) stored_bytes_ += p.frame->pack->seal(p.frame->seal_count);
        spare_.push_back(std::move(p.frame));
        pending_.pop_front();
    }
}

void StoreWriter::finish() {
    close_frame();
    drain(0);
    if (!packs_.empty() && !packs_.back()->sealed()) stored_bytes_ += packs_.back()->seal(assigned_);
    for (auto& p : packs_) p->sync();
}

std::vector<uint64_t> StoreWriter::pack_ids() const {
    std::vector<uint64_t> ids;
    for (const auto& p : packs_) ids.push_back(p->id());
    return ids;
}

void StoreWriter::commit() {
    for (auto& p : packs_) p->commit();
    if (!packs_.empty()) storage_.sync_directory(dir_);
}

}  // namespace prl::backup
