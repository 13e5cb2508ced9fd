#include "catalog_cache.h"

#include "error.h"
#include "ids.h"

#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace prl::backup {

namespace {

// Version 2 added the configuration fields, version 3 moved the cache from
// the chain directory to the VM's; older caches are never read.
constexpr char kCatalogMagic[8] = {'P', 'R', 'L', 'S', 'C', 'A', 'T', '3'};
constexpr size_t kMaxCacheBytes = 256u << 20;

class Out {
public:
    std::string buf;
    template <class T> void num(T v) { buf.append(reinterpret_cast<const char*>(&v), sizeof v); }
    void str(const std::string& s) {
        num<uint32_t>(static_cast<uint32_t>(s.size()));
        buf += s;
    }
    void digest(const Digest& d) { buf.append(reinterpret_cast<const char*>(d.data()), d.size()); }
};

class In {
public:
    // Reads the first `size` bytes of `b`.
    In(const std::string& b, size_t size) : b_(b), size_(size) {}
    template <class T> T num() {
        need(sizeof(T));
        T v;
        std::memcpy(&v, b_.data() + pos_, sizeof v);
        pos_ += sizeof v;
        return v;
    }
    std::string str() {
        const auto n = num<uint32_t>();
        if (n > 65536 * 4) throw Error(Errc::corrupted, "cache string too long");
        need(n);
        std::string s = b_.substr(pos_, n);
        pos_ += n;
        return s;
    }
    Digest digest() {
        Digest d{};
        need(d.size());
        std::memcpy(d.data(), b_.data() + pos_, d.size());
        pos_ += d.size();
        return d;
    }
    bool done() const { return pos_ == size_; }

private:
    void need(size_t n) const {
        if (size_ - pos_ < n) throw Error(Errc::corrupted, "cache truncated");
    }
    const std::string& b_;
    size_t size_, pos_ = 0;
};

void put_meta(Out& o, const ElementMeta& m) {
    o.str(m.vm_uuid);
    o.str(m.vm_name);
    o.num<uint8_t>(m.vm_type == VmType::ct ? 1 : 0);
    o.str(m.chain);
    o.num<uint32_t>(m.number);
    o.num<uint8_t>(static_cast<uint8_t>(m.kind));
    o.num<uint32_t>(m.parent);
    o.num<int64_t>(m.time);
    o.num<uint32_t>(m.time_ns);
    o.str(m.creator);
    o.str(m.host);
    o.str(m.server_uuid);
    o.str(m.description);
    o.num<uint32_t>(m.flags);
    o.num<uint64_t>(m.stored_size);
    o.num<uint64_t>(m.original_size);
    o.num<uint8_t>(m.compressed ? 1 : 0);
    o.num<uint32_t>(static_cast<uint32_t>(m.disks.size()));
    for (const auto& d : m.disks) {
        o.str(d.name);
        o.str(d.original_path);
        o.num<uint64_t>(d.size);
        o.str(d.map_file);
        o.digest(d.map_digest);
    }
    o.str(m.tree_file);
    o.digest(m.tree_digest);
    o.str(m.config_file);
    o.num<uint64_t>(m.config_size);
    o.digest(m.config_digest);
}

// Reads one element and re-checks what parse_element would have checked
// about names and numbers, so a forged cache cannot point anywhere else.
ElementMeta get_meta(In& in) {
    ElementMeta m;
    auto bad = [] { throw Error(Errc::corrupted, "cache entry invalid"); };
    m.vm_uuid = in.str();
    m.vm_name = in.str();
    const auto type = in.num<uint8_t>();
    if (type > 1) bad();
    m.vm_type = type ? VmType::ct : VmType::vm;
    m.chain = in.str();
    m.number = in.num<uint32_t>();
    const auto kind = in.num<uint8_t>();
    if (kind > 2) bad();
    m.kind = static_cast<Kind>(kind);
    m.parent = in.num<uint32_t>();
    m.time = in.num<int64_t>();
    m.time_ns = in.num<uint32_t>();
    m.creator = in.str();
    m.host = in.str();
    m.server_uuid = in.str();
    m.description = in.str();
    m.flags = in.num<uint32_t>();
    m.stored_size = in.num<uint64_t>();
    m.original_size = in.num<uint64_t>();
    m.compressed = in.num<uint8_t>() != 0;
    const auto disks = in.num<uint32_t>();
    if (disks > 4096) bad();
    for (uint32_t i = 0; i < disks; ++i) {
        DiskRecord d;
        d.name = in.str();
        d.original_path = in.str();
        d.size = in.num<uint64_t>();
        d.map_file = in.str();
        d.map_digest = in.digest();
        if (!is_safe_data_file_name(d.map_file)) bad();
        m.disks.push_back(std::move(d));
    }
    m.tree_file = in.str();
    m.tree_digest = in.digest();
    if (m.vm_type == VmType::ct && !is_safe_data_file_name(m.tree_file)) bad();
    m.config_file = in.str();
    m.config_size = in.num<uint64_t>();
    m.config_digest = in.digest();
    if (!m.config_file.empty() && (!is_safe_data_file_name(m.config_file) || m.config_size > kMaxConfigBytes)) bad();
    if (canonical_uuid(m.vm_uuid) != m.vm_uuid || canonical_uuid(m.chain) != m.chain || m.number == 0 ||
        m.number > 999999999 || m.parent >= m.number || m.time_ns > 999999999)
        bad();
    return m;
}

}  // namespace

FileFingerprint fingerprint_of(const ObjectInfo& o) {
    return FileFingerprint{o.version.a, o.size, static_cast<int64_t>(o.version.b / 1000000000u),
                           static_cast<uint32_t>(o.version.b % 1000000000u)};
}

CatalogCache read_catalog_cache(Storage& storage, const std::string& vm_dir) {
    CatalogCache out;
    try {
        const std::optional<std::string> stored = storage.get(vm_dir + "/" + kCatalogCacheName, kMaxCacheBytes);
        if (!stored) return {};
        const std::string& data = *stored;
        if (data.size() < 8 + 32 || std::memcmp(data.data(), kCatalogMagic, 8) != 0) return {};
        const size_t body_size = data.size() - 32;
        Sha256 sha;
        const Digest d = sha.digest(data.data(), body_size);
        if (std::memcmp(d.data(), data.data() + body_size, 32) != 0) return {};
        In in(data, body_size);
        for (int i = 0; i < 8; ++i) in.num<char>();
        const auto count = in.num<uint32_t>();
        for (uint32_t i = 0; i < count; ++i) {
            CachedElement e;
            e.print.ino = in.num<uint64_t>();
            e.print.size = in.num<uint64_t>();
            e.print.mtime_s = in.num<int64_t>();
            e.print.mtime_ns = in.num<uint32_t>();
            e.meta = get_meta(in);
            ChainCache& chain = out[e.meta.chain];
            const uint32_t n = e.meta.number;
            if (!chain.emplace(n, std::move(e)).second) return {};  // never written twice
        }
        if (!in.done()) return {};
    } catch (const Error&) {
        return {};
    }
    return out;
}

void write_catalog_cache(Storage& storage, const std::string& vm_dir, const CatalogCache& entries) {
    size_t count = 0;
    for (const auto& [chain, elements] : entries) count += elements.size();
    const std::string dest = vm_dir + "/" + kCatalogCacheName;
    if (count == 0) {
        try {
            storage.remove(dest, false);  // nothing to list: no cache naming anything
        } catch (const Error&) {
        }
        return;
    }
    Out o;
    o.buf.append(kCatalogMagic, 8);
    o.num<uint32_t>(static_cast<uint32_t>(count));
    for (const auto& [chain, elements] : entries)
        for (const auto& [n, e] : elements) {
            o.num<uint64_t>(e.print.ino);
            o.num<uint64_t>(e.print.size);
            o.num<int64_t>(e.print.mtime_s);
            o.num<uint32_t>(e.print.mtime_ns);
            put_meta(o, e.meta);
        }
    Sha256 sha;
    const Digest d = sha.digest(o.buf.data(), o.buf.size());
    o.digest(d);
    try {
        // Not durable: a cache lost in a crash is rebuilt from the metadata files.
        storage.put(dest, o.buf, false);
    } catch (const Error&) {
        // Read-only repository or the VM directory gone: list without a cache.
    }
}

}  // namespace prl::backup
