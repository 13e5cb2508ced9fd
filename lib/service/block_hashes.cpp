#include "block_hashes.h"

#include "backup/thread_pool.h"
#include "store/error.h"
#include "store/unique_fd.h"

#include <algorithm>
#include <cerrno>
#include <future>
#include <map>
#include <memory>
#include <mutex>

#include <fcntl.h>
#include <unistd.h>

namespace prl::service {
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

std::vector<BlockDigest> hash_blocks(const std::filesystem::path& image, std::uint64_t size,
                                     std::uint32_t g) {
    if (g == 0) throw Error(Errc::invalid_argument, "granularity 0");
    UniqueFd fd(::open(image.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) throw_errno("open " + image.string(), errno);
    const std::uint64_t count = (size + g - 1) / g;
    auto length_of = [&](std::uint64_t b) {
        return static_cast<std::uint32_t>(std::min<std::uint64_t>(g, size - b * g));
    };
    std::vector<BlockDigest> out(count);
    const std::vector<bool> data = data_blocks(fd.get(), size, g, count);

    // Runs of neighbouring data blocks, each read with one pread.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> runs;  // first block, block count
    for (std::uint64_t b = 0; b < count;) {
        if (!data[b]) {
            out[b] = zero_block_digest(length_of(b));
            ++b;
            continue;
        }
        std::uint64_t e = b;
        while (e < count && data[e] && e - b < kRunBlocks) ++e;
        runs.emplace_back(b, e - b);
        b = e;
    }
    if (runs.empty()) return out;

    const unsigned threads = static_cast<unsigned>(
        std::min<std::size_t>(backup::ThreadPool::default_threads(), runs.size()));
    auto work = [&](unsigned part) {
        backup::Sha256 sha;
        std::unique_ptr<unsigned char[]> buf(new unsigned char[kRunBlocks * g]);
        for (std::size_t r = part; r < runs.size(); r += threads) {
            const auto [first, n] = runs[r];
            const std::uint64_t offset = first * g;
            const std::uint64_t want = std::min<std::uint64_t>(n * g, size - offset);
            std::uint64_t got = 0;
            while (got < want) {
                ssize_t k = ::pread(fd.get(), buf.get() + got, want - got, static_cast<off_t>(offset + got));
                if (k < 0) {
                    if (errno == EINTR) continue;
                    throw_errno("read " + image.string(), errno);
                }
                if (k == 0) {  // shorter than expected: the rest reads as zero
                    std::fill(buf.get() + got, buf.get() + want, 0);
                    break;
                }
                got += static_cast<std::uint64_t>(k);
            }
            for (std::uint64_t i = 0; i < n; ++i) {
                const std::uint64_t b = first + i;
                out[b] = sha.digest(buf.get() + i * g, length_of(b));
            }
        }
    };
    if (threads <= 1) {
        work(0);
        return out;
    }
    backup::ThreadPool pool(threads);
    std::vector<std::future<void>> done;
    for (unsigned t = 0; t < threads; ++t) done.push_back(pool.submit([&, t] { work(t); }));
    for (auto& f : done) f.get();
    return out;
}

}  // namespace prl::service
