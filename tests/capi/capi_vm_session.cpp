// PrlVm_CreateEvent, PrlVm_CreateAnswerEvent, PrlVm_SetConfig,
// PrlVm_GenerateVmDevFilename, PrlVm_Lock / PrlVm_Unlock, PrlVm_ResetUptime,
// PrlLoginResponse_ToString and PrlHandle_ToString on a licence.
#include "devices_fixture.h"

#include <fstream>
#include <string>

using capi::Handle;

namespace {

std::string uuid_of(PRL_HANDLE vm) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetUuid(vm, b, l); });
}

std::string name_of(PRL_HANDLE vm) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetName(vm, b, l); });
}

std::string take(PRL_VOID_PTR p) {
    REQUIRE(p != nullptr);
    std::string s(static_cast<const char*>(p));
    REQUIRE_PRL_OK(PrlBuffer_Free(p));
    return s;
}

// A second session on the same state root, and its object for a VM.
struct OtherSession {
    Handle server;
    OtherSession() {
        REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
        capi::wait_ok(PrlSrv_LoginLocal(server, nullptr, 0, PSL_HIGH_SECURITY));
    }
    ~OtherSession() {
        Handle job(PrlSrv_Logoff(server));
        PrlJob_Wait(job, 60000);
    }
    Handle vm(const std::string& uuid) {
        Handle job(PrlSrv_GetVmConfig(server, uuid.c_str(), PGVC_SEARCH_BY_UUID));
        REQUIRE_PRL_OK(PrlJob_Wait(job, 60000));
        Handle result, vm;
        REQUIRE_PRL_OK(PrlJob_GetResult(job, result.out()));
        REQUIRE_PRL_OK(PrlResult_GetParam(result, vm.out()));
        return vm;
    }
};

}  // namespace

TEST_CASE("PrlVm_CreateEvent and PrlVm_CreateAnswerEvent: events of the VM", "[vm_session]") {
    capi::NewVm v;
    REQUIRE_PRL_OK(PrlVmCfg_SetName(v.vm, "events"));
    Handle ev;
    REQUIRE_PRL_OK(PrlVm_CreateEvent(v.vm, ev.out()));
    PRL_EVENT_TYPE type = PET_DSP_EVT_VM_STARTED;
    REQUIRE_PRL_OK(PrlEvent_GetType(ev, &type));
    CHECK(type == PET_VM_INF_UNINITIALIZED_EVENT_CODE);
    PRL_UINT32 n = 7;
    REQUIRE_PRL_OK(PrlEvent_GetParamsCount(ev, &n));
    CHECK(n == 0);
    Handle owner;
    REQUIRE_PRL_OK(PrlEvent_GetVm(ev, owner.out()));
    CHECK(name_of(owner) == "events");

    Handle answer;
    REQUIRE_PRL_OK(PrlVm_CreateAnswerEvent(v.vm, answer.out(), PET_ANSWER_YES));
    PRL_RESULT code = 0;
    REQUIRE_PRL_OK(PrlEvent_GetErrCode(answer, &code));
    CHECK(code == PET_DSP_EVT_VM_QUESTION);
    Handle uuid_param, choice;
    REQUIRE_PRL_OK(PrlEvent_GetParamByName(answer, "vm_uuid", uuid_param.out()));
    CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlEvtPrm_ToString(uuid_param, b, l); }) ==
          uuid_of(v.vm));
    REQUIRE_PRL_OK(PrlEvent_GetParamByName(answer, "vm_message_choice_0", choice.out()));
    PRL_UINT32 value = 0;
    REQUIRE_PRL_OK(PrlEvtPrm_ToUint32(choice, &value));
    CHECK(value == static_cast<PRL_UINT32>(PET_ANSWER_YES));

    REQUIRE_PRL(PrlVm_CreateEvent(v.vm, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVm_CreateEvent(v.server, ev.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVm_CreateAnswerEvent(v.vm, nullptr, PET_ANSWER_NO), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVm_CreateAnswerEvent(capi::forged_handle(), answer.out(), PET_ANSWER_NO), PRL_ERR_INVALID_ARG);
}

TEST_CASE("PrlVm_SetConfig is the SDK's reserved no-op: both handles checked, nothing copied", "[vm_session]") {
    capi::NewVm v;
    Handle other;
    REQUIRE_PRL_OK(PrlSrv_CreateVm(v.server, other.out()));
    REQUIRE_PRL_OK(PrlVmCfg_SetName(v.vm, "mine"));
    REQUIRE_PRL_OK(PrlVmCfg_SetName(other, "theirs"));
    REQUIRE_PRL_OK(PrlVm_SetConfig(v.vm, other));
    CHECK(name_of(v.vm) == "mine");
    REQUIRE_PRL(PrlVm_SetConfig(v.vm, v.server), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVm_SetConfig(v.server, other), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlVm_SetConfig(v.vm, PRL_INVALID_HANDLE), PRL_ERR_INVALID_ARG);
}

TEST_CASE("PrlVm_GenerateVmDevFilename: the first free name in the VM's bundle", "[vm_session]") {
    capi::DevSession s;
    Handle vm = s.new_vm("devnames");
    CHECK(capi::job_code(PrlVm_GenerateVmDevFilename(vm, "harddisk", ".hdd", "")) == PRL_ERR_NO_DATA);
    s.reg(vm);
    const std::string bundle = capi::DevSession::bundle_dir(vm);
    auto generate = [&](const char* prefix, const char* suffix, const char* delimiter) {
        Handle job(PrlVm_GenerateVmDevFilename(vm, prefix, suffix, delimiter));
        REQUIRE_PRL_OK(PrlJob_Wait(job, 60000));
        PRL_RESULT rc = PRL_ERR_FAILURE;
        REQUIRE_PRL_OK(PrlJob_GetRetCode(job, &rc));
        REQUIRE_PRL_OK(rc);
        Handle result;
        REQUIRE_PRL_OK(PrlJob_GetResult(job, result.out()));
        return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlResult_GetParamAsString(result, b, l); });
    };
    const std::string first = generate("extra", ".hdd", "-");
    CHECK(first == "extra.hdd");
    { std::ofstream(bundle + "/extra.hdd") << "x"; }
    CHECK(generate("extra", ".hdd", "-") == "extra-1.hdd");
    { std::ofstream(bundle + "/EXTRA-1.HDD") << "x"; }  // names compare without case, as the product's
    CHECK(generate("extra", ".hdd", "-") == "extra-2.hdd");
    CHECK(generate(nullptr, nullptr, nullptr) == "tmpfile");

    CHECK(capi::job_code(PrlVm_GenerateVmDevFilename(vm, "../escape", ".hdd", "")) == PRL_ERR_INVALID_ARG);
    CHECK(capi::job_code(PrlVm_GenerateVmDevFilename(vm, "bad\x01", ".hdd", "")) == PRL_ERR_INVALID_ARG);
    CHECK(capi::job_code(PrlVm_GenerateVmDevFilename(vm, "\xff\xfe", ".hdd", "")) == PRL_ERR_INVALID_ARG);
    CHECK(capi::job_code(PrlVm_GenerateVmDevFilename(s.server, "a", ".hdd", "")) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("PrlVm_Lock / PrlVm_Unlock: exclusive to a session until unlock or logoff", "[vm_session]") {
    capi::DevSession s;
    Handle vm = s.new_vm("lockable");
    CHECK(capi::job_code(PrlVm_Lock(vm, 0)) == PRL_ERR_VM_UUID_NOT_FOUND);  // not registered
    s.reg(vm);
    const std::string uuid = uuid_of(vm);
    capi::wait_ok(PrlVm_Lock(vm, 0));
    CHECK(capi::job_code(PrlVm_Lock(vm, 0)) == PRL_ERR_VM_IS_EXCLUSIVELY_LOCKED);
    // The owner still edits it.
    capi::wait_ok(PrlVm_BeginEdit(vm));
    REQUIRE_PRL_OK(PrlVmCfg_SetDescription(vm, "by the owner"));
    capi::wait_ok(PrlVm_Commit(vm));
    {
        OtherSession o;
        Handle theirs = o.vm(uuid);
        CHECK(capi::job_code(PrlVm_Lock(theirs, 0)) == PRL_ERR_VM_IS_EXCLUSIVELY_LOCKED);
        capi::wait_ok(PrlVm_BeginEdit(theirs));
        REQUIRE_PRL_OK(PrlVmCfg_SetDescription(theirs, "by another"));
        CHECK(capi::job_code(PrlVm_Commit(theirs)) == PRL_ERR_VM_IS_EXCLUSIVELY_LOCKED);
        CHECK(capi::job_code(PrlVm_Start(theirs)) == PRL_ERR_VM_IS_EXCLUSIVELY_LOCKED);
        CHECK(capi::job_code(PrlVm_Unreg(theirs)) == PRL_ERR_VM_IS_EXCLUSIVELY_LOCKED);
        CHECK(capi::job_code(PrlVm_Unlock(theirs, 0)) == PRL_ERR_NOT_LOCK_OWNER_SESSION_TRIES_TO_UNLOCK);
        CHECK(capi::DevSession::config_text(vm).find("by the owner") != std::string::npos);

        capi::wait_ok(PrlVm_Unlock(vm, 0));
        CHECK(capi::job_code(PrlVm_Unlock(vm, 0)) == PRL_ERR_VM_IS_NOT_LOCKED);
        capi::wait_ok(PrlVm_BeginEdit(theirs));
        REQUIRE_PRL_OK(PrlVmCfg_SetDescription(theirs, "by another"));
        capi::wait_ok(PrlVm_Commit(theirs));
        CHECK(capi::DevSession::config_text(vm).find("by another") != std::string::npos);

        // A session's lock ends with its logoff.
        capi::wait_ok(PrlVm_Lock(theirs, 0));
        CHECK(capi::job_code(PrlVm_Lock(vm, 0)) == PRL_ERR_VM_IS_EXCLUSIVELY_LOCKED);
    }
    capi::wait_ok(PrlVm_Lock(vm, 0));
    capi::wait_ok(PrlVm_Unlock(vm, 0));
    CHECK(capi::job_code(PrlVm_Lock(s.server, 0)) == PRL_ERR_INVALID_ARG);
    CHECK(capi::job_code(PrlVm_Unlock(capi::forged_handle(), 0)) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("PrlVm_ResetUptime: the stored counter restarts at zero", "[vm_session]") {
    capi::DevSession s;
    Handle vm = s.new_vm("uptime");
    CHECK(capi::job_code(PrlVm_ResetUptime(vm, 0)) == PRL_ERR_VM_UUID_NOT_FOUND);
    s.reg(vm);
    // A bundle from a host that ran it: some uptime recorded.
    capi::wait_ok(PrlVm_BeginEdit(vm));
    PRL_VOID_PTR text = nullptr;
    REQUIRE_PRL_OK(PrlVm_ToString(vm, &text));
    std::string pvs = take(text);
    const auto id = pvs.find("</Identification>");
    REQUIRE(id != std::string::npos);
    const auto old = pvs.find("<VmUptimeInSeconds>");
    if (old != std::string::npos) pvs.erase(old, pvs.find("</VmUptimeInSeconds>") + 20 - old);
    pvs.insert(pvs.find("</Identification>"), "<VmUptimeInSeconds>12345</VmUptimeInSeconds>");
    REQUIRE_PRL_OK(PrlVm_FromString(vm, pvs.c_str()));
    capi::wait_ok(PrlVm_Commit(vm));
    PRL_UINT64 up = 0;
    Handle stored = s.reload(vm);
    REQUIRE_PRL_OK(PrlVmCfg_GetUptime(stored, &up));
    REQUIRE(up == 12345);

    capi::wait_ok(PrlVm_ResetUptime(vm, 0));
    Handle after = s.reload(vm);
    REQUIRE_PRL_OK(PrlVmCfg_GetUptime(after, &up));
    CHECK(up == 0);
    const std::string disk = capi::DevSession::config_text(vm);
    CHECK(disk.find("<VmUptimeInSeconds>0</VmUptimeInSeconds>") != std::string::npos);
    CHECK(disk.find("<VmUptimeStartDateTime>") != std::string::npos);
    // The client's copy has the reset too: its commit keeps it.
    REQUIRE_PRL_OK(PrlVmCfg_GetUptime(vm, &up));
    CHECK(up == 0);
    capi::wait_ok(PrlVm_BeginEdit(vm));
    capi::wait_ok(PrlVm_Commit(vm));
    CHECK(capi::DevSession::config_text(vm).find("<VmUptimeInSeconds>0</VmUptimeInSeconds>") != std::string::npos);
    CHECK(capi::job_code(PrlVm_ResetUptime(s.server, 0)) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("PrlLoginResponse_ToString and PrlHandle_ToString on a licence give event XML", "[vm_session]") {
    prl::test::TestHome home;
    capi::Api api;
    Handle server;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    Handle job(PrlSrv_LoginLocal(server, nullptr, 0, PSL_HIGH_SECURITY));
    REQUIRE_PRL_OK(PrlJob_Wait(job, 60000));
    Handle result, login;
    REQUIRE_PRL_OK(PrlJob_GetResult(job, result.out()));
    REQUIRE_PRL_OK(PrlResult_GetParam(result, login.out()));
    const std::string session =
        capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlLoginResponse_GetSessionUuid(login, b, l); });
    PRL_VOID_PTR p = nullptr;
    REQUIRE_PRL_OK(PrlLoginResponse_ToString(login, &p));
    const std::string xml = take(p);
    CHECK(xml.find("response_login_cmd_session_uuid") != std::string::npos);
    CHECK(xml.find(session) != std::string::npos);
    CHECK(xml.find("server_info_server_uuid") != std::string::npos);
    // The text is an event: another event reads it back.
    Handle copy;
    REQUIRE_PRL_OK(PrlSrv_CreateVm(server, copy.out()));
    Handle ev;
    REQUIRE_PRL_OK(PrlVm_CreateEvent(copy, ev.out()));
    REQUIRE_PRL_OK(PrlEvent_FromString(ev, xml.c_str()));
    Handle sp;
    REQUIRE_PRL_OK(PrlEvent_GetParamByName(ev, "response_login_cmd_session_uuid", sp.out()));
    CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlEvtPrm_ToString(sp, b, l); }) == session);
    REQUIRE_PRL_OK(PrlHandle_ToString(login, &p));
    CHECK(take(p) == xml);
    REQUIRE_PRL(PrlLoginResponse_ToString(login, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlLoginResponse_ToString(server, &p), PRL_ERR_INVALID_ARG);

    Handle lic_job(PrlSrv_GetLicenseInfo(server));
    REQUIRE_PRL_OK(PrlJob_Wait(lic_job, 60000));
    Handle lic_result, lic;
    REQUIRE_PRL_OK(PrlJob_GetResult(lic_job, lic_result.out()));
    REQUIRE_PRL_OK(PrlResult_GetParam(lic_result, lic.out()));
    REQUIRE_PRL_OK(PrlHandle_ToString(lic, &p));
    const std::string lic_xml = take(p);
    CHECK(lic_xml.find("license_is_valid") != std::string::npos);
    REQUIRE_PRL_OK(PrlLic_ToString(lic, &p));
    CHECK(take(p) == lic_xml);

    Handle logoff(PrlSrv_Logoff(server));
    PrlJob_Wait(logoff, 60000);
}
