// Common preferences and users: PrlSrv_GetCommonPrefs / CommonPrefsBeginEdit /
// CommonPrefsCommit(Ex), the hand-written PrlDispCfg_* functions, and
// PrlSrv_GetUserProfile / UserProfileBeginEdit / UserProfileCommit /
// GetUserInfoList / GetUserInfo with PrlUsrCfg_* and PrlUsrInfo_*. The call
// sequences are those of prlsrvctl info, prlsrvctl set, prlsrvctl user list
// and prlsrvctl user set.
#include "capi.h"

#include "test_home.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <pwd.h>
#include <unistd.h>

using capi::Handle;

namespace {

// Waits for a job; checks its code; gives its result when it succeeded.
Handle run(PRL_HANDLE job, PRL_RESULT want = PRL_ERR_SUCCESS) {
    Handle j(job);
    REQUIRE(j.get() != PRL_INVALID_HANDLE);
    PrlJob_Wait(j, 60000);
    PRL_RESULT rc = PRL_ERR_FAILURE;
    REQUIRE_PRL_OK(PrlJob_GetRetCode(j, &rc));
    INFO("job code " << capi::describe(rc));
    REQUIRE(rc == want);
    Handle result;
    if (want == PRL_ERR_SUCCESS) REQUIRE_PRL_OK(PrlJob_GetResult(j, result.out()));
    return result;
}

Handle login() {
    Handle server;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    run(PrlSrv_LoginLocal(server, nullptr, 0, PSL_HIGH_SECURITY));
    return server;
}

Handle param(const Handle& result, PRL_UINT32 index = 0) {
    Handle h;
    REQUIRE_PRL_OK(PrlResult_GetParamByIndex(result, index, h.out()));
    return h;
}

Handle prefs_of(PRL_HANDLE server) { return param(run(PrlSrv_GetCommonPrefs(server))); }
Handle profile_of(PRL_HANDLE server) { return param(run(PrlSrv_GetUserProfile(server))); }

template <class F>
std::string text(F getter, PRL_HANDLE h) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return getter(h, b, l); });
}

std::string file_text(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string me() {
    const passwd* pw = getpwuid(getuid());
    return pw ? pw->pw_name : "uid" + std::to_string(getuid());
}

struct Counter {
    std::atomic<int> prefs{0}, profile{0};
    static PRL_RESULT handler(PRL_HANDLE h, void* self) {
        PRL_HANDLE_TYPE t;
        PRL_EVENT_TYPE e;
        if (PRL_SUCCEEDED(PrlHandle_GetType(h, &t)) && t == PHT_EVENT && PRL_SUCCEEDED(PrlEvent_GetType(h, &e))) {
            if (e == PET_DSP_EVT_COMMON_PREFS_CHANGED) ++static_cast<Counter*>(self)->prefs;
            if (e == PET_DSP_EVT_USER_PROFILE_CHANGED) ++static_cast<Counter*>(self)->profile;
        }
        PrlHandle_Free(h);
        return PRL_ERR_SUCCESS;
    }
    static void wait_for(const std::atomic<int>& n, int want) {
        for (int i = 0; i < 400 && n < want; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        REQUIRE(n == want);
    }
};

}  // namespace

TEST_CASE("common preferences default to the state root's directories (prlsrvctl info)", "[dispcfg]") {
    prl::test::TestHome home;
    capi::Api api;
    Handle server = login();
    Handle prefs = prefs_of(server);
    PRL_HANDLE_TYPE type;
    REQUIRE_PRL_OK(PrlHandle_GetType(prefs, &type));
    REQUIRE(type == PHT_DISP_CONFIG);

    REQUIRE(text(PrlDispCfg_GetDefaultVmDir, prefs) == (home.path() / "vms").string());
    REQUIRE(text(PrlDispCfg_GetDefaultCtDir, prefs) == (home.path() / "cts").string());
    REQUIRE(text(PrlDispCfg_GetDefaultBackupDirectory, prefs) == (home.path() / "backups").string());

    // What prlsrvctl info reads besides the table-driven values.
    Handle list;
    REQUIRE_PRL_OK(PrlDispCfg_GetConfirmationsList(prefs, list.out()));
    PRL_UINT32 n = 99;
    REQUIRE_PRL_OK(PrlOpTypeList_GetItemsCount(list, &n));
    REQUIRE(n == 0);
    PRL_VM_BACKUP_MODE mode;
    REQUIRE_PRL_OK(PrlDispCfg_GetBackupMode(prefs, &mode));
    REQUIRE(mode == PBM_PUSH);
    PRL_UINT32 timeout = 0;
    REQUIRE_PRL_OK(PrlDispCfg_GetBackupTimeout(prefs, &timeout));
    REQUIRE(timeout == 3600);

    Handle profile = profile_of(server);
    REQUIRE(text(PrlUsrCfg_GetDefaultVmFolder, profile).empty());
    REQUIRE(text(PrlUsrCfg_GetVmDirUuid, profile) == (home.path() / "vms").string());  // the product's quirk
    PRL_BOOL admin = PRL_TRUE, console = PRL_FALSE, change = PRL_FALSE;
    REQUIRE_PRL_OK(PrlUsrCfg_IsLocalAdministrator(profile, &admin));
    REQUIRE(admin == (getuid() == 0 ? PRL_TRUE : PRL_FALSE));
    REQUIRE_PRL_OK(PrlUsrCfg_CanUseMngConsole(profile, &console));
    REQUIRE(console == PRL_TRUE);
    REQUIRE_PRL_OK(PrlUsrCfg_CanChangeSrvSets(profile, &change));
    REQUIRE(change == PRL_TRUE);

    // The document is in the product's format.
    const std::string doc = file_text(home.path() / "dispatcher.xml");
    REQUIRE(doc.find("<VirtuozzoPreferences>") != std::string::npos);
    REQUIRE(doc.find("<ServerSettings>") != std::string::npos);
    REQUIRE(doc.find("<VirtuozzoUser>") != std::string::npos);
    REQUIRE(doc.find("<Name>" + me() + "</Name>") != std::string::npos);
}

TEST_CASE("prlsrvctl set: begin edit, change, commit, seen by another session and on disk", "[dispcfg]") {
    prl::test::TestHome home;
    capi::Api api;
    Handle server = login();
    Counter counter;
    REQUIRE_PRL_OK(PrlSrv_RegEventHandler(server, &Counter::handler, &counter));

    run(PrlSrv_CommonPrefsBeginEdit(server));
    Handle prefs = prefs_of(server);
    REQUIRE_PRL_OK(PrlDispCfg_SetMinSecurityLevel(prefs, PSL_NORMAL_SECURITY));
    REQUIRE_PRL_OK(PrlDispCfg_SetVerboseLogEnabled(prefs, PRL_TRUE));
    REQUIRE_PRL_OK(PrlDispCfg_SetDefaultBackupDirectory(prefs, "/srv/backups"));
    REQUIRE_PRL_OK(PrlDispCfg_SetBackupUserPassword(prefs, "secret"));
    // prlsrvctl's confirmation list edit: read, add, remove, write back.
    Handle list;
    REQUIRE_PRL_OK(PrlDispCfg_GetConfirmationsList(prefs, list.out()));
    PRL_ALLOWED_VM_COMMAND add = PAR_VM_CREATE_ACCESS, other = PAR_VM_CLONE_ACCESS;
    REQUIRE_PRL_OK(PrlOpTypeList_AddItem(list, &add));
    REQUIRE_PRL_OK(PrlOpTypeList_AddItem(list, &other));
    REQUIRE_PRL_OK(PrlOpTypeList_RemoveItem(list, 1));
    REQUIRE_PRL_OK(PrlDispCfg_SetConfirmationsList(prefs, list));
    run(PrlSrv_CommonPrefsCommit(server, prefs));
    Counter::wait_for(counter.prefs, 1);

    Handle other_session = login();
    Handle again = prefs_of(other_session);
    PRL_SECURITY_LEVEL level;
    REQUIRE_PRL_OK(PrlDispCfg_GetMinSecurityLevel(again, &level));
    REQUIRE(level == PSL_NORMAL_SECURITY);
    REQUIRE(text(PrlDispCfg_GetDefaultBackupDirectory, again) == "/srv/backups");
    Handle list2;
    REQUIRE_PRL_OK(PrlDispCfg_GetConfirmationsList(again, list2.out()));
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlOpTypeList_GetItemsCount(list2, &n));
    REQUIRE(n == 1);
    PRL_ALLOWED_VM_COMMAND got;
    REQUIRE_PRL_OK(PrlOpTypeList_GetItem(list2, 0, &got));
    REQUIRE(got == PAR_VM_CREATE_ACCESS);

    const std::string doc = file_text(home.path() / "dispatcher.xml");
    REQUIRE(doc.find("<MinimalSecurityLevel>1</MinimalSecurityLevel>") != std::string::npos);
    REQUIRE(doc.find("<VerboseLogEnabled>true</VerboseLogEnabled>") != std::string::npos);
    REQUIRE(doc.find("<DefaultBackupDirectory>/srv/backups</DefaultBackupDirectory>") != std::string::npos);
    REQUIRE(doc.find("<LockedOperation>" + std::to_string(PAR_VM_CREATE_ACCESS) + "</LockedOperation>") !=
            std::string::npos);
    REQUIRE(doc.find("<PasswordChanged>true</PasswordChanged>") != std::string::npos);
    REQUIRE(std::filesystem::status(home.path() / "dispatcher.xml").permissions() ==
            (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
    REQUIRE_PRL_OK(PrlSrv_UnregEventHandler(server, &Counter::handler, &counter));
}

TEST_CASE("a commit of common preferences needs a begin edit and a copy that is current", "[dispcfg]") {
    prl::test::TestHome home;
    capi::Api api;
    Handle a = login(), b = login();
    Handle pa = prefs_of(a), pb = prefs_of(b);
    REQUIRE_PRL_OK(PrlDispCfg_SetVNCBasePort(pa, 6000));
    run(PrlSrv_CommonPrefsCommit(a, pa), PRL_ERR_COMMON_SERVER_PREFS_WERE_CHANGED);  // no begin edit

    run(PrlSrv_CommonPrefsBeginEdit(a));
    run(PrlSrv_CommonPrefsBeginEdit(b));
    run(PrlSrv_CommonPrefsCommitEx(a, pa, 0));
    REQUIRE_PRL_OK(PrlDispCfg_SetVNCBasePort(pb, 7000));
    run(PrlSrv_CommonPrefsCommit(b, pb), PRL_ERR_COMMON_SERVER_PREFS_WERE_CHANGED);  // stale copy
    // A fresh copy goes through; a second commit needs a new begin edit.
    Handle fresh = prefs_of(b);
    REQUIRE_PRL_OK(PrlDispCfg_SetVNCBasePort(fresh, 7000));
    run(PrlSrv_CommonPrefsCommit(b, fresh));
    run(PrlSrv_CommonPrefsCommit(b, fresh), PRL_ERR_COMMON_SERVER_PREFS_WERE_CHANGED);
    PRL_UINT32 port = 0;
    REQUIRE_PRL_OK(PrlDispCfg_GetVNCBasePort(prefs_of(a), &port));
    REQUIRE(port == 7000);

    // Wrong handles: a job that failed with PRL_ERR_INVALID_ARG.
    run(PrlSrv_CommonPrefsCommit(a, a), PRL_ERR_INVALID_ARG);
    run(PrlSrv_CommonPrefsCommit(pa, pa), PRL_ERR_INVALID_ARG);
    run(PrlSrv_GetCommonPrefs(capi::forged_handle()), PRL_ERR_INVALID_ARG);
    run(PrlSrv_CommonPrefsBeginEdit(pa), PRL_ERR_INVALID_ARG);
    // Logged off: not connected.
    Handle off;
    REQUIRE_PRL_OK(PrlSrv_Create(off.out()));
    run(PrlSrv_GetCommonPrefs(off), PRL_ERR_NOT_CONNECTED_TO_DISPATCHER);
}

TEST_CASE("elements prlshim does not model survive a commit of the common preferences", "[dispcfg]") {
    prl::test::TestHome home;
    capi::Api api;
    // A document as a real host might have it, with elements we never touch.
    {
        std::ofstream out(home.path() / "dispatcher.xml");
        out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<VirtuozzoPreferences><Version>7</Version>"
               "<ServerSettings><CommonPreferences><WorkspacePreferences><VmTimeoutOnShutdown>77"
               "</VmTimeoutOnShutdown><Future attr=\"x\">keep me</Future></WorkspacePreferences>"
               "<ProblemReportPreferences><AllowAttachScreenshots>false</AllowAttachScreenshots>"
               "</ProblemReportPreferences></CommonPreferences><ServerFlags><DiskBlockSize>16</DiskBlockSize>"
               "</ServerFlags></ServerSettings></VirtuozzoPreferences>\n";
    }
    Handle server = login();
    run(PrlSrv_CommonPrefsBeginEdit(server));
    Handle prefs = prefs_of(server);
    REQUIRE_PRL_OK(PrlDispCfg_SetLogRotationEnabled(prefs, PRL_TRUE));
    run(PrlSrv_CommonPrefsCommit(server, prefs));
    const std::string doc = file_text(home.path() / "dispatcher.xml");
    for (const char* kept : {"<Version>7</Version>", "<VmTimeoutOnShutdown>77</VmTimeoutOnShutdown>",
                             "<Future attr=\"x\">keep me</Future>", "<AllowAttachScreenshots>false</AllowAttachScreenshots>",
                             "<DiskBlockSize>16</DiskBlockSize>", "<Enabled>true</Enabled>", "<VirtuozzoUser>"})
        CHECK(doc.find(kept) != std::string::npos);
    // The element order is the product's: LogRotatePreferences after Debug's place, before ProblemReport.
    REQUIRE(doc.find("<LogRotatePreferences>") < doc.find("<ProblemReportPreferences>"));
}

TEST_CASE("PrlDispCfg_ToString and FromString move the common preferences as XML", "[dispcfg]") {
    prl::test::TestHome home;
    capi::Api api;
    Handle server = login();
    Handle prefs = prefs_of(server);
    void* xml = nullptr;
    REQUIRE_PRL_OK(PrlDispCfg_ToString(prefs, &xml));
    std::string s(static_cast<const char*>(xml));
    PrlBuffer_Free(xml);
    REQUIRE(s.find("<CommonPreferences>") != std::string::npos);
    REQUIRE(s.find("<DefaultVmDirectory>") != std::string::npos);

    REQUIRE_PRL_OK(PrlDispCfg_FromString(
        prefs, "<CommonPreferences><RemoteDisplayPreferences><BasePort>6100</BasePort></RemoteDisplayPreferences>"
               "</CommonPreferences>"));
    PRL_UINT32 port = 0;
    REQUIRE_PRL_OK(PrlDispCfg_GetVNCBasePort(prefs, &port));
    REQUIRE(port == 6100);
    REQUIRE(PrlDispCfg_FromString(prefs, "<VirtuozzoUser/>") == PRL_ERR_INVALID_ARG);
    REQUIRE(PrlDispCfg_FromString(prefs, "not xml") == PRL_ERR_INVALID_ARG);
    REQUIRE(PrlDispCfg_FromString(prefs, "<CommonPreferences><!DOCTYPE x></CommonPreferences>") == PRL_ERR_INVALID_ARG);
    REQUIRE(PrlDispCfg_FromString(prefs, nullptr) == PRL_ERR_INVALID_ARG);
    REQUIRE(PrlDispCfg_FromString(server, "<CommonPreferences/>") == PRL_ERR_INVALID_ARG);
    REQUIRE(PrlDispCfg_ToString(prefs, nullptr) == PRL_ERR_INVALID_ARG);
    REQUIRE(PrlDispCfg_ToString(capi::forged_handle(), &xml) == PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlDispCfg_GetVNCBasePort(prefs, &port));
    REQUIRE(port == 6100);  // a refused document changes nothing
}

TEST_CASE("hand-written PrlDispCfg_ functions check their arguments", "[dispcfg]") {
    prl::test::TestHome home;
    capi::Api api;
    Handle server = login();
    Handle prefs = prefs_of(server);
    PRL_UINT32 len = 0;
    for (auto getter : {PrlDispCfg_GetDefaultVmDir, PrlDispCfg_GetDefaultCtDir, PrlDispCfg_GetDefaultBackupDirectory}) {
        CHECK(getter(capi::forged_handle(), nullptr, &len) == PRL_ERR_INVALID_ARG);
        CHECK(getter(server, nullptr, &len) == PRL_ERR_INVALID_ARG);
        CHECK(getter(prefs, nullptr, nullptr) == PRL_ERR_INVALID_ARG);
        char small[2];
        len = sizeof small;
        CHECK(getter(prefs, small, &len) == PRL_ERR_BUFFER_OVERRUN);
    }
    CHECK(PrlDispCfg_SetDefaultBackupDirectory(prefs, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_SetDefaultBackupDirectory(prefs, "bad\nline") == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_SetDefaultBackupDirectory(prefs, "\xff\xfe") == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_SetDefaultBackupDirectory(server, "/x") == PRL_ERR_INVALID_ARG);
    // A relative folder would depend on the working directory of the process that backs up.
    CHECK(PrlDispCfg_SetDefaultBackupDirectory(prefs, "relative/dir") == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_SetBackupUserPassword(prefs, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_SetBackupUserPassword(capi::forged_handle(), "x") == PRL_ERR_INVALID_ARG);
    const std::string huge(1 << 20, 'a');
    CHECK(PrlDispCfg_SetDefaultBackupDirectory(prefs, huge.c_str()) == PRL_ERR_INVALID_ARG);

    Handle list;
    CHECK(PrlDispCfg_GetConfirmationsList(prefs, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_GetConfirmationsList(server, list.out()) == PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlDispCfg_GetConfirmationsList(prefs, list.out()));
    CHECK(PrlDispCfg_SetConfirmationsList(prefs, server) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_SetConfirmationsList(server, list) == PRL_ERR_INVALID_ARG);
    // Items of any integer size are read as commands.
    Handle bytes;
    REQUIRE_PRL_OK(PrlApi_CreateOpTypeList(bytes.out(), 1));
    PRL_UINT8 one = static_cast<PRL_UINT8>(PAR_VM_DELETE_ACCESS);
    REQUIRE_PRL_OK(PrlOpTypeList_AddItem(bytes, &one));
    REQUIRE_PRL_OK(PrlDispCfg_SetConfirmationsList(prefs, bytes));
    REQUIRE_PRL_OK(PrlDispCfg_GetConfirmationsList(prefs, list.out()));
    PRL_ALLOWED_VM_COMMAND got;
    REQUIRE_PRL_OK(PrlOpTypeList_GetItem(list, 0, &got));
    CHECK(got == PAR_VM_DELETE_ACCESS);
}

TEST_CASE("prlsrvctl user list: the current OS user with the server's VM folder", "[dispcfg][users]") {
    prl::test::TestHome home;
    capi::Api api;
    Handle server = login();
    Handle result = run(PrlSrv_GetUserInfoList(server));
    PRL_UINT32 count = 0;
    REQUIRE_PRL_OK(PrlResult_GetParamsCount(result, &count));
    REQUIRE(count == 1);
    Handle info = param(result);
    PRL_HANDLE_TYPE type;
    REQUIRE_PRL_OK(PrlHandle_GetType(info, &type));
    REQUIRE(type == PHT_USER_INFO);
    REQUIRE(text(PrlUsrInfo_GetName, info) == me());
    const std::string uuid = text(PrlUsrInfo_GetUuid, info);
    REQUIRE(uuid.size() == 38);
    REQUIRE(text(PrlUsrInfo_GetDefaultVmFolder, info) == (home.path() / "vms").string());
    PRL_UINT32 sessions = 0;
    REQUIRE_PRL_OK(PrlUsrInfo_GetSessionCount(info, &sessions));
    REQUIRE(sessions >= 1);
    PRL_BOOL change = PRL_FALSE;
    REQUIRE_PRL_OK(PrlUsrInfo_CanChangeSrvSets(info, &change));
    REQUIRE(change == PRL_TRUE);

    Handle one = param(run(PrlSrv_GetUserInfo(server, uuid.c_str())));
    REQUIRE(text(PrlUsrInfo_GetName, one) == me());
    run(PrlSrv_GetUserInfo(server, "{00000000-0000-0000-0000-000000000000}"), PRL_ERR_USER_NOT_FOUND);
    run(PrlSrv_GetUserInfo(server, nullptr), PRL_ERR_INVALID_ARG);
    run(PrlSrv_GetUserInfoList(info), PRL_ERR_INVALID_ARG);

    // The same user (same UUID) in a second session.
    Handle again = param(run(PrlSrv_GetUserInfoList(login())));
    REQUIRE(text(PrlUsrInfo_GetUuid, again) == uuid);

    PRL_UINT32 len = 0;
    CHECK(PrlUsrInfo_GetName(server, nullptr, &len) == PRL_ERR_INVALID_ARG);
    CHECK(PrlUsrInfo_GetUuid(info, nullptr, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlUsrInfo_GetDefaultVmFolder(capi::forged_handle(), nullptr, &len) == PRL_ERR_INVALID_ARG);
    CHECK(PrlUsrInfo_GetSessionCount(info, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlUsrInfo_CanChangeSrvSets(server, &change) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("prlsrvctl user set: the default VM folder is edited with the product's checks", "[dispcfg][users]") {
    prl::test::TestHome home;
    capi::Api api;
    Handle server = login();
    Counter counter;
    REQUIRE_PRL_OK(PrlSrv_RegEventHandler(server, &Counter::handler, &counter));
    const std::filesystem::path folder = home.path() / "my-vms";
    std::filesystem::create_directory(folder);

    Handle profile = profile_of(server);
    REQUIRE_PRL_OK(PrlUsrCfg_SetDefaultVmFolder(profile, folder.c_str()));
    run(PrlSrv_UserProfileCommit(server, profile), PRL_ERR_USER_PROFILE_WAS_CHANGED);  // no begin edit

    run(PrlSrv_UserProfileBeginEdit(server));
    profile = profile_of(server);
    REQUIRE_PRL_OK(PrlUsrCfg_SetDefaultVmFolder(profile, (home.path() / "missing").c_str()));
    run(PrlSrv_UserProfileCommit(server, profile), PRL_ERR_DIRECTORY_DOES_NOT_EXIST);
    REQUIRE_PRL_OK(PrlUsrCfg_SetDefaultVmFolder(profile, folder.c_str()));
    REQUIRE_PRL_OK(PrlUsrCfg_AddProxy(profile, "proxy.example", 3128, "u", "p", 0));
    run(PrlSrv_UserProfileCommit(server, profile));
    Counter::wait_for(counter.profile, 1);

    REQUIRE(text(PrlUsrCfg_GetDefaultVmFolder, profile_of(login())) == folder.string());
    Handle info = param(run(PrlSrv_GetUserInfoList(server)));
    REQUIRE(text(PrlUsrInfo_GetDefaultVmFolder, info) == folder.string());
    const std::string doc = file_text(home.path() / "dispatcher.xml");
    REQUIRE(doc.find("<UserDefaultVmFolder>" + folder.string() + "</UserDefaultVmFolder>") != std::string::npos);
    CHECK(doc.find("proxy.example") == std::string::npos);      // cached credentials are not stored
    CHECK(doc.find("LocalAdministrator") == std::string::npos);  // not saved, as in the product
    CHECK(doc.find("<UserVmDirectory>{") != std::string::npos);  // the stored UUID, not the path sent

    // New VMs go to the user's default VM folder.
    Handle vm;
    REQUIRE_PRL_OK(PrlSrv_CreateVm(server, vm.out()));
    REQUIRE_PRL_OK(PrlVmCfg_SetName(vm, "in-my-folder"));
    run(PrlVm_Reg(vm, "", PRL_TRUE));
    CHECK(std::filesystem::is_directory(folder / "in-my-folder.pvm"));

    // Name, UUID and access rights are read-only.
    run(PrlSrv_UserProfileBeginEdit(server));
    profile = profile_of(server);
    void* xml = nullptr;
    REQUIRE_PRL_OK(PrlUsrCfg_ToString(profile, &xml));
    std::string s(static_cast<const char*>(xml));
    PrlBuffer_Free(xml);
    const std::string name = "<Name>" + me() + "</Name>";
    REQUIRE(s.find(name) != std::string::npos);
    std::string renamed = s;
    renamed.replace(renamed.find(name), name.size(), "<Name>someone-else</Name>");
    REQUIRE_PRL_OK(PrlUsrCfg_FromString(profile, renamed.c_str()));
    run(PrlSrv_UserProfileCommit(server, profile), PRL_ERR_USER_CANT_CHANGE_READ_ONLY_VALUE);
    std::string noconsole = s;
    const std::string console = "<UseManagementConsole>true</UseManagementConsole>";
    REQUIRE(noconsole.find(console) != std::string::npos);
    noconsole.replace(noconsole.find(console), console.size(), "<UseManagementConsole>false</UseManagementConsole>");
    REQUIRE_PRL_OK(PrlUsrCfg_FromString(profile, noconsole.c_str()));
    run(PrlSrv_UserProfileCommit(server, profile), PRL_ERR_USER_CANT_CHANGE_ACCESS_PROFILE);

    CHECK(PrlUsrCfg_FromString(profile, "<CommonPreferences/>") == PRL_ERR_INVALID_ARG);
    CHECK(PrlUsrCfg_FromString(profile, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlUsrCfg_ToString(profile, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlUsrCfg_SetDefaultVmFolder(profile, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlUsrCfg_SetDefaultVmFolder(profile, "a\tb") == PRL_ERR_INVALID_ARG);
    CHECK(PrlUsrCfg_SetVmDirUuid(server, "x") == PRL_ERR_INVALID_ARG);
    CHECK(PrlUsrCfg_AddProxy(profile, nullptr, 1, "u", "p", 0) == PRL_ERR_INVALID_ARG);
    CHECK(PrlUsrCfg_AddProxy(server, "h", 1, "u", "p", 0) == PRL_ERR_INVALID_ARG);
    PRL_UINT32 len = 0;
    PRL_BOOL b;
    CHECK(PrlUsrCfg_GetVmDirUuid(profile, nullptr, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlUsrCfg_GetDefaultVmFolder(server, nullptr, &len) == PRL_ERR_INVALID_ARG);
    CHECK(PrlUsrCfg_CanUseMngConsole(profile, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlUsrCfg_CanChangeSrvSets(capi::forged_handle(), &b) == PRL_ERR_INVALID_ARG);
    CHECK(PrlUsrCfg_IsLocalAdministrator(server, &b) == PRL_ERR_INVALID_ARG);
    run(PrlSrv_UserProfileCommit(server, server), PRL_ERR_INVALID_ARG);
    run(PrlSrv_GetUserProfile(profile), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlSrv_UnregEventHandler(server, &Counter::handler, &counter));
}

TEST_CASE("the CPU feature mask masks nothing until set (prlsrvctl info -f, set --cpu-features)", "[dispcfg]") {
    prl::test::TestHome home;
    capi::Api api;
    Handle server = login();
    Handle prefs = prefs_of(server);
    PRL_CPU_FEATURES_MASK m{};
    REQUIRE_PRL_OK(PrlDispCfg_GetCpuFeaturesMask(prefs, &m));
    REQUIRE(m.bIsValid == 0);
    REQUIRE(m.nFEATURES_MASK == 0xFFFFFFFFu);
    REQUIRE(m.nEXT_0000000D_EAX_MASK == 0xFFFFFFFFu);

    Handle features;
    REQUIRE_PRL_OK(PrlDispCfg_GetCpuFeaturesMaskEx(prefs, features.out()));
    PRL_UINT32 v = 0;
    REQUIRE_PRL_OK(PrlCpuFeatures_GetValue(features, PCFE_EXT_80000001_ECX, &v));
    REQUIRE(v == 0xFFFFFFFFu);
    REQUIRE_PRL_OK(PrlCpuFeatures_SetValue(features, PCFE_EXT_80000001_ECX, 0xFFFFFFFEu));
    REQUIRE_PRL_OK(PrlDispCfg_SetCpuFeaturesMaskEx(prefs, features));
    run(PrlSrv_CommonPrefsBeginEdit(server));
    run(PrlSrv_CommonPrefsCommit(server, prefs));

    Handle again = prefs_of(login());
    REQUIRE_PRL_OK(PrlDispCfg_GetCpuFeaturesMask(again, &m));
    REQUIRE(m.bIsValid == 1);
    REQUIRE(m.nEXT_80000001_ECX_MASK == 0xFFFFFFFEu);
    REQUIRE(m.nFEATURES_MASK == 0xFFFFFFFFu);

    // A mask marked not valid masks nothing again.
    PRL_CPU_FEATURES_MASK reset{};
    REQUIRE_PRL_OK(PrlDispCfg_SetCpuFeaturesMask(again, &reset));
    REQUIRE_PRL_OK(PrlDispCfg_GetCpuFeaturesMask(again, &m));
    REQUIRE(m.nEXT_80000001_ECX_MASK == 0xFFFFFFFFu);
    REQUIRE(m.bIsValid == 1);

    Handle created;
    REQUIRE_PRL_OK(PrlCpuFeatures_Create(created.out()));
    REQUIRE_PRL_OK(PrlCpuFeatures_GetValue(created, PCFE_FEATURES, &v));
    REQUIRE(v == 0);
    CHECK(PrlCpuFeatures_GetValue(created, PCFE_MAX, &v) == PRL_ERR_INVALID_ARG);
    CHECK(PrlCpuFeatures_GetValue(created, static_cast<PRL_CPU_FEATURES_EX>(-1), &v) == PRL_ERR_INVALID_ARG);
    CHECK(PrlCpuFeatures_SetValue(created, PCFE_MAX, 1) == PRL_ERR_INVALID_ARG);
    CHECK(PrlCpuFeatures_GetValue(created, PCFE_FEATURES, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlCpuFeatures_GetValue(prefs, PCFE_FEATURES, &v) == PRL_ERR_INVALID_ARG);
    CHECK(PrlCpuFeatures_Create(nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_GetCpuFeaturesMask(prefs, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_SetCpuFeaturesMask(prefs, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_SetCpuFeaturesMask(server, &reset) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_GetCpuFeaturesMaskEx(prefs, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_SetCpuFeaturesMaskEx(prefs, prefs) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_SetCpuFeaturesMaskEx(created, created) == PRL_ERR_INVALID_ARG);

    // No CPU pool: an invalid handle, as the product gives.
    Handle pool;
    REQUIRE_PRL_OK(PrlDispCfg_GetCpuPool(prefs, pool.out()));
    REQUIRE(pool.get() == PRL_INVALID_HANDLE);
    CHECK(PrlDispCfg_GetCpuPool(prefs, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_GetCpuPool(server, pool.out()) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("USB identities and their VM associations (prlsrvctl usb list/set/del)", "[dispcfg]") {
    prl::test::TestHome home;
    capi::Api api;
    {
        std::ofstream out(home.path() / "dispatcher.xml");
        out << "<VirtuozzoPreferences><ServerSettings><CommonPreferences><UsbPreferences>"
               "<UsbIdentity><SystemName>1-1|0781|5567</SystemName><FriendlyName>Cruzer</FriendlyName><Index>0</Index>"
               "</UsbIdentity><UsbIdentity><SystemName>2-1|046d|c52b</SystemName><FriendlyName>Receiver</FriendlyName>"
               "</UsbIdentity></UsbPreferences></CommonPreferences></ServerSettings></VirtuozzoPreferences>";
    }
    Handle server = login();
    run(PrlSrv_CommonPrefsBeginEdit(server));
    Handle prefs = prefs_of(server);
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlDispCfg_GetUsbIdentityCount(prefs, &n));
    REQUIRE(n == 2);
    Handle ident;
    REQUIRE_PRL_OK(PrlDispCfg_GetUsbIdentity(prefs, 1, ident.out()));
    REQUIRE(text(PrlUsbIdent_GetSystemName, ident) == "2-1|046d|c52b");
    REQUIRE(text(PrlUsbIdent_GetFriendlyName, ident) == "Receiver");
    REQUIRE(text(PrlUsbIdent_GetVmUuidAssociation, ident).empty());

    const char* vm = "{11111111-2222-3333-4444-555555555555}";
    REQUIRE_PRL_OK(PrlDispCfg_SetUsbIdentAssociation(prefs, "2-1|046d|c52b", vm, 0));
    CHECK(PrlDispCfg_SetUsbIdentAssociation(prefs, "no-such-device", vm, 0) == PRL_ERR_INVALID_ARG);
    run(PrlSrv_CommonPrefsCommit(server, prefs));
    Handle again = prefs_of(login());
    REQUIRE_PRL_OK(PrlDispCfg_GetUsbIdentity(again, 1, ident.out()));
    REQUIRE(text(PrlUsbIdent_GetVmUuidAssociation, ident) == vm);
    REQUIRE_PRL_OK(PrlDispCfg_SetUsbIdentAssociation(again, "2-1|046d|c52b", "", 0));  // prlsrvctl usb del
    REQUIRE_PRL_OK(PrlDispCfg_GetUsbIdentity(again, 1, ident.out()));
    REQUIRE(text(PrlUsbIdent_GetVmUuidAssociation, ident).empty());
    REQUIRE_PRL_OK(PrlDispCfg_SetUsbIdentAssociation(again, "2-1|046d|c52b", nullptr, 0));  // nothing to clear

    CHECK(PrlDispCfg_GetUsbIdentity(prefs, 2, ident.out()) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_GetUsbIdentity(prefs, 0, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_GetUsbIdentity(server, 0, ident.out()) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_GetUsbIdentityCount(prefs, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_GetUsbIdentityCount(capi::forged_handle(), &n) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_SetUsbIdentAssociation(prefs, nullptr, vm, 0) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_SetUsbIdentAssociation(server, "x", vm, 0) == PRL_ERR_INVALID_ARG);
    PRL_UINT32 len = 0;
    CHECK(PrlUsbIdent_GetSystemName(prefs, nullptr, &len) == PRL_ERR_INVALID_ARG);
    CHECK(PrlUsbIdent_GetFriendlyName(ident, nullptr, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlUsbIdent_GetVmUuidAssociation(capi::forged_handle(), nullptr, &len) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("a backup without a directory goes to the server's default backup directory", "[dispcfg]") {
    prl::test::TestHome home;
    capi::Api api;
    Handle server = login();
    const std::filesystem::path target = home.path() / "elsewhere";
    run(PrlSrv_CommonPrefsBeginEdit(server));
    Handle prefs = prefs_of(server);
    REQUIRE_PRL_OK(PrlDispCfg_SetDefaultBackupDirectory(prefs, target.c_str()));
    run(PrlSrv_CommonPrefsCommit(server, prefs));

    Handle vm;
    REQUIRE_PRL_OK(PrlSrv_CreateVm(server, vm.out()));
    REQUIRE_PRL_OK(PrlVmCfg_SetName(vm, "backed-up"));
    Handle disk;
    REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, PDE_HARD_DISK, disk.out()));
    REQUIRE_PRL_OK(PrlVmDevHd_SetDiskSize(disk, 16));
    REQUIRE_PRL_OK(PrlVmDev_SetImagePath(disk, "disk0.hdd"));
    run(PrlVm_Reg(vm, "", PRL_TRUE));
    const std::string uuid = text(PrlVmCfg_GetUuid, vm);
    run(PrlSrv_CreateVmBackup(server, uuid.c_str(), "", 0, "", "", PBT_FULL, 0, PRL_FALSE));
    REQUIRE(std::filesystem::is_directory(target));
    REQUIRE_FALSE(std::filesystem::exists(home.path() / "backups"));
}
