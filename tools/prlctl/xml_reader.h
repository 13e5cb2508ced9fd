// Reading the XML documents the SDK returns (snapshot tree, backup tree) with
// libxml2: no network, no error output.
#pragma once

#include <libxml/tree.h>

#include <memory>
#include <string>

namespace prlctl::xml {

using Document = std::unique_ptr<xmlDoc, void (*)(xmlDoc*)>;

// The parsed document; null when the text is not XML.
Document parse(const std::string& text);
// Its root element when it is named `name`, else null.
const xmlNode* root(const Document& doc, const char* name);
bool element(const xmlNode* n, const char* name);
std::string content(const xmlNode* n);
std::string attribute(const xmlNode* n, const char* name);

}  // namespace prlctl::xml
