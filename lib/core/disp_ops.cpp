#include "disp_ops.h"

#include "error.h"
#include "event.h"

#include <filesystem>
#include <mutex>
#include <set>

#include <unistd.h>

namespace prl::disp_ops {
namespace {

using service::XmlTree;

// Sessions that called BeginEdit and have not committed since, per kind.
class EditMarks {
public:
    void mark(const std::string& session) {
        std::lock_guard<std::mutex> lock(mutex_);
        sessions_.insert(session);
    }
    bool take(const std::string& session) {
        std::lock_guard<std::mutex> lock(mutex_);
        return sessions_.erase(session) > 0;
    }
    bool has(const std::string& session) {
        std::lock_guard<std::mutex> lock(mutex_);
        return sessions_.count(session) > 0;
    }

private:
    std::mutex mutex_;
    std::set<std::string> sessions_;
};

EditMarks& prefs_marks() {
    static EditMarks marks;
    return marks;
}
EditMarks& profile_marks() {
    static EditMarks marks;
    return marks;
}

std::string session_of(Server& server) {
    server.service();  // PRL_ERR_NOT_CONNECTED_TO_DISPATCHER when logged off
    return server.session_uuid();
}

bool flag(const XmlTree& t, const std::string& path, bool fallback = false) {
    auto v = t.text_at(path);
    if (!v) return fallback;
    return *v == "true" || *v == "1";
}

const char* text_of(bool v) { return v ? "true" : "false"; }

std::string default_vm_dir(service::Service& svc) {
    return svc.common_prefs().tree.text_at("WorkspacePreferences/DefaultVmDirectory").value_or("");
}

// The user's record as the product sends it: the VM directory as a path,
// the OS home, and whether the user is the local administrator (who may
// always change server settings).
service::DispSection profile_for_client(service::Service& svc) {
    service::DispSection s = svc.current_user();
    const service::OsUser me = service::current_os_user();
    const bool admin = me.uid == 0;
    s.tree.set_text_at("UserWorkspace/UserVmDirectory", default_vm_dir(svc));
    s.tree.set_text_at("UserWorkspace/UserHomeFolder", me.home);
    s.tree.set_text_at("AccessPreferences/LocalAdministrator", text_of(admin));
    if (admin) s.tree.set_text_at("AccessPreferences/ChangeServerSettings", "true");
    return s;
}

EventData dispatcher_event(PRL_EVENT_TYPE type, const std::string& issuer) {
    EventData d;
    d.type = type;
    d.issuer_type = PIE_DISPATCHER;
    d.issuer_id = issuer;
    return d;
}

ResultPtr one(ObjectPtr object) { return std::make_shared<Result>(std::vector<Result::Param>{std::move(object)}); }

// A UserInfo element (UserInformation.xsd) for a VirtuozzoUser record.
XmlTree user_info_of(const XmlTree& user, const std::string& vm_dir, bool current) {
    XmlTree info;
    info.name = "UserInfo";
    info.set_text_at("Uuid", user.text_at("Uuid").value_or(""));
    info.set_text_at("Name", user.text_at("Name").value_or(""));
    info.set_text_at("SessionCount", std::to_string(current ? Server::open_sessions() : 0));
    std::string folder = user.text_at("UserWorkspace/UserDefaultVmFolder").value_or("");
    info.set_text_at("DefaultVmFolder", folder.empty() ? vm_dir : folder);
    info.set_text_at("ChangeServerSettings", text_of(flag(user, "AccessPreferences/ChangeServerSettings")));
    info.ensure("SessionInfoList");
    return info;
}

}  // namespace

ResultPtr get_common_prefs(Server& server) {
    auto svc = server.service();
    return one(std::make_shared<DispConfig>(svc->common_prefs()));
}

ResultPtr begin_edit_common_prefs(Server& server) {
    prefs_marks().mark(session_of(server));
    return nullptr;
}

ResultPtr commit_common_prefs(Server& server, DispConfig& prefs) {
    auto svc = server.service();
    const std::string session = server.session_uuid();
    if (!prefs_marks().has(session))
        fail(PRL_ERR_COMMON_SERVER_PREFS_WERE_CHANGED, "no PrlSrv_CommonPrefsBeginEdit before the commit");
    const service::DispSection copy = prefs.section();
    if (copy.tree.name != "CommonPreferences") fail(PRL_ERR_PARSE_COMMON_SERVER_PREFS, "not common preferences");
    if (!svc->update_common_prefs(copy.tree, copy.revision))
        fail(PRL_ERR_COMMON_SERVER_PREFS_WERE_CHANGED, "the common preferences changed since they were read");
    prefs_marks().take(session);
    prefs.load(svc->common_prefs());
    server.emit(dispatcher_event(PET_DSP_EVT_COMMON_PREFS_CHANGED, ""));
    return nullptr;
}

ResultPtr get_user_profile(Server& server) {
    auto svc = server.service();
    return one(std::make_shared<UserProfile>(profile_for_client(*svc)));
}

ResultPtr begin_edit_user_profile(Server& server) {
    profile_marks().mark(session_of(server));
    return nullptr;
}

ResultPtr commit_user_profile(Server& server, UserProfile& profile) {
    auto svc = server.service();
    const std::string session = server.session_uuid();
    if (!profile_marks().has(session))
        fail(PRL_ERR_USER_PROFILE_WAS_CHANGED, "no PrlSrv_UserProfileBeginEdit before the commit");
    service::DispSection copy = profile.section();
    XmlTree& edited = copy.tree;
    if (edited.name != service::disp_xml::user) fail(PRL_ERR_PARSE_USER_PROFILE, "not a user profile");
    const XmlTree current = svc->current_user().tree;
    if (edited.text_at("Uuid") != current.text_at("Uuid") || edited.text_at("Name") != current.text_at("Name"))
        fail(PRL_ERR_USER_CANT_CHANGE_READ_ONLY_VALUE, "a user's name and UUID cannot be changed");
    if (flag(edited, "AccessPreferences/UseManagementConsole") != flag(current, "AccessPreferences/UseManagementConsole"))
        fail(PRL_ERR_USER_CANT_CHANGE_ACCESS_PROFILE, "a user cannot change their own access rights");
    const bool admin = service::current_os_user().uid == 0;
    if (flag(edited, "AccessPreferences/ChangeServerSettings") != flag(current, "AccessPreferences/ChangeServerSettings")) {
        if (!admin) fail(PRL_ERR_USER_CANT_CHANGE_ACCESS_PROFILE, "a user cannot change their own access rights");
        edited.set_text_at("AccessPreferences/ChangeServerSettings",
                           text_of(flag(current, "AccessPreferences/ChangeServerSettings")));
    }
    // The default VM folder must be a directory the user can create VMs in.
    const std::string folder = edited.text_at("UserWorkspace/UserDefaultVmFolder").value_or("");
    if (!folder.empty()) {
        std::error_code ec;
        if (!std::filesystem::is_directory(folder, ec))
            fail(PRL_ERR_DIRECTORY_DOES_NOT_EXIST, "directory does not exist: " + folder);
        if (::access(folder.c_str(), W_OK | X_OK) != 0)
            fail(PRL_ERR_USER_NO_AUTH_TO_SAVE_FILES, "cannot create files in " + folder);
    }
    // What the client saw in place of stored values is put back.
    if (auto dir = current.text_at("UserWorkspace/UserVmDirectory"))
        edited.set_text_at("UserWorkspace/UserVmDirectory", *dir);
    if (auto home = current.text_at("UserWorkspace/UserHomeFolder"))
        edited.set_text_at("UserWorkspace/UserHomeFolder", *home);
    else
        edited.erase("UserWorkspace/UserHomeFolder");
    edited.erase("AccessPreferences/LocalAdministrator");
    // Cached proxy credentials are not kept in the configuration (the product
    // keeps them in a private store; prlshim does not keep them).
    if (XmlTree* cached = edited.find("UserCachedData")) cached->remove_all("UserCachedPasword");
    if (!svc->update_user(edited, copy.revision))
        fail(PRL_ERR_USER_PROFILE_WAS_CHANGED, "the user profile changed since it was read");
    profile_marks().take(session);
    profile.load(profile_for_client(*svc));
    server.emit(dispatcher_event(PET_DSP_EVT_USER_PROFILE_CHANGED, current.text_at("Name").value_or("")));
    return nullptr;
}

ResultPtr user_info_list(Server& server) {
    auto svc = server.service();
    const std::string vm_dir = default_vm_dir(*svc);
    const std::string me = service::current_os_user().name;
    auto result = std::make_shared<Result>();
    for (const XmlTree& user : svc->users())
        result->add(std::make_shared<UserInfo>(user_info_of(user, vm_dir, user.text_at("Name") == me)));
    return result;
}

ResultPtr user_info(Server& server, const std::string& user_uuid) {
    auto svc = server.service();
    const std::string vm_dir = default_vm_dir(*svc);
    const std::string me = service::current_os_user().name;
    for (const XmlTree& user : svc->users())
        if (user.text_at("Uuid") == user_uuid)
            return one(std::make_shared<UserInfo>(user_info_of(user, vm_dir, user.text_at("Name") == me)));
    fail(PRL_ERR_USER_NOT_FOUND, "no user with UUID " + user_uuid);
}

}  // namespace prl::disp_ops
