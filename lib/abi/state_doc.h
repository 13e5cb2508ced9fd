// Small XML documents of the embedded service's own settings that have no
// other home (the vcmmd policy, the confirmation mode, offline management
// services), each one file in the state root, in the product's element names.
// Reads and writes are serialised in the process and atomic on disk.
#pragma once

#include "service/store/xml_tree.h"

#include <functional>
#include <string>

namespace prl::abi {

// The document `file` in the state root; an empty `root_name` element when
// the file does not exist yet.
service::XmlTree load_state_doc(const std::string& file, const std::string& root_name);

// Reads the document, lets `edit` change it, and writes it back atomically.
void edit_state_doc(const std::string& file, const std::string& root_name,
                    const std::function<void(service::XmlTree&)>& edit);

}  // namespace prl::abi
