#include "index_run.h"

#include "error.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

namespace prl::backup {

namespace {

constexpr char kMagic[8] = {'P', 'R', 'L', 'S', 'I', 'D', 'X', '1'};
constexpr uint32_t kVersion = 1;
constexpr size_t kHeaderSize = 128;
constexpr size_t kPackStampSize = 16;
constexpr size_t kFenceSize = 16;
constexpr size_t kPageChecksumAt = kRunPageSize - 8;
constexpr size_t kPagesPerWrite = 64;  // 256 KiB per write while building
constexpr size_t kChunk = 64 * 1024;   // summary streaming
constexpr uint64_t kSane = uint64_t(1) << 40;

uint64_t align_page(uint64_t off) { return (off + kRunPageSize - 1) / kRunPageSize * kRunPageSize; }

// Detects torn, zeroed or flipped pages (not an adversary: keys are
// re-checked against full hashes by restore). Four independent lanes, so
// the multiplications overlap: ~0.3 µs a page.
uint64_t page_checksum(const uint8_t* p) {
    constexpr uint64_t kMul = 0xff51afd7ed558ccdull;
    uint64_t h[4] = {0x9e3779b97f4a7c15ull, 0xc2b2ae3d27d4eb4full, 0x165667b19e3779f9ull, 0x27d4eb2f165667c5ull};
    constexpr size_t kWords = kPageChecksumAt / 8;  // 511
    for (size_t i = 0; i < kWords; ++i) {
        uint64_t w;
        std::memcpy(&w, p + i * 8, 8);
        uint64_t& x = h[i & 3];
        x = (x ^ w) * kMul;
        x ^= x >> 31;
    }
    uint64_t out = 0x5bd1e9955bd1e995ull;
    for (uint64_t x : h) {
        out = (out ^ x) * kMul;
        out ^= out >> 29;
    }
    return out;
}

void put_record(const RunRecord& r, uint8_t* p) {
    store_index_key(r.key, p);
    std::memcpy(p + 16, &r.pack_slot, 4);
    std::memcpy(p + 20, &r.entry, 4);
}

RunRecord get_record(const uint8_t* p) {
    RunRecord r;
    r.key = load_index_key(p);
    std::memcpy(&r.pack_slot, p + 16, 4);
    std::memcpy(&r.entry, p + 20, 4);
    return r;
}

uint32_t page_count_of(const uint8_t* page) {
    uint32_t n;
    std::memcpy(&n, page, 4);
    return n;
}

struct Offsets {
    uint64_t fences, filter, pages;
};

Offsets offsets_of(uint64_t packs, uint64_t fence_slots, uint64_t filter_blocks) {
    Offsets o;
    o.fences = kHeaderSize + packs * kPackStampSize;
    o.filter = o.fences + fence_slots * kFenceSize;
    o.pages = align_page(o.filter + filter_blocks * BloomFilter::kBlockBytes);
    return o;
}

}  // namespace

std::string run_file_name(uint64_t id) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%016llx.run", static_cast<unsigned long long>(id));
    return buf;
}

bool parse_run_file_name(const std::string& name, uint64_t& id) {
    if (name.size() != 20 || name.compare(16, 4, ".run") != 0) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < 16; ++i) {
        const char c = name[i];
        const int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
        if (d < 0) return false;
        v = v * 16 + static_cast<uint64_t>(d);
    }
    id = v;
    return v != 0;
}

// ---- RunWriter ----

RunWriter::RunWriter(Storage& storage, const std::string& dir, std::vector<PackStamp> packs, uint64_t max_records)
    : id_(random_u64() | 1),
      packs_(std::move(packs)),
      max_pages_(std::max<uint64_t>(1, (max_records + kRunRecordsPerPage - 1) / kRunRecordsPerPage)),
      filter_(BloomFilter::blocks_for(max_records, kRunFilterBitsPerKey, kRunMaxFilterBlocks)),
      page_(kRunPageSize, 0) {
    const Offsets o = offsets_of(packs_.size(), max_pages_, filter_.blocks());
    fences_off_ = o.fences;
    filter_off_ = o.filter;
    pages_off_ = o.pages;
    name_ = dir + "/" + run_file_name(id_);
    file_ = storage.create(name_);
    std::vector<uint8_t> table(packs_.size() * kPackStampSize);
    for (size_t i = 0; i < packs_.size(); ++i) {
        std::memcpy(&table[i * kPackStampSize], &packs_[i].id, 8);
        std::memcpy(&table[i * kPackStampSize + 8], &packs_[i].size, 8);
    }
    Sha256 sha;
    packs_sha_ = sha.digest(table.data(), table.size());
    file_->write_at(table.data(), table.size(), kHeaderSize);
}

RunWriter::~RunWriter() = default;

void RunWriter::add(const RunRecord& r) {
    if (last_ && !(*last_ < r.key)) throw Error(Errc::io_error, "internal: index run keys out of order");
    if (r.pack_slot >= packs_.size()) throw Error(Errc::io_error, "internal: index record names no pack");
    last_ = r.key;
    filter_.add(r.key);
    put_record(r, page_.data() + 8 + size_t(in_page_) * kRunRecordSize);
    ++records_;
    if (++in_page_ == kRunRecordsPerPage) flush_page();
}

void RunWriter::flush_page() {
    if (in_page_ == 0) return;
    if (pages_ == max_pages_) throw Error(Errc::io_error, "internal: index run over its record bound");
    std::memcpy(page_.data(), &in_page_, 4);
    const uint64_t sum = page_checksum(page_.data());
    std::memcpy(page_.data() + kPageChecksumAt, &sum, 8);
    fence_buf_.insert(fence_buf_.end(), page_.data() + 8, page_.data() + 8 + kFenceSize);
    out_.insert(out_.end(), page_.begin(), page_.end());
    ++pages_;
    std::fill(page_.begin(), page_.end(), 0);
    in_page_ = 0;
    if (out_.size() >= kPagesPerWrite * kRunPageSize) flush_pages();
}

void RunWriter::flush_pages() {
    const uint64_t npages = out_.size() / kRunPageSize, nfences = fence_buf_.size() / kFenceSize;
    file_->write_at(out_.data(), out_.size(), pages_off_ + (pages_ - npages) * kRunPageSize);
    file_->write_at(fence_buf_.data(), fence_buf_.size(), fences_off_ + (pages_ - nfences) * kFenceSize);
    fence_sha_.update(fence_buf_.data(), fence_buf_.size());
    out_.clear();
    fence_buf_.clear();
}

std::string RunWriter::commit() {
    flush_page();
    flush_pages();
    file_->write_at(filter_.words(), filter_.bytes(), filter_off_);
    fence_sha_.update(filter_.words(), filter_.bytes());
    const Digest summary = fence_sha_.finish();
    Sha256 sha;
    const Digest& packs_sha = packs_sha_;

    uint8_t h[kHeaderSize] = {};
    const uint64_t npacks = packs_.size(), blocks = filter_.blocks();
    const uint32_t page_size = kRunPageSize;
    std::memcpy(h, kMagic, 8);
    std::memcpy(h + 8, &kVersion, 4);
    std::memcpy(h + 12, &page_size, 4);
    std::memcpy(h + 16, &npacks, 8);
    std::memcpy(h + 24, &records_, 8);
    std::memcpy(h + 32, &pages_, 8);
    std::memcpy(h + 40, &max_pages_, 8);
    std::memcpy(h + 48, &blocks, 8);
    std::memcpy(h + 64, summary.data(), 32);
    std::memcpy(h + 96, packs_sha.data(), 16);
    const Digest self = sha.digest(h, 112);
    std::memcpy(h + 112, self.data(), 16);
    file_->write_at(h, sizeof h, 0);
    // The file ends with the last page (holes stand for unused fence slots).
    file_->resize(pages_off_ + pages_ * kRunPageSize);
    file_->commit();
    committed_ = true;
    return name_;
}

// ---- RunReader ----

RunReader::RunReader(Storage& storage, const std::string& name)
    : name_(name), what_("index run " + last_component(name)) {
    const std::string& what = what_;
    if (!parse_run_file_name(last_component(name), id_)) throw Error(Errc::corrupted, what + ": not a run name");
    in_ = storage.open(name);
    if (!in_) throw Error(Errc::not_found, what + " is missing");
    const uint64_t size = in_->size();
    uint8_t h[kHeaderSize];
    if (size < kHeaderSize || !read(h, sizeof h, 0)) throw Error(Errc::corrupted, what + " is truncated");
    Sha256 sha;
    const Digest self = sha.digest(h, 112);
    uint32_t version = 0, page_size = 0;
    uint64_t npacks = 0, blocks = 0;
    std::memcpy(&version, h + 8, 4);
    std::memcpy(&page_size, h + 12, 4);
    std::memcpy(&npacks, h + 16, 8);
    std::memcpy(&records_, h + 24, 8);
    std::memcpy(&pages_, h + 32, 8);
    std::memcpy(&max_pages_, h + 40, 8);
    std::memcpy(&blocks, h + 48, 8);
    std::memcpy(summary_sha_.data(), h + 64, 32);
    if (std::memcmp(h, kMagic, 8) != 0 || std::memcmp(h + 112, self.data(), 16) != 0 || version != kVersion ||
        page_size != kRunPageSize)
        throw Error(Errc::corrupted, what + " has an unknown or damaged header");
    if (npacks > kSane || pages_ > max_pages_ || max_pages_ > kSane || blocks == 0 || blocks > kRunMaxFilterBlocks ||
        (blocks & (blocks - 1)) != 0 || records_ > pages_ * kRunRecordsPerPage || records_ < pages_)
        throw Error(Errc::corrupted, what + " has impossible counts");
    filter_blocks_ = static_cast<size_t>(blocks);
    const Offsets o = offsets_of(npacks, max_pages_, blocks);
    fences_off_ = o.fences;
    filter_off_ = o.filter;
    pages_off_ = o.pages;
    if (size != pages_off_ + pages_ * kRunPageSize) throw Error(Errc::corrupted, what + " is truncated or grown");
    std::vector<uint8_t> table(npacks * kPackStampSize);
    if (!table.empty() && !read(table.data(), table.size(), kHeaderSize)) throw Error(Errc::corrupted, what + " is truncated");
    const Digest packs_sha = sha.digest(table.data(), table.size());
    if (std::memcmp(packs_sha.data(), h + 96, 16) != 0) throw Error(Errc::corrupted, what + ": pack table checksum mismatch");
    packs_.resize(npacks);
    for (size_t i = 0; i < npacks; ++i) {
        std::memcpy(&packs_[i].id, &table[i * kPackStampSize], 8);
        std::memcpy(&packs_[i].size, &table[i * kPackStampSize + 8], 8);
    }
}

void RunReader::load_summary(size_t fence_step, std::vector<IndexKey>& fences, BloomFilter& filter) const {
    const std::string& what = what_;
    Sha256 sha;
    std::vector<uint8_t> buf(kChunk);
    fences.clear();
    fences.reserve(static_cast<size_t>((pages_ + fence_step - 1) / fence_step));
    for (uint64_t done = 0; done < pages_;) {
        const uint64_t n = std::min<uint64_t>(pages_ - done, kChunk / kFenceSize);
        if (!read(buf.data(), n * kFenceSize, fences_off_ + done * kFenceSize))
            throw Error(Errc::corrupted, what + " is truncated");
        sha.update(buf.data(), n * kFenceSize);
        for (uint64_t i = 0; i < n; ++i)
            if ((done + i) % fence_step == 0) fences.push_back(load_index_key(&buf[i * kFenceSize]));
        done += n;
    }
    constexpr size_t kBlocksPerChunk = kChunk / BloomFilter::kBlockBytes;
    std::vector<uint64_t> words(kChunk / 8);
    for (size_t done = 0; done < filter_blocks_;) {
        const size_t n = std::min(filter_blocks_ - done, kBlocksPerChunk);
        if (!read(words.data(), n * BloomFilter::kBlockBytes, filter_off_ + done * BloomFilter::kBlockBytes))
            throw Error(Errc::corrupted, what + " is truncated");
        sha.update(words.data(), n * BloomFilter::kBlockBytes);
        filter.fold_in(words.data(), done, n);
        done += n;
    }
    if (sha.finish() != summary_sha_) throw Error(Errc::corrupted, what + ": fence or filter checksum mismatch");
}

void RunReader::read_verified(uint64_t first, uint64_t n, uint8_t* buf, std::vector<uint64_t>* verified) const {
    const std::string& what = what_;
    if (first + n > pages_ || !read(buf, n * kRunPageSize, pages_off_ + first * kRunPageSize))
        throw Error(Errc::corrupted, what + " is truncated");
    for (uint64_t i = 0; i < n; ++i) {
        const uint64_t g = first + i;
        if (verified && ((*verified)[g / 64] >> (g % 64) & 1)) continue;  // the file never changes
        const uint8_t* page = buf + i * kRunPageSize;
        uint64_t stored;
        std::memcpy(&stored, page + kPageChecksumAt, 8);
        const uint32_t count = page_count_of(page);
        if (stored != page_checksum(page) || count == 0 || count > kRunRecordsPerPage)
            throw Error(Errc::corrupted, what + ": page " + std::to_string(g) + " is damaged");
        if (verified) (*verified)[g / 64] |= uint64_t(1) << (g % 64);
    }
}

std::optional<RunRecord> RunReader::find_in_pages(uint64_t first, uint64_t n, const IndexKey& k,
                                                 std::vector<uint64_t>* verified) const {
    alignas(64) uint8_t one[kRunPageSize];
    std::vector<uint8_t> many;
    uint8_t* buf = one;
    if (n > 1) {
        many.resize(n * kRunPageSize);
        buf = many.data();
    }
    read_verified(first, n, buf, verified);
    return search_pages(buf, n, k);
}

std::optional<RunRecord> RunReader::search_pages(const uint8_t* buf, uint64_t n, const IndexKey& k) const {
    for (uint64_t i = 0; i < n; ++i) {
        const uint8_t* recs = buf + i * kRunPageSize + 8;
        size_t lo = 0, hi = page_count_of(buf + i * kRunPageSize);
        if (k < load_index_key(recs)) return std::nullopt;  // pages are in key order
        while (lo < hi) {
            const size_t mid = (lo + hi) / 2;
            const IndexKey m = load_index_key(recs + mid * kRunRecordSize);
            if (m == k) {
                const RunRecord r = get_record(recs + mid * kRunRecordSize);
                if (r.pack_slot >= packs_.size())
                    throw Error(Errc::corrupted, what_ + ": record names no pack");
                return r;
            }
            if (m < k) lo = mid + 1;
            else hi = mid;
        }
    }
    return std::nullopt;
}

void RunReader::read_pages(uint64_t first, uint64_t n, std::vector<RunRecord>& out) const {
    std::vector<uint8_t> buf(n * kRunPageSize);
    read_verified(first, n, buf.data(), nullptr);
    for (uint64_t i = 0; i < n; ++i) {
        const uint8_t* page = buf.data() + i * kRunPageSize;
        const uint32_t count = page_count_of(page);
        for (uint32_t j = 0; j < count; ++j) {
            out.push_back(get_record(page + 8 + size_t(j) * kRunRecordSize));
            if (out.back().pack_slot >= packs_.size() || (out.size() > 1 && !(out[out.size() - 2].key < out.back().key)))
                throw Error(Errc::corrupted, what_ + ": records out of order");
        }
    }
}

void RunCursor::fill() {
    buf_.clear();
    pos_ = 0;
    if (next_page_ >= run_.pages()) return;
    const uint64_t n = std::min<uint64_t>(16, run_.pages() - next_page_);
    run_.read_pages(next_page_, n, buf_);
    next_page_ += n;
}

}  // namespace prl::backup
