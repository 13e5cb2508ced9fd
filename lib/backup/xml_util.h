// libxml2 with RAII: a streaming writer into a std::string, and a parser
// configured for untrusted input (no network, no entity substitution, no DTD
// loading, documents with a DOCTYPE rejected, size bounded by the caller).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

typedef struct _xmlTextWriter* xmlTextWriterPtr;

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

// What a document holds, as libxml2 reads it (its SAX interface: no tree is
// built; a tree per metadata file was most of a listing's allocations).
class XmlEvents {
public:
    virtual ~XmlEvents() = default;
    // An element opens. `name` as a tree names it: the local name, or
    // "prefix:name" when the prefix is not declared.
    virtual void start(std::string_view name) = 0;
    virtual void end() = 0;
    // Text or CDATA directly inside the innermost open element, references
    // resolved. Runs of blanks are dropped exactly where a tree parsed with
    // XML_PARSE_NOBLANKS would not have them.
    virtual void text(std::string_view chars) = 0;
};

// Reads `data` (see the top of this file), calling `events` as it goes;
// throws Error(corrupted) naming `what` when it is not well-formed XML or
// has a DOCTYPE, or what `events` throws.
void read_xml_untrusted(const std::string& data, const std::string& what, XmlEvents& events);

}  // namespace prl::backup
