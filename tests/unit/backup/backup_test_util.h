// Helpers for the backup engine tests: deterministic images, file
// comparison, and small wrappers around the Repository API.
#pragma once
#include "catalog_cache.h"
#include "directory_storage.h"
#include "layout.h"
#include "repository.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace prl::backup::test {

namespace fs = std::filesystem;
constexpr size_t kBlock = 4096;

// In one read: byte by byte, a 256 MiB image took minutes in the unoptimised
// sanitizer build.
inline std::vector<uint8_t> read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    REQUIRE(in.good());
    std::vector<uint8_t> bytes(static_cast<size_t>(fs::file_size(p)));
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(static_cast<size_t>(in.gcount()) == bytes.size());
    return bytes;
}

inline bool same_bytes(const fs::path& a, const fs::path& b) { return read_file(a) == read_file(b); }

// Writes `len` bytes at `off` without touching the rest (the file may stay sparse).
inline void pwrite_bytes(const fs::path& p, uint64_t off, const std::vector<uint8_t>& data) {
    const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::pwrite(fd, data.data(), data.size(), static_cast<off_t>(off)) == static_cast<ssize_t>(data.size()));
    ::close(fd);
}

inline void truncate_file(const fs::path& p, uint64_t size) {
    const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::ftruncate(fd, static_cast<off_t>(size)) == 0);
    ::close(fd);
}

inline std::vector<uint8_t> random_bytes(std::mt19937_64& rng, size_t n) {
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; i += 8) {
        const uint64_t x = rng();
        std::memcpy(v.data() + i, &x, std::min<size_t>(8, n - i));
    }
    return v;
}

// A sparse image: `size` bytes where runs of random data, text-like data and
// holes alternate in 64 KiB extents.
inline void make_image(const fs::path& p, uint64_t size, uint64_t seed) {
    std::mt19937_64 rng(seed);
    fs::remove(p);
    truncate_file(p, size);
    const uint64_t extent = 64 * 1024;
    for (uint64_t off = 0; off < size; off += extent) {
        const uint64_t n = std::min(extent, size - off);
        switch (rng() % 3) {
        case 0: pwrite_bytes(p, off, random_bytes(rng, n)); break;
        case 1: {
            std::vector<uint8_t> text(n);
            for (size_t i = 0; i < n; ++i) text[i] = static_cast<uint8_t>("log line 42: ok\n"[i % 16]);
            pwrite_bytes(p, off, text);
            break;
        }
        default: break;  // hole
        }
    }
}

// Overwrites `count` random 4 KiB blocks with random bytes.
inline void change_blocks(const fs::path& p, uint64_t size, size_t count, uint64_t seed) {
    std::mt19937_64 rng(seed);
    const uint64_t blocks = size / kBlock;
    for (size_t i = 0; i < count; ++i) pwrite_bytes(p, (rng() % blocks) * kBlock, random_bytes(rng, kBlock));
}

inline Source vm_source(const std::string& uuid, const std::vector<std::pair<std::string, fs::path>>& disks) {
    Source s;
    s.vm_uuid = uuid;
    s.vm_name = "test vm";
    s.type = VmType::vm;
    for (const auto& [n, p] : disks) s.disks.push_back(DiskSource{n, p});
    return s;
}

inline CreateOptions opts(Kind k, const std::string& description = "") {
    CreateOptions o;
    o.kind = k;
    o.description = description;
    o.creator = "tester";
    o.host = "localhost";
    o.server_uuid = "{00000000-0000-0000-0000-000000000001}";
    return o;
}

inline void restore_disk(Repository& repo, const std::string& id, const std::string& disk, const fs::path& dest) {
    RestoreTarget t;
    t.disks[disk] = dest;
    repo.restore(id, t);
}

inline const ElementInfo* find_element(const std::vector<VmEntry>&& list, const std::string& id) = delete;
inline const ElementInfo* find_element(const std::vector<VmEntry>& list, const std::string& id) {
    for (const auto& vm : list)
        for (const auto& c : vm.chains) {
            if (c.full.id == id) return &c.full;
            for (const auto& p : c.partials)
                if (p.id == id) return &p;
        }
    return nullptr;
}

inline std::vector<const ElementInfo*> all_elements(const std::vector<VmEntry>& list) {
    std::vector<const ElementInfo*> out;
    for (const auto& vm : list)
        for (const auto& c : vm.chains) {
            out.push_back(&c.full);
            for (const auto& p : c.partials) out.push_back(&p);
        }
    return out;
}

// Pointers into `list`: keep the list alive.
std::vector<const ElementInfo*> all_elements(const std::vector<VmEntry>&& list) = delete;

// Every regular file under `dir` (recursive), for leftover checks.
inline std::vector<std::string> files_under(const fs::path& dir) {
    std::vector<std::string> out;
    for (auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) out.push_back(fs::relative(e.path(), dir).string());
    return out;
}

inline uint64_t allocated_bytes(const fs::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return static_cast<uint64_t>(st.st_blocks) * 512;
}

inline Errc error_code_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.code();
    }
    FAIL("no prl::backup::Error thrown");
    return Errc::io_error;
}

// A directory repository's internals, reached by path.
inline Layout layout_at(const fs::path& root) { return Layout{std::make_shared<DirectoryStorage>(root)}; }
// The listing cache of a VM directory given by path (the repository is two levels up).
inline CatalogCache read_catalog_cache(const fs::path& vm_dir) {
    DirectoryStorage storage(vm_dir.parent_path().parent_path());
    return prl::backup::read_catalog_cache(storage, "vms/" + vm_dir.filename().string());
}
inline void write_catalog_cache(const fs::path& vm_dir, const CatalogCache& cache) {
    DirectoryStorage storage(vm_dir.parent_path().parent_path());
    prl::backup::write_catalog_cache(storage, "vms/" + vm_dir.filename().string(), cache);
}

}  // namespace prl::backup::test
