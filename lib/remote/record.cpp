#include "record.h"

#include "platform/base64.h"
#include "store/error.h"
#include "store/xml_doc.h"

#include <libxml/parser.h>

#include <charconv>
#include <cstring>

namespace prl::remote {
namespace {

namespace xml = service::xml;
using service::Errc;
using service::Error;

// Under a frame's limit: a record may carry a VM's configuration (8 MiB at
// most) in base64.
constexpr std::size_t kRecordMaxBytes = 15u << 20;

[[noreturn]] void corrupt(const std::string& why) { throw Error(Errc::corrupt, "record: " + why); }

bool is_name(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

template <class T>
T number(const std::string& text, const std::string& name) {
    T value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) corrupt("field " + name + " is not a number");
    return value;
}

}  // namespace

// What Record::parse gathers as libxml2 reads (its SAX interface: no tree
// for a record that is read once): the root's name and op, then each <f>'s
// name and text. Nothing else may appear: no text, comment or processing
// instruction between fields, no element in a field.
struct Record::RecordReader : xml::SaxState {
    Record record;
    int depth = 0;
    std::string name, value;  // of the field being read

    void start(const xmlChar* element, const xmlChar* prefix, int count, const xmlChar** attributes) {
        if (prefix) return refuse("a prefixed element");
        if (++depth == 1) {
            record.element_ = xml::chars(element);
            record.op_ = xml::sax_attribute(attributes, count, "op").value_or("");
            if (!is_name(record.element_) || (!record.op_.empty() && !is_name(record.op_)))
                return refuse("bad element or op name");
        } else if (depth == 2) {
            if (std::strcmp(xml::chars(element), "f") != 0) return refuse("an element other than <f>");
            name = xml::sax_attribute(attributes, count, "n").value_or("");
            if (!is_name(name)) return refuse("bad field name");
            value.clear();
        } else {
            refuse("an element inside a field");
        }
    }
    void end() {
        if (depth-- != 2) return;
        std::string bytes;
        if (!platform::base64_decode(value, bytes)) return refuse("field " + name + " is not base64");
        record.fields_.emplace_back(std::move(name), std::move(bytes));
    }
    void text(const xmlChar* chars, int length) {
        if (depth != 2) return refuse("text between fields");
        value.append(xml::chars(chars), static_cast<std::size_t>(length));
    }
};

Record& Record::add(const std::string& name, std::string value) {
    fields_.emplace_back(name, std::move(value));
    return *this;
}

Record& Record::add_uint(const std::string& name, std::uint64_t value) { return add(name, std::to_string(value)); }
Record& Record::add_int(const std::string& name, std::int64_t value) { return add(name, std::to_string(value)); }

std::optional<std::string> Record::find(const std::string& name) const {
    for (const auto& [n, v] : fields_)
        if (n == name) return v;
    return std::nullopt;
}

std::string Record::get(const std::string& name) const {
    auto v = find(name);
    if (!v) corrupt("field " + name + " is missing");
    return *v;
}

std::uint64_t Record::get_uint(const std::string& name) const { return number<std::uint64_t>(get(name), name); }
std::int64_t Record::get_int(const std::string& name) const { return number<std::int64_t>(get(name), name); }

bool Record::get_bool(const std::string& name) const {
    const std::string v = get(name);
    if (v != "0" && v != "1") corrupt("field " + name + " is not 0 or 1");
    return v == "1";
}

std::vector<std::string> Record::all(const std::string& name) const {
    std::vector<std::string> out;
    for (const auto& [n, v] : fields_)
        if (n == name) out.push_back(v);
    return out;
}

std::string Record::xml() const {
    std::string out = "<" + element_;
    if (!op_.empty()) out += " op=\"" + op_ + "\"";
    out += ">";
    for (const auto& [n, v] : fields_) out += "<f n=\"" + n + "\">" + platform::base64_encode(v) + "</f>";
    return out + "</" + element_ + ">";
}

Record Record::parse(const std::string& text) {
    RecordReader r;
    xml::sax_parse(text, kRecordMaxBytes, xml::sax_handler<RecordReader, true>(), r, "record");
    if (r.depth != 0 || r.record.element_.empty()) corrupt("no record");
    return std::move(r.record);
}

}  // namespace prl::remote
