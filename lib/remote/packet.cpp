#include "packet.h"

#include "platform/base64.h"
#include "store/error.h"
#include "store/xml_doc.h"

#include <libxml/parser.h>

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

// `data` parsed as the content of an element, then copied under `parent`.
void add_inner_xml(xmlNode* parent, const std::string& data) {
    if (data.empty()) return;
    const xml::Doc wrapper = xml::parse("<data>" + data + "</data>", kPacketLimits, "packet data");
    for (xmlNode* c = xmlDocGetRootElement(wrapper.get())->children; c; c = c->next)
        xmlAddChild(parent, xmlDocCopyNode(c, parent->doc, 1));
}

bool on(const std::optional<std::string>& a) { return a && *a == "on"; }

// Without indentation: whitespace added between elements would change the
// data a packet carries.
std::string compact(const xml::Doc& doc) {
    xmlChar* mem = nullptr;
    int size = 0;
    xmlDocDumpFormatMemoryEnc(doc.get(), &mem, &size, "UTF-8", 0);
    if (!mem) throw Error(Errc::io_error, "packet: cannot serialize");
    std::string out(reinterpret_cast<const char*>(mem), static_cast<std::size_t>(size));
    xmlFree(mem);
    return out;
}

}  // namespace

Packet parse_packet(const std::string& text) {
    const xml::Doc doc = xml::parse(text, kPacketLimits, "packet");
    xmlNode* root = xmlDocGetRootElement(doc.get());
    if (!xml::is(root, "packet")) corrupt("the root is not <packet>");
    Packet p;
    p.id = xml::attribute(root, "id").value_or("");
    p.version = xml::attribute(root, "version").value_or("");
    if (p.id.empty() || p.id.size() > kMaxIdBytes) corrupt("missing or overlong id");
    if (p.version != protocol_version) corrupt("unsupported version '" + p.version + "'");
    p.progress = on(xml::attribute(root, "progress"));
    p.log = on(xml::attribute(root, "log"));
    p.target = xml::child_text(root, "target").value_or("");
    p.origin = xml::child_text(root, "origin").value_or("");
    if (p.target.empty() || p.target.size() > kMaxNameBytes || p.origin.size() > kMaxNameBytes)
        corrupt("missing or overlong target");
    if (xmlNode* data = xml::child(root, "data")) p.data = inner_xml(data);
    return p;
}

std::string packet_xml(const Packet& p) {
    xml::Doc doc = xml::new_doc("packet");
    xmlNode* root = xmlDocGetRootElement(doc.get());
    xml::set_attribute(root, "id", p.id);
    xml::set_attribute(root, "version", p.version);
    if (p.progress) xml::set_attribute(root, "progress", "on");
    if (p.log) xml::set_attribute(root, "log", "on");
    if (!p.origin.empty()) xml::add(root, "origin", p.origin);
    xml::add(root, "target", p.target);
    add_inner_xml(xml::add(root, "data"), p.data);
    return compact(doc);
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
