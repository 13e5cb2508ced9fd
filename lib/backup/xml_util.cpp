#include "xml_util.h"

#include "error.h"

#include "platform/xml_parser_pool.h"

#include <cstring>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <exception>
#include <mutex>
#include <vector>

namespace prl::backup {

namespace {

void init_libxml() {
    static std::once_flag once;
    std::call_once(once, [] { xmlInitParser(); });
}

// Appends `text` (up to its first NUL) with the characters XML needs escaped.
void append_escaped(std::string& out, const char* text, bool attribute) {
    const char* run = text;
    for (const char* p = text;; ++p) {
        const char* ref;
        switch (*p) {
            case '\0': out.append(run, p); return;
            case '<': ref = "&lt;"; break;
            case '>': ref = "&gt;"; break;
            case '&': ref = "&amp;"; break;
            case '"': ref = "&quot;"; break;
            case '\r': ref = "&#13;"; break;
            case '\n': if (!attribute) continue; ref = "&#10;"; break;
            case '\t': if (!attribute) continue; ref = "&#9;"; break;
            default: continue;
        }
        out.append(run, p);
        out.append(ref);
        run = p + 1;
    }
}

}  // namespace

XmlWriter::XmlWriter(std::string& out, bool indent) : out_(out), indent_(indent) {
    out_.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
}

void XmlWriter::close_tag_for_content() {
    if (!open_.empty() && open_.back().in_tag) {
        out_.push_back('>');
        open_.back().in_tag = false;
    }
}

void XmlWriter::indentation() {
    for (size_t i = 1; i < open_.size(); ++i) out_.append("  ");
}

void XmlWriter::start(const char* name) {
    if (!open_.empty() && open_.back().in_tag) {
        close_tag_for_content();
        if (indent_) out_.push_back('\n');
    }
    open_.push_back(Open{name, true});
    if (indent_) indentation();
    out_.push_back('<');
    out_.append(name);
}

void XmlWriter::attribute(const char* name, const std::string& value) {
    if (open_.empty() || !open_.back().in_tag) throw Error(Errc::io_error, std::string("XML writer: attribute outside a tag: ") + name);
    out_.push_back(' ');
    out_.append(name);
    out_.append("=\"");
    append_escaped(out_, value.c_str(), true);
    out_.push_back('"');
}

void XmlWriter::end() {
    if (open_.empty()) throw Error(Errc::io_error, "XML writer: end of no element");
    if (open_.back().in_tag) {
        out_.append("/>");
    } else {
        if (indent_ && indent_end_) indentation();
        out_.append("</");
        out_.append(open_.back().name);
        out_.push_back('>');
    }
    indent_end_ = indent_;
    if (indent_) out_.push_back('\n');
    open_.pop_back();
}

void XmlWriter::element(const char* name, const std::string& text) {
    start(name);
    close_tag_for_content();
    append_escaped(out_, text.c_str(), false);
    indent_end_ = false;
    end();
}

void XmlWriter::element(const char* name, uint64_t value) { element(name, std::to_string(value)); }

void XmlWriter::empty_element(const char* name) {
    start(name);
    end();
}

void XmlWriter::finish() {
    while (!open_.empty()) end();
    if (!indent_) out_.push_back('\n');
}

namespace {

// One parse's state, in its context's _private. libxml2 decides whether a
// run of blanks is ignorable (XML_PARSE_NOBLANKS) by looking at the tree
// under construction through ctxt->node: its children, first and last. So
// each open element has a stand-in node whose first and last child point at
// a marker of the right kind, and ctxt->node points at the innermost one:
// what is dropped is exactly what a tree would not have held.
struct SaxRun {
    XmlEvents& events;
    xmlParserCtxtPtr ctxt;
    std::vector<xmlNode> open;
    bool doctype = false;
    std::exception_ptr error;

    static SaxRun& of(void* ctx) { return *static_cast<SaxRun*>(static_cast<xmlParserCtxtPtr>(ctx)->_private); }

    // A child of the innermost open element: text, or anything else.
    void add_child(bool is_text) {
        static xmlNode text_marker = [] {
            xmlNode n{};
            n.type = XML_TEXT_NODE;
            return n;
        }();
        static xmlNode other_marker = [] {
            xmlNode n{};
            n.type = XML_COMMENT_NODE;
            return n;
        }();
        if (open.empty()) return;
        xmlNode& parent = open.back();
        xmlNode* marker = is_text ? &text_marker : &other_marker;
        if (!parent.children) parent.children = marker;
        parent.last = marker;
    }
    // Exceptions must not cross libxml2's C frames: the first one stops the parse.
    template <class F>
    void guard(F&& body) noexcept {
        try {
            body();
        } catch (...) {
            if (!error) error = std::current_exception();
            xmlStopParser(ctxt);
        }
    }
};

const xmlSAXHandler& sax_handler() {
    static const xmlSAXHandler handler = [] {
        xmlSAXHandler h{};
        h.initialized = XML_SAX2_MAGIC;
        h.startElementNs = [](void* ctx, const xmlChar* local, const xmlChar* prefix, const xmlChar* uri, int,
                              const xmlChar**, int, int, const xmlChar**) {
            SaxRun& r = SaxRun::of(ctx);
            r.guard([&] {
                r.add_child(false);
                xmlNode n{};
                n.type = XML_ELEMENT_NODE;
                r.open.push_back(n);
                r.ctxt->node = &r.open.back();
                const std::string_view name(reinterpret_cast<const char*>(local));
                if (prefix && !uri) {
                    r.events.start(std::string(reinterpret_cast<const char*>(prefix)) + ":" + std::string(name));
                } else {
                    r.events.start(name);
                }
            });
        };
        h.endElementNs = [](void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
            SaxRun& r = SaxRun::of(ctx);
            r.guard([&] {
                r.open.pop_back();
                r.ctxt->node = r.open.empty() ? nullptr : &r.open.back();
                r.events.end();
            });
        };
        h.characters = [](void* ctx, const xmlChar* chars, int len) {
            SaxRun& r = SaxRun::of(ctx);
            r.guard([&] {
                r.add_child(true);
                r.events.text(std::string_view(reinterpret_cast<const char*>(chars), static_cast<size_t>(len)));
            });
        };
        h.cdataBlock = [](void* ctx, const xmlChar* chars, int len) {
            SaxRun& r = SaxRun::of(ctx);
            r.guard([&] {
                r.add_child(false);
                r.events.text(std::string_view(reinterpret_cast<const char*>(chars), static_cast<size_t>(len)));
            });
        };
        // Distinct from `characters`, so that libxml2 tells blanks apart.
        h.ignorableWhitespace = [](void*, const xmlChar*, int) {};
        h.comment = [](void* ctx, const xmlChar*) { SaxRun::of(ctx).add_child(false); };
        h.processingInstruction = [](void* ctx, const xmlChar*, const xmlChar*) { SaxRun::of(ctx).add_child(false); };
        // Refused on sight: nothing of a DTD is read.
        h.internalSubset = [](void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
            SaxRun& r = SaxRun::of(ctx);
            r.doctype = true;
            xmlStopParser(r.ctxt);
        };
        return h;
    }();
    return handler;
}

}  // namespace

void read_xml_untrusted(const std::string& data, const std::string& what, XmlEvents& events) {
    init_libxml();
    if (data.size() > (1u << 30)) throw Error(Errc::corrupted, what + ": too large");
    // No XML_PARSE_NOENT (no entity substitution), no DTDLOAD/DTDATTR, never
    // the network; and the parse stops at a DOCTYPE, before any declaration. A pooled context (platform/xml_parser_pool.h), given back as
    // it came: building trees, pointing at nothing of this parse.
    const int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NODICT | XML_PARSE_NOBLANKS;
    const platform::PooledXmlParser ctxt;
    SaxRun run{events, ctxt.get(), {}, false, nullptr};
    run.open.reserve(32);
    struct Restore {
        xmlParserCtxtPtr c;
        ~Restore() {
            c->node = nullptr;
            c->_private = nullptr;
            if (c->myDoc) xmlFreeDoc(c->myDoc);  // none is built without the tree handlers
            c->myDoc = nullptr;
            xmlSAXVersion(c->sax, 2);
        }
    } restore{ctxt.get()};
    *ctxt->sax = sax_handler();
    ctxt->_private = &run;
    xmlDocPtr doc = platform::read_document(ctxt.get(), data, opts);
    if (doc) xmlFreeDoc(doc);
    if (run.error) std::rethrow_exception(run.error);
    if (run.doctype) throw Error(Errc::corrupted, what + ": DOCTYPE is not allowed");
    if (!ctxt->wellFormed) throw Error(Errc::corrupted, what + ": not well-formed XML");
}

}  // namespace prl::backup
