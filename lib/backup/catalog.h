// Reading the committed state: the elements of a VM, grouped into chains.
// Only files that parse and whose ancestors are all present count, so a
// damaged element hides itself and its dependants instead of failing listing.
#pragma once
#include "element_meta.h"
#include "layout.h"

#include <map>
#include <optional>

namespace prl::backup {

struct Chain {
    std::string uuid;
    std::string dir;  // its storage directory
    std::map<uint32_t, ElementMeta> elements;  // by number
    const ElementMeta& base() const { return elements.begin()->second; }
    const ElementMeta& latest() const { return elements.rbegin()->second; }
    // Element numbers from the base to `number`, following parents.
    std::vector<uint32_t> path_to(uint32_t number) const;
};

// Chains are read through the VM's listing cache (catalog_cache.h), which
// every function here brings up to date when it found it stale.

// All chains of one VM, sorted by the base element's time.
std::vector<Chain> load_vm_chains(const Layout& l, const std::string& vm_uuid);
// Chain and VM holding chain `chain_uuid`, if any.
struct ChainLocation { std::string vm_uuid; Chain chain; };
std::optional<ChainLocation> find_chain(const Layout& l, const std::string& chain_uuid);
// Canonical uuids of VMs that have a directory.
std::vector<std::string> list_vm_uuids(const Layout& l);
// One chain of a VM; no elements when none is listable.
Chain load_chain(const Layout& l, const std::string& vm_uuid, const std::string& chain_uuid);
// After a writer's commit or removal: the VM's listing cache brought up to
// date for that chain (or for all of the VM's chains), so that a listing of
// a repository prlshim wrote reads its caches and parses nothing, and no
// cache names what was removed. Best effort: the change is made whatever
// happens here.
void refresh_catalog_cache(const Layout& l, const std::string& vm_uuid, const std::string& chain_uuid) noexcept;
void refresh_catalog_cache(const Layout& l, const std::string& vm_uuid) noexcept;

}  // namespace prl::backup
