// Index run files (store/index/<16 hex>.run): one immutable, sorted table of
// (key -> pack, entry) for a known set of packs, with the summary a process
// keeps in memory (page fences and a Bloom filter) stored beside the records.
// Layout in docs/backup-format.md ("Dedup index"). A run is derived data:
// every part is checksummed, and a run that fails a check is never used.
#pragma once
#include "storage.h"
#include "bloom_filter.h"
#include "platform_io.h"

#include <optional>
#include <vector>

namespace prl::backup {

constexpr size_t kRunPageSize = 4096;
constexpr size_t kRunRecordSize = 24;     // key[16], u32 pack slot, u32 entry
constexpr size_t kRunRecordsPerPage = 170;  // (4096 - 8 head - 8 checksum) / 24
constexpr unsigned kRunFilterBitsPerKey = 16;
constexpr size_t kRunMaxFilterBlocks = size_t(1) << 17;  // 8 MiB: bounds a writer's memory

struct RunRecord {
    IndexKey key;
    uint32_t pack_slot = 0;  // position in the run's pack table
    uint32_t entry = 0;
};

// A pack as the run saw it. The size identifies the pack's contents: removal
// makes it vanish, compaction (which may flag entries dead) shrinks it, so a
// run whose stamp no longer matches is not trusted for that pack.
struct PackStamp {
    uint64_t id = 0;
    uint64_t size = 0;
    bool operator==(const PackStamp& o) const { return id == o.id && size == o.size; }
};

std::string run_file_name(uint64_t id);  // "<16 hex>.run"
bool parse_run_file_name(const std::string& name, uint64_t& id);

// Writes one run, invisible until commit().
// Memory: the filter (at most 8 MiB) and a few buffered pages.
class RunWriter {
public:
    // Records refer to `packs` by position; `max_records` bounds add() calls.
    RunWriter(Storage& storage, const std::string& dir, std::vector<PackStamp> packs, uint64_t max_records);
    ~RunWriter();  // the run is gone unless committed
    RunWriter(const RunWriter&) = delete;
    RunWriter& operator=(const RunWriter&) = delete;

    void add(const RunRecord& r);  // keys strictly ascending
    uint64_t records() const { return records_; }
    // Writes the summary and header, commits (durable, then visible); returns its name.
    std::string commit();

private:
    void flush_page();
    void flush_pages();
    std::string name_;
    uint64_t id_;
    std::unique_ptr<ObjectWriter> file_;
    std::vector<PackStamp> packs_;
    Digest packs_sha_{};
    uint64_t max_pages_, pages_ = 0, records_ = 0;
    uint64_t fences_off_, filter_off_, pages_off_;
    BloomFilter filter_;
    Sha256 fence_sha_;
    std::vector<uint8_t> page_, out_, fence_buf_;
    uint32_t in_page_ = 0;
    std::optional<IndexKey> last_;
    bool committed_ = false;
};

// An open run: header and pack table verified on open (corrupted otherwise).
// Thread-safe for find_in_pages as long as threads do not share `verified`.
class RunReader {
public:
    RunReader(Storage& storage, const std::string& name);
    const std::string& name() const { return name_; }
    uint64_t id() const { return id_; }
    const std::vector<PackStamp>& packs() const { return packs_; }
    uint64_t records() const { return records_; }
    uint64_t pages() const { return pages_; }
    size_t filter_blocks() const { return filter_blocks_; }

    // Streams the fences and the filter, checking their checksum: keeps the
    // first key of every `fence_step`-th page and folds the filter into `filter`.
    void load_summary(size_t fence_step, std::vector<IndexKey>& fences, BloomFilter& filter) const;
    // Searches pages [first, first + n) for `k`; each page read is verified,
    // unless its bit in `verified` (one per page, may be null) says it was already.
    std::optional<RunRecord> find_in_pages(uint64_t first, uint64_t n, const IndexKey& k,
                                           std::vector<uint64_t>* verified = nullptr) const;
    // Reads pages [first, first + n) into buf (n * 4096 bytes), each verified
    // unless its bit in `verified` says it was already (then sets it).
    void read_verified(uint64_t first, uint64_t n, uint8_t* buf, std::vector<uint64_t>* verified) const;
    // Searches n verified pages in `buf` (as read_verified left them) for `k`.
    std::optional<RunRecord> search_pages(const uint8_t* buf, uint64_t n, const IndexKey& k) const;
    // Reads pages [first, first + n), verified, appending their records.
    void read_pages(uint64_t first, uint64_t n, std::vector<RunRecord>& out) const;

private:
    bool read(void* buf, size_t n, uint64_t off) const { return in_->read_at(buf, n, off) == n; }
    std::string name_;
    std::string what_;
    uint64_t id_ = 0;
    std::unique_ptr<ObjectReader> in_;
    std::vector<PackStamp> packs_;
    uint64_t records_ = 0, pages_ = 0, max_pages_ = 0;
    size_t filter_blocks_ = 0;
    uint64_t fences_off_ = 0, filter_off_ = 0, pages_off_ = 0;
    Digest summary_sha_{};
};

// Reads a run's records in key order, a few pages at a time (for merges).
class RunCursor {
public:
    explicit RunCursor(const RunReader& run) : run_(run) { fill(); }
    const RunRecord* peek() const { return pos_ < buf_.size() ? &buf_[pos_] : nullptr; }
    void pop() {
        if (++pos_ == buf_.size()) fill();
    }

private:
    void fill();
    const RunReader& run_;
    std::vector<RunRecord> buf_;
    size_t pos_ = 0;
    uint64_t next_page_ = 0;
};

}  // namespace prl::backup
