#include "chunk_reader.h"

#include "error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace prl::backup {

bool is_zero_block(const uint8_t* p) {
    // The first word decides most blocks; memcmp against itself shifted checks the rest fast.
    uint64_t w;
    std::memcpy(&w, p, 8);
    return w == 0 && std::memcmp(p, p + 8, kBlockSize - 8) == 0;
}

ChunkReader::ChunkReader(ThreadPool& pool, int fd, uint64_t size, std::string what)
    : pool_(pool), fd_(fd), size_(size), nblocks_(blocks_for(size)), what_(std::move(what)),
      max_inflight_(4 * pool.size() + 4) {
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);  // a hint for cold reads; failure is harmless
}

ChunkReader::~ChunkReader() {
    for (auto& it : queue_)
        if (it.done.valid()) it.done.wait();
}

bool ChunkReader::next_range(Range& r) {
    if (pos_ >= nblocks_) return false;
    if (pos_ >= data_end_) {
        // Find the next data extent at or after pos_.
        const auto byte = static_cast<off_t>(pos_ * kBlockSize);
        off_t data = byte;
        if (seek_works_) {
            data = ::lseek(fd_, byte, SEEK_DATA);
            if (data < 0) {
                if (errno == ENXIO) data = static_cast<off_t>(size_);  // only a hole remains
                else if (errno == EINVAL || errno == EOPNOTSUPP) { seek_works_ = false; data = byte; }
                else throw_errno(errno, "seek " + what_);
            }
        }
        const uint64_t data_block = std::min<uint64_t>(static_cast<uint64_t>(data) / kBlockSize, nblocks_);
        if (data_block > pos_) {
            r = Range{pos_, data_block - pos_, true};
            pos_ = data_block;
            return true;
        }
        uint64_t hole = size_;
        if (seek_works_) {
            const off_t h = ::lseek(fd_, byte, SEEK_HOLE);
            if (h < 0) throw_errno(errno, "seek " + what_);
            hole = static_cast<uint64_t>(h);
        }
        data_end_ = std::min<uint64_t>(blocks_for(hole), nblocks_);
        if (data_end_ <= pos_) data_end_ = pos_ + 1;
    }
    const uint64_t n = std::min<uint64_t>(kChunkBlocks, data_end_ - pos_);
    r = Range{pos_, n, false};
    pos_ += n;
    return true;
}

void ChunkReader::read_and_hash(HashedChunk& c, int fd, uint64_t size, const std::string& what) {
    const uint64_t off = c.first_block * kBlockSize;
    const size_t want = static_cast<size_t>(std::min<uint64_t>(c.nblocks * kBlockSize, size - off));
    const size_t got = pread_upto(fd, c.data.data(), want, off, what);
    // A file that shrank while read reads as zeros past its new end.
    std::memset(c.data.data() + got, 0, c.data.size() - got);
    thread_local Sha256 sha;
    for (size_t i = 0; i < c.nblocks; ++i) {
        const uint8_t* b = c.block(i);
        c.zero[i] = is_zero_block(b) ? 1 : 0;
        if (!c.zero[i]) c.hashes[i] = sha.digest(b, kBlockSize);
    }
}

void ChunkReader::fill_queue() {
    Range r;
    while (queue_.size() < max_inflight_ && next_range(r)) {
        std::unique_ptr<HashedChunk> c;
        if (!free_.empty()) {
            c = std::move(free_.back());
            free_.pop_back();
        } else {
            c = std::make_unique<HashedChunk>();
        }
        c->first_block = r.first;
        c->nblocks = r.count;
        c->hole = r.hole;
        Item item;
        if (!r.hole) {
            c->data.resize(r.count * kBlockSize);
            c->hashes.resize(r.count);
            c->zero.resize(r.count);
            HashedChunk* p = c.get();
            const int fd = fd_;
            const uint64_t size = size_;
            const std::string* what = &what_;
            item.done = pool_.submit([p, fd, size, what] { read_and_hash(*p, fd, size, *what); });
        }
        item.chunk = std::move(c);
        queue_.push_back(std::move(item));
    }
}

const HashedChunk* ChunkReader::next() {
    if (current_) free_.push_back(std::move(current_));
    fill_queue();
    if (queue_.empty()) return nullptr;
    Item item = std::move(queue_.front());
    queue_.pop_front();
    if (item.done.valid()) item.done.get();
    current_ = std::move(item.chunk);
    fill_queue();  // keep the workers busy while the caller consumes this chunk
    return current_.get();
}

}  // namespace prl::backup
