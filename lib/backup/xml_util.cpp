#include "xml_util.h"

#include "error.h"

#include "platform/xml_parser_pool.h"

#include <cstring>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <mutex>

namespace prl::backup {

namespace {

void init_libxml() {
    static std::once_flag once;
    std::call_once(once, [] { xmlInitParser(); });
}

const xmlChar* x(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

int write_to_string(void* ctx, const char* buf, int len) {
    static_cast<std::string*>(ctx)->append(buf, static_cast<size_t>(len));
    return len;
}

}  // namespace

XmlWriter::XmlWriter(std::string& out, bool indent) {
    init_libxml();
    xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(write_to_string, nullptr, &out, nullptr);
    if (!ob) throw std::bad_alloc();
    w_ = xmlNewTextWriter(ob);  // owns ob from here on
    if (!w_) {
        xmlOutputBufferClose(ob);
        throw std::bad_alloc();
    }
    if (indent) {
        xmlTextWriterSetIndent(w_, 1);
        xmlTextWriterSetIndentString(w_, x("  "));
    }
    check(xmlTextWriterStartDocument(w_, "1.0", "UTF-8", nullptr), "start document");
}

XmlWriter::~XmlWriter() {
    if (w_) xmlFreeTextWriter(w_);
}

void XmlWriter::check(int rc, const char* what) {
    if (rc < 0) throw Error(Errc::io_error, std::string("XML writer failed: ") + what);
}

void XmlWriter::start(const char* name) { check(xmlTextWriterStartElement(w_, x(name)), name); }
void XmlWriter::attribute(const char* name, const std::string& value) {
    check(xmlTextWriterWriteAttribute(w_, x(name), x(value.c_str())), name);
}
void XmlWriter::end() { check(xmlTextWriterEndElement(w_), "end element"); }
void XmlWriter::element(const char* name, const std::string& text) {
    check(xmlTextWriterWriteElement(w_, x(name), x(text.c_str())), name);
}
void XmlWriter::element(const char* name, uint64_t value) { element(name, std::to_string(value)); }
void XmlWriter::empty_element(const char* name) {
    start(name);
    check(xmlTextWriterEndElement(w_), name);
}
void XmlWriter::finish() {
    check(xmlTextWriterEndDocument(w_), "end document");
    check(xmlTextWriterFlush(w_), "flush");
}

void XmlDocDeleter::operator()(xmlDocPtr d) const { xmlFreeDoc(d); }

XmlDoc parse_xml_untrusted(const std::string& data, const std::string& what) {
    init_libxml();
    if (data.size() > (1u << 30)) throw Error(Errc::corrupted, what + ": too large");
    // No XML_PARSE_NOENT (no entity substitution), no DTDLOAD/DTDATTR, never
    // the network. A pooled context, and documents owning their strings
    // (NODICT): a fresh context per parse was a third of a listing's time
    // in allocation (platform/xml_parser_pool.h).
    const int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NODICT | XML_PARSE_NOBLANKS;
    const platform::PooledXmlParser ctxt;
    XmlDoc doc(xmlCtxtReadMemory(ctxt.get(), data.data(), static_cast<int>(data.size()), nullptr, "UTF-8", opts));
    if (!doc) throw Error(Errc::corrupted, what + ": not well-formed XML");
    if (doc->intSubset || doc->extSubset) throw Error(Errc::corrupted, what + ": DOCTYPE is not allowed");
    if (!xmlDocGetRootElement(doc.get())) throw Error(Errc::corrupted, what + ": empty document");
    return doc;
}

xmlNodePtr xml_root(const XmlDoc& doc) { return xmlDocGetRootElement(doc.get()); }

bool xml_name_is(xmlNodePtr n, const char* name) {
    return n && n->type == XML_ELEMENT_NODE && std::strcmp(reinterpret_cast<const char*>(n->name), name) == 0;
}

xmlNodePtr xml_child(xmlNodePtr parent, const char* name) {
    if (!parent) return nullptr;
    for (xmlNodePtr c = parent->children; c; c = c->next)
        if (xml_name_is(c, name)) return c;
    return nullptr;
}

xmlNodePtr xml_next(xmlNodePtr node, const char* name) {
    for (xmlNodePtr c = node ? node->next : nullptr; c; c = c->next)
        if (xml_name_is(c, name)) return c;
    return nullptr;
}

std::string xml_text(xmlNodePtr node) {
    std::string out;
    if (!node) return out;
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (c->content) out += reinterpret_cast<const char*>(c->content);
        } else if (c->type == XML_ENTITY_REF_NODE) {
            throw Error(Errc::corrupted, "entity references are not allowed");
        }
    }
    return out;
}

}  // namespace prl::backup
