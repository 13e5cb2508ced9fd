// XmlTree: an element tree held as a plain value (copyable, comparable), for
// the parts of the product's documents (config.pvs, the dispatcher config,
// the network config) that we keep without modelling them field by field.
// Reading a document into a tree and writing it back keeps every element,
// attribute and text it had (comments and processing instructions are not
// kept: they carry no meaning for the product).
//
// Paths are element names joined by '/', relative to the tree they are asked
// of ("Hardware/Cpu/Mode"). A step names the first child of that name.
#pragma once
#include <libxml/tree.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace prl::service {

struct XmlTree {
    std::string name;
    std::vector<std::pair<std::string, std::string>> attributes;
    std::string text;  // direct text (written before any children)
    std::vector<XmlTree> children;

    bool empty() const noexcept { return name.empty() && children.empty() && text.empty(); }

    const XmlTree* find(const std::string& path) const;
    XmlTree* find(const std::string& path);
    // The element at `path`, made (with its parents) where missing. New
    // children are placed in the product's element order where it is known
    // (xml_order.h), otherwise appended.
    XmlTree& ensure(const std::string& path);
    // Removes the element at `path`; false when there was none.
    bool erase(const std::string& path);

    std::optional<std::string> text_at(const std::string& path) const;
    // A modelled value is the element's whole content: any child elements a
    // file had there go, so what is written reads back as `value`.
    void set_text_at(const std::string& path, const std::string& value);

    const std::string* attribute(const std::string& key) const;
    void set_attribute(const std::string& key, const std::string& value);

    // Direct children named `child_name`, in document order.
    std::vector<const XmlTree*> all(const std::string& child_name) const;
    std::vector<XmlTree*> all(const std::string& child_name);
    // Appends a new child (in product order among its siblings).
    XmlTree& add_child(const std::string& child_name);
    // Removes every direct child named `child_name`.
    void remove_all(const std::string& child_name);

    // Element count of the whole tree (for size bounds).
    std::size_t size() const;
};

bool operator==(const XmlTree& a, const XmlTree& b);
inline bool operator!=(const XmlTree& a, const XmlTree& b) { return !(a == b); }

// libxml2 <-> tree. from_xml copies elements, attributes and text of an
// already parsed (hardened) document; append_xml writes `tree` as a new last
// child of `parent` (or as the document's root when parent is null).
XmlTree tree_from_xml(const xmlNode* node);
xmlNode* append_xml(xmlDoc* doc, xmlNode* parent, const XmlTree& tree);

// Parses and serializes a whole document (hardened parsing, see xml_doc.h).
XmlTree parse_tree(const std::string& bytes, const std::string& what);
std::string serialize_tree(const XmlTree& root);

}  // namespace prl::service
