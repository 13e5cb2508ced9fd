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
    fs::path dir;
    std::map<uint32_t, ElementMeta> elements;  // by number
    const ElementMeta& base() const { return elements.begin()->second; }
    const ElementMeta& latest() const { return elements.rbegin()->second; }
    // Element numbers from the base to `number`, following parents.
    std::vector<uint32_t> path_to(uint32_t number) const;
};

// All chains of one VM, sorted by the base element's time.
std::vector<Chain> load_vm_chains(const Layout& l, const std::string& vm_uuid);
// Chain and VM holding chain `chain_uuid`, if any.
struct ChainLocation { std::string vm_uuid; Chain chain; };
std::optional<ChainLocation> find_chain(const Layout& l, const std::string& chain_uuid);
// Canonical uuids of VMs that have a directory.
std::vector<std::string> list_vm_uuids(const Layout& l);
Chain load_chain(const fs::path& dir, const std::string& chain_uuid, const std::string& vm_uuid);
// After a writer's commit: the chain's listing cache brought up to date, so
// that a listing of a repository prlshim wrote reads its caches and parses
// nothing. Best effort: the element is committed whatever happens here.
void refresh_chain_cache(const fs::path& dir, const std::string& chain_uuid, const std::string& vm_uuid) noexcept;

}  // namespace prl::backup
