#include "catalog.h"

#include "catalog_cache.h"
#include "error.h"
#include "ids.h"

#include <algorithm>

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

// The chain's element files that parse and belong where they lie, into
// `fresh`: moved from `cached` while a file is unchanged, parsed otherwise.
// Returns whether `fresh` differs from `cached`.
bool scan_chain(Storage& storage, const std::string& dir, const std::string& chain_uuid, const std::string& vm_uuid,
                ChainCache& cached, ChainCache& fresh) {
    // Without a cache of the chain every element is read, and its version
    // comes with it: no stat per element beforehand.
    const bool read_all = cached.empty();
    std::vector<ObjectInfo> files;
    try {
        files = read_all ? storage.list_names(dir) : storage.list(dir);
    } catch (const Error&) {
        return !cached.empty();  // unreadable: nothing listed
    }
    size_t reused = 0, added = 0;
    std::vector<std::string> to_parse;
    std::vector<std::pair<uint32_t, FileFingerprint>> parse_as;
    for (const ObjectInfo& f : files) {
        uint32_t number = 0;
        if (f.is_directory || !parse_element_file_name(f.name, number)) continue;
        if (read_all) {
            to_parse.push_back(f.name);
            parse_as.emplace_back(number, FileFingerprint{});
            continue;
        }
        const FileFingerprint print = fingerprint_of(f);
        // Entries are filed by their own chain and number (read_catalog_cache).
        auto hit = cached.find(number);
        if (hit != cached.end() && hit->second.meta.vm_uuid == vm_uuid && hit->second.print == print) {
            fresh.emplace(number, std::move(hit->second));
            ++reused;
            continue;
        }
        to_parse.push_back(f.name);
        parse_as.emplace_back(number, print);
    }
    if (to_parse.empty()) return reused != cached.size();
    std::vector<std::optional<std::string>> texts;
    std::vector<ObjectInfo> read_as;
    try {
        texts = storage.get_all(dir, to_parse, kMaxMetaBytes, read_all ? &read_as : nullptr);
    } catch (const Error&) {
        return true;  // unreadable now: what could not be read is not listed
    }
    for (size_t i = 0; i < to_parse.size(); ++i) {
        // Replaced between the listing and this read: cached under the
        // listed fingerprint, it only costs a parse next time.
        if (!texts[i]) continue;  // removed meanwhile
        const uint32_t number = parse_as[i].first;
        const FileFingerprint print = read_all ? fingerprint_of(read_as[i]) : parse_as[i].second;
        try {
            ElementMeta m = parse_element(*texts[i], Layout::join(dir, to_parse[i]));
            if (m.chain != chain_uuid || m.number != number || m.vm_uuid != vm_uuid) continue;
            fresh.emplace(number, CachedElement{print, std::move(m)});
            ++added;
        } catch (const Error&) {
            // Damaged: not listed (and neither are its dependants, make_chain),
            // nor cached, so it costs a parse per listing but no write.
        }
    }
    return added != 0 || reused != cached.size();
}

// The listable elements of `entries`: those whose ancestry is complete.
Chain make_chain(const std::string& dir, const std::string& chain_uuid, ChainCache&& entries) {
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
std::optional<std::string> chain_of_dir_name(const std::string& name) {
    auto u = canonical_uuid(name);
    if (!u || uuid_dir_name(*u) != name) return std::nullopt;
    return u;
}

}  // namespace

Chain load_chain(const Layout& l, const std::string& vm_uuid, const std::string& chain_uuid) {
    const std::string vm_dir = l.vm_dir(vm_uuid), dir = l.chain_dir(vm_uuid, chain_uuid);
    CatalogCache cache = read_catalog_cache(l.store(), vm_dir);
    ChainCache fresh;
    ChainCache& cached = cache[chain_uuid];
    if (scan_chain(l.store(), dir, chain_uuid, vm_uuid, cached, fresh)) {
        cached = fresh;
        write_catalog_cache(l.store(), vm_dir, cache);
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
        for (const ObjectInfo& o : l.store().list_names(l.vms()))
            if (o.is_directory)
                if (auto u = chain_of_dir_name(o.name)) out.push_back(std::move(*u));
    } catch (const Error&) {
        // No VM directory: no VMs.
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<Chain> load_vm_chains(const Layout& l, const std::string& vm_uuid) {
    const std::string vm_dir = l.vm_dir(vm_uuid);
    std::vector<ObjectInfo> entries_of_vm;
    try {
        entries_of_vm = l.store().list_names(vm_dir);
    } catch (const Error&) {
        return {};
    }
    if (entries_of_vm.empty()) return {};
    CatalogCache cache = read_catalog_cache(l.store(), vm_dir);
    size_t cached_chains = cache.size();
    CatalogCache fresh;
    bool changed = false;
    for (const ObjectInfo& o : entries_of_vm) {
        if (!o.is_directory) continue;
        auto chain = chain_of_dir_name(o.name);
        if (!chain) continue;
        ChainCache none, entries;
        auto hit = cache.find(*chain);
        if (hit != cache.end()) --cached_chains;
        changed |= scan_chain(l.store(), Layout::join(vm_dir, o.name), *chain, vm_uuid,
                              hit != cache.end() ? hit->second : none, entries);
        if (!entries.empty()) fresh.emplace(std::move(*chain), std::move(entries));
    }
    // Chains whose directory has gone are dropped from the cache.
    if (changed || cached_chains != 0) write_catalog_cache(l.store(), vm_dir, fresh);
    std::vector<Chain> chains;
    for (auto& [uuid, entries] : fresh) {
        Chain c = make_chain(Layout::join(vm_dir, uuid_dir_name(uuid)), uuid, std::move(entries));
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
    const std::string dir_name = uuid_dir_name(chain_uuid);
    for (const std::string& vm : list_vm_uuids(l)) {
        bool here = false;
        for (const ObjectInfo& o : l.store().list_names(l.vm_dir(vm))) here |= o.is_directory && o.name == dir_name;
        if (!here) continue;
        Chain c = load_chain(l, vm, chain_uuid);
        if (!c.elements.empty()) return ChainLocation{vm, std::move(c)};
    }
    return std::nullopt;
}

}  // namespace prl::backup
