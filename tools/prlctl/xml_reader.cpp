#include "xml_reader.h"

#include <libxml/parser.h>

#include <climits>
#include <cstring>

namespace prlctl::xml {

Document parse(const std::string& text) {
    if (text.size() > INT_MAX) return Document(nullptr, xmlFreeDoc);
    return Document(xmlReadMemory(text.data(), static_cast<int>(text.size()), nullptr, nullptr,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE),
                    xmlFreeDoc);
}

const xmlNode* root(const Document& doc, const char* name) {
    const xmlNode* r = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
    return r && element(r, name) ? r : nullptr;
}

bool element(const xmlNode* n, const char* name) {
    return n->type == XML_ELEMENT_NODE && std::strcmp(reinterpret_cast<const char*>(n->name), name) == 0;
}

std::string content(const xmlNode* n) {
    std::unique_ptr<xmlChar, void (*)(void*)> t(xmlNodeGetContent(n), xmlFree);
    return t ? reinterpret_cast<const char*>(t.get()) : "";
}

std::string attribute(const xmlNode* n, const char* name) {
    std::unique_ptr<xmlChar, void (*)(void*)> v(xmlGetProp(n, reinterpret_cast<const xmlChar*>(name)), xmlFree);
    return v ? reinterpret_cast<const char*>(v.get()) : "";
}

}  // namespace prlctl::xml
