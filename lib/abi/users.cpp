// Users: PrlSrv_GetUserProfile / UserProfileBeginEdit / UserProfileCommit
// with PrlUsrCfg_* (PHT_USER_PROFILE: the current user's record of the
// dispatcher configuration), PrlSrv_GetUserInfoList / GetUserInfo with
// PrlUsrInfo_* (PHT_USER_INFO). See docs/dispatcher-config.md.
#include "boundary.h"
#include "copy_out.h"
#include "xml_io.h"

#include "core/disp_objects.h"
#include "core/disp_ops.h"
#include "core/server.h"

#include <cstring>
#include <string>

using namespace prl;
using namespace prl::abi;

namespace prl::abi {
service::XmlTree tree_from_string(PRL_CONST_STR text, const char* root);  // disp_cfg.cpp
std::string disp_line_arg(PRL_CONST_STR value);                               // disp_cfg.cpp
}  // namespace prl::abi

namespace {

template <class T>
PRL_RESULT copy_text(PRL_HANDLE h, const char* path, PRL_STR buf, PRL_UINT32_PTR len) {
    auto object = handle_cast<T>(h);
    out_ptr(len);
    const std::string text = object->with_tree([&](service::XmlTree& t) { return t.text_at(path).value_or(""); });
    return copy_out(text, buf, len);
}

template <class T>
PRL_RESULT get_flag(PRL_HANDLE h, const char* path, PRL_BOOL_PTR out) {
    auto object = handle_cast<T>(h);
    out_ptr(out);
    const std::string text = object->with_tree([&](service::XmlTree& t) { return t.text_at(path).value_or(""); });
    *out = text == "true" || text == "1" ? PRL_TRUE : PRL_FALSE;
    return PRL_ERR_SUCCESS;
}

PRL_RESULT set_profile_text(PRL_HANDLE h, const char* path, PRL_CONST_STR value) {
    auto profile = handle_cast<UserProfile>(h);
    const std::string text = disp_line_arg(value);
    profile->with_tree([&](service::XmlTree& t) { t.set_text_at(path, text); });
    return PRL_ERR_SUCCESS;
}

template <class Op>
PRL_HANDLE server_job(PRL_HANDLE hServer, PRL_JOB_OPERATION_CODE code, Op op) {
    return async(code, [&] {
        auto server = handle_cast<Server>(hServer).share();
        return give_job(server->start_job(code, [server, op](Job&) { return op(*server); }));
    });
}

}  // namespace

extern "C" {

PRL_HANDLE PrlSrv_GetUserProfile(PRL_HANDLE hServer) {
    return server_job(hServer, PJOC_SRV_GET_USER_PROFILE, [](Server& s) { return disp_ops::get_user_profile(s); });
}

PRL_HANDLE PrlSrv_UserProfileBeginEdit(PRL_HANDLE hServer) {
    return server_job(hServer, PJOC_SRV_USER_PROFILE_BEGIN_EDIT,
                      [](Server& s) { return disp_ops::begin_edit_user_profile(s); });
}

PRL_HANDLE PrlSrv_UserProfileCommit(PRL_HANDLE hServer, PRL_HANDLE hUserProfile) {
    return async(PJOC_SRV_USER_PROFILE_COMMIT, [&] {
        auto server = handle_cast<Server>(hServer).share();
        auto profile = handle_cast<UserProfile>(hUserProfile).share();
        return give_job(server->start_job(PJOC_SRV_USER_PROFILE_COMMIT, [server, profile](Job&) {
            return disp_ops::commit_user_profile(*server, *profile);
        }));
    });
}

PRL_HANDLE PrlSrv_GetUserInfoList(PRL_HANDLE hServer) {
    return server_job(hServer, PJOC_SRV_GET_USER_INFO_LIST, [](Server& s) { return disp_ops::user_info_list(s); });
}

PRL_HANDLE PrlSrv_GetUserInfo(PRL_HANDLE hServer, PRL_CONST_STR sUserId) {
    return async(PJOC_SRV_GET_USER_INFO, [&] {
        auto server = handle_cast<Server>(hServer).share();
        const std::string id = disp_line_arg(sUserId);
        return give_job(server->start_job(PJOC_SRV_GET_USER_INFO, [server, id](Job&) {
            return disp_ops::user_info(*server, id);
        }));
    });
}

PRL_RESULT PrlUsrCfg_FromString(PRL_HANDLE hUsrCfg, PRL_CONST_STR sUsrCfg) {
    return sync([&] {
        auto profile = handle_cast<UserProfile>(hUsrCfg);
        service::XmlTree t = tree_from_string(sUsrCfg, "VirtuozzoUser");
        profile->with_tree([&](service::XmlTree& tree) { tree = std::move(t); });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlUsrCfg_ToString(PRL_HANDLE hUsrCfg, PRL_VOID_PTR_PTR pUsrCfg) {
    return sync([&] {
        auto profile = handle_cast<UserProfile>(hUsrCfg);
        out_ptr(pUsrCfg);
        *pUsrCfg = malloc_copy(service::serialize_tree(profile->section().tree));
        return PRL_ERR_SUCCESS;
    });
}

// A proxy's cached credentials, added to (or updated in) the profile copy.
// The product keeps them out of the dispatcher configuration (in a private
// store of the user's); prlshim does not keep them at all: a commit drops them.
PRL_RESULT PrlUsrCfg_AddProxy(PRL_HANDLE hUserProfile, PRL_CONST_STR sProxyHost, PRL_UINT32 nProxyPort,
                              PRL_CONST_STR sProxyUserLogin, PRL_CONST_STR sProxyUserPasswd, PRL_INT32) {
    return sync([&] {
        auto profile = handle_cast<UserProfile>(hUserProfile);
        const std::string host = disp_line_arg(sProxyHost);
        const std::string login = disp_line_arg(sProxyUserLogin ? sProxyUserLogin : "");
        const std::string password = disp_line_arg(sProxyUserPasswd ? sProxyUserPasswd : "");
        profile->with_tree([&](service::XmlTree& t) {
            service::XmlTree& data = t.ensure("UserCachedData");
            service::XmlTree* entry = nullptr;
            for (service::XmlTree* e : data.all("UserCachedPasword"))
                if (e->text_at("ProxyServerName").value_or("") == host) entry = e;
            if (!entry) entry = &data.add_child("UserCachedPasword");
            entry->set_text_at("ProxyServerName", host);
            entry->set_text_at("ProxyServerPort", std::to_string(nProxyPort));
            entry->set_text_at("ProxyServerUser", login);
            entry->set_text_at("ProxyServerPassword", password);
        });
        return PRL_ERR_SUCCESS;
    });
}

// As in the product, the "VM directory UUID" a client reads is the path of
// the user's VM directory.
PRL_RESULT PrlUsrCfg_GetVmDirUuid(PRL_HANDLE hUserProfile, PRL_STR sVmDirUuid, PRL_UINT32_PTR pnVmDirUuidBufLength) {
    return sync([&] {
        return copy_text<UserProfile>(hUserProfile, "UserWorkspace/UserVmDirectory", sVmDirUuid, pnVmDirUuidBufLength);
    });
}

PRL_RESULT PrlUsrCfg_SetVmDirUuid(PRL_HANDLE hUserProfile, PRL_CONST_STR sNewVmDirUuid) {
    return sync([&] { return set_profile_text(hUserProfile, "UserWorkspace/UserVmDirectory", sNewVmDirUuid); });
}

PRL_RESULT PrlUsrCfg_GetDefaultVmFolder(PRL_HANDLE hUserProfile, PRL_STR sDefaultVmFolder,
                                        PRL_UINT32_PTR pnDefaultVmFolderBufLength) {
    return sync([&] {
        return copy_text<UserProfile>(hUserProfile, "UserWorkspace/UserDefaultVmFolder", sDefaultVmFolder,
                                      pnDefaultVmFolderBufLength);
    });
}

PRL_RESULT PrlUsrCfg_SetDefaultVmFolder(PRL_HANDLE hUserProfile, PRL_CONST_STR sNewDefaultVmFolder) {
    return sync([&] {
        return set_profile_text(hUserProfile, "UserWorkspace/UserDefaultVmFolder", sNewDefaultVmFolder);
    });
}

PRL_RESULT PrlUsrCfg_CanUseMngConsole(PRL_HANDLE hUserProfile, PRL_BOOL_PTR pbCanUseMngConsole) {
    return sync([&] {
        return get_flag<UserProfile>(hUserProfile, "AccessPreferences/UseManagementConsole", pbCanUseMngConsole);
    });
}

PRL_RESULT PrlUsrCfg_CanChangeSrvSets(PRL_HANDLE hUserProfile, PRL_BOOL_PTR pbCanChangeSrvSets) {
    return sync([&] {
        return get_flag<UserProfile>(hUserProfile, "AccessPreferences/ChangeServerSettings", pbCanChangeSrvSets);
    });
}

PRL_RESULT PrlUsrCfg_IsLocalAdministrator(PRL_HANDLE hUserProfile, PRL_BOOL_PTR pbIsLocalAdmin) {
    return sync([&] {
        return get_flag<UserProfile>(hUserProfile, "AccessPreferences/LocalAdministrator", pbIsLocalAdmin);
    });
}

PRL_RESULT PrlUsrInfo_GetName(PRL_HANDLE hUserInfo, PRL_STR sName, PRL_UINT32_PTR pnNameBufLength) {
    return sync([&] { return copy_text<UserInfo>(hUserInfo, "Name", sName, pnNameBufLength); });
}

PRL_RESULT PrlUsrInfo_GetUuid(PRL_HANDLE hUserInfo, PRL_STR sUuid, PRL_UINT32_PTR pnUuidBufLength) {
    return sync([&] { return copy_text<UserInfo>(hUserInfo, "Uuid", sUuid, pnUuidBufLength); });
}

PRL_RESULT PrlUsrInfo_GetSessionCount(PRL_HANDLE hUserInfo, PRL_UINT32_PTR pnSessionCount) {
    return sync([&] {
        auto info = handle_cast<UserInfo>(hUserInfo);
        out_ptr(pnSessionCount);
        const std::string text = info->with_tree([](service::XmlTree& t) { return t.text_at("SessionCount").value_or("0"); });
        *pnSessionCount = static_cast<PRL_UINT32>(std::strtoul(text.c_str(), nullptr, 10));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlUsrInfo_GetDefaultVmFolder(PRL_HANDLE hUserInfo, PRL_STR sDefaultVmFolder,
                                         PRL_UINT32_PTR pnDefaultVmFolderBufLength) {
    return sync([&] {
        return copy_text<UserInfo>(hUserInfo, "DefaultVmFolder", sDefaultVmFolder, pnDefaultVmFolderBufLength);
    });
}

PRL_RESULT PrlUsrInfo_CanChangeSrvSets(PRL_HANDLE hUserInfo, PRL_BOOL_PTR pbCanChangeSrvSets) {
    return sync([&] { return get_flag<UserInfo>(hUserInfo, "ChangeServerSettings", pbCanChangeSrvSets); });
}

}  // extern "C"
