#include "record.h"

#include "platform/base64.h"
#include "store/error.h"
#include "store/xml_doc.h"

#include <libxml/tree.h>

#include <charconv>

namespace prl::remote {
namespace {

namespace xml = service::xml;
using service::Errc;
using service::Error;

// Under a frame's limit: a record may carry a VM's configuration (8 MiB at
// most) in base64.
const xml::Limits kRecordLimits{15u << 20, 4};

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
    const xml::Doc doc = xml::parse(text, kRecordLimits, "record");
    xmlNode* root = xmlDocGetRootElement(doc.get());
    Record r(reinterpret_cast<const char*>(root->name), xml::attribute(root, "op").value_or(""));
    if (!is_name(r.element_) || (!r.op_.empty() && !is_name(r.op_))) corrupt("bad element or op name");
    for (xmlNode* c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) corrupt("text between fields");
        if (!xml::is(c, "f")) corrupt("an element other than <f>");
        const std::string name = xml::attribute(c, "n").value_or("");
        if (!is_name(name)) corrupt("bad field name");
        std::string value;
        if (!platform::base64_decode(xml::text(c), value)) corrupt("field " + name + " is not base64");
        r.fields_.emplace_back(name, std::move(value));
    }
    return r;
}

}  // namespace prl::remote
