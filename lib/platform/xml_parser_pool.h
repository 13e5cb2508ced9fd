// libxml2 parser contexts, reused across parses by every part of the
// project (the service's documents, the backup engine's metadata, the
// daemon's packets).
//
// Creating a context, and a document's reference to its context's
// dictionary, take libxml2's one global dictionary lock: a hundred threads
// parsing at once spent more time queueing on it than parsing, and a fresh
// context per document made a third of a metadata file's parse allocation.
// Parse with XML_PARSE_NODICT, so that documents own their strings and hold
// nothing of the context they came from.
#pragma once

#include <string>

typedef struct _xmlParserCtxt xmlParserCtxt;
typedef struct _xmlDoc xmlDoc;

namespace prl::platform {

// A context for one parse; back to the pool when it goes (or freed, if the
// pool is full or its dictionary has grown large). Throws std::bad_alloc.
class PooledXmlParser {
public:
    PooledXmlParser();
    ~PooledXmlParser();
    PooledXmlParser(const PooledXmlParser&) = delete;
    PooledXmlParser& operator=(const PooledXmlParser&) = delete;
    xmlParserCtxt* get() const { return ctxt_; }
    xmlParserCtxt* operator->() const { return ctxt_; }

private:
    xmlParserCtxt* ctxt_;
};

// xmlCtxtReadMemory, but read by the push parser, all at once, where it
// can. libxml2 2.9 reads a document in memory as a stream, and asks it for
// more at every look ahead within 250 bytes of its end: for a small
// document, a third of its parse. Returns what xmlCtxtReadMemory would
// (null if not well-formed); throws std::bad_alloc.
xmlDoc* read_document(xmlParserCtxt* ctxt, const std::string& bytes, int options);

}  // namespace prl::platform
