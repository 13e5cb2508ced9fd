#include "xml_doc.h"

#include "error.h"

#include "platform/xml_parser_pool.h"

#include <libxml/parser.h>
#include <libxml/xmlsave.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

namespace prl::service::xml {
namespace {

const xmlChar* X(const char* s) { return reinterpret_cast<const xmlChar*>(s); }
const char* C(const xmlChar* s) { return reinterpret_cast<const char*>(s); }

void init_once() {
    static std::once_flag once;
    std::call_once(once, [] { xmlInitParser(); });
}

using PooledContext = platform::PooledXmlParser;

struct XmlCharFree {
    void operator()(xmlChar* p) const noexcept { xmlFree(p); }
};
using XmlString = std::unique_ptr<xmlChar, XmlCharFree>;

[[noreturn]] void corrupt(const std::string& what, const std::string& why) {
    throw Error(Errc::corrupt, what + ": " + why);
}

int depth_of(const xmlNode* root, int limit) {
    // Iterative walk so hostile nesting cannot exhaust our stack.
    int depth = 1, max_depth = 1;
    const xmlNode* n = root;
    while (n) {
        if (n->children && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            if (++depth > max_depth) max_depth = depth;
            if (max_depth > limit) return max_depth;
            continue;
        }
        while (n && !n->next && n != root) {
            n = n->parent;
            --depth;
        }
        if (!n || n == root) break;
        n = n->next;
    }
    return max_depth;
}

}  // namespace

namespace {

// What every parse refuses before libxml2 sees the bytes.
void check_before_parsing(const std::string& bytes, std::size_t max_bytes, const std::string& what) {
    init_once();
    if (bytes.size() > max_bytes) corrupt(what, "larger than " + std::to_string(max_bytes) + " bytes");
    if (bytes.size() > static_cast<std::size_t>(INT32_MAX)) corrupt(what, "too large");
    // Our formats never carry a DTD; refusing it outright rules out entity
    // expansion attacks and external entities before libxml2 sees them.
    for (auto at = bytes.find("<!"); at != std::string::npos; at = bytes.find("<!", at + 2))
        if (bytes.compare(at + 2, 7, "DOCTYPE") == 0 || bytes.compare(at + 2, 6, "ENTITY") == 0)
            corrupt(what, "DOCTYPE/ENTITY declarations are not allowed");
}

// No NOENT (no substitution), no DTDLOAD/DTDATTR/DTDVALID, no XINCLUDE, no
// HUGE (keeps libxml2's own depth and size limits), silent. NODICT: a
// document owns its strings, so it holds no reference to the pooled
// context's dictionary.
constexpr int kParseOptions =
    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA | XML_PARSE_NODICT;

[[noreturn]] void not_well_formed(xmlParserCtxt* ctxt, const std::string& what) {
    const xmlError* err = xmlCtxtGetLastError(ctxt);
    std::string why = err && err->message ? err->message : "not well-formed XML";
    while (!why.empty() && why.back() == '\n') why.pop_back();
    if (err) why = "line " + std::to_string(err->line) + ": " + why;
    corrupt(what, why);
}

}  // namespace

Doc parse(const std::string& bytes, const Limits& limits, const std::string& what) {
    check_before_parsing(bytes, limits.max_bytes, what);
    const PooledContext ctxt;
    Doc doc(platform::read_document(ctxt.get(), bytes, kParseOptions));
    if (!doc || !ctxt->wellFormed) not_well_formed(ctxt.get(), what);
    if (doc->intSubset || doc->extSubset) corrupt(what, "DTD not allowed");
    xmlNode* root = xmlDocGetRootElement(doc.get());
    if (!root) corrupt(what, "no root element");
    if (depth_of(root, limits.max_depth) > limits.max_depth)
        corrupt(what, "nesting deeper than " + std::to_string(limits.max_depth));
    return doc;
}

void sax_parse(const std::string& bytes, std::size_t max_bytes, const xmlSAXHandler& handler, SaxState& state,
               const std::string& what) {
    check_before_parsing(bytes, max_bytes, what);
    const PooledContext ctxt;
    *ctxt->sax = handler;
    ctxt->_private = &state;
    state.ctxt = ctxt.get();
    xmlDoc* doc = platform::read_document(ctxt.get(), bytes, kParseOptions);
    // The context goes back to the pool as it came: building trees.
    xmlSAXVersion(ctxt->sax, 2);
    ctxt->_private = nullptr;
    state.ctxt = nullptr;
    if (doc) xmlFreeDoc(doc);  // none is built without the tree handlers; never leak one
    if (state.failed) throw std::bad_alloc();
    if (!state.refused.empty()) corrupt(what, state.refused);
    if (!ctxt->wellFormed) not_well_formed(ctxt.get(), what);
}

std::optional<std::string> sax_attribute(const xmlChar** attributes, int count, const char* name) {
    for (int i = 0; i < count; ++i) {
        const xmlChar** a = attributes + 5 * i;  // localname, prefix, URI, value, end
        if (a[1] || std::strcmp(C(a[0]), name) != 0) continue;
        // libxml2 resolves every reference in a value it hands a SAX
        // handler but '&', which it leaves as "&#38;".
        const std::string raw(C(a[3]), static_cast<std::size_t>(a[4] - a[3]));
        std::string out;
        out.reserve(raw.size());
        for (std::size_t j = 0; j < raw.size(); ++j) {
            if (raw.compare(j, 5, "&#38;") == 0) {
                out += '&';
                j += 4;
            } else {
                out += raw[j];
            }
        }
        return out;
    }
    return std::nullopt;
}

void SaxState::refuse(std::string why) {
    if (refused.empty()) refused = why.empty() ? "refused" : std::move(why);
    if (ctxt) xmlStopParser(ctxt);
}

bool is(const xmlNode* node, const char* name) {
    return node && node->type == XML_ELEMENT_NODE && std::strcmp(C(node->name), name) == 0;
}

std::vector<xmlNode*> children(const xmlNode* parent, const char* name) {
    std::vector<xmlNode*> out;
    if (!parent) return out;
    for (xmlNode* n = parent->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        if (!name || std::strcmp(C(n->name), name) == 0) out.push_back(n);
    }
    return out;
}

xmlNode* child(const xmlNode* parent, const char* name) {
    if (!parent) return nullptr;
    for (xmlNode* n = parent->children; n; n = n->next)
        if (is(n, name)) return n;
    return nullptr;
}

std::string text(const xmlNode* node) {
    std::string out;
    if (!node) return out;
    // Only direct text children: entity references (never expanded) and
    // nested elements contribute nothing.
    for (const xmlNode* n = node->children; n; n = n->next)
        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content) out += C(n->content);
    return out;
}

std::optional<std::string> child_text(const xmlNode* parent, const char* name) {
    xmlNode* n = child(parent, name);
    if (!n) return std::nullopt;
    return text(n);
}

std::optional<std::string> attribute(const xmlNode* node, const char* name) {
    if (!node) return std::nullopt;
    XmlString v(xmlGetNoNsProp(node, X(name)));
    if (!v) return std::nullopt;
    return std::string(C(v.get()));
}

std::optional<long long> child_int(const xmlNode* parent, const char* name) {
    auto t = child_text(parent, name);
    if (!t) return std::nullopt;
    std::string s = *t;
    auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return std::nullopt;  // empty element: treat as absent
    s = s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
    errno = 0;
    char* end = nullptr;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno != 0 || end == s.c_str() || *end != '\0')
        throw Error(Errc::corrupt, std::string("element ") + name + " is not a number");
    return v;
}

Doc new_doc(const char* root_name) {
    init_once();
    Doc doc(xmlNewDoc(X("1.0")));
    if (!doc) throw std::bad_alloc();
    xmlNode* root = xmlNewDocNode(doc.get(), nullptr, X(root_name), nullptr);
    if (!root) throw std::bad_alloc();
    xmlDocSetRootElement(doc.get(), root);
    return doc;
}

xmlNode* add(xmlNode* parent, const char* name) {
    xmlNode* n = xmlNewChild(parent, nullptr, X(name), nullptr);
    if (!n) throw std::bad_alloc();
    return n;
}

xmlNode* add(xmlNode* parent, const char* name, const std::string& value) {
    xmlNode* n = xmlNewTextChild(parent, nullptr, X(name), X(value.c_str()));
    if (!n) throw std::bad_alloc();
    return n;
}

xmlNode* add(xmlNode* parent, const char* name, long long value) {
    return add(parent, name, std::to_string(value));
}

void set_attribute(xmlNode* node, const char* name, const std::string& value) {
    if (!xmlSetProp(node, X(name), X(value.c_str()))) throw std::bad_alloc();
}

std::string serialize(const Doc& doc) {
    xmlChar* mem = nullptr;
    int size = 0;
    xmlDocDumpFormatMemoryEnc(doc.get(), &mem, &size, "UTF-8", 1);
    XmlString owned(mem);
    if (!owned || size < 0) throw std::bad_alloc();
    return std::string(C(owned.get()), static_cast<std::size_t>(size));
}

}  // namespace prl::service::xml
