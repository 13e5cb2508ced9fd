// How a handle leads to the XmlTree its table-driven properties live in.
// with_tree pins the handle, checks its type against the Owner (else
// PRL_ERR_INVALID_ARG) and runs f on the tree under the object's lock.
#pragma once

#include "props.h"

#include "service/store/xml_tree.h"

#include <functional>

namespace prl::props {

using TreeFn = std::function<void(service::XmlTree&)>;

void with_tree(Owner owner, PRL_HANDLE h, bool write, const TreeFn& f);

}  // namespace prl::props
