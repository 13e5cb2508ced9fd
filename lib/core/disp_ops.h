// The operations behind PrlSrv_GetCommonPrefs / CommonPrefsBeginEdit /
// CommonPrefsCommit and the user calls (GetUserProfile, UserProfileBeginEdit,
// UserProfileCommit, GetUserInfoList, GetUserInfo), run as job tasks.
//
// Edit semantics are the product's: a commit is accepted only after a
// BeginEdit by the same session, and only if the section on disk is still the
// one the copy was read from; otherwise PRL_ERR_COMMON_SERVER_PREFS_WERE_CHANGED
// (PRL_ERR_USER_PROFILE_WAS_CHANGED for a profile). A successful commit emits
// PET_DSP_EVT_COMMON_PREFS_CHANGED (PET_DSP_EVT_USER_PROFILE_CHANGED) to the
// server's handlers.
#pragma once

#include "disp_objects.h"
#include "result.h"
#include "server.h"

#include <string>

namespace prl::disp_ops {

ResultPtr get_common_prefs(Server& server);
ResultPtr begin_edit_common_prefs(Server& server);
ResultPtr commit_common_prefs(Server& server, DispConfig& prefs);

ResultPtr get_user_profile(Server& server);
ResultPtr begin_edit_user_profile(Server& server);
ResultPtr commit_user_profile(Server& server, UserProfile& profile);

ResultPtr user_info_list(Server& server);
// PRL_ERR_USER_NOT_FOUND for an unknown UUID.
ResultPtr user_info(Server& server, const std::string& user_uuid);

}  // namespace prl::disp_ops
