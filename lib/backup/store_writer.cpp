#include "store_writer.h"

#include "error.h"

#include <cstring>
#include <zstd.h>

namespace prl::backup {

namespace {

constexpr int kZstdLevel = 1;

struct CctxDeleter {
    void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

ZSTD_CCtx* thread_cctx() {
    thread_local std::unique_ptr<ZSTD_CCtx, CctxDeleter> ctx(ZSTD_createCCtx());
    if (!ctx) throw std::bad_alloc();
    return ctx.get();
}

}  // namespace

StoreWriter::StoreWriter(const fs::path& packs_dir, ThreadPool& pool, bool compress, DedupIndex& index)
    : dir_(packs_dir), pool_(pool), compress_(compress), index_(index) {}

StoreWriter::~StoreWriter() {
    // Tasks reference frames we own: let them finish before anything is freed.
    for (auto& p : pending_)
        if (p.done.valid()) p.done.wait();
}

void StoreWriter::compress(Frame& f) {
    f.out.resize(ZSTD_compressBound(f.data.size()));
    const size_t n = ZSTD_compressCCtx(thread_cctx(), f.out.data(), f.out.size(), f.data.data(), f.data.size(), kZstdLevel);
    if (ZSTD_isError(n)) throw Error(Errc::io_error, std::string("zstd: ") + ZSTD_getErrorName(n));
    if (n < f.data.size()) {
        f.out.resize(n);
        f.compressed = true;
    } else {
        f.out.clear();  // incompressible: store the raw bytes
    }
}

BlockLocation StoreWriter::put(const Digest& h, const uint8_t* block) {
    if (auto known = index_.find(h)) return *known;
    if (packs_.empty() || assigned_ == kEntriesPerPack) {
        packs_.push_back(std::make_unique<PackWriter>(dir_, random_u64()));
        assigned_ = 0;
    }
    if (!frame_) {
        frame_ = std::make_unique<Frame>();
        frame_->pack = packs_.back().get();
        frame_->data.reserve(size_t(kBlocksPerFrame) * kBlockSize);
    }
    const BlockLocation loc{packs_.back()->id(), assigned_++};
    frame_->data.insert(frame_->data.end(), block, block + kBlockSize);
    frame_->hashes.push_back(h);
    index_.insert(h, loc);
    ++new_blocks_;
    if (frame_->hashes.size() == kBlocksPerFrame) {
        if (assigned_ == kEntriesPerPack) frame_->last_of_pack = true;
        close_frame();
    }
    return loc;
}

void StoreWriter::close_frame() {
    if (!frame_) return;
    Pending p;
    p.frame = std::move(frame_);
    if (compress_) {
        Frame* f = p.frame.get();
        p.done = pool_.submit([f] { compress(*f); });
    }
    pending_.push_back(std::move(p));
    drain(2 * pool_.size() + 2);
}

void StoreWriter::drain(size_t keep) {
    while (pending_.size() > keep) {
        Pending& p = pending_.front();
        if (p.done.valid()) p.done.get();  // rethrows a compression failure
        Frame& f = *p.frame;
        const bool raw = f.out.empty();
        const uint8_t* payload = raw ? f.data.data() : f.out.data();
        const auto len = static_cast<uint32_t>(raw ? f.data.size() : f.out.size());
        f.pack->append_frame(payload, len, !raw, f.hashes.data(), static_cast<uint32_t>(f.hashes.size()));
        if (f.last_of_pack) stored_bytes_ += f.pack->finish();
        pending_.pop_front();
    }
}

void StoreWriter::finish() {
    if (frame_) frame_->last_of_pack = true;
    close_frame();
    drain(0);
    if (!packs_.empty() && !packs_.back()->finished()) stored_bytes_ += packs_.back()->finish();
}

void StoreWriter::commit() {
    for (auto& p : packs_) p->commit();
    if (!packs_.empty()) fsync_dir(dir_);
}

}  // namespace prl::backup
