#include "disk_image.h"

#include "chunk_reader.h"
#include "error.h"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace prl::backup {

std::unique_ptr<LayeredView> open_disk_view(const Chain& chain, uint32_t number, const std::string& name) {
    std::vector<const DiskRecord*> records;  // newest first
    for (uint32_t n = number; n != 0;) {
        const ElementMeta& m = chain.elements.at(n);
        const DiskRecord* rec = nullptr;
        for (const auto& d : m.disks)
            if (d.name == name) rec = &d;
        if (!rec) break;  // the disk did not exist here: newer maps are complete
        records.push_back(rec);
        n = m.parent;
    }
    if (records.empty()) return std::make_unique<LayeredView>();
    std::vector<std::unique_ptr<MapReader>> layers;
    for (auto it = records.rbegin(); it != records.rend(); ++it)
        layers.push_back(std::make_unique<MapReader>(chain.dir / (*it)->map_file, (*it)->map_digest,
                                                     "backup " + chain.uuid + " disk '" + name + "'"));
    return std::make_unique<LayeredView>(std::move(layers));
}

uint64_t backup_image(int fd, uint64_t size, LayeredView& parent, StoreWriter& store, MapWriter& map,
                      ThreadPool& pool, ProgressReporter& progress, const std::string& what) {
    ChunkReader reader(pool, fd, size, what);
    uint64_t changed = 0;
    auto zero_out = [&](uint64_t index) {
        MapEntry z;
        z.index = index;
        z.zero = true;
        map.add(z);
        ++changed;
    };
    // Blocks the parent had below `end` that we did not see as data are now zero.
    auto drop_parent_below = [&](uint64_t end) {
        while (const MapEntry* p = parent.peek()) {
            if (p->index >= end) break;
            zero_out(p->index);
            parent.pop();
        }
    };
    while (const HashedChunk* c = reader.next()) {
        progress.check_cancel();
        if (c->hole) {
            drop_parent_below(c->first_block + c->nblocks);
        } else {
            for (size_t i = 0; i < c->nblocks; ++i) {
                const uint64_t index = c->first_block + i;
                drop_parent_below(index);
                const MapEntry* p = parent.peek();
                const bool parent_has = p && p->index == index;
                if (c->zero[i]) {
                    if (parent_has) {
                        zero_out(index);
                        parent.pop();
                    }
                    continue;
                }
                if (parent_has && p->hash == c->hashes[i]) {
                    parent.pop();
                    continue;
                }
                if (parent_has) parent.pop();
                MapEntry e;
                e.index = index;
                e.hash = c->hashes[i];
                e.loc = store.put(e.hash, c->block(i));
                map.add(e);
                ++changed;
            }
        }
        const uint64_t start = c->first_block * kBlockSize;
        progress.add(std::min<uint64_t>(c->nblocks * kBlockSize, size - std::min(size, start)));
    }
    // Parent blocks past the new end vanish with the size (the view is cut there).
    return changed;
}

namespace {

// Collects consecutive restored blocks so each write(2) covers up to 1 MiB.
class RunWriter {
public:
    RunWriter(int fd, uint64_t size, std::string what) : fd_(fd), size_(size), what_(std::move(what)) {
        buf_.resize(size_t(kRun) * kBlockSize);
    }
    uint8_t* slot(uint64_t index) {
        if (n_ && (index != first_ + n_ || n_ == kRun)) flush();
        if (!n_) first_ = index;
        return buf_.data() + size_t(n_++) * kBlockSize;
    }
    void flush() {
        if (!n_) return;
        const uint64_t off = first_ * kBlockSize;
        const uint64_t len = std::min<uint64_t>(uint64_t(n_) * kBlockSize, size_ - off);
        pwrite_all(fd_, buf_.data(), static_cast<size_t>(len), off, what_);
        n_ = 0;
    }

private:
    static constexpr uint32_t kRun = 256;
    int fd_;
    uint64_t size_;
    std::string what_;
    std::vector<uint8_t> buf_;
    uint64_t first_ = 0;
    uint32_t n_ = 0;
};

}  // namespace

void restore_image(LayeredView& view, uint64_t size, int fd, PackCache& packs, ProgressReporter& progress,
                   const std::string& what) {
    if (::ftruncate(fd, static_cast<off_t>(size)) != 0) throw_errno(errno, "resize " + what);
    RunWriter out(fd, size, what);
    Sha256 sha;
    uint64_t last_reported = 0, count = 0;
    while (const MapEntry* e = view.peek()) {
        if ((++count & 255) == 0) progress.check_cancel();
        uint8_t* dst = out.slot(e->index);
        try {
            packs.get(e->loc.pack).read_block(e->loc.entry, e->hash, dst, sha);
        } catch (const Error& err) {
            if (err.code() == Errc::corrupted)
                throw Error(Errc::corrupted, what + ": block " + std::to_string(e->index) + ": " + err.what());
            throw;
        }
        const uint64_t pos = (e->index + 1) * kBlockSize;
        if (pos - last_reported >= (1u << 20)) {
            progress.add(pos - last_reported);
            last_reported = pos;
        }
        view.pop();
    }
    out.flush();
    progress.add(size > last_reported ? size - last_reported : 0);
    fsync_fd(fd, what);
}

}  // namespace prl::backup
