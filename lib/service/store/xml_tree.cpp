#include "xml_tree.h"

#include "error.h"
#include "xml_doc.h"
#include "xml_order.h"

#include <algorithm>
#include <tuple>

namespace prl::service {
namespace {

const xmlChar* X(const char* s) { return reinterpret_cast<const xmlChar*>(s); }
const char* C(const xmlChar* s) { return reinterpret_cast<const char*>(s); }

// Splits "a/b/c" into its first step and the rest.
std::pair<std::string, std::string> first_step(const std::string& path) {
    const auto slash = path.find('/');
    if (slash == std::string::npos) return {path, std::string()};
    return {path.substr(0, slash), path.substr(slash + 1)};
}

// Where a new child named `name` goes among `parent`'s children: after the
// last sibling the product's order puts at or before it.
std::size_t insert_position(const XmlTree& parent, const std::string& name) {
    const std::vector<std::string>* order = element_order(parent.name);
    if (!order) return parent.children.size();
    auto rank = [&](const std::string& n) -> long {
        auto it = std::find(order->begin(), order->end(), n);
        return it == order->end() ? -1 : static_cast<long>(it - order->begin());
    };
    const long mine = rank(name);
    if (mine < 0) return parent.children.size();
    std::size_t pos = 0;
    bool seen_later = false;
    for (std::size_t i = 0; i < parent.children.size(); ++i) {
        const long r = rank(parent.children[i].name);
        if (r >= 0 && r <= mine) pos = i + 1;
        if (r > mine) seen_later = true;
    }
    return seen_later ? pos : parent.children.size();
}

}  // namespace

const XmlTree* XmlTree::find(const std::string& path) const {
    const XmlTree* at = this;
    std::string rest = path;
    while (!rest.empty()) {
        const auto split = first_step(rest);
        const std::string& step = split.first;
        auto it = std::find_if(at->children.begin(), at->children.end(),
                               [&](const XmlTree& c) { return c.name == step; });
        if (it == at->children.end()) return nullptr;
        at = &*it;
        rest = split.second;
    }
    return at;
}

XmlTree* XmlTree::find(const std::string& path) {
    return const_cast<XmlTree*>(static_cast<const XmlTree*>(this)->find(path));
}

XmlTree& XmlTree::ensure(const std::string& path) {
    XmlTree* at = this;
    std::string rest = path;
    while (!rest.empty()) {
        const auto split = first_step(rest);
        const std::string& step = split.first;
        auto it = std::find_if(at->children.begin(), at->children.end(),
                               [&](const XmlTree& c) { return c.name == step; });
        at = it != at->children.end() ? &*it : &at->add_child(step);
        rest = split.second;
    }
    return *at;
}

bool XmlTree::erase(const std::string& path) {
    const auto slash = path.rfind('/');
    XmlTree* parent = slash == std::string::npos ? this : find(path.substr(0, slash));
    if (!parent) return false;
    const std::string leaf = slash == std::string::npos ? path : path.substr(slash + 1);
    auto it = std::find_if(parent->children.begin(), parent->children.end(),
                           [&](const XmlTree& c) { return c.name == leaf; });
    if (it == parent->children.end()) return false;
    parent->children.erase(it);
    return true;
}

std::optional<std::string> XmlTree::text_at(const std::string& path) const {
    const XmlTree* t = find(path);
    if (!t) return std::nullopt;
    return t->text;
}

void XmlTree::set_text_at(const std::string& path, const std::string& value) {
    XmlTree& at = ensure(path);
    at.children.clear();
    at.text = value;
}

const std::string* XmlTree::attribute(const std::string& key) const {
    for (const auto& [k, v] : attributes)
        if (k == key) return &v;
    return nullptr;
}

void XmlTree::set_attribute(const std::string& key, const std::string& value) {
    for (auto& [k, v] : attributes)
        if (k == key) {
            v = value;
            return;
        }
    attributes.emplace_back(key, value);
}

std::vector<const XmlTree*> XmlTree::all(const std::string& child_name) const {
    std::vector<const XmlTree*> out;
    for (const auto& c : children)
        if (c.name == child_name) out.push_back(&c);
    return out;
}

std::vector<XmlTree*> XmlTree::all(const std::string& child_name) {
    std::vector<XmlTree*> out;
    for (auto& c : children)
        if (c.name == child_name) out.push_back(&c);
    return out;
}

XmlTree& XmlTree::add_child(const std::string& child_name) {
    // After any existing siblings of the same name, so lists keep their order.
    std::size_t pos = insert_position(*this, child_name);
    for (std::size_t i = 0; i < children.size(); ++i)
        if (children[i].name == child_name) pos = std::max(pos, i + 1);
    XmlTree child;
    child.name = child_name;
    return *children.insert(children.begin() + static_cast<long>(pos), std::move(child));
}

void XmlTree::remove_all(const std::string& child_name) {
    children.erase(std::remove_if(children.begin(), children.end(),
                                  [&](const XmlTree& c) { return c.name == child_name; }),
                   children.end());
}

std::size_t XmlTree::size() const {
    std::size_t n = 1;
    for (const auto& c : children) n += c.size();
    return n;
}

bool operator==(const XmlTree& a, const XmlTree& b) {
    return std::tie(a.name, a.attributes, a.text, a.children) == std::tie(b.name, b.attributes, b.text, b.children);
}

XmlTree tree_from_xml(const xmlNode* node) {
    XmlTree t;
    if (!node || node->type != XML_ELEMENT_NODE) return t;
    t.name = C(node->name);
    for (const xmlAttr* a = node->properties; a; a = a->next) {
        std::string value;
        for (const xmlNode* v = a->children; v; v = v->next)
            if (v->content) value += C(v->content);
        t.attributes.emplace_back(C(a->name), value);
    }
    for (const xmlNode* n = node->children; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE) t.children.push_back(tree_from_xml(n));
        else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content) t.text += C(n->content);
    }
    // Whitespace between child elements is layout, not content.
    if (!t.children.empty() && t.text.find_first_not_of(" \t\r\n") == std::string::npos) t.text.clear();
    return t;
}

xmlNode* append_xml(xmlDoc* doc, xmlNode* parent, const XmlTree& tree) {
    xmlNode* n = xmlNewDocNode(doc, nullptr, X(tree.name.c_str()), nullptr);
    if (!n) throw std::bad_alloc();
    if (parent) xmlAddChild(parent, n);
    else xmlDocSetRootElement(doc, n);
    for (const auto& [k, v] : tree.attributes) xmlSetProp(n, X(k.c_str()), X(v.c_str()));
    // Mixed content keeps its text (before the children): readers take an
    // element's direct text whatever else it holds. Whitespace alone beside
    // children is layout, as tree_from_xml reads it (an element that had only
    // whitespace may have gained children since): writing it would turn off
    // the indentation, and the file would not read back to the same bytes.
    const bool layout = !tree.children.empty() && tree.text.find_first_not_of(" \t\r\n") == std::string::npos;
    if (!tree.text.empty() && !layout) xmlNodeAddContent(n, X(tree.text.c_str()));
    for (const auto& c : tree.children) append_xml(doc, n, c);
    return n;
}

XmlTree parse_tree(const std::string& bytes, const std::string& what) {
    xml::Doc doc = xml::parse(bytes, xml::Limits{}, what);
    return tree_from_xml(xmlDocGetRootElement(doc.get()));
}

std::string serialize_tree(const XmlTree& root) {
    xml::Doc doc(xmlNewDoc(X("1.0")));
    if (!doc) throw std::bad_alloc();
    append_xml(doc.get(), nullptr, root);
    return xml::serialize(doc);
}

}  // namespace prl::service
