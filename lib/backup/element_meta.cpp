#include "element_meta.h"

#include "error.h"
#include "ids.h"
#include "xml_util.h"

#include <cstdio>
#include <cstring>
#include <array>
#include <optional>

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

// The fields of one element of the document (the root, a disk, the tree,
// the configuration): the text of the first child element of each name that
// parse_element looks for, as a tree lookup by name would find it.
template <size_t N>
class Fields {
public:
    explicit Fields(const std::array<const char*, N>& names) : names_(names) {}
    // Where the text of a child so named goes, if it is one of these and the first.
    std::string* claim(std::string_view name) {
        for (size_t i = 0; i < N; ++i)
            if (!seen_[i] && name == names_[i]) {
                seen_[i] = true;
                return &values_[i];
            }
        return nullptr;
    }
    // The text of `name` (one of these), or null when absent.
    std::string* get(const char* name) {
        for (size_t i = 0; i < N; ++i)
            if (names_[i] == name || std::strcmp(names_[i], name) == 0) return seen_[i] ? &values_[i] : nullptr;
        return nullptr;
    }

private:
    const std::array<const char*, N>& names_;
    std::array<bool, N> seen_{};
    std::array<std::string, N> values_;
};

constexpr std::array<const char*, 17> kRootFields = {
    "VmUuid", "VmName", "VmType",      "Chain", "Number",     "Kind",         "Parent",    "Time", "TimeNs",
    "Creator", "Host", "ServerUuid", "Description", "Flags", "StoredSize", "OriginalSize", "Compressed"};
constexpr std::array<const char*, 5> kDiskFields = {"Name", "OriginalPath", "Size", "Map", "MapSha256"};
constexpr std::array<const char*, 2> kTreeFields = {"Manifest", "ManifestSha256"};
constexpr std::array<const char*, 3> kConfigFields = {"File", "Size", "Sha256"};

// Gathers, as libxml2 reads, what parse_element checks: the root's name and
// fields, the disks of the first <Disks>, the fields of the first <Tree> and
// of the first <Config>. Everything else is skipped.
class MetaReader : public XmlEvents {
public:
    bool root_ok = false;
    Fields<17> root{kRootFields};
    bool has_disks = false, has_tree = false, has_config = false;
    std::vector<Fields<5>> disks;
    Fields<2> tree{kTreeFields};
    Fields<3> config{kConfigFields};

    void start(std::string_view name) override {
        ++depth_;
        if (depth_ == 1) {
            root_ok = name == "BackupElement";
            return;
        }
        if (!root_ok) return;
        if (depth_ == 2) {
            if (name == "Disks" && !has_disks) {
                has_disks = true;
                group_ = Group::disks;
            } else if (name == "Tree" && !has_tree) {
                has_tree = true;
                group_ = Group::tree;
            } else if (name == "Config" && !has_config) {
                has_config = true;
                group_ = Group::config;
            } else {
                capture(root.claim(name));
            }
        } else if (depth_ == 3 && group_ == Group::disks) {
            if (name == "Disk") {
                disks.emplace_back(kDiskFields);
                in_disk_ = true;
            }
        } else if (depth_ == 3 && group_ == Group::tree) {
            capture(tree.claim(name));
        } else if (depth_ == 3 && group_ == Group::config) {
            capture(config.claim(name));
        } else if (depth_ == 4 && in_disk_) {
            capture(disks.back().claim(name));
        }
    }
    void end() override {
        if (depth_ == text_depth_) text_ = nullptr;
        if (depth_ == 3) in_disk_ = false;
        if (depth_ == 2) group_ = Group::none;
        --depth_;
    }
    void text(std::string_view chars) override {
        if (text_ && depth_ == text_depth_) text_->append(chars);
    }

private:
    enum class Group { none, disks, tree, config };
    void capture(std::string* into) {
        if (!into) return;
        text_ = into;
        text_depth_ = depth_;
    }
    int depth_ = 0;
    Group group_ = Group::none;
    bool in_disk_ = false;
    std::string* text_ = nullptr;  // the field being read, at depth text_depth_
    int text_depth_ = 0;
};

struct Parser {
    std::string what;
    [[noreturn]] void fail(const std::string& m) const { throw Error(Errc::corrupted, what + ": " + m); }

    // The field's text, moved out (each is read once).
    template <class F>
    std::string str(F& f, const char* name) const {
        std::string* s = f.get(name);
        if (!s) fail(std::string("missing <") + name + ">");
        if (s->size() > 65536) fail(std::string("<") + name + "> too long");
        return std::move(*s);
    }
    template <class F>
    uint64_t u64(F& f, const char* name, uint64_t max = UINT64_MAX) const {
        const std::string s = str(f, name);
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
    template <class F>
    Digest digest(F& f, const char* name) const {
        Digest d{};
        if (!from_hex(str(f, name), d)) fail(std::string("bad digest in <") + name + ">");
        return d;
    }
    template <class F>
    std::string file(F& f, const char* name) const {
        std::string s = str(f, name);
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
    MetaReader doc;
    read_xml_untrusted(xml, what, doc);
    Parser p{what};
    if (!doc.root_ok) p.fail("unexpected root element");
    auto& root = doc.root;
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
        if (!doc.has_disks) p.fail("missing <Disks>");
        for (auto& d : doc.disks) {
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
        if (!doc.has_tree) p.fail("missing <Tree>");
        m.tree_file = p.file(doc.tree, "Manifest");
        m.tree_digest = p.digest(doc.tree, "ManifestSha256");
    }
    // Optional: older elements have no configuration.
    if (doc.has_config) {
        m.config_file = p.file(doc.config, "File");
        m.config_size = p.u64(doc.config, "Size", kMaxConfigBytes);
        m.config_digest = p.digest(doc.config, "Sha256");
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
