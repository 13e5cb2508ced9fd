// XML for the engine: a streaming writer into a std::string, and libxml2's
// parser configured for untrusted input (no network, no entity
// substitution, no DTD loading, documents with a DOCTYPE rejected, size
// bounded by the caller).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace prl::backup {

// Writes exactly what libxml2's xmlTextWriter writes (with indent "  "),
// byte for byte (tests/unit/backup/xml_writer_test.cpp compares them),
// without its per-call overhead: a tree of 100,000 elements is 65 MB of
// XML, built in 0.22-0.34 s instead of 0.6-0.78 s (docs/performance.md). Text is
// escaped as xmlEncodeSpecialChars does (& < > " CR), attribute values as
// attribute content (those and LF, TAB). Like libxml2, it takes a string up
// to its first NUL and does not check names or encodings.
class XmlWriter {
public:
    explicit XmlWriter(std::string& out, bool indent = true);
    XmlWriter(const XmlWriter&) = delete;
    XmlWriter& operator=(const XmlWriter&) = delete;

    void start(const char* name);
    void attribute(const char* name, const std::string& value);
    void end();
    void element(const char* name, const std::string& text);
    void element(const char* name, uint64_t value);
    void empty_element(const char* name);
    void finish();  // closes open elements

private:
    struct Open {
        std::string name;
        bool in_tag;  // "<name ..." written, its ">" not yet
    };
    void close_tag_for_content();
    void indentation();

    std::string& out_;
    bool indent_;
    bool indent_end_ = false;  // an element ended last, so the next end tag goes on a line of its own
    std::vector<Open> open_;
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
