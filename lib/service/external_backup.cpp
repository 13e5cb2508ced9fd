#include "external_backup.h"

#include "store/bundle_paths.h"
#include "store/error.h"
#include "store/file_clone.h"
#include "store/file_ops.h"
#include "store/uuid_text.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace prl::service {
namespace fs = std::filesystem;
namespace {

// ---- the record a commit keeps: <root>/committed/<uuid>.cbt ----
//
//   "PRLCBT1\n"                    magic
//   u32 granularity, u32 disks
//   per disk: u32 n, n bytes of the image path relative to the bundle,
//             u64 size, u64 ino, u64 mtime_ns, u64 ctime_ns, u32 settled,
//             u32 blocks, blocks × 32-byte SHA-256
//   32-byte SHA-256 of everything above
// Integers little-endian. Written atomically (temp, fsync, rename, fsync dir).

constexpr char kMagic[8] = {'P', 'R', 'L', 'C', 'B', 'T', '1', '\n'};
constexpr std::size_t kMaxRecord = 512u << 20;

struct DiskRecord {
    std::string relative;
    ExternalBackup::Disk::stat_facts facts;
    std::vector<BlockDigest> hashes;
};

void put32(std::string& s, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>(v >> (8 * i)));
}
void put64(std::string& s, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>(v >> (8 * i)));
}

class Reader {
public:
    explicit Reader(std::string_view s) : s_(s) {}
    bool take(std::size_t n, std::string_view& out) {
        if (s_.size() - pos_ < n) return false;
        out = s_.substr(pos_, n);
        pos_ += n;
        return true;
    }
    bool u32(std::uint32_t& v) {
        std::string_view b;
        if (!take(4, b)) return false;
        v = 0;
        for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[i]);
        return true;
    }
    bool u64(std::uint64_t& v) {
        std::string_view b;
        if (!take(8, b)) return false;
        v = 0;
        for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[i]);
        return true;
    }
    bool at_end() const { return pos_ == s_.size(); }

private:
    std::string_view s_;
    std::size_t pos_ = 0;
};

std::string encode(std::uint32_t granularity, const std::vector<DiskRecord>& disks) {
    std::string s(kMagic, sizeof kMagic);
    put32(s, granularity);
    put32(s, static_cast<std::uint32_t>(disks.size()));
    for (const auto& d : disks) {
        put32(s, static_cast<std::uint32_t>(d.relative.size()));
        s += d.relative;
        put64(s, d.facts.size);
        put64(s, d.facts.ino);
        put64(s, d.facts.mtime_ns);
        put64(s, d.facts.ctime_ns);
        put32(s, d.facts.settled ? 1 : 0);
        put32(s, static_cast<std::uint32_t>(d.hashes.size()));
        for (const auto& h : d.hashes) s.append(reinterpret_cast<const char*>(h.data()), h.size());
    }
    backup::Sha256 sha;
    const BlockDigest sum = sha.digest(s.data(), s.size());
    s.append(reinterpret_cast<const char*>(sum.data()), sum.size());
    return s;
}

// Nothing (a damaged or foreign file reads as no record).
std::optional<std::vector<DiskRecord>> decode(const std::string& s, std::uint32_t granularity) {
    if (s.size() < sizeof kMagic + 8 + 32) return std::nullopt;
    backup::Sha256 sha;
    const BlockDigest sum = sha.digest(s.data(), s.size() - 32);
    if (std::memcmp(sum.data(), s.data() + s.size() - 32, 32) != 0) return std::nullopt;
    Reader r(std::string_view(s).substr(0, s.size() - 32));
    std::string_view magic;
    std::uint32_t g = 0, n = 0;
    if (!r.take(sizeof kMagic, magic) || magic != std::string_view(kMagic, sizeof kMagic)) return std::nullopt;
    if (!r.u32(g) || g != granularity || !r.u32(n) || n > 4096) return std::nullopt;
    std::vector<DiskRecord> disks(n);
    for (auto& d : disks) {
        std::uint32_t len = 0, settled = 0, blocks = 0;
        std::string_view text;
        if (!r.u32(len) || !r.take(len, text)) return std::nullopt;
        d.relative.assign(text);
        if (!r.u64(d.facts.size) || !r.u64(d.facts.ino) || !r.u64(d.facts.mtime_ns) || !r.u64(d.facts.ctime_ns) ||
            !r.u32(settled) || !r.u32(blocks))
            return std::nullopt;
        d.facts.settled = settled == 1;
        if (blocks > (1u << 28)) return std::nullopt;
        d.hashes.resize(blocks);
        for (auto& h : d.hashes) {
            std::string_view b;
            if (!r.take(h.size(), b)) return std::nullopt;
            std::memcpy(h.data(), b.data(), h.size());
        }
    }
    if (!r.at_end()) return std::nullopt;
    return disks;
}

std::string bare(const std::string& braced) { return braced.substr(1, braced.size() - 2); }

std::uint64_t ns(const struct timespec& t) {
    return static_cast<std::uint64_t>(t.tv_sec) * 1000000000u + static_cast<std::uint64_t>(t.tv_nsec);
}

ExternalBackup::Disk::stat_facts facts_of(const fs::path& image) {
    struct stat st {};
    if (::stat(image.c_str(), &st) != 0) throw_errno("stat " + image.string(), errno);
    if (!S_ISREG(st.st_mode)) throw Error(Errc::io_error, image.string() + " is not a regular file");
    ExternalBackup::Disk::stat_facts f;
    f.ino = static_cast<std::uint64_t>(st.st_ino);
    f.mtime_ns = ns(st.st_mtim);
    f.ctime_ns = ns(st.st_ctim);
    f.size = static_cast<std::uint64_t>(st.st_size);
    struct timespec now {};
    clock_gettime(CLOCK_REALTIME, &now);
    // A write after this moment gets a later time stamp than both, even on a
    // file system with coarse time stamps: so equal stamps later mean no write.
    f.settled = ns(now) > f.mtime_ns + 1000000000u && ns(now) > f.ctime_ns + 1000000000u;
    return f;
}

bool same_file_state(const ExternalBackup::Disk::stat_facts& a, const ExternalBackup::Disk::stat_facts& b) {
    return a.settled && b.settled && a.ino == b.ino && a.mtime_ns == b.mtime_ns && a.ctime_ns == b.ctime_ns &&
           a.size == b.size;
}

fs::path record_path(const fs::path& root, const std::string& uuid) {
    return root / "committed" / (bare(uuid) + ".cbt");
}

// The kept view of disk `index` (its place in the record) of a committed backup.
fs::path kept_view_path(const fs::path& root, const std::string& uuid, std::size_t index) {
    return root / "views" / (bare(uuid) + "-" + std::to_string(index) + ".img");
}

std::optional<std::vector<DiskRecord>> read_record(const fs::path& root, const std::string& uuid) {
    std::string text;
    try {
        text = read_file_bounded(record_path(root, uuid), kMaxRecord);
    } catch (const Error& e) {
        if (e.code() == Errc::not_found || e.code() == Errc::corrupt) return std::nullopt;
        throw;
    }
    return decode(text, kExternalBackupGranularity);
}

}  // namespace

std::string checked_backup_uuid(const std::string& text) {
    if (text.size() > 64) throw Error(Errc::invalid_argument, "not a backup UUID");
    auto u = normalize_uuid(text);
    if (!u) throw Error(Errc::invalid_argument, "not a backup UUID");
    return *u;
}

std::shared_ptr<ExternalBackup> ExternalBackup::begin(const VmEntry& vm, const VmConfig& config, bool keep_hashes) {
    std::shared_ptr<ExternalBackup> b(new ExternalBackup());
    b->uuid_ = new_braced_uuid();
    b->vm_uuid_ = vm.uuid;
    b->bundle_ = vm.bundle;
    b->root_ = vm.bundle / kExternalBackupDir;
    b->keep_hashes_ = keep_hashes;
    make_directories(b->root_ / "committed");

    const fs::path lock = b->root_ / "lock";
    b->lock_ = try_acquire_lock(lock, FileLock::Mode::exclusive);
    if (!b->lock_) throw Error(Errc::busy, "an external backup of the VM is already running");
    b->owner_ = true;
    // Whatever a process that died mid-backup left is dropped: nobody holds it.
    const fs::path active = b->root_ / "active";
    remove_tree(active);
    make_directories(active);

    for (const auto& hdd : config.hard_disks) {
        if (hdd.emulated_type != pvs::emulated_image_file || hdd.image_path.empty()) continue;
        Disk d;
        d.image = image_path_in_bundle(vm.bundle, hdd.image_path);
        d.relative = path_for_config(vm.bundle, d.image.string());
        d.view = active / ("view-" + std::to_string(b->disks_.size()) + ".img");
        d.before = facts_of(d.image);
        HashedClone copy = clone_and_hash(d.image, d.view, kExternalBackupGranularity);
        d.size = copy.size;
        d.method = copy.method;
        b->disks_.push_back(std::move(d));
        // A copy moved every byte through memory: its hashes came with it.
        b->hashes_.emplace_back();
        if (copy.method == CloneMethod::sparse_copy) b->hashes_.back() = std::move(copy.hashes);
    }
    fsync_dir(active);
    return b;
}

ExternalBackup::~ExternalBackup() {
    try {
        std::lock_guard<std::mutex> lock(mutex_);
        if (owner_ && !finished_) drop_views_locked();
    } catch (...) {
    }
}

bool ExternalBackup::finished() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return finished_;
}

const std::vector<BlockDigest>& ExternalBackup::hashes_locked(std::size_t i) {
    if (!hashes_.at(i)) hashes_[i] = hash_blocks(disks_[i].view, disks_[i].size, kExternalBackupGranularity);
    return *hashes_[i];
}

ChangesMap ExternalBackup::changes(std::size_t i, const std::string& since) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (finished_) throw Error(Errc::not_found, "the external backup has ended");
    if (i >= disks_.size()) throw Error(Errc::invalid_argument, "no such disk");
    const Disk& d = disks_[i];
    const std::uint32_t g = kExternalBackupGranularity;
    const std::uint64_t blocks = (d.size + g - 1) / g;
    if (blocks > UINT32_MAX) throw Error(Errc::invalid_argument, "disk too large for a changes map");

    const DiskRecord* base = nullptr;
    std::optional<std::vector<DiskRecord>> record;
    if (!since.empty()) {
        std::string uuid;
        try {
            uuid = checked_backup_uuid(since);
        } catch (const Error&) {
            throw Error(Errc::no_data, "no committed external backup has that UUID");
        }
        record = read_record(root_, uuid);
        if (!record) throw Error(Errc::no_data, "no committed external backup " + uuid + " of this VM");
        std::size_t base_index = 0;
        for (std::size_t k = 0; k < record->size(); ++k)
            if ((*record)[k].relative == d.relative) base = &(*record)[base_index = k];
        // Unchanged since that backup (same file, same stamps): its hashes are ours.
        if (base && !hashes_[i] && same_file_state(base->facts, d.before) &&
            base->hashes.size() == blocks)
            hashes_[i] = base->hashes;
        // Its view kept on a reflink filesystem: only extents no longer shared are read.
        const fs::path base_view = kept_view_path(root_, uuid, base_index);
        if (base && !hashes_[i] && d.method == CloneMethod::reflink && ::access(base_view.c_str(), F_OK) == 0)
            hashes_[i] = hash_blocks_since(d.view, d.size, kExternalBackupGranularity, base_view, base->hashes);
    }
    const std::vector<BlockDigest>& now = hashes_locked(i);

    ChangesMap m;
    m.granularity = g;
    m.bits = static_cast<std::uint32_t>(blocks);
    m.bytes.assign((blocks + 7) / 8, '\0');
    for (std::uint64_t b = 0; b < blocks; ++b) {
        const std::uint32_t len = static_cast<std::uint32_t>(std::min<std::uint64_t>(g, d.size - b * g));
        const bool changed = base && b < base->hashes.size() ? now[b] != base->hashes[b]
                                                              : now[b] != zero_block_digest(len);
        if (changed) m.bytes[b / 8] = static_cast<char>(m.bytes[b / 8] | (1 << (b % 8)));
    }
    return m;
}

void ExternalBackup::commit() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (finished_) throw Error(Errc::not_found, "the external backup has ended");
    if (keep_hashes_) {
        std::vector<DiskRecord> disks;
        for (std::size_t i = 0; i < disks_.size(); ++i)
            disks.push_back(DiskRecord{disks_[i].relative, disks_[i].before, hashes_locked(i)});
        // Durable before the backup counts as committed.
        write_file_atomic(record_path(root_, uuid_), encode(kExternalBackupGranularity, disks));
        keep_reflinked_views_locked();
    }
    drop_views_locked();
}

// After the record is durable: the reflinked views become this backup's kept
// views, and older kept views go. A crash in between costs only speed (a map
// against a backup whose views are missing reads every data block).
void ExternalBackup::keep_reflinked_views_locked() {
    const fs::path views = root_ / "views";
    make_directories(views);
    std::vector<std::string> kept;
    for (std::size_t i = 0; i < disks_.size(); ++i) {
        if (disks_[i].method != CloneMethod::reflink) continue;
        const fs::path to = kept_view_path(root_, uuid_, i);
        if (::rename(disks_[i].view.c_str(), to.c_str()) != 0) throw_errno("keep " + to.string(), errno);
        kept.push_back(to.filename().string());
    }
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(views, ec)) {
        const std::string name = entry.path().filename().string();
        if (std::find(kept.begin(), kept.end(), name) == kept.end()) fs::remove(entry.path(), ec);
    }
    fsync_dir(views);
}

void ExternalBackup::rollback() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (finished_) throw Error(Errc::not_found, "the external backup has ended");
    drop_views_locked();
}

void ExternalBackup::drop_views_locked() {
    finished_ = true;
    remove_tree(root_ / "active");
    lock_.release();
}

}  // namespace prl::service
