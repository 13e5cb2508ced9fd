#include "catalog.h"

#include "catalog_cache.h"

#include "error.h"
#include "ids.h"

#include <algorithm>
#include <fcntl.h>
#include <sys/stat.h>

namespace prl::backup {

std::vector<uint32_t> Chain::path_to(uint32_t number) const {
    std::vector<uint32_t> path;
    for (uint32_t n = number; n != 0;) {
        auto it = elements.find(n);
        if (it == elements.end()) throw Error(Errc::corrupted, "element " + std::to_string(n) + " of chain " + uuid + " is missing");
        path.push_back(n);
        n = it->second.parent;
    }
    std::reverse(path.begin(), path.end());
    return path;
}

Chain load_chain(const fs::path& dir, const std::string& chain_uuid, const std::string& vm_uuid) {
    Chain c;
    c.uuid = chain_uuid;
    c.dir = dir;
    std::map<uint32_t, CachedElement> cache = read_catalog_cache(dir);
    std::map<uint32_t, CachedElement> fresh;
    bool cache_stale = false;
    // Files are looked up in the directory open once: a listing stats or
    // reads every element file, and a whole path costs a lookup per component.
    UniqueFd dir_fd;
    try {
        dir_fd = open_file(dir, O_RDONLY | O_DIRECTORY);
    } catch (const Error&) {
        return c;  // gone (removed meanwhile) or unreadable: nothing listed
    }
    auto print_of = [](const struct stat& st) {
        return FileFingerprint{static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_size),
                               static_cast<int64_t>(st.st_mtim.tv_sec), static_cast<uint32_t>(st.st_mtim.tv_nsec)};
    };
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        uint32_t number = 0;
        const std::string name = it->path().filename().string();
        if (!parse_element_file_name(name, number)) continue;
        struct stat st {};
        auto hit = cache.find(number);
        if (hit != cache.end() && ::fstatat(dir_fd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            hit->second.print == print_of(st)) {
            fresh.emplace(number, std::move(hit->second));
            continue;
        }
        cache_stale = true;
        try {
            // The fingerprint of the file as read, not as it was a moment before.
            std::string text = read_file_bounded_at(dir_fd.get(), name, kMaxMetaBytes, &st);
            ElementMeta m = parse_element(text, it->path().string());
            fresh.emplace(number, CachedElement{print_of(st), std::move(m)});
        } catch (const Error&) {
            // Unreadable or damaged: not listed (and neither are its dependants, below).
        }
    }
    if (cache_stale || fresh.size() != cache.size()) write_catalog_cache(dir, fresh);
    for (auto& [number, e] : fresh) {
        ElementMeta& m = e.meta;
        if (m.chain != chain_uuid || m.number != number || m.vm_uuid != vm_uuid) continue;
        c.elements.emplace(number, std::move(m));
    }
    // Drop elements whose ancestry is incomplete; parents precede children.
    // (A chain may briefly hold two bases while a full is removed with keep_chain.)
    for (auto it = c.elements.begin(); it != c.elements.end();) {
        const uint32_t parent = it->second.parent;
        const bool ok = parent == 0 || c.elements.count(parent) != 0;
        it = ok ? std::next(it) : c.elements.erase(it);
    }
    return c;
}

void refresh_chain_cache(const fs::path& dir, const std::string& chain_uuid, const std::string& vm_uuid) noexcept {
    try {
        load_chain(dir, chain_uuid, vm_uuid);
    } catch (...) {
        // The next listing brings it up to date instead.
    }
}

std::vector<std::string> list_vm_uuids(const Layout& l) {
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::directory_iterator it(l.vms(), ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        auto u = canonical_uuid(name);
        if (u && uuid_dir_name(*u) == name) out.push_back(*u);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<Chain> load_vm_chains(const Layout& l, const std::string& vm_uuid) {
    std::vector<Chain> chains;
    std::error_code ec;
    for (fs::directory_iterator it(l.vm_dir(vm_uuid), ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        auto u = canonical_uuid(name);
        if (!u || uuid_dir_name(*u) != name) continue;
        Chain c = load_chain(it->path(), *u, vm_uuid);
        if (!c.elements.empty()) chains.push_back(std::move(c));
    }
    std::sort(chains.begin(), chains.end(), [](const Chain& a, const Chain& b) {
        const ElementMeta &x = a.base(), &y = b.base();
        if (x.time != y.time) return x.time < y.time;
        if (x.time_ns != y.time_ns) return x.time_ns < y.time_ns;
        return a.uuid < b.uuid;
    });
    return chains;
}

std::optional<ChainLocation> find_chain(const Layout& l, const std::string& chain_uuid) {
    for (const std::string& vm : list_vm_uuids(l)) {
        const fs::path dir = l.chain_dir(vm, chain_uuid);
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) continue;
        Chain c = load_chain(dir, chain_uuid, vm);
        if (!c.elements.empty()) return ChainLocation{vm, std::move(c)};
    }
    return std::nullopt;
}

}  // namespace prl::backup
