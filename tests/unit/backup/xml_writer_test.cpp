// XmlWriter writes what libxml2's xmlTextWriter writes, byte for byte: the
// backup tree and element metadata keep their exact form.
#include "xml_util.h"

#include <catch2/catch.hpp>

#include <libxml/xmlwriter.h>

#include <random>

using namespace prl::backup;

namespace {

// libxml2's writer, driven by the same calls.
class Reference {
public:
    Reference(std::string& out, bool indent) {
        buffer_ = xmlBufferCreate();
        w_ = xmlNewTextWriterMemory(buffer_, 0);
        if (indent) {
            xmlTextWriterSetIndent(w_, 1);
            xmlTextWriterSetIndentString(w_, x("  "));
        }
        xmlTextWriterStartDocument(w_, "1.0", "UTF-8", nullptr);
        out_ = &out;
    }
    ~Reference() {
        xmlFreeTextWriter(w_);
        xmlBufferFree(buffer_);
    }
    void start(const char* name) { xmlTextWriterStartElement(w_, x(name)); }
    void attribute(const char* name, const std::string& v) { xmlTextWriterWriteAttribute(w_, x(name), x(v.c_str())); }
    void end() { xmlTextWriterEndElement(w_); }
    void element(const char* name, const std::string& t) { xmlTextWriterWriteElement(w_, x(name), x(t.c_str())); }
    void empty_element(const char* name) {
        start(name);
        end();
    }
    void finish() {
        xmlTextWriterEndDocument(w_);
        xmlTextWriterFlush(w_);
        out_->assign(reinterpret_cast<const char*>(xmlBufferContent(buffer_)), xmlBufferLength(buffer_));
    }

private:
    static const xmlChar* x(const char* s) { return reinterpret_cast<const xmlChar*>(s); }
    xmlBufferPtr buffer_;
    xmlTextWriterPtr w_;
    std::string* out_;
};

// The same random document through both writers.
template <class Writer>
void write_document(Writer& w, std::uint32_t seed) {
    static const char* const names[] = {"BackupTree", "VmItem", "Uuid", "Description", "a", "Disk"};
    static const std::string texts[] = {"",      "plain",         "a & b < c > d",        "\"quoted\" 'single'",
                                        "cr\rlf\ntab\t", "caf\xc3\xa9 \xe2\x82\xac", "\x01\x1f control", "\xff\xfe not UTF-8",
                                        std::string("before\0after", 12), "]]> &amp; &#13;"};
    static const std::string values[] = {"1", "", "a\"b<c>&d", "line\nbreak\ttab\rcr"};
    std::mt19937 rng(seed);
    int depth = 0;
    for (int step = 0; step < 60; ++step) {
        const char* name = names[rng() % 6];
        switch (rng() % 6) {
            case 0:
                w.start(name);
                ++depth;
                if (rng() % 2) w.attribute("FormatVersion", values[rng() % 4]);
                break;
            case 1:
                if (depth > 0) {
                    w.end();
                    --depth;
                }
                break;
            case 2:
            case 3: w.element(name, texts[rng() % 10]); break;
            case 4: w.empty_element(name); break;
            default: w.element(name, std::to_string(rng())); break;
        }
    }
    w.finish();
}

}  // namespace

TEST_CASE("XmlWriter writes what libxml2's text writer writes, byte for byte", "[backup][xml]") {
    for (bool indent : {true, false}) {
        for (std::uint32_t seed = 1; seed <= 300; ++seed) {
            std::string ours, theirs;
            {
                XmlWriter w(ours, indent);
                write_document(w, seed);
            }
            Reference r(theirs, indent);
            write_document(r, seed);
            INFO("seed " << seed << " indent " << indent);
            REQUIRE(ours == theirs);
        }
    }
}
