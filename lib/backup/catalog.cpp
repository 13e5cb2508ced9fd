#include "catalog.h"

#include "catalog_cache.h"
#include "dir_reader.h"
#include "error.h"
#include "ids.h"

#include <algorithm>
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

namespace {

FileFingerprint print_of(const struct stat& st) {
    return FileFingerprint{static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_size),
                           static_cast<int64_t>(st.st_mtim.tv_sec), static_cast<uint32_t>(st.st_mtim.tv_nsec)};
}

// The chain's element files that parse and belong where they lie, into
// `fresh`: moved from `cached` while a file is unchanged, parsed otherwise. The
// chain directory is `dir_name` relative to the directory open as `vm_fd`
// (`dir` names it in errors). Returns whether `fresh` differs from `cached`.
bool scan_chain(int vm_fd, const char* dir_name, const fs::path& dir, const std::string& chain_uuid,
                const std::string& vm_uuid, ChainCache& cached, ChainCache& fresh) {
    std::optional<DirReader> files;
    try {
        files.emplace(vm_fd, dir_name);
    } catch (const Error&) {
        return !cached.empty();  // gone (removed meanwhile) or unreadable: nothing listed
    }
    size_t reused = 0, added = 0;
    while (const struct dirent* e = files->next()) {
        uint32_t number = 0;
        const std::string name = e->d_name;
        if (!parse_element_file_name(name, number)) continue;
        struct stat st {};
        // Entries are filed by their own chain and number (read_catalog_cache).
        auto hit = cached.find(number);
        if (hit != cached.end() && hit->second.meta.vm_uuid == vm_uuid &&
            ::fstatat(files->fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && hit->second.print == print_of(st)) {
            fresh.emplace(number, std::move(hit->second));
            ++reused;
            continue;
        }
        try {
            // The fingerprint of the file as read, not as it was a moment before.
            std::string text = read_file_bounded_at(files->fd(), name, kMaxMetaBytes, &st);
            ElementMeta m = parse_element(text, dir.native() + "/" + name);
            if (m.chain != chain_uuid || m.number != number || m.vm_uuid != vm_uuid) continue;
            fresh.emplace(number, CachedElement{print_of(st), std::move(m)});
            ++added;
        } catch (const Error&) {
            // Unreadable or damaged: not listed (and neither are its dependants,
            // make_chain), nor cached, so it costs a parse per listing but no write.
        }
    }
    return added != 0 || reused != cached.size();
}

// The listable elements of `entries`: those whose ancestry is complete.
Chain make_chain(const fs::path& dir, const std::string& chain_uuid, ChainCache&& entries) {
    Chain c;
    c.uuid = chain_uuid;
    c.dir = dir;
    for (auto& [number, e] : entries) c.elements.emplace_hint(c.elements.end(), number, std::move(e.meta));
    // Parents precede children. (A chain may briefly hold two bases while a
    // full is removed with keep_chain.)
    for (auto it = c.elements.begin(); it != c.elements.end();) {
        const uint32_t parent = it->second.parent;
        const bool ok = parent == 0 || c.elements.count(parent) != 0;
        it = ok ? std::next(it) : c.elements.erase(it);
    }
    return c;
}

// A chain directory's name, if it is one (a canonical uuid without braces).
std::optional<std::string> chain_of_dir_name(const char* name) {
    auto u = canonical_uuid(name);
    if (!u || uuid_dir_name(*u) != name) return std::nullopt;
    return u;
}

}  // namespace

Chain load_chain(const Layout& l, const std::string& vm_uuid, const std::string& chain_uuid) {
    const fs::path vm_dir = l.vm_dir(vm_uuid), dir = l.chain_dir(vm_uuid, chain_uuid);
    CatalogCache cache = read_catalog_cache(vm_dir);
    ChainCache fresh;
    ChainCache& cached = cache[chain_uuid];
    if (scan_chain(AT_FDCWD, dir.c_str(), dir, chain_uuid, vm_uuid, cached, fresh)) {
        cached = fresh;
        write_catalog_cache(vm_dir, cache);
    }
    return make_chain(dir, chain_uuid, std::move(fresh));
}

void refresh_catalog_cache(const Layout& l, const std::string& vm_uuid, const std::string& chain_uuid) noexcept {
    try {
        load_chain(l, vm_uuid, chain_uuid);
    } catch (...) {
        // The next listing brings it up to date instead.
    }
}

void refresh_catalog_cache(const Layout& l, const std::string& vm_uuid) noexcept {
    try {
        load_vm_chains(l, vm_uuid);
    } catch (...) {
        // As above.
    }
}

std::vector<std::string> list_vm_uuids(const Layout& l) {
    std::vector<std::string> out;
    try {
        DirReader vms(l.vms());
        while (const struct dirent* e = vms.next())
            if (auto u = chain_of_dir_name(e->d_name)) out.push_back(std::move(*u));
    } catch (const Error&) {
        // No VM directory: no VMs.
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<Chain> load_vm_chains(const Layout& l, const std::string& vm_uuid) {
    const fs::path vm_dir = l.vm_dir(vm_uuid);
    std::optional<DirReader> vm;
    try {
        vm.emplace(vm_dir);
    } catch (const Error&) {
        return {};
    }
    CatalogCache cache = read_catalog_cache(vm_dir);
    size_t cached_chains = cache.size();
    CatalogCache fresh;
    bool changed = false;
    while (const struct dirent* e = vm->next()) {
        if (!maybe_directory(*e)) continue;
        auto chain = chain_of_dir_name(e->d_name);
        if (!chain) continue;
        ChainCache none, entries;
        auto hit = cache.find(*chain);
        if (hit != cache.end()) --cached_chains;
        changed |= scan_chain(vm->fd(), e->d_name, vm_dir / e->d_name, *chain, vm_uuid,
                              hit != cache.end() ? hit->second : none, entries);
        if (!entries.empty()) fresh.emplace(std::move(*chain), std::move(entries));
    }
    // Chains whose directory has gone are dropped from the cache.
    if (changed || cached_chains != 0) write_catalog_cache(vm_dir, fresh);
    std::vector<Chain> chains;
    for (auto& [uuid, entries] : fresh) {
        Chain c = make_chain(vm_dir / uuid_dir_name(uuid), uuid, std::move(entries));
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
        struct stat st {};
        if (::stat(l.chain_dir(vm, chain_uuid).c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
        Chain c = load_chain(l, vm, chain_uuid);
        if (!c.elements.empty()) return ChainLocation{vm, std::move(c)};
    }
    return std::nullopt;
}

}  // namespace prl::backup
