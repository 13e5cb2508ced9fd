#include "tree_manifest.h"

#include "error.h"

#include <cstring>
#include <fcntl.h>

namespace prl::backup {

namespace {
constexpr char kTrailerMagic[8] = {'P', 'R', 'L', 'S', 'M', 'A', 'N', '1'};
constexpr size_t kMaxPath = 4096;

template <class T> void put_le(std::vector<uint8_t>& v, T x) {
    uint8_t b[sizeof(T)];
    std::memcpy(b, &x, sizeof(T));
    v.insert(v.end(), b, b + sizeof(T));
}

bool valid_relative_path(const std::string& p) {
    if (p.empty()) return true;  // the root
    if (p.size() > kMaxPath || p.front() == '/' || p.back() == '/') return false;
    if (p.find('\0') != std::string::npos) return false;
    size_t start = 0;
    while (start <= p.size()) {
        size_t end = p.find('/', start);
        if (end == std::string::npos) end = p.size();
        const std::string_view comp(p.data() + start, end - start);
        if (comp.empty() || comp == "." || comp == ".." || comp.size() > 255) return false;
        start = end + 1;
    }
    return true;
}
}  // namespace

int compare_tree_paths(const std::string& a, const std::string& b) {
    size_t i = 0, j = 0;
    for (;;) {
        if (i >= a.size() && j >= b.size()) return 0;
        if (i >= a.size()) return -1;
        if (j >= b.size()) return 1;
        size_t ie = a.find('/', i), je = b.find('/', j);
        if (ie == std::string::npos) ie = a.size();
        if (je == std::string::npos) je = b.size();
        const int c = std::string_view(a.data() + i, ie - i).compare(std::string_view(b.data() + j, je - j));
        if (c != 0) return c < 0 ? -1 : 1;
        i = ie + 1;
        j = je + 1;
        if (ie == a.size()) i = a.size();
        if (je == b.size()) j = b.size();
    }
}

// ---- one node's record ----

std::string encode_tree_node(const TreeNode& n) {
    std::vector<uint8_t> r;
    r.push_back('N');
    r.push_back(static_cast<uint8_t>(n.type));
    put_le<uint32_t>(r, n.mode);
    put_le<uint32_t>(r, n.uid);
    put_le<uint32_t>(r, n.gid);
    for (const timespec* t : {&n.atime, &n.mtime, &n.ctime}) {
        put_le<int64_t>(r, t->tv_sec);
        put_le<uint32_t>(r, static_cast<uint32_t>(t->tv_nsec));
    }
    put_le<uint64_t>(r, n.ino);
    put_le<uint64_t>(r, n.size);
    put_le<uint16_t>(r, static_cast<uint16_t>(n.path.size()));
    r.insert(r.end(), n.path.begin(), n.path.end());
    put_le<uint16_t>(r, static_cast<uint16_t>(n.link_target.size()));
    r.insert(r.end(), n.link_target.begin(), n.link_target.end());
    return std::string(r.begin(), r.end());
}

TreeNode decode_tree_node(std::string_view r) {
    auto bad = [](const std::string& why) { throw Error(Errc::corrupted, why); };
    if (r.size() < kNodeHeadBytes + 4 || r[0] != 'N') bad("bad manifest record");
    const auto* h = reinterpret_cast<const uint8_t*>(r.data());
    TreeNode n;
    const uint8_t type = h[1];
    if (type < 1 || type > 4) bad("bad node type");
    n.type = static_cast<NodeType>(type);
    std::memcpy(&n.mode, h + 2, 4);
    std::memcpy(&n.uid, h + 6, 4);
    std::memcpy(&n.gid, h + 10, 4);
    size_t o = 14;
    for (timespec* t : {&n.atime, &n.mtime, &n.ctime}) {
        int64_t s;
        uint32_t ns;
        std::memcpy(&s, h + o, 8);
        std::memcpy(&ns, h + o + 8, 4);
        if (ns >= 1000000000u) bad("bad timestamp");
        t->tv_sec = static_cast<time_t>(s);
        t->tv_nsec = static_cast<long>(ns);
        o += 12;
    }
    std::memcpy(&n.ino, h + o, 8);
    std::memcpy(&n.size, h + o + 8, 8);
    o += 16;
    for (std::string* text : {&n.path, &n.link_target}) {
        uint16_t len = 0;
        if (r.size() - o < 2) bad("manifest record truncated");
        std::memcpy(&len, h + o, 2);
        o += 2;
        if (len > kMaxPath || r.size() - o < len) bad("bad path length");
        text->assign(r.substr(o, len));
        o += len;
    }
    if (o != r.size()) bad("bad manifest record length");
    if (n.mode > 07777) bad("bad mode");
    if (!valid_relative_path(n.path)) bad("unsafe path in manifest");
    if (n.type == NodeType::symlink && (n.link_target.empty() || n.link_target.find('\0') != std::string::npos))
        bad("bad symlink target");
    if (n.type != NodeType::symlink && !n.link_target.empty()) bad("a link target on a node that is no symlink");
    if (n.type != NodeType::file && n.size != 0) bad("a size on a node that is no file");
    return n;
}

void TreeOrder::accept(const TreeNode& n) {
    if (open_dirs_.empty()) {
        if (seen_root_ || !(n.path.empty() && n.type == NodeType::dir)) throw Error(Errc::corrupted, "manifest out of order at " + n.path);
        seen_root_ = true;
        open_dirs_.push_back(n.path);
        last_ = n.path;
        return;
    }
    if (compare_tree_paths(last_, n.path) >= 0) throw Error(Errc::corrupted, "manifest out of order at " + n.path);
    // Depth first: the node's directory is one of those still open, and
    // those after it are closed.
    const size_t slash = n.path.rfind('/');
    const std::string parent = slash == std::string::npos ? std::string() : n.path.substr(0, slash);
    while (!open_dirs_.empty() && open_dirs_.back() != parent) open_dirs_.pop_back();
    if (open_dirs_.empty()) throw Error(Errc::corrupted, "manifest entry " + n.path + " has no parent directory");
    if (n.type == NodeType::dir) open_dirs_.push_back(n.path);
    last_ = n.path;
}

const TreeNode* ParentCursor::seek(const std::string& path) {
    for (;;) {
        if (!cur_ && !done_) {
            cur_ = parent_.next_node();
            done_ = !cur_;
        }
        if (!cur_) return nullptr;
        const int c = compare_tree_paths(cur_->path, path);
        if (c > 0) return nullptr;
        const TreeNode* at = cur_;
        cur_ = nullptr;  // consumed (its blocks are read next), or passed
        if (c == 0) return at;
    }
}

// ---- writer ----

ManifestWriter::ManifestWriter(Storage& storage, const std::string& name) : out_(storage.create(name)) {
    buf_.reserve(1 << 16);
}

void ManifestWriter::put(const void* p, size_t n) {
    auto b = static_cast<const uint8_t*>(p);
    buf_.insert(buf_.end(), b, b + n);
    if (buf_.size() >= (1 << 16)) flush();
}

void ManifestWriter::flush() {
    if (buf_.empty()) return;
    sha_.update(buf_.data(), buf_.size());
    out_->append(buf_.data(), buf_.size());
    written_ += buf_.size();
    buf_.clear();
}

void ManifestWriter::node(const TreeNode& n) {
    if (have_last_ && compare_tree_paths(last_path_, n.path) >= 0) throw Error(Errc::io_error, "internal: tree order");
    have_last_ = true;
    last_path_ = n.path;
    ++nodes_;
    const std::string r = encode_tree_node(n);
    put(r.data(), r.size());
}

void ManifestWriter::block(const MapEntry& e) {
    uint8_t r[57];
    r[0] = 'B';
    std::memcpy(r + 1, &e.index, 8);
    std::memcpy(r + 9, &e.loc.pack, 8);
    std::memcpy(r + 17, &e.loc.entry, 4);
    std::memcpy(r + 21, e.hash.data(), 32);
    std::memset(r + 53, 0, 4);
    put(r, sizeof r);
}

Digest ManifestWriter::finish() {
    uint8_t t[17];
    t[0] = 'T';
    std::memcpy(t + 1, kTrailerMagic, 8);
    std::memcpy(t + 9, &nodes_, 8);
    put(t, sizeof t);
    flush();
    out_->commit_unsynced();  // the element syncs its directory before its metadata
    out_.reset();
    return sha_.finish();
}

// ---- reader ----

ManifestReader::ManifestReader(Storage& storage, const std::string& name, const Digest& expected, const std::string& what)
    : what_(what) {
    try {
        in_ = storage.open(name);
    } catch (const Error& e) {
        bad(std::string("manifest unreadable (") + e.what() + ")");
    }
    if (!in_) bad("manifest missing");
    check(expected);
}

ManifestReader::ManifestReader(std::unique_ptr<ObjectReader> in, const Digest& expected, const std::string& what)
    : in_(std::move(in)), what_(what) {
    check(expected);
}

// The whole manifest against its checksum, before any of it is believed.
void ManifestReader::check(const Digest& expected) {
    size_ = in_->size();
    Sha256 sha;
    std::vector<uint8_t> chunk(1 << 16);
    for (uint64_t off = 0; off < size_;) {
        const size_t n = in_->read_at(chunk.data(), chunk.size(), off);
        if (n == 0) bad("manifest truncated");
        sha.update(chunk.data(), n);
        off += n;
    }
    if (sha.finish() != expected) bad("manifest checksum mismatch");
    buf_.resize(1 << 16);
}

void ManifestReader::bad(const std::string& why) const { throw Error(Errc::corrupted, what_ + ": " + why); }

bool ManifestReader::get(void* p, size_t n) {
    auto out = static_cast<uint8_t*>(p);
    while (n > 0) {
        if (pos_ == len_) {
            if (off_ >= size_) return false;
            len_ = in_->read_at(buf_.data(), buf_.size(), off_);
            if (len_ == 0) return false;
            off_ += len_;
            pos_ = 0;
        }
        const size_t k = std::min(n, len_ - pos_);
        std::memcpy(out, buf_.data() + pos_, k);
        pos_ += k;
        out += k;
        n -= k;
    }
    return true;
}

uint8_t ManifestReader::peek_tag() {
    if (pos_ == len_) {
        if (off_ >= size_) bad("manifest truncated");
        len_ = in_->read_at(buf_.data(), buf_.size(), off_);
        if (len_ == 0) bad("manifest truncated");
        off_ += len_;
        pos_ = 0;
    }
    return buf_[pos_];
}

const MapEntry* ManifestReader::next_block() {
    if (!in_file_ || peek_tag() != 'B') {
        in_file_ = false;
        return nullptr;
    }
    uint8_t r[57];
    if (!get(r, sizeof r)) bad("manifest truncated");
    std::memcpy(&block_.index, r + 1, 8);
    std::memcpy(&block_.loc.pack, r + 9, 8);
    std::memcpy(&block_.loc.entry, r + 17, 4);
    std::memcpy(block_.hash.data(), r + 21, 32);
    block_.zero = false;
    if (block_.index >= blocks_limit_ || block_.loc.pack == 0 || (have_last_block_ && block_.index <= last_block_))
        bad("bad block entry for " + node_.path);
    have_last_block_ = true;
    last_block_ = block_.index;
    return &block_;
}

const TreeNode* ManifestReader::next_node() {
    if (done_) return nullptr;
    while (next_block()) {}
    const uint8_t tag = peek_tag();
    if (tag == 'T') {
        uint8_t t[17];
        if (!get(t, sizeof t) || std::memcmp(t + 1, kTrailerMagic, 8) != 0 || off_ - (len_ - pos_) != size_)
            bad("bad manifest trailer");
        done_ = true;
        return nullptr;
    }
    if (tag != 'N') bad("bad manifest record");
    // The record whole (its two lengths say where it ends), then decoded
    // and checked as a node from a backup source is.
    std::string record(kNodeHeadBytes, '\0');
    if (!get(record.data(), record.size())) bad("manifest truncated");
    for (int text = 0; text < 2; ++text) {
        uint16_t len = 0;
        if (!get(&len, 2) || len > kMaxPath) bad(text == 0 ? "bad path length" : "bad link length");
        const size_t at = record.size();
        record.resize(at + 2 + len);
        std::memcpy(record.data() + at, &len, 2);
        if (!get(record.data() + at + 2, len)) bad("manifest truncated");
    }
    TreeNode n;
    try {
        n = decode_tree_node(record);
        order_.accept(n);
    } catch (const Error& e) {
        bad(e.what());
    }
    node_ = std::move(n);
    in_file_ = node_.type == NodeType::file;
    blocks_limit_ = blocks_for(node_.size);
    have_last_block_ = false;
    return &node_;
}

}  // namespace prl::backup
