// The product's element order: for an element name, the names of its
// children in the order the product writes them (generated from the product's
// XML model into lib/abi/defs/xml_order.tsv by tools/xsd-order). XmlTree
// places new elements by it, so documents we create read like the product's.
#pragma once
#include <string>
#include <vector>

namespace prl::service {

// Null when the element's order is not known (new children are appended).
const std::vector<std::string>* element_order(const std::string& element);

}  // namespace prl::service
