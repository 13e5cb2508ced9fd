// PrlSrv_Login*, Logoff, server info and config, questions, lost tasks.
#include "capi.h"

#include "test_home.h"

#include <cstring>

using capi::Handle;

namespace {

struct LoggedIn {
    prl::test::TestHome home;
    capi::Api api;
    Handle server;
    Handle response;
    LoggedIn() {
        REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
        Handle job(PrlSrv_LoginLocal(server, nullptr, 0, PSL_HIGH_SECURITY));
        REQUIRE_PRL_OK(capi::wait_code(job, 10000));
        Handle result;
        REQUIRE_PRL_OK(PrlJob_GetResult(job, result.out()));
        REQUIRE_PRL_OK(PrlResult_GetParam(result, response.out()));
    }
};

std::string text(PRL_RESULT (*getter)(PRL_HANDLE, PRL_STR, PRL_UINT32_PTR), PRL_HANDLE h) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return getter(h, b, l); });
}

}  // namespace

TEST_CASE("a local login gives a session and the server's identity", "[session]") {
    LoggedIn s;
    PRL_HANDLE_TYPE type;
    REQUIRE_PRL_OK(PrlHandle_GetType(s.response, &type));
    REQUIRE(type == PHT_LOGIN_RESPONSE);
    const std::string session = text(PrlLoginResponse_GetSessionUuid, s.response);
    REQUIRE(session.size() == 38);
    REQUIRE(session.front() == '{');
    const std::string server_uuid = text(PrlLoginResponse_GetServerUuid, s.response);
    REQUIRE(server_uuid.size() == 38);
    REQUIRE(text(PrlLoginResponse_GetProductVersion, s.response) == "9.0.41");
    REQUIRE_FALSE(text(PrlLoginResponse_GetHostOsVersion, s.response).empty());

    PRL_BOOL connected = PRL_FALSE, local = PRL_FALSE;
    REQUIRE_PRL_OK(PrlSrv_IsConnected(s.server, &connected, &local));
    REQUIRE(connected == PRL_TRUE);
    REQUIRE(local == PRL_TRUE);

    Handle info;
    REQUIRE_PRL_OK(PrlSrv_GetServerInfo(s.server, info.out()));
    REQUIRE(text(PrlSrvInfo_GetServerUuid, info) == server_uuid);  // persistent per state root
    REQUIRE_FALSE(text(PrlSrvInfo_GetHostName, info).empty());
    PRL_APPLICATION_MODE mode;
    REQUIRE_PRL_OK(PrlSrvInfo_GetApplicationMode(info, &mode));
    REQUIRE(mode == PAM_SERVER);
    PRL_UINT64 start = 0;
    REQUIRE_PRL_OK(PrlSrvInfo_GetStartTime(info, &start));
    REQUIRE(start > 1600000000u);

    // A second login to the same root sees the same server.
    Handle other;
    REQUIRE_PRL_OK(PrlSrv_Create(other.out()));
    Handle job(PrlSrv_LoginLocalEx(other, nullptr, 0, PSL_HIGH_SECURITY, PACF_NON_INTERACTIVE_MODE));
    REQUIRE_PRL_OK(capi::wait_code(job, 10000));
    PRL_BOOL non_interactive = PRL_FALSE;
    REQUIRE_PRL_OK(PrlSrv_IsNonInteractiveSession(other, &non_interactive));
    REQUIRE(non_interactive == PRL_TRUE);
    Handle info2;
    REQUIRE_PRL_OK(PrlSrv_GetServerInfo(other, info2.out()));
    REQUIRE(text(PrlSrvInfo_GetServerUuid, info2) == server_uuid);

    Handle off(PrlSrv_Logoff(s.server));
    REQUIRE_PRL_OK(capi::wait_code(off, 10000));
    REQUIRE_PRL_OK(PrlSrv_IsConnected(s.server, &connected, &local));
    REQUIRE(connected == PRL_FALSE);
    REQUIRE_PRL(PrlSrv_GetServerInfo(s.server, info.out()), PRL_ERR_NOT_CONNECTED_TO_DISPATCHER);
}

TEST_CASE("calls on a server that is not logged in fail with the not-connected code", "[session]") {
    prl::test::TestHome home;
    capi::Api api;
    Handle server, list, info;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    REQUIRE_PRL(PrlSrv_GetServerInfo(server, info.out()), PRL_ERR_NOT_CONNECTED_TO_DISPATCHER);
    REQUIRE_PRL(PrlSrv_GetQuestions(server, list.out()), PRL_ERR_NOT_CONNECTED_TO_DISPATCHER);
    for (PRL_HANDLE job : {PrlSrv_GetVmList(server), PrlSrv_GetSrvConfig(server), PrlSrv_Logoff(server),
                           PrlSrv_GetVmConfig(server, "x", PGVC_SEARCH_BY_NAME)}) {
        Handle j(job);
        REQUIRE_PRL(capi::wait_code(j, 10000), PRL_ERR_NOT_CONNECTED_TO_DISPATCHER);
    }
}

TEST_CASE("a host where no daemon answers cannot be reached, this host without a port is the local service", "[session]") {
    prl::test::TestHome home;
    capi::Api api;
    Handle server;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    // Nothing listens on port 1 of this host: refused at once.
    Handle remote(PrlSrv_Login(server, "127.0.0.1", "user", "secret", nullptr, 1, 5000, PSL_HIGH_SECURITY));
    REQUIRE_PRL(capi::wait_code(remote, 10000), PRL_ERR_CANT_CONNECT_TO_DISPATCHER);
    // Not a host name at all: refused before any lookup.
    Handle junk(PrlSrv_Login(server, "../etc/passwd", "user", "secret", nullptr, 0, 5000, PSL_HIGH_SECURITY));
    REQUIRE_PRL(capi::wait_code(junk, 10000), PRL_ERR_INVALID_ARG);
    for (const char* host : {"localhost", "127.0.0.1", "::1", ""}) {
        Handle local(PrlSrv_LoginEx(server, host, "user", "secret", nullptr, 0, 0, PSL_HIGH_SECURITY, 0));
        REQUIRE_PRL_OK(capi::wait_code(local, 10000));
    }
}

TEST_CASE("login refuses a malformed previous session id and bad handles", "[session]") {
    prl::test::TestHome home;
    capi::Api api;
    Handle server, list;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    REQUIRE_PRL_OK(PrlApi_CreateStringsList(list.out()));
    const std::string huge(1 << 20, 'a');
    for (const char* bad : {"../../etc/passwd", "not-a-uuid", "\xff\xfe", huge.c_str()}) {
        Handle job(PrlSrv_LoginLocal(server, bad, 0, PSL_HIGH_SECURITY));
        REQUIRE_PRL(capi::wait_code(job, 10000), PRL_ERR_INVALID_ARG);
    }
    for (PRL_HANDLE bad : {PRL_HANDLE(PRL_INVALID_HANDLE), capi::forged_handle(), list.get()}) {
        Handle job(PrlSrv_LoginLocal(bad, nullptr, 0, PSL_HIGH_SECURITY));
        REQUIRE_PRL(capi::wait_code(job, 10000), PRL_ERR_INVALID_ARG);
        PRL_BOOL b;
        REQUIRE_PRL(PrlSrv_IsConnected(bad, &b, &b), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlSrv_IsNonInteractiveSession(bad, &b), PRL_ERR_INVALID_ARG);
    }
    PRL_BOOL b;
    REQUIRE_PRL(PrlSrv_IsConnected(server, nullptr, &b), PRL_ERR_INVALID_ARG);
}

TEST_CASE("questions, answers and server config on a live session", "[session]") {
    LoggedIn s;
    Handle questions;
    REQUIRE_PRL_OK(PrlSrv_GetQuestions(s.server, questions.out()));
    PRL_UINT32 n = 99;
    REQUIRE_PRL_OK(PrlHndlList_GetItemsCount(questions, &n));
    REQUIRE(n == 0);
    Handle config_job(PrlSrv_GetSrvConfig(s.server)), result, config;
    REQUIRE_PRL_OK(capi::wait_code(config_job, 10000));
    REQUIRE_PRL_OK(PrlJob_GetResult(config_job, result.out()));
    REQUIRE_PRL_OK(PrlResult_GetParam(result, config.out()));
    PRL_HANDLE_TYPE type;
    REQUIRE_PRL_OK(PrlHandle_GetType(config, &type));
    REQUIRE(type == PHT_SERVER_CONFIG);
    // SendAnswer takes an event; anything else is refused.
    Handle bad_answer(PrlSrv_SendAnswer(s.server, questions));
    REQUIRE_PRL(capi::wait_code(bad_answer, 10000), PRL_ERR_INVALID_ARG);
}

TEST_CASE("running tasks: none after a quiet login, unknown task ids are refused", "[session]") {
    LoggedIn s;
    PRL_UINT32 count = 99;
    REQUIRE_PRL_OK(PrlLoginResponse_GetRunningTaskCount(s.response, &count));
    Handle task;
    REQUIRE_PRL(PrlLoginResponse_GetRunningTaskByIndex(s.response, count, task.out()), PRL_ERR_INVALID_ARG);
    Handle attach(PrlSrv_AttachToLostTask(s.server, "{00000000-0000-0000-0000-000000000000}"));
    REQUIRE_PRL(capi::wait_code(attach, 10000), PRL_ERR_TASK_NOT_FOUND);
    Handle long_id(PrlSrv_AttachToLostTask(s.server, std::string(100000, 'x').c_str()));
    REQUIRE_PRL(capi::wait_code(long_id, 10000), PRL_ERR_TASK_NOT_FOUND);
    Handle null_id(PrlSrv_AttachToLostTask(s.server, nullptr));
    REQUIRE_PRL(capi::wait_code(null_id, 10000), PRL_ERR_INVALID_ARG);
}

TEST_CASE("a login response does not list the login itself, long operations are tasks", "[session]") {
    LoggedIn s;
    PRL_UINT32 count = 99;
    REQUIRE_PRL_OK(PrlLoginResponse_GetRunningTaskCount(s.response, &count));
    REQUIRE(count == 0);
}
