#include "block_hashes.h"

#include "backup/thread_pool.h"
#include "platform/unique_fd.h"
#include "store/error.h"
#include "store/shared_extents.h"

#include <algorithm>
#include <cerrno>
#include <future>
#include <map>
#include <memory>
#include <mutex>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace prl::service {
namespace fs = std::filesystem;
namespace {

// Which blocks hold any data extent (the others are holes: all zero).
std::vector<bool> data_blocks(int fd, std::uint64_t size, std::uint32_t g, std::uint64_t count) {
    std::vector<bool> data(count, false);
    off_t pos = 0;
    const off_t end = static_cast<off_t>(size);
    while (pos < end) {
        off_t start = ::lseek(fd, pos, SEEK_DATA);
        if (start < 0) {
            if (errno == ENXIO) break;  // no data after pos
            std::fill(data.begin(), data.end(), true);  // no SEEK_DATA: read everything
            return data;
        }
        if (start >= end) break;
        off_t stop = ::lseek(fd, start, SEEK_HOLE);
        if (stop < 0 || stop > end) stop = end;
        const std::uint64_t first = static_cast<std::uint64_t>(start) / g;
        const std::uint64_t last = (static_cast<std::uint64_t>(stop) + g - 1) / g;
        for (std::uint64_t b = first; b < last && b < count; ++b) data[b] = true;
        pos = stop;
    }
    return data;
}

constexpr std::uint64_t kRunBlocks = 16;  // one pread covers up to 16 neighbouring blocks

platform::UniqueFd open_image(const fs::path& image) {
    platform::UniqueFd fd(::open(image.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) throw_errno("open " + image.string(), errno);
    return fd;
}

void read_fully(int fd, unsigned char* buf, std::uint64_t want, std::uint64_t offset, const fs::path& image) {
    std::uint64_t got = 0;
    while (got < want) {
        ssize_t k = ::pread(fd, buf + got, want - got, static_cast<off_t>(offset + got));
        if (k < 0) {
            if (errno == EINTR) continue;
            throw_errno("read " + image.string(), errno);
        }
        if (k == 0) {  // shorter than expected: the rest reads as zero
            std::fill(buf + got, buf + want, 0);
            return;
        }
        got += static_cast<std::uint64_t>(k);
    }
}

void write_fully(int fd, const unsigned char* buf, std::uint64_t n, std::uint64_t offset, const fs::path& image) {
    for (std::uint64_t done = 0; done < n;) {
        ssize_t w = ::pwrite(fd, buf + done, n - done, static_cast<off_t>(offset + done));
        if (w < 0) {
            if (errno == EINTR) continue;
            throw_errno("write copy of " + image.string(), errno);
        }
        done += static_cast<std::uint64_t>(w);
    }
}

// Reads every block marked in `wanted` (runs of neighbours with one pread, on
// every core), hashes it into out[b] and, when `copy` is open, writes it there
// at the same offset. Blocks not marked are left as they are.
void hash_marked(int in, int copy, const fs::path& image, std::uint64_t size, std::uint32_t g,
                 const std::vector<bool>& wanted, std::vector<BlockDigest>& out) {
    const std::uint64_t count = wanted.size();
    std::vector<std::pair<std::uint64_t, std::uint64_t>> runs;  // first block, block count
    for (std::uint64_t b = 0; b < count;) {
        if (!wanted[b]) {
            ++b;
            continue;
        }
        std::uint64_t e = b;
        while (e < count && wanted[e] && e - b < kRunBlocks) ++e;
        runs.emplace_back(b, e - b);
        b = e;
    }
    if (runs.empty()) return;

    const unsigned threads = static_cast<unsigned>(
        std::min<std::size_t>(backup::ThreadPool::default_threads(), runs.size()));
    auto work = [&](unsigned part) {
        backup::Sha256 sha;
        std::unique_ptr<unsigned char[]> buf(new unsigned char[kRunBlocks * g]);
        for (std::size_t r = part; r < runs.size(); r += threads) {
            const auto [first, n] = runs[r];
            const std::uint64_t offset = first * g;
            const std::uint64_t want = std::min<std::uint64_t>(n * g, size - offset);
            read_fully(in, buf.get(), want, offset, image);
            if (copy >= 0) write_fully(copy, buf.get(), want, offset, image);
            for (std::uint64_t i = 0; i < n; ++i) {
                const std::uint64_t b = first + i;
                out[b] = sha.digest(buf.get() + i * g, std::min<std::uint64_t>(g, size - b * g));
            }
        }
    };
    if (threads <= 1) {
        work(0);
        return;
    }
    backup::ThreadPool pool(threads);
    std::vector<std::future<void>> done;
    for (unsigned t = 0; t < threads; ++t) done.push_back(pool.submit([&, t] { work(t); }));
    for (auto& f : done) f.get();
}

std::uint64_t block_count(std::uint64_t size, std::uint32_t g) {
    if (g == 0) throw Error(Errc::invalid_argument, "granularity 0");
    return (size + g - 1) / g;
}

// Holes get the zero block's hash; the data blocks are left to the caller.
std::vector<BlockDigest> zero_hashes_of_holes(const std::vector<bool>& data, std::uint64_t size, std::uint32_t g) {
    std::vector<BlockDigest> out(data.size());
    for (std::uint64_t b = 0; b < data.size(); ++b)
        if (!data[b]) out[b] = zero_block_digest(static_cast<std::uint32_t>(std::min<std::uint64_t>(g, size - b * g)));
    return out;
}

}  // namespace

BlockDigest zero_block_digest(std::uint32_t length) {
    static std::mutex mutex;
    static std::map<std::uint32_t, BlockDigest> cache;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = cache.find(length);
    if (it != cache.end()) return it->second;
    std::vector<unsigned char> zeros(length, 0);
    backup::Sha256 sha;
    BlockDigest d = sha.digest(zeros.data(), zeros.size());
    if (cache.size() < 64) cache.emplace(length, d);
    return d;
}

std::vector<BlockDigest> hash_blocks(const fs::path& image, std::uint64_t size, std::uint32_t g) {
    const std::uint64_t count = block_count(size, g);
    platform::UniqueFd fd = open_image(image);
    const std::vector<bool> data = data_blocks(fd.get(), size, g, count);
    std::vector<BlockDigest> out = zero_hashes_of_holes(data, size, g);
    hash_marked(fd.get(), -1, image, size, g, data, out);
    return out;
}

HashedClone clone_and_hash(const fs::path& image, const fs::path& view, std::uint32_t g) {
    if (g == 0) throw Error(Errc::invalid_argument, "granularity 0");
    HashedClone result;
    result.method = clone_file_with(image, view, [&](int in, int out, off_t size) {
        const std::uint64_t bytes = static_cast<std::uint64_t>(size);
        if (::ftruncate(out, size) != 0) throw_errno("truncate " + view.string(), errno);
        const std::vector<bool> data = data_blocks(in, bytes, g, block_count(bytes, g));
        result.hashes = zero_hashes_of_holes(data, bytes, g);
        hash_marked(in, out, image, bytes, g, data, result.hashes);
    });
    struct stat st {};
    if (::stat(view.c_str(), &st) != 0) throw_errno("stat " + view.string(), errno);
    result.size = static_cast<std::uint64_t>(st.st_size);
    return result;
}

std::vector<BlockDigest> hash_blocks_since(const fs::path& image, std::uint64_t size, std::uint32_t g,
                                           const fs::path& base, const std::vector<BlockDigest>& base_hashes) {
    const std::uint64_t count = block_count(size, g);
    platform::UniqueFd fd = open_image(image);
    platform::UniqueFd base_fd = open_image(base);
    struct stat st {};
    if (::fstat(base_fd.get(), &st) != 0) throw_errno("stat " + base.string(), errno);
    // Another size: its last block hashed other bytes; read everything.
    if (static_cast<std::uint64_t>(st.st_size) != size || base_hashes.size() != count) return hash_blocks(image, size, g);
    std::vector<bool> wanted = data_blocks(fd.get(), size, g, count);
    std::vector<BlockDigest> out = zero_hashes_of_holes(wanted, size, g);
    const std::vector<bool> shared = blocks_sharing_extents(fd.get(), base_fd.get(), size, g);
    for (std::uint64_t b = 0; b < count; ++b) {
        if (wanted[b] && shared[b]) {
            out[b] = base_hashes[b];
            wanted[b] = false;
        }
    }
    hash_marked(fd.get(), -1, image, size, g, wanted, out);
    return out;
}

}  // namespace prl::service
