#include "registry.h"

#include "error.h"
#include "file_ops.h"
#include "uuid_text.h"
#include "xml_doc.h"

#include <ctime>

namespace prl::service {
namespace {

constexpr const char* root_name = "PrlshimInventory";

const char* type_text(VmType t) { return t == VmType::ct ? "ct" : "vm"; }

[[noreturn]] void bad(const std::string& why) { throw Error(Errc::corrupt, "inventory.xml: " + why); }

std::uint64_t to_u64(const std::string& s, const char* what) {
    if (s.empty() || s.size() > 20 || s.find_first_not_of("0123456789") != std::string::npos)
        bad(std::string(what) + " is not a number");
    try {
        return std::stoull(s);
    } catch (const std::exception&) {
        bad(std::string(what) + " out of range");
    }
}

VmEntry read_entry(const xmlNode* n) {
    VmEntry e;
    auto uuid = normalize_uuid(xml::child_text(n, "Uuid").value_or(""));
    if (!uuid) bad("entry without a valid Uuid");
    e.uuid = *uuid;
    e.name = xml::child_text(n, "Name").value_or("");
    std::string type = xml::child_text(n, "Type").value_or("vm");
    if (type != "vm" && type != "ct") bad("entry with unknown Type");
    e.type = type == "ct" ? VmType::ct : VmType::vm;
    e.bundle = xml::child_text(n, "Bundle").value_or("");
    if (!e.bundle.is_absolute()) bad("entry without an absolute Bundle");
    auto state = xml::child_int(n, "State");
    auto known = state_from_int(state ? static_cast<int>(*state) : 0);
    e.state = state && known ? *known : VmState::stopped;
    e.revision = to_u64(xml::child_text(n, "Revision").value_or("1"), "Revision");
    e.modified = xml::child_text(n, "Modified").value_or("");
    e.moving_from = xml::child_text(n, "MovingFrom").value_or("");
    if (!e.moving_from.empty() && !e.moving_from.is_absolute()) bad("entry with a relative MovingFrom");
    return e;
}

}  // namespace

VmEntry* Registry::find_uuid(const std::string& uuid) {
    for (auto& e : entries)
        if (e.uuid == uuid) return &e;
    return nullptr;
}

VmEntry* Registry::find_name(const std::string& name) {
    for (auto& e : entries)
        if (e.name == name) return &e;
    return nullptr;
}

VmEntry* Registry::find_bundle(const std::filesystem::path& bundle) {
    for (auto& e : entries)
        if (e.bundle == bundle) return &e;
    return nullptr;
}

std::string to_registry_xml(const Registry& reg) {
    xml::Doc doc = xml::new_doc(root_name);
    xmlNode* root = xmlDocGetRootElement(doc.get());
    xml::set_attribute(root, "version", "1");
    xml::set_attribute(root, "generation", std::to_string(reg.generation));
    for (const auto& e : reg.entries) {
        xmlNode* n = xml::add(root, "Entry");
        xml::add(n, "Uuid", e.uuid);
        xml::add(n, "Name", e.name);
        xml::add(n, "Type", type_text(e.type));
        xml::add(n, "Bundle", e.bundle.string());
        xml::add(n, "State", static_cast<long long>(e.state));
        xml::add(n, "Revision", std::to_string(e.revision));
        xml::add(n, "Modified", e.modified);
        if (!e.moving_from.empty()) xml::add(n, "MovingFrom", e.moving_from.string());
    }
    return xml::serialize(doc);
}

Registry from_registry_xml(const std::string& text) {
    xml::Doc doc = xml::parse(text, xml::Limits{max_registry_bytes, 8}, "inventory.xml");
    const xmlNode* root = xmlDocGetRootElement(doc.get());
    if (!xml::is(root, root_name)) bad("unexpected root element");
    if (xml::attribute(root, "version").value_or("") != "1") bad("unsupported version");
    Registry reg;
    reg.generation = to_u64(xml::attribute(root, "generation").value_or("0"), "generation");
    for (const xmlNode* n : xml::children(root, "Entry")) reg.entries.push_back(read_entry(n));
    return reg;
}

Registry load_registry(const std::filesystem::path& file) {
    try {
        Registry reg = from_registry_xml(read_file_bounded(file, max_registry_bytes));
        // A live mover holds the writers' lock from recording the move to
        // clearing it, so a record seen here is a dead mover's.
        for (VmEntry& e : reg.entries) {
            if (e.moving_from.empty()) continue;
            if (!is_directory_nofollow(e.bundle)) e.bundle = e.moving_from;
            e.moving_from.clear();
        }
        return reg;
    } catch (const Error& e) {
        if (e.code() == Errc::not_found) return Registry{};
        throw;
    }
}

void save_registry(const std::filesystem::path& file, Registry& reg) {
    ++reg.generation;
    write_file_atomic(file, to_registry_xml(reg), 0600);
}

std::string utc_now_text() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace prl::service
