#include "event_xml.h"

#include "error.h"
#include "platform/base64.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

namespace prl::xml {
namespace {

// ---- RAII owners for libxml2 objects --------------------------------------

struct DocFree {
    void operator()(xmlDoc* d) const noexcept { xmlFreeDoc(d); }
};
struct CtxtFree {
    void operator()(xmlParserCtxt* c) const noexcept {
        if (c->myDoc) xmlFreeDoc(c->myDoc);
        c->myDoc = nullptr;
        xmlFreeParserCtxt(c);
    }
};
struct XmlFree {
    void operator()(xmlChar* p) const noexcept { xmlFree(p); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocFree>;
using CtxtPtr = std::unique_ptr<xmlParserCtxt, CtxtFree>;
using XmlString = std::unique_ptr<xmlChar, XmlFree>;

void init_libxml() {
    static std::once_flag once;
    std::call_once(once, [] { xmlInitParser(); });
}

const xmlChar* X(const char* s) noexcept { return reinterpret_cast<const xmlChar*>(s); }
const char* C(const xmlChar* s) noexcept { return reinterpret_cast<const char*>(s); }

[[noreturn]] void bad(const std::string& why) { fail(PRL_ERR_INVALID_ARG, "invalid event XML: " + why); }

constexpr const char* kRoot = "ParallelsEvent";         // what the product writes
constexpr const char* kRootNew = "VirtuozzoEvent";      // what it also reads
constexpr const char* kStandardParam = "ws_response_cmd_standard_param";

// ---- text that XML 1.0 can carry ---------------------------------------------

// Valid UTF-8 made only of characters XML 1.0 allows.
bool xml_safe(std::string_view s) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
        std::uint32_t c = *p;
        int n = 0;
        if (c < 0x80) n = 0;
        else if ((c & 0xE0) == 0xC0) { c &= 0x1F; n = 1; }
        else if ((c & 0xF0) == 0xE0) { c &= 0x0F; n = 2; }
        else if ((c & 0xF8) == 0xF0) { c &= 0x07; n = 3; }
        else return false;
        if (end - p < n + 1) return false;
        for (int i = 1; i <= n; ++i) {
            if ((p[i] & 0xC0) != 0x80) return false;
            c = (c << 6) | (p[i] & 0x3F);
        }
        if ((n == 1 && c < 0x80) || (n == 2 && c < 0x800) || (n == 3 && c < 0x10000)) return false;  // overlong
        if (c < 0x20 && c != 0x9 && c != 0xA && c != 0xD) return false;
        if ((c >= 0xD800 && c <= 0xDFFF) || c == 0xFFFE || c == 0xFFFF || c > 0x10FFFF) return false;
        p += n + 1;
    }
    return true;
}

// ---- writing ------------------------------------------------------------------

xmlNode* add(xmlNode* parent, const char* name) {
    xmlNode* n = xmlNewChild(parent, nullptr, X(name), nullptr);
    if (!n) throw std::bad_alloc();
    return n;
}

// An element with text; text XML cannot carry (invalid UTF-8, control
// characters) is written in base64 with encoding="base64".
xmlNode* add_text(xmlNode* parent, const char* name, std::string_view value) {
    if (xml_safe(value)) {
        xmlNode* n = xmlNewTextChild(parent, nullptr, X(name), X(std::string(value).c_str()));
        if (!n) throw std::bad_alloc();
        return n;
    }
    xmlNode* n = xmlNewChild(parent, nullptr, X(name), nullptr);
    if (!n) throw std::bad_alloc();
    xmlNewProp(n, X("encoding"), X("base64"));
    xmlNodeAddContent(n, X(platform::base64_encode(value).c_str()));
    return n;
}

template <class Int>
xmlNode* add_number(xmlNode* parent, const char* name, Int value) {
    return add_text(parent, name, std::to_string(value));
}

std::string object_xml(const Object& o, int depth);

void write_param(xmlNode* list, const EventParam& p, int depth) {
    xmlNode* e = add(list, "EventParameter");
    const EventParam::Fields& f = p.fields();
    if (f.binary) xmlNewProp(e, X("binary"), X("1"));
    std::string value = f.text;
    if (f.entity) {
        xmlNewProp(e, X("handleType"), X(std::to_string(static_cast<int>(f.entity->type())).c_str()));
        if (serialisable(*f.entity) && depth < kMaxNesting) value = object_xml(*f.entity, depth + 1);
    }
    if (f.is_list) add_text(e, "IsList", "1");
    add_text(e, "Name", f.name);
    add_number(e, "Type", f.wire_type);
    if (f.is_list) {
        xmlNode* v = add(e, "Value");
        for (const auto& item : f.items) add_text(v, "ListItem", item);
    } else {
        add_text(e, "Value", value);
    }
    if (f.binary || !f.data.empty() || f.wire_type == wire::CData || f.wire_type == wire::VmConfiguration)
        add_text(e, "Data", platform::base64_encode(f.data));
}

DocPtr new_doc(xmlNode*& root) {
    init_libxml();
    DocPtr doc(xmlNewDoc(X("1.0")));
    if (!doc) throw std::bad_alloc();
    root = xmlNewDocNode(doc.get(), nullptr, X(kRoot), nullptr);
    if (!root) throw std::bad_alloc();
    xmlDocSetRootElement(doc.get(), root);
    xmlNewProp(root, X("schemaVersion"), X("1.0"));
    return doc;
}

void write_header(xmlNode* root, const EventData& d) {
    add_number(root, "EventType", static_cast<long long>(d.type));
    add_number(root, "EventLevel", d.level);
    add_number(root, "EventCode", static_cast<long long>(d.error_code));
    add_number(root, "EventNeedResponse", d.answer_required ? 1 : 0);
    add_number(root, "EventIssuerType", static_cast<long long>(d.issuer_type));
    add_text(root, "EventIssuerId", d.issuer_id);
    add_text(root, "EventSource", d.source);
    add_text(root, "EventInitialRequestId", d.request_id);
}

std::string dump(xmlDoc* doc) {
    xmlChar* mem = nullptr;
    int size = 0;
    xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
    if (!mem) throw std::bad_alloc();
    XmlString owner(mem);
    return std::string(C(mem), static_cast<std::size_t>(size));
}

std::string event_xml(const Event& event, int depth) {
    const EventData& d = event.data();
    xmlNode* root = nullptr;
    DocPtr doc = new_doc(root);
    write_header(root, d);
    xmlNode* list = add(root, "EventParameters");
    for (const auto& p : d.params)
        if (p) write_param(list, *p, depth);
    add_number(root, "EventId", d.event_id);
    // prlshim's own fields; the product ignores elements it does not know.
    if (!d.error_text.empty()) add_text(root, "ErrorText", d.error_text);
    if (d.can_be_ignored) add_text(root, "CanBeIgnored", "1");
    return dump(doc.get());
}

std::string result_xml(const Result& result, int depth) {
    xmlNode* root = nullptr;
    DocPtr doc = new_doc(root);
    EventData d;
    d.type = PET_VM_INF_UNINITIALIZED_EVENT_CODE;
    write_header(root, d);
    xmlNode* list = add(root, "EventParameters");
    for (const auto& p : result.params()) {
        if (const auto* s = std::get_if<std::string>(&p)) {
            write_param(list, EventParam(kStandardParam, PFD_STRING, *s), depth);
        } else if (const auto& o = std::get<ObjectPtr>(p)) {
            write_param(list, EventParam(kStandardParam, o), depth);
        }
    }
    add_number(root, "EventId", 0);
    return dump(doc.get());
}

std::string object_xml(const Object& o, int depth) {
    switch (o.type()) {
        case PHT_EVENT: return event_xml(static_cast<const Event&>(o), depth);
        case PHT_RESULT: return result_xml(static_cast<const Result&>(o), depth);
        default: fail(PRL_ERR_UNIMPLEMENTED, "this object has no XML form");
    }
}

// ---- reading --------------------------------------------------------------------

struct ParseState {
    bool dtd = false;
};

void on_subset(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
    auto* ctxt = static_cast<xmlParserCtxt*>(ctx);
    static_cast<ParseState*>(ctxt->_private)->dtd = true;
    xmlStopParser(ctxt);
}

void on_entity_decl(void* ctx, const xmlChar*, int, const xmlChar*, const xmlChar*, xmlChar*) {
    auto* ctxt = static_cast<xmlParserCtxt*>(ctx);
    static_cast<ParseState*>(ctxt->_private)->dtd = true;
    xmlStopParser(ctxt);
}

int depth_of(const xmlNode* n, int limit) {
    int deepest = 0;
    for (const xmlNode* c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (limit <= 1) return limit + 1;
        int d = depth_of(c, limit - 1);
        if (d > deepest) deepest = d;
        if (deepest >= limit) break;
    }
    return deepest + 1;
}

DocPtr parse(std::string_view text) {
    if (text.size() > kMaxInputSize) bad("document larger than 16 MiB");
    if (text.empty()) bad("empty document");
    init_libxml();
    CtxtPtr ctxt(xmlCreateMemoryParserCtxt(text.data(), static_cast<int>(text.size())));
    if (!ctxt) throw std::bad_alloc();
    ParseState state;
    ctxt->_private = &state;
    // No DTD loading, no entity substitution, no network, no output on stderr.
    xmlCtxtUseOptions(ctxt.get(), XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    ctxt->sax->internalSubset = on_subset;
    ctxt->sax->externalSubset = on_subset;
    ctxt->sax->entityDecl = on_entity_decl;
    xmlParseDocument(ctxt.get());
    DocPtr doc(ctxt->myDoc);
    ctxt->myDoc = nullptr;
    if (state.dtd) bad("document type declarations are not accepted");
    if (!ctxt->wellFormed || !doc) bad("not well-formed");
    const xmlNode* root = xmlDocGetRootElement(doc.get());
    if (!root) bad("no root element");
    if (depth_of(root, kMaxDepth) > kMaxDepth) bad("elements nested too deeply");
    return doc;
}

bool named(const xmlNode* n, const char* name) noexcept {
    return n->type == XML_ELEMENT_NODE && std::strcmp(C(n->name), name) == 0;
}

const xmlNode* child(const xmlNode* parent, const char* name) noexcept {
    for (const xmlNode* c = parent->children; c; c = c->next)
        if (named(c, name)) return c;
    return nullptr;
}

std::string attribute(const xmlNode* n, const char* name) {
    XmlString v(xmlGetProp(n, X(name)));
    return v ? std::string(C(v.get())) : std::string();
}

bool has_attribute(const xmlNode* n, const char* name) { return xmlHasProp(n, X(name)) != nullptr; }

// The element's text (base64-decoded when it says encoding="base64").
std::string text_of(const xmlNode* n) {
    XmlString v(xmlNodeGetContent(n));
    std::string s = v ? std::string(C(v.get())) : std::string();
    if (attribute(n, "encoding") == "base64") {
        std::string raw;
        if (!platform::base64_decode(s, raw)) bad(std::string("bad base64 in <") + C(n->name) + ">");
        return raw;
    }
    return s;
}

// A field: its element, or (as the product also accepts) an attribute of the root.
bool field(const xmlNode* root, const char* name, std::string& out) {
    if (const xmlNode* e = child(root, name)) {
        out = text_of(e);
        return true;
    }
    if (has_attribute(root, name)) {
        out = attribute(root, name);
        return true;
    }
    return false;
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

// A decimal integer in [lo, hi]; empty text gives `def`.
long long number(std::string_view text, long long lo, long long hi, long long def, const char* what) {
    std::string s(trim(text));
    if (s.empty()) return def;
    errno = 0;
    char* end = nullptr;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno || end != s.c_str() + s.size() || v < lo || v > hi) bad(std::string("bad number in <") + what + ">");
    return v;
}

unsigned long long unsigned_number(std::string_view text, const char* what) {
    std::string s(trim(text));
    if (s.empty()) return 0;
    if (s[0] == '-' || s[0] == '+') bad(std::string("bad number in <") + what + ">");
    errno = 0;
    char* end = nullptr;
    unsigned long long v = std::strtoull(s.c_str(), &end, 10);
    if (errno || end != s.c_str() + s.size()) bad(std::string("bad number in <") + what + ">");
    return v;
}

// A 32-bit code written signed or unsigned.
int code32(std::string_view text, long long def, const char* what) {
    long long v = number(text, INT_MIN, UINT_MAX, def, what);
    return static_cast<int>(static_cast<std::uint32_t>(v));
}

EventData read_event(const xmlNode* root, int nesting);

ObjectPtr nested(const std::string& xml, int handle_type, int nesting) {
    if (nesting >= kMaxNesting) bad("objects nested too deeply");
    DocPtr doc = parse(xml);
    const xmlNode* root = xmlDocGetRootElement(doc.get());
    EventData d = read_event(root, nesting + 1);
    if (handle_type == PHT_RESULT) {
        std::vector<Result::Param> params;
        for (auto& p : d.params) {
            if (p->name() != kStandardParam) continue;
            if (p->entity()) params.emplace_back(p->entity());
            else params.emplace_back(p->text());
        }
        return std::make_shared<Result>(std::move(params));
    }
    return std::make_shared<Event>(std::move(d));
}

EventParamPtr read_param(const xmlNode* e, int nesting) {
    EventParam::Fields f;
    if (const xmlNode* n = child(e, "Name")) f.name = text_of(n);
    if (const xmlNode* n = child(e, "Type")) f.wire_type = static_cast<int>(number(text_of(n), INT_MIN, INT_MAX, wire::String, "Type"));
    if (const xmlNode* n = child(e, "IsList")) {
        std::string v(trim(text_of(n)));
        f.is_list = !(v.empty() || v == "0" || v == "false");
    }
    if (const xmlNode* v = child(e, "Value")) {
        if (f.is_list) {
            for (const xmlNode* c = v->children; c; c = c->next)
                if (named(c, "ListItem")) f.items.push_back(text_of(c));
        } else {
            f.text = text_of(v);
        }
    }
    if (const xmlNode* n = child(e, "Data")) {
        if (!platform::base64_decode(text_of(n), f.data)) bad("bad base64 in <Data>");
    } else if (const xmlNode* c = child(e, "CData")) {
        f.data = text_of(c);  // older documents carry the CDATA text itself
    }
    std::string b = attribute(e, "binary");
    f.binary = !b.empty() && b != "0";
    if (has_attribute(e, "handleType")) {
        const int ht = static_cast<int>(number(attribute(e, "handleType"), INT_MIN, INT_MAX, 0, "handleType"));
        // An empty value: an object that was not written (not serialisable,
        // or beyond the nesting limit); the parameter keeps only its type.
        if ((ht == PHT_EVENT || ht == PHT_RESULT) && !trim(f.text).empty()) {
            f.entity = nested(f.text, ht, nesting);
            f.text.clear();
        }
    }
    return std::make_shared<EventParam>(std::move(f));
}

EventData read_event(const xmlNode* root, int nesting) {
    if (!named(root, kRoot) && !named(root, kRootNew)) bad(std::string("unexpected root element <") + C(root->name) + ">");
    EventData d;
    d.type = PET_VM_INF_UNINITIALIZED_EVENT_CODE;  // the product's defaults
    d.issuer_type = PIE_VIRTUAL_MACHINE;
    std::string v;
    if (field(root, "EventType", v)) d.type = static_cast<std::uint32_t>(code32(v, d.type, "EventType"));
    if (field(root, "EventLevel", v)) d.level = static_cast<int>(number(v, INT_MIN, INT_MAX, 0, "EventLevel"));
    if (field(root, "EventCode", v)) d.error_code = code32(v, 0, "EventCode");
    if (field(root, "EventNeedResponse", v)) d.answer_required = number(v, LLONG_MIN, LLONG_MAX, 0, "EventNeedResponse") != 0;
    if (field(root, "EventIssuerType", v))
        d.issuer_type = static_cast<std::uint32_t>(code32(v, PIE_VIRTUAL_MACHINE, "EventIssuerType"));
    if (field(root, "EventIssuerId", v)) d.issuer_id = v;
    if (field(root, "EventSource", v)) d.source = v;
    if (field(root, "EventInitialRequestId", v)) d.request_id = v;
    if (field(root, "EventId", v)) d.event_id = unsigned_number(v, "EventId");
    if (field(root, "ErrorText", v)) d.error_text = v;
    if (field(root, "CanBeIgnored", v)) d.can_be_ignored = number(v, LLONG_MIN, LLONG_MAX, 0, "CanBeIgnored") != 0;
    for (const xmlNode* list = root->children; list; list = list->next) {
        if (!named(list, "EventParameters")) continue;
        for (const xmlNode* p = list->children; p; p = p->next)
            if (named(p, "EventParameter")) d.params.push_back(read_param(p, nesting));
    }
    return d;
}

}  // namespace

bool serialisable(const Object& object) noexcept {
    return object.type() == PHT_EVENT || object.type() == PHT_RESULT;
}

std::string to_xml(const Event& event) { return event_xml(event, 0); }
std::string to_xml(const Result& result) { return result_xml(result, 0); }
std::string object_to_xml(const Object& object) { return object_xml(object, 0); }

EventData event_from_xml(std::string_view text) {
    DocPtr doc = parse(text);
    return read_event(xmlDocGetRootElement(doc.get()), 0);
}

std::vector<Result::Param> result_from_xml(std::string_view text) {
    DocPtr doc = parse(text);
    EventData d = read_event(xmlDocGetRootElement(doc.get()), 0);
    std::vector<Result::Param> params;
    for (auto& p : d.params) {
        if (p->name() != kStandardParam) continue;
        if (p->entity()) params.emplace_back(p->entity());
        else params.emplace_back(p->text());
    }
    return params;
}

}  // namespace prl::xml
