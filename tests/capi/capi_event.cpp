// PrlEvent_* through the public API.
#include "capi_events.h"

#include <cstring>

using capi::Handle;

namespace {

std::string err_string(PRL_HANDLE e, PRL_BOOL brief) {
    return capi::get_string(
        [&](PRL_STR b, PRL_UINT32_PTR l) { return PrlEvent_GetErrString(e, brief, PRL_FALSE, b, l); });
}

std::string description(PRL_RESULT code, PRL_BOOL brief) {
    return capi::get_string(
        [&](PRL_STR b, PRL_UINT32_PTR l) { return PrlApi_GetResultDescription(code, brief, PRL_FALSE, b, l); });
}

std::string issuer_id(PRL_HANDLE e) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlEvent_GetIssuerId(e, b, l); });
}

}  // namespace

TEST_CASE("a failed job's error event", "[event]") {
    capi::Api api;
    Handle e = capi::error_event();
    PRL_EVENT_TYPE type;
    REQUIRE_PRL_OK(PrlEvent_GetType(e, &type));
    CHECK(type == PET_DSP_EVT_ERROR_MESSAGE);
    PRL_RESULT code;
    REQUIRE_PRL_OK(PrlEvent_GetErrCode(e, &code));
    CHECK(code == PRL_ERR_UNIMPLEMENTED);
    // The event's own text, brief or not.
    CHECK(err_string(e, PRL_FALSE) == "this function is not implemented by prlshim yet");
    CHECK(err_string(e, PRL_TRUE) == "this function is not implemented by prlshim yet");
    PRL_EVENT_ISSUER_TYPE issuer;
    REQUIRE_PRL_OK(PrlEvent_GetIssuerType(e, &issuer));
    CHECK(issuer == PIE_DISPATCHER);
    CHECK(issuer_id(e).empty());
    PRL_UINT32 n = 99;
    REQUIRE_PRL_OK(PrlEvent_GetParamsCount(e, &n));
    CHECK(n == 0);
    PRL_BOOL b = PRL_TRUE;
    REQUIRE_PRL_OK(PrlEvent_IsAnswerRequired(e, &b));
    CHECK(b == PRL_FALSE);
    REQUIRE_PRL_OK(PrlEvent_CanBeIgnored(e, &b));
    CHECK(b == PRL_FALSE);  // an error is not to be ignored
}

TEST_CASE("an event without server, VM or job says so as the original does", "[event]") {
    capi::Api api;
    Handle e = capi::error_event();
    PRL_HANDLE h = capi::forged_handle();
    REQUIRE_PRL(PrlEvent_GetServer(e, &h), PRL_ERR_INVALID_HANDLE);
    CHECK(h == PRL_INVALID_HANDLE);
    h = capi::forged_handle();
    REQUIRE_PRL(PrlEvent_GetVm(e, &h), PRL_ERR_INVALID_HANDLE);
    CHECK(h == PRL_INVALID_HANDLE);
    h = capi::forged_handle();
    REQUIRE_PRL(PrlEvent_GetJob(e, &h), PRL_ERR_UNINITIALIZED);
    CHECK(h == PRL_INVALID_HANDLE);
}

TEST_CASE("an event loaded from XML reports every field", "[event]") {
    capi::Api api;
    capi::EventXml x;
    x.type = PET_DSP_EVT_VM_QUESTION;
    x.code = PRL_QUESTION_FINALIZE_VM_PROCESS;
    x.need_response = 1;
    x.issuer_type = PIE_VIRTUAL_MACHINE;
    x.issuer_id = "{0f0e0d0c-0000-4000-8000-0123456789ab}";
    x.params = {capi::param_xml("vm_message_choice_0", 0, "16002"), capi::param_xml("vm_message_choice_1", 0, "16003"),
                capi::param_xml("vm_message_param_0", 1, "vm one")};
    Handle e = capi::event_from(x.str());
    PRL_EVENT_TYPE type;
    REQUIRE_PRL_OK(PrlEvent_GetType(e, &type));
    CHECK(type == PET_DSP_EVT_VM_QUESTION);
    PRL_RESULT code;
    REQUIRE_PRL_OK(PrlEvent_GetErrCode(e, &code));
    CHECK(code == PRL_QUESTION_FINALIZE_VM_PROCESS);
    PRL_BOOL b;
    REQUIRE_PRL_OK(PrlEvent_IsAnswerRequired(e, &b));
    CHECK(b == PRL_TRUE);
    PRL_EVENT_ISSUER_TYPE issuer;
    REQUIRE_PRL_OK(PrlEvent_GetIssuerType(e, &issuer));
    CHECK(issuer == PIE_VIRTUAL_MACHINE);
    CHECK(issuer_id(e) == x.issuer_id);
    // No own text: the code's description.
    CHECK(err_string(e, PRL_TRUE) == description(x.code, PRL_TRUE));
    CHECK(err_string(e, PRL_FALSE) == description(x.code, PRL_FALSE));

    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlEvent_GetParamsCount(e, &n));
    REQUIRE(n == 3);
    for (PRL_UINT32 i = 0; i < n; ++i) {
        Handle p = capi::param_at(e, i);
        PRL_HANDLE_TYPE t;
        REQUIRE_PRL_OK(PrlHandle_GetType(p, &t));
        CHECK(t == PHT_EVENT_PARAMETER);
    }
    CHECK(capi::param_string(capi::param_at(e, 1)) == "16003");
    CHECK(capi::param_string(capi::param_named(e, "vm_message_param_0")) == "vm one");

    PRL_HANDLE h = PRL_INVALID_HANDLE;
    REQUIRE_PRL(PrlEvent_GetParam(e, 3, &h), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvent_GetParam(e, 0xFFFFFFFFu, &h), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvent_GetParamByName(e, "no_such_param", &h), PRL_ERR_NO_DATA);
    REQUIRE_PRL(PrlEvent_GetParamByName(e, "", &h), PRL_ERR_NO_DATA);
    REQUIRE_PRL(PrlEvent_GetParamByName(e, "\xff\xfe\x80", &h), PRL_ERR_NO_DATA);
    std::string long_name(1u << 20, 'n');
    REQUIRE_PRL(PrlEvent_GetParamByName(e, long_name.c_str(), &h), PRL_ERR_NO_DATA);
    CHECK(h == PRL_INVALID_HANDLE);
}

TEST_CASE("PrlEvent_GetErrString and GetIssuerId follow the buffer rule", "[event]") {
    capi::Api api;
    Handle e = capi::error_event();
    const std::string want = "this function is not implemented by prlshim yet";
    PRL_UINT32 len = 0;
    REQUIRE_PRL_OK(PrlEvent_GetErrString(e, PRL_FALSE, PRL_FALSE, nullptr, &len));
    CHECK(len == want.size() + 1);
    char small[8] = "xxxxxxx";
    len = sizeof small;
    REQUIRE_PRL(PrlEvent_GetErrString(e, PRL_FALSE, PRL_FALSE, small, &len), PRL_ERR_BUFFER_OVERRUN);
    CHECK(len == want.size() + 1);
    CHECK(std::string(small) == "xxxxxxx");
    std::string buf(want.size() + 1, 'x');
    len = static_cast<PRL_UINT32>(buf.size());
    REQUIRE_PRL_OK(PrlEvent_GetErrString(e, PRL_FALSE, PRL_FALSE, buf.data(), &len));
    CHECK(std::string(buf.c_str()) == want);
    REQUIRE_PRL(PrlEvent_GetErrString(e, PRL_FALSE, PRL_FALSE, buf.data(), nullptr), PRL_ERR_INVALID_ARG);

    capi::EventXml x;
    x.issuer_id = "abc";
    Handle e2 = capi::event_from(x.str());
    len = 0;
    REQUIRE_PRL_OK(PrlEvent_GetIssuerId(e2, nullptr, &len));
    CHECK(len == 4);
    len = 3;
    char three[3];
    REQUIRE_PRL(PrlEvent_GetIssuerId(e2, three, &len), PRL_ERR_BUFFER_OVERRUN);
    CHECK(len == 4);
    REQUIRE_PRL(PrlEvent_GetIssuerId(e2, three, nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("the description fills %N from vm_message_param_N-1 and unknown codes are described", "[event]") {
    capi::Api api;
    capi::EventXml x;
    x.code = 0x7ABCDEF0;
    Handle e = capi::event_from(x.str());
    CHECK(err_string(e, PRL_TRUE) == description(0x7ABCDEF0, PRL_TRUE));
}

TEST_CASE("PrlEvent_CanBeIgnored: warnings and information, or the event's own flag", "[event]") {
    capi::Api api;
    capi::EventXml x;
    x.code = PRL_WARN_LAN_NOT_CONNECTED;
    PRL_BOOL b = PRL_FALSE;
    REQUIRE_PRL_OK(PrlEvent_CanBeIgnored(capi::event_from(x.str()), &b));
    CHECK(b == PRL_TRUE);
    x.code = PRL_ERR_FAILURE;
    REQUIRE_PRL_OK(PrlEvent_CanBeIgnored(capi::event_from(x.str()), &b));
    CHECK(b == PRL_FALSE);
    x.extra = "<CanBeIgnored>1</CanBeIgnored>";
    REQUIRE_PRL_OK(PrlEvent_CanBeIgnored(capi::event_from(x.str()), &b));
    CHECK(b == PRL_TRUE);
}

TEST_CASE("PrlEvent_GetDataPtr gives the event's XML, malloc'ed, which loads back", "[event]") {
    capi::Api api;
    capi::EventXml x;
    x.code = PRL_ERR_VM_START_FAILED;
    x.params = {capi::param_xml("a", 1, "<&>"), capi::param_xml("b", 16, "-5")};
    Handle e = capi::event_from(x.str());
    const std::string text = capi::event_xml_of(e);
    CHECK(text.find("<ParallelsEvent") != std::string::npos);
    CHECK(text.find("<EventCode>" + std::to_string(PRL_ERR_VM_START_FAILED) + "</EventCode>") != std::string::npos);
    CHECK(text.find("&lt;&amp;&gt;") != std::string::npos);
    Handle copy = capi::event_from(text);
    CHECK(capi::event_xml_of(copy) == text);
    PRL_VOID_PTR p = nullptr;
    REQUIRE_PRL(PrlEvent_GetDataPtr(e, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvent_GetDataPtr(PRL_INVALID_HANDLE, &p), PRL_ERR_INVALID_ARG);
    CHECK(p == nullptr);
}

TEST_CASE("PrlEvent_CreateAnswerEvent builds the answer as the original does", "[event]") {
    capi::Api api;
    capi::EventXml x;
    x.type = PET_DSP_EVT_VM_QUESTION;
    x.code = PRL_QUESTION_FINALIZE_VM_PROCESS;
    x.need_response = 1;
    x.issuer_id = "{aaaaaaaa-0000-4000-8000-000000000001}";
    Handle q = capi::event_from(x.str());
    Handle a;
    REQUIRE_PRL_OK(PrlEvent_CreateAnswerEvent(q, a.out(), PET_ANSWER_YES));
    PRL_HANDLE_TYPE t;
    REQUIRE_PRL_OK(PrlHandle_GetType(a, &t));
    CHECK(t == PHT_EVENT);
    PRL_EVENT_TYPE type;
    REQUIRE_PRL_OK(PrlEvent_GetType(a, &type));
    CHECK(type == PET_VM_INF_UNINITIALIZED_EVENT_CODE);
    PRL_RESULT code;
    REQUIRE_PRL_OK(PrlEvent_GetErrCode(a, &code));
    CHECK(code == PET_DSP_EVT_VM_QUESTION);
    PRL_EVENT_ISSUER_TYPE issuer;
    REQUIRE_PRL_OK(PrlEvent_GetIssuerType(a, &issuer));
    CHECK(issuer == PIE_VIRTUAL_MACHINE);
    CHECK(issuer_id(a) == x.issuer_id);
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlEvent_GetParamsCount(a, &n));
    CHECK(n == 2);
    CHECK(capi::param_string(capi::param_named(a, "vm_uuid")) == x.issuer_id);
    Handle choice = capi::param_named(a, "vm_message_choice_0");
    PRL_UINT32 v = 0;
    REQUIRE_PRL_OK(PrlEvtPrm_ToUint32(choice, &v));
    CHECK(v == PET_ANSWER_YES);
    PRL_PARAM_FIELD_DATA_TYPE pt;
    REQUIRE_PRL_OK(PrlEvtPrm_GetType(choice, &pt));
    CHECK(pt == PFD_UINT32);
    // The question had no request: both now name the same, new one.
    auto request_of = [](const std::string& xml_text) {
        const auto b = xml_text.find("<EventInitialRequestId>");
        const auto e = xml_text.find("</EventInitialRequestId>");
        REQUIRE(b != std::string::npos);
        REQUIRE(e != std::string::npos);
        return xml_text.substr(b, e - b);
    };
    const std::string rq = request_of(capi::event_xml_of(q));
    CHECK(rq.size() > std::string("<EventInitialRequestId>").size() + 30);
    CHECK(request_of(capi::event_xml_of(a)) == rq);
    Handle a2;
    REQUIRE_PRL_OK(PrlEvent_CreateAnswerEvent(q, a2.out(), PET_ANSWER_NO));
    CHECK(request_of(capi::event_xml_of(a2)) == rq);
    // A negative answer code is carried as its unsigned value.
    Handle a3;
    REQUIRE_PRL_OK(PrlEvent_CreateAnswerEvent(q, a3.out(), PRL_ERR_FAILURE));
    REQUIRE_PRL_OK(PrlEvtPrm_ToUint32(capi::param_named(a3, "vm_message_choice_0"), &v));
    CHECK(v == static_cast<PRL_UINT32>(PRL_ERR_FAILURE));
    REQUIRE_PRL(PrlEvent_CreateAnswerEvent(q, nullptr, PET_ANSWER_YES), PRL_ERR_INVALID_ARG);
}

TEST_CASE("a refused PrlEvent_FromString leaves the event as it was", "[event]") {
    capi::Api api;
    capi::EventXml x;
    x.params = {capi::param_xml("keep", 1, "me")};
    Handle e = capi::event_from(x.str());
    const std::string before = capi::event_xml_of(e);
    std::string truncated = x.str();
    truncated[truncated.size() / 2] = '\0';  // a C string ends at its first NUL
    std::string huge = "<ParallelsEvent><EventSource>" + std::string(17u << 20, 'x') + "</EventSource></ParallelsEvent>";
    const std::string bomb =
        "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">"
        "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;\">]>"
        "<ParallelsEvent><EventSource>&d;&d;&d;&d;</EventSource></ParallelsEvent>";
    const std::string xxe =
        "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
        "<ParallelsEvent><EventSource>&x;</EventSource></ParallelsEvent>";
    std::string deep = "<ParallelsEvent>";
    for (int i = 0; i < 5000; ++i) deep += "<a>";
    for (const std::string& bad : {std::string(""), std::string("not xml"), std::string("<ParallelsEvent>"),
                                   std::string("<Other/>"), std::string("<ParallelsEvent><EventSource>\xc3\x28</EventSource></ParallelsEvent>"),
                                   truncated, huge, bomb, xxe, deep}) {
        INFO("input of " << bad.size() << " bytes: " << bad.substr(0, 60));
        REQUIRE_PRL(PrlEvent_FromString(e, bad.c_str()), PRL_ERR_INVALID_ARG);
        CHECK(capi::event_xml_of(e) == before);
    }
    REQUIRE_PRL(PrlEvent_FromString(e, nullptr), PRL_ERR_INVALID_ARG);
    CHECK(capi::event_xml_of(e) == before);
}

TEST_CASE("parameter handles outlive their event and a reload", "[event]") {
    capi::Api api;
    capi::EventXml x;
    x.params = {capi::param_xml("p", 1, "old")};
    Handle e = capi::event_from(x.str());
    Handle p = capi::param_at(e, 0);
    x.params = {capi::param_xml("p", 1, "new")};
    REQUIRE_PRL_OK(PrlEvent_FromString(e, x.str().c_str()));
    CHECK(capi::param_string(capi::param_at(e, 0)) == "new");
    e.reset();
    CHECK(capi::param_string(p) == "old");
}

TEST_CASE("PrlEvent_* reject invalid, freed, forged and wrong-type handles and null pointers", "[event]") {
    capi::Api api;
    Handle job(PrlVm_MigrateCancel(PRL_INVALID_HANDLE));
    capi::EventXml x;
    x.params = {capi::param_xml("p", 1, "v")};
    Handle ev = capi::event_from(x.str());
    Handle param = capi::param_at(ev, 0);
    PRL_HANDLE freed = PRL_INVALID_HANDLE;
    {
        Handle f = capi::error_event();
        freed = f.get();
    }
    const std::string xml_text = x.str();
    for (PRL_HANDLE bad : {PRL_HANDLE(PRL_INVALID_HANDLE), freed, capi::forged_handle(), job.get(), param.get()}) {
        PRL_EVENT_TYPE type;
        PRL_VOID_PTR data = nullptr;
        PRL_HANDLE h;
        PRL_UINT32 u = 0;
        PRL_RESULT rc;
        PRL_BOOL b;
        PRL_EVENT_ISSUER_TYPE it;
        char buf[64];
        PRL_UINT32 len = sizeof buf;
        REQUIRE_PRL(PrlEvent_GetType(bad, &type), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvent_GetDataPtr(bad, &data), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvent_GetServer(bad, &h), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvent_GetVm(bad, &h), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvent_GetJob(bad, &h), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvent_GetParamsCount(bad, &u), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvent_GetParam(bad, 0, &h), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvent_GetParamByName(bad, "p", &h), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvent_GetErrCode(bad, &rc), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvent_GetErrString(bad, PRL_TRUE, PRL_FALSE, buf, &len), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvent_CanBeIgnored(bad, &b), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvent_IsAnswerRequired(bad, &b), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvent_GetIssuerType(bad, &it), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvent_GetIssuerId(bad, buf, &len), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvent_CreateAnswerEvent(bad, &h, PET_ANSWER_YES), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvent_FromString(bad, xml_text.c_str()), PRL_ERR_INVALID_ARG);
        CHECK(data == nullptr);
    }
    REQUIRE_PRL(PrlEvent_GetType(ev, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvent_GetServer(ev, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvent_GetVm(ev, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvent_GetJob(ev, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvent_GetParamsCount(ev, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvent_GetParam(ev, 0, nullptr), PRL_ERR_INVALID_ARG);
    PRL_HANDLE h;
    REQUIRE_PRL(PrlEvent_GetParamByName(ev, nullptr, &h), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvent_GetParamByName(ev, "p", nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvent_GetErrCode(ev, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvent_GetErrString(ev, PRL_TRUE, PRL_FALSE, nullptr, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvent_CanBeIgnored(ev, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvent_IsAnswerRequired(ev, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvent_GetIssuerType(ev, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvent_GetIssuerId(ev, nullptr, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvent_FromString(ev, nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("PrlEvent_* before PrlApi_Init", "[event]") {
    PRL_EVENT_TYPE type;
    REQUIRE_PRL(PrlEvent_GetType(PRL_INVALID_HANDLE, &type), PRL_ERR_API_WASNT_INITIALIZED);
    REQUIRE_PRL(PrlEvent_FromString(PRL_INVALID_HANDLE, "<ParallelsEvent/>"), PRL_ERR_API_WASNT_INITIALIZED);
}
