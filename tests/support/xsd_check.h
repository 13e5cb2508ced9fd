// Validating XML against an XSD file with libxml2, for tests.
//
// The original product's BackupTree.xsd (reference data beside the clone,
// never copied into the project) does not compile in libxml2 as published:
// one element has both a type attribute and an inline complexType, and one
// enumeration-typed element carries a default libxml2 rejects. For the
// reference schema those two constructs are dropped in memory before parsing;
// nothing else changes.
#pragma once

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include <fstream>
#include <sstream>
#include <string>

namespace prl::test {

enum class SchemaResult { valid, invalid, missing, broken };

inline SchemaResult validate_xml(const std::string& xml, const std::string& xsd_path, bool reference_schema) {
    std::ifstream in(xsd_path, std::ios::binary);
    if (!in) return SchemaResult::missing;
    std::ostringstream buf;
    buf << in.rdbuf();
    std::string text = buf.str();
    if (reference_schema) {
        for (const std::string bad : {" type=\"DiskEncryptionType\"", " default=\"PVBT_VM\""}) {
            const auto at = text.find(bad);
            if (at != std::string::npos) text.erase(at, bad.size());
        }
    }
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(text.data(), static_cast<int>(text.size()));
    xmlSchemaPtr schema = pc ? xmlSchemaParse(pc) : nullptr;
    if (pc) xmlSchemaFreeParserCtxt(pc);
    if (!schema) return SchemaResult::broken;
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "doc.xml", nullptr,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    const int rc = doc ? xmlSchemaValidateDoc(vc, doc) : -1;
    if (doc) xmlFreeDoc(doc);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    return rc == 0 ? SchemaResult::valid : SchemaResult::invalid;
}

}  // namespace prl::test
