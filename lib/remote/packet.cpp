#include "packet.h"

#include "platform/base64.h"
#include "store/error.h"
#include "store/xml_doc.h"

#include <libxml/parser.h>

#include <algorithm>

namespace prl::remote {
namespace {

namespace xml = service::xml;
using service::Errc;
using service::Error;

constexpr std::size_t kMaxIdBytes = 64, kMaxNameBytes = 256;
// A control packet is small; bulk data travels in data frames.
const xml::Limits kPacketLimits{1u << 20, 32};

[[noreturn]] void corrupt(const std::string& why) { throw Error(Errc::corrupt, "packet: " + why); }

std::string unbase64(const std::string& text) {
    std::string out;
    if (!platform::base64_decode(text, out)) corrupt("parameter is not base64");
    return out;
}

// The content of `node` (its children) as XML text.
std::string inner_xml(xmlNode* node) {
    std::string out;
    for (xmlNode* c = node->children; c; c = c->next) {
        xmlBufferPtr buf = xmlBufferCreate();
        xmlNodeDump(buf, node->doc, c, 0, 0);
        out.append(reinterpret_cast<const char*>(xmlBufferContent(buf)), static_cast<std::size_t>(xmlBufferLength(buf)));
        xmlBufferFree(buf);
    }
    return out;
}

// What parse_packet gathers as libxml2 reads: the root's attributes, the
// first <target> and <origin> (their own text), and where the first
// <data>'s content starts and ends in the bytes, so that content travels on
// as it came instead of being rebuilt from a tree.
struct PacketReader : xml::SaxState {
    const std::string* bytes = nullptr;
    Packet packet;
    int depth = 0;
    enum class Field { none, target, origin } field = Field::none;
    bool seen_target = false, seen_origin = false, seen_data = false, in_data = false;
    std::size_t data_begin = 0;

    std::size_t offset() const { return static_cast<std::size_t>(xmlByteConsumed(ctxt)); }

    void start(const xmlChar* name, const xmlChar*, int attribute_count, const xmlChar** attributes) {
        if (++depth > kPacketLimits.max_depth) return refuse("nesting deeper than " + std::to_string(kPacketLimits.max_depth));
        const std::string element = xml::chars(name);
        if (depth == 1) {
            if (element != "packet") return refuse("the root is not <packet>");
            // <data> is passed on as its bytes: they must be what they say.
            if (ctxt->input->buf && ctxt->input->buf->encoder) return refuse("not in UTF-8");
            const auto attribute = [&](const char* attribute_name) {
                return xml::sax_attribute(attributes, attribute_count, attribute_name);
            };
            packet.id = attribute("id").value_or("");
            packet.version = attribute("version").value_or("");
            packet.progress = attribute("progress") == "on";
            packet.log = attribute("log") == "on";
            return;
        }
        if (depth != 2) return;
        if (element == "target" && !seen_target) {
            field = Field::target;
        } else if (element == "origin" && !seen_origin) {
            field = Field::origin;
        } else if (element == "data" && !seen_data) {
            // The parser stands on the start tag's '>', or on the '/' of <data/>.
            const std::size_t at = offset();
            if (at >= bytes->size()) return refuse("cannot locate <data>");
            in_data = (*bytes)[at] == '>';
            data_begin = at + 1;
            seen_data = true;
        }
    }

    void end() {
        if (depth == 2) {
            if (field == Field::target) seen_target = true;
            if (field == Field::origin) seen_origin = true;
            field = Field::none;
            if (in_data) {
                // The parser stands just past </data>: its '<' is the last one before.
                const std::size_t end_tag = bytes->rfind('<', offset() - 1);
                if (end_tag == std::string::npos || end_tag < data_begin) return refuse("cannot locate </data>");
                packet.data = bytes->substr(data_begin, end_tag - data_begin);
                in_data = false;
            }
        }
        --depth;
    }

    void text(const xmlChar* chars, int length) {
        // Only the field's own text: what nested elements hold is not part of it.
        if (depth != 2 || field == Field::none) return;
        std::string& value = field == Field::target ? packet.target : packet.origin;
        // Kept to one byte past the limit: enough to be refused as overlong below.
        const std::size_t room = kMaxNameBytes + 1 - std::min(value.size(), kMaxNameBytes + 1);
        value.append(xml::chars(chars), std::min(room, static_cast<std::size_t>(length)));
    }
};

// Escaped for an attribute's value or an element's text.
std::string escaped(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\t': out += "&#9;"; break;
        case '\n': out += "&#10;"; break;
        case '\r': out += "&#13;"; break;
        default: out += c;
        }
    }
    return out;
}

}  // namespace

Packet parse_packet(const std::string& text) {
    PacketReader r;
    r.bytes = &text;
    r.packet.version.clear();
    xml::sax_parse(text, kPacketLimits.max_bytes, xml::sax_handler<PacketReader, false>(), r, "packet");
    Packet& p = r.packet;
    if (p.id.empty() || p.id.size() > kMaxIdBytes) corrupt("missing or overlong id");
    if (p.version != protocol_version) corrupt("unsupported version '" + p.version + "'");
    if (p.target.empty() || p.target.size() > kMaxNameBytes || p.origin.size() > kMaxNameBytes)
        corrupt("missing or overlong target");
    return std::move(r.packet);
}

std::string packet_xml(const Packet& p) {
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<packet id=\"" + escaped(p.id) + "\" version=\"" +
                      escaped(p.version) + "\"";
    if (p.progress) out += " progress=\"on\"";
    if (p.log) out += " log=\"on\"";
    out += ">";
    if (!p.origin.empty()) out += "<origin>" + escaped(p.origin) + "</origin>";
    out += "<target>" + escaped(p.target) + "</target><data>";
    out += p.data;
    return out + "</data></packet>\n";
}

std::string Progress::text() const {
    std::string out;
    for (std::size_t i = 0; i < message.size();) {
        const auto end = message[i] == '%' ? message.find('%', i + 1) : std::string::npos;
        bool replaced = false;
        if (end != std::string::npos)
            for (const auto& [name, value] : parameters)
                if (message.compare(i + 1, end - i - 1, name) == 0 && name.size() == end - i - 1) {
                    out += value;
                    i = end + 1;
                    replaced = true;
                    break;
                }
        if (!replaced) out += message[i++];
    }
    return out;
}

std::string progress_data(const Progress& p) {
    xml::Doc doc = xml::new_doc("data");
    xmlNode* progress = xml::add(xmlDocGetRootElement(doc.get()), "progress");
    xml::add(progress, "op", p.op);
    if (!p.message.empty()) {
        xmlNode* message = xml::add(progress, "message");
        xml::add(message, "message", p.message);
        for (const auto& [name, value] : p.parameters) {
            xmlNode* parameter = xml::add(message, "parameter");
            xml::add(parameter, "name", name);
            xml::add(parameter, "message", platform::base64_encode(value));
        }
    }
    if (p.percent) xml::add(progress, "percent", static_cast<long long>(*p.percent));
    if (p.status) xml::add(progress, "status", static_cast<long long>(*p.status));
    return inner_xml(xmlDocGetRootElement(doc.get()));
}

Progress parse_progress_data(const std::string& data) {
    const xml::Doc doc = xml::parse("<data>" + data + "</data>", kPacketLimits, "progress");
    xmlNode* progress = xml::child(xmlDocGetRootElement(doc.get()), "progress");
    if (!progress) corrupt("no <progress>");
    Progress p;
    p.op = xml::child_text(progress, "op").value_or("");
    if (p.op.empty() || p.op.size() > kMaxNameBytes) corrupt("missing or overlong op");
    if (const auto percent = xml::child_int(progress, "percent")) {
        if (*percent < 0 || *percent > 100) corrupt("percent out of range");
        p.percent = static_cast<unsigned>(*percent);
    }
    if (const auto status = xml::child_int(progress, "status")) p.status = static_cast<int>(*status);
    if (xmlNode* message = xml::child(progress, "message")) {
        p.message = xml::child_text(message, "message").value_or("");
        for (xmlNode* parameter : xml::children(message, "parameter"))
            p.parameters.emplace_back(xml::child_text(parameter, "name").value_or(""),
                                      unbase64(xml::child_text(parameter, "message").value_or("")));
    }
    return p;
}

}  // namespace prl::remote
