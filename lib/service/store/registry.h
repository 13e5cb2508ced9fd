// The inventory's on-disk registry (<root>/inventory.xml): which bundles are
// registered, under which UUID and name, their power state and config
// revision. Format in docs/state-root.md. Callers hold the inventory lock.
#pragma once
#include "power_state.h"
#include "vm_config.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace prl::service {

struct VmEntry {
    std::string uuid;                    // "{...}", lower case
    std::string name;
    VmType type = VmType::vm;
    std::filesystem::path bundle;        // absolute: the .pvm directory or CT private area
    VmState state = VmState::stopped;    // persisted simulated power state
    std::uint64_t revision = 1;          // bumped by every config update (edit-conflict check)
    std::string modified;                // UTC xs:dateTime of the last config change
    // Set only while a move (Inventory::move_bundle) renames the bundle from
    // here to `bundle`: if the mover died, load_registry keeps whichever of
    // the two directories exists (docs/clones.md).
    std::filesystem::path moving_from;

    std::filesystem::path config_file() const { return bundle / "config.pvs"; }
};

struct Registry {
    std::uint64_t generation = 0;  // bumped by every write
    std::vector<VmEntry> entries;

    VmEntry* find_uuid(const std::string& normalized_uuid);
    VmEntry* find_name(const std::string& name);
    VmEntry* find_bundle(const std::filesystem::path& canonical_bundle);
};

constexpr std::size_t max_registry_bytes = 64u << 20;

std::string to_registry_xml(const Registry& reg);
Registry from_registry_xml(const std::string& xml);  // throws corrupt

// Missing file → empty registry. An entry a dead mover left with
// moving_from gets the bundle that exists (its new place if the rename
// happened, else its old one); the next save records that.
Registry load_registry(const std::filesystem::path& file);
void save_registry(const std::filesystem::path& file, Registry& reg);  // bumps generation; atomic

std::string utc_now_text();

}  // namespace prl::service
