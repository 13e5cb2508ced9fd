// Thin, safe libxml2 layer: hardened parsing (no network, no DTD, no entity
// expansion, size and depth bounds), RAII ownership and small helpers for
// reading and writing element trees.
#pragma once
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace prl::service::xml {

struct DocFree {
    void operator()(xmlDoc* d) const noexcept { xmlFreeDoc(d); }
};
using Doc = std::unique_ptr<xmlDoc, DocFree>;

struct Limits {
    std::size_t max_bytes = 8u << 20;
    int max_depth = 64;
};

// Parses `bytes`; anything malformed, over the limits or carrying a DOCTYPE
// throws Error(Errc::corrupt, what + ": reason").
Doc parse(const std::string& bytes, const Limits& limits, const std::string& what);

// The same checks and limits, but libxml2 calls `handler` as it reads
// instead of building a tree: for hot paths that need a few values of a
// document (prlshimd's packets). Each handler gets libxml2's parser context
// as its `ctx`; `SaxState::of(ctx)` is the state passed here. A handler
// that finds the document unacceptable calls `refuse`, which stops the
// parse; sax_parse then throws Error(Errc::corrupt, what + ": " + why), as
// it does for malformed XML. Depth is the handlers' to bound.
// Handlers run inside libxml2's C frames: they run their body through
// `guard`, which stops the parse on an exception (sax_parse rethrows
// std::bad_alloc then) instead of letting it cross them.
struct SaxState {
    xmlParserCtxt* ctxt = nullptr;  // while parsing: for xmlByteConsumed
    std::string refused;
    bool failed = false;  // a handler threw
    void refuse(std::string why);
    template <class F>
    void guard(F&& body) noexcept {
        try {
            body();
        } catch (...) {
            failed = true;
            if (ctxt) xmlStopParser(ctxt);
        }
    }
    static SaxState& of(void* ctx) { return *static_cast<SaxState*>(static_cast<xmlParserCtxt*>(ctx)->_private); }
};
void sax_parse(const std::string& bytes, std::size_t max_bytes, const xmlSAXHandler& handler, SaxState& state,
               const std::string& what);

// libxml2's text as C text.
inline const char* chars(const xmlChar* s) { return reinterpret_cast<const char*>(s); }

// The value of the unprefixed attribute `name` among a SAX start tag's
// `attributes` (as sax_handler passes them), every reference resolved; nullopt
// when the tag has none.
std::optional<std::string> sax_attribute(const xmlChar** attributes, int count, const char* name);

// The handler for a `Reader` (a SaxState): libxml2's callbacks call its
// members under `guard`: start(localname, prefix, attribute_count,
// attributes) with attributes as libxml2 gives them (localname, prefix,
// URI, value, end: five pointers each, values not terminated), end(), and
// text(chars, length) for text and whitespace. With `Strict`, a comment or
// a processing instruction is refused; without, they are skipped.
template <class Reader, bool Strict>
const xmlSAXHandler& sax_handler() {
    static const xmlSAXHandler handler = [] {
        xmlSAXHandler h{};
        h.initialized = XML_SAX2_MAGIC;
        h.startElementNs = [](void* ctx, const xmlChar* name, const xmlChar* prefix, const xmlChar*, int,
                              const xmlChar**, int count, int, const xmlChar** attributes) {
            Reader& r = static_cast<Reader&>(SaxState::of(ctx));
            r.guard([&] { r.start(name, prefix, count, attributes); });
        };
        h.endElementNs = [](void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
            Reader& r = static_cast<Reader&>(SaxState::of(ctx));
            r.guard([&] { r.end(); });
        };
        h.characters = [](void* ctx, const xmlChar* chars, int length) {
            Reader& r = static_cast<Reader&>(SaxState::of(ctx));
            r.guard([&] { r.text(chars, length); });
        };
        h.ignorableWhitespace = h.characters;
        if (Strict) {
            h.comment = [](void* ctx, const xmlChar*) {
                SaxState& s = SaxState::of(ctx);
                s.guard([&] { s.refuse("a comment"); });
            };
            h.processingInstruction = [](void* ctx, const xmlChar*, const xmlChar*) {
                SaxState& s = SaxState::of(ctx);
                s.guard([&] { s.refuse("a processing instruction"); });
            };
        }
        return h;
    }();
    return handler;
}

// Child elements of `parent` (all, or those named `name`).
std::vector<xmlNode*> children(const xmlNode* parent, const char* name = nullptr);
xmlNode* child(const xmlNode* parent, const char* name);
std::string text(const xmlNode* node);
std::optional<std::string> child_text(const xmlNode* parent, const char* name);
std::optional<std::string> attribute(const xmlNode* node, const char* name);
bool is(const xmlNode* node, const char* name);

// Numbers from element text; a present but non-numeric value is corrupt.
std::optional<long long> child_int(const xmlNode* parent, const char* name);

// Writing. Text is escaped by libxml2; callers pass valid UTF-8.
Doc new_doc(const char* root_name);
xmlNode* add(xmlNode* parent, const char* name);
xmlNode* add(xmlNode* parent, const char* name, const std::string& value);
xmlNode* add(xmlNode* parent, const char* name, long long value);
void set_attribute(xmlNode* node, const char* name, const std::string& value);
std::string serialize(const Doc& doc);

}  // namespace prl::service::xml
