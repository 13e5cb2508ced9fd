// A VM's snapshot tree as the product keeps it in <bundle>/Snapshots.xml and
// hands it to clients (PrlVm_GetSnapshotsTree): a <VirtuozzoSavedStates>
// document whose one <SavedStateItem> is a nameless head; snapshots nest
// below it, and the one the VM's current state grew from carries
// current="yes" (the head does when no snapshot does). Tree rules follow the
// product's saved-state store: docs/snapshots.md.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace prl::service {

struct SnapshotNode {
    std::string id;           // "{uuid}", lower case; empty for the head
    std::string name;
    std::string description;
    std::string created;      // local time "yyyy-MM-dd hh:mm:ss", as the product writes it
    std::string creator;
    std::string vm_state = "poweroff";  // poweroff | poweron | pause | suspend
    bool current = false;
    std::vector<SnapshotNode> children;
};

class SnapshotTree {
public:
    bool empty() const noexcept { return !head_; }
    // Every snapshot id, parents before children.
    std::vector<std::string> ids() const;
    const SnapshotNode* find(const std::string& id) const;
    // The id of the current snapshot; empty when there is none or the head is current.
    std::string current_id() const;
    // How many snapshots lie on the path from the head to the current node.
    std::size_t current_depth() const;

    // Adds `node` as the last child of the current node (the head, made when
    // missing) and makes it current.
    void add(SnapshotNode node);
    // Makes snapshot `id` current (a switch). False if there is no such snapshot.
    bool make_current(const std::string& id);
    // Removes snapshot `id`. Without children, its children take its place
    // under its parent; with them, the whole branch goes. A current node that
    // goes passes "current" to the parent. Returns the ids removed (empty if
    // there is no such snapshot). The tree empties when no snapshot is left.
    std::vector<std::string> remove(const std::string& id, bool with_children);
    bool update(const std::string& id, const std::string& name, const std::string& description);

    // The document; an empty tree is an empty <VirtuozzoSavedStates/>.
    std::string to_xml() const;
    // Reads a document (hardened parser, bounded). Every snapshot id must be a
    // UUID and appear once (they name directories); throws corrupt otherwise.
    static SnapshotTree from_xml(const std::string& bytes);

private:
    std::optional<SnapshotNode> head_;
};

// The product's names for a VM state in the tree ("poweron", ...).
const char* snapshot_vm_state(int vm_state) noexcept;

}  // namespace prl::service
