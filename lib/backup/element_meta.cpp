#include "element_meta.h"

#include "error.h"
#include "ids.h"
#include "xml_util.h"

#include <cstdio>
#include <libxml/tree.h>

namespace prl::backup {

namespace {

const char* kind_name(Kind k) {
    switch (k) {
    case Kind::full: return "full";
    case Kind::incremental: return "incremental";
    case Kind::differential: return "differential";
    }
    return "full";
}

struct Parser {
    std::string what;
    [[noreturn]] void fail(const std::string& m) const { throw Error(Errc::corrupted, what + ": " + m); }

    xmlNodePtr need(xmlNodePtr parent, const char* name) const {
        xmlNodePtr n = xml_child(parent, name);
        if (!n) fail(std::string("missing <") + name + ">");
        return n;
    }
    std::string str(xmlNodePtr parent, const char* name) const {
        std::string s = xml_text(need(parent, name));
        if (s.size() > 65536) fail(std::string("<") + name + "> too long");
        return s;
    }
    uint64_t u64(xmlNodePtr parent, const char* name, uint64_t max = UINT64_MAX) const {
        const std::string s = str(parent, name);
        if (s.empty() || s.size() > 20) fail(std::string("bad number in <") + name + ">");
        uint64_t v = 0;
        for (char c : s) {
            if (c < '0' || c > '9') fail(std::string("bad number in <") + name + ">");
            const uint64_t d = static_cast<uint64_t>(c - '0');
            if (v > (UINT64_MAX - d) / 10) fail(std::string("number out of range in <") + name + ">");
            v = v * 10 + d;
        }
        if (v > max) fail(std::string("number out of range in <") + name + ">");
        return v;
    }
    Digest digest(xmlNodePtr parent, const char* name) const {
        Digest d{};
        if (!from_hex(str(parent, name), d)) fail(std::string("bad digest in <") + name + ">");
        return d;
    }
    std::string file(xmlNodePtr parent, const char* name) const {
        std::string s = str(parent, name);
        if (!is_safe_data_file_name(s)) fail(std::string("bad file name in <") + name + ">");
        return s;
    }
};

}  // namespace

std::string ElementMeta::id() const { return BackupId{chain, number}.str(); }

ElementInfo ElementMeta::info() const {
    ElementInfo e;
    e.id = id();
    e.number = number;
    e.kind = parent == 0 ? Kind::full : kind;
    e.parent_number = parent;
    e.time = time;
    e.creator = creator;
    e.host = host;
    e.server_uuid = server_uuid;
    e.description = description;
    e.stored_size = stored_size;
    e.original_size = original_size;
    e.flags = flags;
    e.has_config = !config_file.empty();
    for (const auto& d : disks) e.disks.push_back(DiskInfo{d.name, d.original_path, d.size});
    return e;
}

std::string serialize_element(const ElementMeta& m) {
    std::string out;
    XmlWriter w(out);
    w.start("BackupElement");
    w.attribute("FormatVersion", std::to_string(kFormatVersion));
    w.element("VmUuid", m.vm_uuid);
    w.element("VmName", m.vm_name);
    w.element("VmType", std::string(m.vm_type == VmType::ct ? "ct" : "vm"));
    w.element("Chain", m.chain);
    w.element("Number", m.number);
    w.element("Kind", std::string(kind_name(m.kind)));
    w.element("Parent", m.parent);
    w.element("Time", static_cast<uint64_t>(m.time));
    w.element("TimeNs", m.time_ns);
    w.element("Creator", m.creator);
    w.element("Host", m.host);
    w.element("ServerUuid", m.server_uuid);
    w.element("Description", m.description);
    w.element("Flags", m.flags);
    w.element("StoredSize", m.stored_size);
    w.element("OriginalSize", m.original_size);
    w.element("Compressed", m.compressed ? 1 : 0);
    if (m.vm_type == VmType::vm) {
        w.start("Disks");
        for (const auto& d : m.disks) {
            w.start("Disk");
            w.element("Name", d.name);
            w.element("OriginalPath", d.original_path);
            w.element("Size", d.size);
            w.element("Map", d.map_file);
            w.element("MapSha256", to_hex(d.map_digest));
            w.end();
        }
        w.end();
    } else {
        w.start("Tree");
        w.element("Manifest", m.tree_file);
        w.element("ManifestSha256", to_hex(m.tree_digest));
        w.end();
    }
    if (!m.config_file.empty()) {
        w.start("Config");
        w.element("File", m.config_file);
        w.element("Size", m.config_size);
        w.element("Sha256", to_hex(m.config_digest));
        w.end();
    }
    w.end();
    w.finish();
    return out;
}

ElementMeta parse_element(const std::string& xml, const std::string& what) {
    if (xml.size() > kMaxMetaBytes) throw Error(Errc::corrupted, what + ": metadata too large");
    XmlDoc doc = parse_xml_untrusted(xml, what);
    Parser p{what};
    xmlNodePtr root = xml_root(doc);
    if (!xml_name_is(root, "BackupElement")) p.fail("unexpected root element");
    ElementMeta m;
    auto vm_uuid = canonical_uuid(p.str(root, "VmUuid"));
    if (!vm_uuid) p.fail("bad VM uuid");
    m.vm_uuid = *vm_uuid;
    m.vm_name = p.str(root, "VmName");
    const std::string type = p.str(root, "VmType");
    if (type != "vm" && type != "ct") p.fail("bad VM type");
    m.vm_type = type == "ct" ? VmType::ct : VmType::vm;
    auto chain = parse_backup_id(p.str(root, "Chain"));
    if (!chain || chain->number != 1) p.fail("bad chain uuid");
    m.chain = chain->chain;
    m.number = static_cast<uint32_t>(p.u64(root, "Number", 999999999));
    if (m.number == 0) p.fail("bad number");
    const std::string kind = p.str(root, "Kind");
    if (kind == "full") m.kind = Kind::full;
    else if (kind == "incremental") m.kind = Kind::incremental;
    else if (kind == "differential") m.kind = Kind::differential;
    else p.fail("bad kind");
    m.parent = static_cast<uint32_t>(p.u64(root, "Parent", 999999999));
    if (m.parent >= m.number) p.fail("parent must precede the element");
    // Up to 9999-12-31T23:59:59Z: the tree writes it as an xs:dateTime, which
    // has four-digit years; a later time can only come from a crafted file.
    m.time = static_cast<int64_t>(p.u64(root, "Time", 253402300799ull));
    m.time_ns = static_cast<uint32_t>(p.u64(root, "TimeNs", 999999999));
    m.creator = p.str(root, "Creator");
    m.host = p.str(root, "Host");
    m.server_uuid = p.str(root, "ServerUuid");
    m.description = p.str(root, "Description");
    m.flags = static_cast<uint32_t>(p.u64(root, "Flags", UINT32_MAX));
    m.stored_size = p.u64(root, "StoredSize");
    m.original_size = p.u64(root, "OriginalSize");
    m.compressed = p.u64(root, "Compressed", 1) == 1;
    if (m.vm_type == VmType::vm) {
        xmlNodePtr disks = p.need(root, "Disks");
        for (xmlNodePtr d = xml_child(disks, "Disk"); d; d = xml_next(d, "Disk")) {
            DiskRecord r;
            r.name = p.str(d, "Name");
            r.original_path = p.str(d, "OriginalPath");
            r.size = p.u64(d, "Size");
            r.map_file = p.file(d, "Map");
            r.map_digest = p.digest(d, "MapSha256");
            if (r.name.empty()) p.fail("empty disk name");
            for (const auto& other : m.disks)
                if (other.name == r.name) p.fail("duplicate disk name");
            m.disks.push_back(std::move(r));
        }
    } else {
        xmlNodePtr tree = p.need(root, "Tree");
        m.tree_file = p.file(tree, "Manifest");
        m.tree_digest = p.digest(tree, "ManifestSha256");
    }
    // Optional: older elements have no configuration.
    if (xmlNodePtr config = xml_child(root, "Config")) {
        m.config_file = p.file(config, "File");
        m.config_size = p.u64(config, "Size", kMaxConfigBytes);
        m.config_digest = p.digest(config, "Sha256");
    }
    return m;
}

bool is_safe_data_file_name(const std::string& name) {
    if (name.empty() || name.size() > 128 || name[0] == '.') return false;
    for (char c : name)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '.' || c == '-')) return false;
    return name.find("..") == std::string::npos;
}

std::string element_file_name(uint32_t number) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%08u.xml", number);
    return buf;
}

bool parse_element_file_name(const std::string& name, uint32_t& number) {
    if (name.size() < 12 || name.compare(name.size() - 4, 4, ".xml") != 0) return false;
    uint64_t v = 0;
    for (size_t i = 0; i + 4 < name.size(); ++i) {
        if (name[i] < '0' || name[i] > '9') return false;
        v = v * 10 + static_cast<uint64_t>(name[i] - '0');
        if (v > 999999999) return false;
    }
    if (v == 0 || name != element_file_name(static_cast<uint32_t>(v))) return false;
    number = static_cast<uint32_t>(v);
    return true;
}

}  // namespace prl::backup
