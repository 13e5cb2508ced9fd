#include "snapshot_tree.h"

#include "error.h"
#include "power_state.h"
#include "text_rules.h"
#include "uuid_text.h"
#include "xml_doc.h"

#include <algorithm>
#include <functional>
#include <set>

namespace prl::service {
namespace {

constexpr const char* root_element = "VirtuozzoSavedStates";
constexpr const char* item_element = "SavedStateItem";
constexpr std::size_t max_tree_bytes = 16u << 20;
constexpr int max_tree_depth = 1024;  // every snapshot nests one level below its parent

SnapshotNode* find_node(SnapshotNode& node, const std::string& id) {
    if (node.id == id) return &node;
    for (auto& child : node.children)
        if (auto* found = find_node(child, id)) return found;
    return nullptr;
}

SnapshotNode* parent_of(SnapshotNode& node, const std::string& id) {
    for (auto& child : node.children) {
        if (child.id == id) return &node;
        if (auto* found = parent_of(child, id)) return found;
    }
    return nullptr;
}

SnapshotNode* current_node(SnapshotNode& node) {
    if (node.current) return &node;
    for (auto& child : node.children)
        if (auto* found = current_node(child)) return found;
    return nullptr;
}

void clear_current(SnapshotNode& node) {
    node.current = false;
    for (auto& child : node.children) clear_current(child);
}

bool holds_current(const SnapshotNode& node) {
    if (node.current) return true;
    return std::any_of(node.children.begin(), node.children.end(), holds_current);
}

void collect_ids(const SnapshotNode& node, std::vector<std::string>& out) {
    if (!node.id.empty()) out.push_back(node.id);
    for (const auto& child : node.children) collect_ids(child, out);
}

void write_node(xmlNode* parent, const SnapshotNode& node) {
    xmlNode* item = xml::add(parent, item_element);
    xml::set_attribute(item, "guid", node.id);
    if (node.current) xml::set_attribute(item, "current", "yes");
    xml::set_attribute(item, "state", node.vm_state);
    xml::add(item, "Name", node.name);
    xml::add(item, "DateTime", node.created);
    xml::add(item, "Creator", node.creator);
    xml::add(item, "ScreenShot", "");
    xmlNode* description = xml::add(item, "Description");
    // The product writes the description as CDATA; a text holding "]]>" cannot be one.
    if (node.description.find("]]>") == std::string::npos) {
        const auto* text = reinterpret_cast<const xmlChar*>(node.description.c_str());
        xmlAddChild(description, xmlNewCDataBlock(item->doc, text, static_cast<int>(node.description.size())));
    } else {
        xmlNodeAddContent(description, reinterpret_cast<const xmlChar*>(node.description.c_str()));
    }
    for (const auto& child : node.children) write_node(item, child);
}

SnapshotNode read_node(const xmlNode* item, bool head, std::set<std::string>& seen) {
    SnapshotNode node;
    const std::string guid = xml::attribute(item, "guid").value_or("");
    if (!head || !guid.empty()) {
        auto id = normalize_uuid(guid);
        if (!id || *id != guid || !seen.insert(*id).second)
            throw Error(Errc::corrupt, "Snapshots.xml: bad or repeated snapshot id");
        node.id = *id;
    }
    node.current = xml::attribute(item, "current").value_or("") == "yes";
    node.vm_state = xml::attribute(item, "state").value_or("poweroff");
    node.name = xml::child_text(item, "Name").value_or("");
    node.created = xml::child_text(item, "DateTime").value_or("");
    node.creator = xml::child_text(item, "Creator").value_or("");
    node.description = xml::child_text(item, "Description").value_or("");
    for (const xmlNode* child : xml::children(item, item_element)) node.children.push_back(read_node(child, false, seen));
    return node;
}

}  // namespace

const char* snapshot_vm_state(int vm_state) noexcept {
    switch (static_cast<VmState>(vm_state)) {
    case VmState::running: return "poweron";
    case VmState::paused: return "pause";
    case VmState::suspended: return "suspend";
    default: return "poweroff";
    }
}

std::vector<std::string> SnapshotTree::ids() const {
    std::vector<std::string> out;
    if (head_) collect_ids(*head_, out);
    return out;
}

const SnapshotNode* SnapshotTree::find(const std::string& id) const {
    if (!head_ || id.empty()) return nullptr;
    return find_node(const_cast<SnapshotNode&>(*head_), id);
}

std::string SnapshotTree::current_id() const {
    if (!head_) return {};
    const SnapshotNode* node = current_node(const_cast<SnapshotNode&>(*head_));
    return node ? node->id : std::string();
}

std::size_t SnapshotTree::current_depth() const {
    if (!head_) return 0;
    const std::function<std::optional<std::size_t>(const SnapshotNode&, std::size_t)> walk =
        [&](const SnapshotNode& node, std::size_t depth) -> std::optional<std::size_t> {
        if (node.current) return depth;
        for (const auto& child : node.children)
            if (auto found = walk(child, depth + 1)) return found;
        return std::nullopt;
    };
    return walk(*head_, 0).value_or(0);
}

void SnapshotTree::add(SnapshotNode node) {
    if (!head_) head_.emplace();
    SnapshotNode* parent = current_node(*head_);
    if (!parent) parent = &*head_;
    clear_current(*head_);
    node.current = true;
    node.children.clear();
    parent->children.push_back(std::move(node));
}

bool SnapshotTree::make_current(const std::string& id) {
    if (!head_ || id.empty()) return false;
    SnapshotNode* node = find_node(*head_, id);
    if (!node) return false;
    clear_current(*head_);
    node->current = true;
    return true;
}

std::vector<std::string> SnapshotTree::remove(const std::string& id, bool with_children) {
    std::vector<std::string> removed;
    if (!head_ || id.empty()) return removed;
    SnapshotNode* parent = parent_of(*head_, id);
    if (!parent) return removed;
    auto it = std::find_if(parent->children.begin(), parent->children.end(),
                           [&](const SnapshotNode& n) { return n.id == id; });
    SnapshotNode node = std::move(*it);
    const auto at = parent->children.erase(it) - parent->children.begin();
    const bool passes_current = with_children ? holds_current(node) : node.current;
    if (with_children) {
        collect_ids(node, removed);
    } else {
        removed.push_back(node.id);
        parent->children.insert(parent->children.begin() + at, std::make_move_iterator(node.children.begin()),
                                std::make_move_iterator(node.children.end()));
    }
    if (passes_current) {
        clear_current(*head_);
        parent->current = true;
    }
    if (head_->children.empty()) head_.reset();  // no snapshot left: no tree
    return removed;
}

bool SnapshotTree::update(const std::string& id, const std::string& name, const std::string& description) {
    if (!head_ || id.empty()) return false;
    SnapshotNode* node = find_node(*head_, id);
    if (!node) return false;
    node->name = name;
    node->description = description;
    return true;
}

std::string SnapshotTree::to_xml() const {
    xml::Doc doc = xml::new_doc(root_element);
    if (head_) write_node(xmlDocGetRootElement(doc.get()), *head_);
    return xml::serialize(doc);
}

SnapshotTree SnapshotTree::from_xml(const std::string& bytes) {
    xml::Doc doc = xml::parse(bytes, xml::Limits{max_tree_bytes, max_tree_depth}, "Snapshots.xml");
    const xmlNode* root = xmlDocGetRootElement(doc.get());
    if (!xml::is(root, root_element)) throw Error(Errc::corrupt, "Snapshots.xml: not a saved-states document");
    SnapshotTree tree;
    const auto items = xml::children(root, item_element);
    if (items.size() > 1) throw Error(Errc::corrupt, "Snapshots.xml: more than one head");
    if (items.empty()) return tree;
    std::set<std::string> seen;
    tree.head_ = read_node(items.front(), true, seen);
    if (tree.head_->children.empty()) tree.head_.reset();
    return tree;
}

}  // namespace prl::service
