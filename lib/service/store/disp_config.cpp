#include "disp_config.h"

#include "error.h"
#include "file_ops.h"
#include "uuid_text.h"

#include <pwd.h>
#include <unistd.h>

#include <utility>

namespace prl::service {
namespace {

constexpr std::size_t kMaxBytes = 8u << 20;

// FNV-1a: equal bytes, equal revision.
std::uint64_t revision_of(const std::string& bytes) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

struct Loaded {
    XmlTree doc;
};

// A section's revision: that of its own serialized form, so that a change to
// one section (a user's profile) does not make copies of another stale.
std::uint64_t section_revision(const XmlTree& section) { return revision_of(serialize_tree(section)); }

std::optional<Loaded> read_doc(const fs::path& file) {
    std::string bytes;
    try {
        bytes = read_file_bounded(file, kMaxBytes);
    } catch (const Error& e) {
        if (e.code() == Errc::not_found) return std::nullopt;
        throw;
    }
    Loaded l;
    l.doc = parse_tree(bytes, file.string());
    if (l.doc.name != disp_xml::root) throw Error(Errc::corrupt, file.string() + ": not a dispatcher configuration");
    return l;
}

void write_doc(const fs::path& file, const XmlTree& doc) { write_file_atomic(file, serialize_tree(doc), 0600); }

const XmlTree* find_user(const XmlTree& doc, const std::string& key, bool by_uuid) {
    const XmlTree* users = doc.find(disp_xml::users);
    if (!users) return nullptr;
    for (const XmlTree* u : users->all(disp_xml::user))
        if (u->text_at(by_uuid ? "Uuid" : "Name").value_or("") == key) return u;
    return nullptr;
}

// A record for `user` as the product makes one at a first login: a new
// UUID, console access as the workspace default says, and the right to
// change server settings (the embedded service runs as this user: it owns
// the state root).
XmlTree new_user(const XmlTree& doc, const OsUser& user) {
    XmlTree u;
    u.name = disp_xml::user;
    u.set_text_at("Name", user.name);
    u.set_text_at("Uuid", new_braced_uuid());
    const std::string console =
        doc.text_at(std::string(disp_xml::common) + "/WorkspacePreferences/DefaultUseConsole").value_or("true");
    u.set_text_at("AccessPreferences/UseManagementConsole", console == "false" ? "false" : "true");
    u.set_text_at("AccessPreferences/ChangeServerSettings", "true");
    u.set_text_at("UserWorkspace/UserVmDirectory", new_braced_uuid());
    u.set_text_at("UserWorkspace/UserDefaultVmFolder", "");
    return u;
}

}  // namespace

OsUser current_os_user() {
    OsUser u;
    u.uid = static_cast<unsigned>(::getuid());
    long size = ::sysconf(_SC_GETPW_R_SIZE_MAX);
    std::string buf(size > 0 ? static_cast<std::size_t>(size) : 16384u, '\0');
    passwd pw{};
    passwd* found = nullptr;
    if (::getpwuid_r(u.uid, &pw, buf.data(), buf.size(), &found) == 0 && found) {
        u.name = found->pw_name ? found->pw_name : "";
        u.home = found->pw_dir ? found->pw_dir : "";
    }
    if (u.name.empty()) u.name = "uid" + std::to_string(u.uid);
    return u;
}

DispConfigStore::DispConfigStore(const StateRoot& root) : root_(root) {}

std::string DispConfigStore::default_vm_dir() const { return root_.default_vm_dir().string(); }
std::string DispConfigStore::default_ct_dir() const { return root_.default_ct_dir().string(); }
std::string DispConfigStore::default_backup_dir() const { return root_.default_backup_dir().string(); }

XmlTree DispConfigStore::defaults() const {
    XmlTree doc;
    doc.name = disp_xml::root;
    doc.set_text_at("ServerIdentification/ServerUuid", root_.server_uuid());
    const std::string common = disp_xml::common;
    doc.set_text_at(common + "/WorkspacePreferences/DefaultVmDirectory", default_vm_dir());
    doc.set_text_at(common + "/BackupTargetPreferences/DefaultBackupDirectory", default_backup_dir());
    doc.set_text_at(common + "/DispVirtuozzoPreferences/DefaultCtDirectory", default_ct_dir());
    doc.ensure(disp_xml::users);
    return doc;
}

// The document, made (or completed with the current user) under the
// exclusive lock when needed.
XmlTree DispConfigStore::load_or_create() const {
    const OsUser me = current_os_user();
    {
        FileLock lock = acquire_lock(root_.dispatcher_lock(), FileLock::Mode::shared);
        if (auto l = read_doc(root_.dispatcher_file()); l && find_user(l->doc, me.name, false)) return l->doc;
    }
    FileLock lock = acquire_lock(root_.dispatcher_lock(), FileLock::Mode::exclusive);
    auto l = read_doc(root_.dispatcher_file());
    XmlTree doc = l ? l->doc : defaults();
    if (!find_user(doc, me.name, false)) {
        XmlTree user = new_user(doc, me);
        doc.ensure(disp_xml::users).add_child(disp_xml::user) = std::move(user);
    }
    if (!l || l->doc != doc) write_doc(root_.dispatcher_file(), doc);
    return doc;
}

DispSection DispConfigStore::common_prefs() const {
    load_or_create();
    FileLock lock = acquire_lock(root_.dispatcher_lock(), FileLock::Mode::shared);
    auto l = read_doc(root_.dispatcher_file());
    if (!l) throw Error(Errc::not_found, "dispatcher configuration missing");
    DispSection s;
    if (const XmlTree* c = l->doc.find(disp_xml::common)) s.tree = *c;
    s.tree.name = "CommonPreferences";
    s.revision = section_revision(s.tree);
    // Directories left out or empty read as the root's defaults (the copy
    // carries them; the file is not changed).
    auto fill = [&](const char* path, const std::string& value) {
        if (s.tree.text_at(path).value_or("").empty()) s.tree.set_text_at(path, value);
    };
    fill("WorkspacePreferences/DefaultVmDirectory", default_vm_dir());
    fill("BackupTargetPreferences/DefaultBackupDirectory", default_backup_dir());
    fill("DispVirtuozzoPreferences/DefaultCtDirectory", default_ct_dir());
    return s;
}

bool DispConfigStore::update_common_prefs(const XmlTree& prefs, std::uint64_t based_on) {
    if (prefs.name != "CommonPreferences") throw Error(Errc::invalid_argument, "not a CommonPreferences element");
    load_or_create();
    FileLock lock = acquire_lock(root_.dispatcher_lock(), FileLock::Mode::exclusive);
    auto l = read_doc(root_.dispatcher_file());
    if (!l) throw Error(Errc::not_found, "dispatcher configuration missing");
    XmlTree& current = l->doc.ensure(disp_xml::common);
    if (section_revision(current) != based_on) return false;
    current = prefs;
    write_doc(root_.dispatcher_file(), l->doc);
    return true;
}

std::vector<XmlTree> DispConfigStore::users() const {
    XmlTree doc = load_or_create();
    std::vector<XmlTree> out;
    if (const XmlTree* users = doc.find(disp_xml::users))
        for (const XmlTree* u : users->all(disp_xml::user)) out.push_back(*u);
    return out;
}

DispSection DispConfigStore::current_user() const {
    const OsUser me = current_os_user();
    load_or_create();
    FileLock lock = acquire_lock(root_.dispatcher_lock(), FileLock::Mode::shared);
    auto l = read_doc(root_.dispatcher_file());
    const XmlTree* u = l ? find_user(l->doc, me.name, false) : nullptr;
    if (!u) throw Error(Errc::not_found, "no user record for " + me.name);
    return DispSection{*u, section_revision(*u)};
}

bool DispConfigStore::update_user(const XmlTree& user, std::uint64_t based_on) {
    const std::string uuid = user.text_at("Uuid").value_or("");
    load_or_create();
    FileLock lock = acquire_lock(root_.dispatcher_lock(), FileLock::Mode::exclusive);
    auto l = read_doc(root_.dispatcher_file());
    if (!l) throw Error(Errc::not_found, "dispatcher configuration missing");
    XmlTree* users = l->doc.find(disp_xml::users);
    XmlTree* target = nullptr;
    if (users)
        for (XmlTree* u : users->all(disp_xml::user))
            if (u->text_at("Uuid").value_or("") == uuid) target = u;
    if (!target) throw Error(Errc::not_found, "no user with UUID " + uuid);
    if (section_revision(*target) != based_on) return false;
    *target = user;
    target->name = disp_xml::user;
    write_doc(root_.dispatcher_file(), l->doc);
    return true;
}

}  // namespace prl::service
