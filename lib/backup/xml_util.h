// libxml2 with RAII: a streaming writer into a std::string, and a parser
// configured for untrusted input (no network, no entity substitution, no DTD
// loading, documents with a DOCTYPE rejected, size bounded by the caller).
#pragma once
#include <cstdint>
#include <memory>
#include <string>

typedef struct _xmlTextWriter* xmlTextWriterPtr;
typedef struct _xmlDoc* xmlDocPtr;
typedef struct _xmlNode* xmlNodePtr;

namespace prl::backup {

class XmlWriter {
public:
    explicit XmlWriter(std::string& out, bool indent = true);
    ~XmlWriter();
    XmlWriter(const XmlWriter&) = delete;
    XmlWriter& operator=(const XmlWriter&) = delete;

    void start(const char* name);
    void attribute(const char* name, const std::string& value);
    void end();
    void element(const char* name, const std::string& text);
    void element(const char* name, uint64_t value);
    void empty_element(const char* name);
    void finish();  // closes open elements and flushes into `out`

private:
    void check(int rc, const char* what);
    xmlTextWriterPtr w_ = nullptr;
};

struct XmlDocDeleter {
    void operator()(xmlDocPtr d) const;
};
using XmlDoc = std::unique_ptr<struct _xmlDoc, XmlDocDeleter>;

// Throws Error(corrupted) naming `what` when `data` is not well-formed or unsafe.
XmlDoc parse_xml_untrusted(const std::string& data, const std::string& what);

xmlNodePtr xml_root(const XmlDoc& doc);
xmlNodePtr xml_child(xmlNodePtr parent, const char* name);  // first element child so named, or null
xmlNodePtr xml_next(xmlNodePtr node, const char* name);    // next sibling element so named, or null
std::string xml_text(xmlNodePtr node);
bool xml_name_is(xmlNodePtr node, const char* name);

}  // namespace prl::backup
