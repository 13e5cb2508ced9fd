// PrlHandle_ToString / PrlHandle_FromString / PrlResult_FromString.
#include "capi_events.h"

using capi::Handle;

namespace {

std::string to_string(PRL_HANDLE h) {
    void* p = nullptr;
    REQUIRE_PRL_OK(PrlHandle_ToString(h, &p));
    return capi::take_buffer(p);
}

Handle empty_result() {
    Handle job(PrlJob_Cancel(PRL_INVALID_HANDLE));  // finished, with an (empty) result
    PrlJob_Wait(job, 10000);
    Handle r;
    REQUIRE_PRL_OK(PrlJob_GetResult(job, r.out()));
    PRL_HANDLE_TYPE t;
    REQUIRE_PRL_OK(PrlHandle_GetType(r, &t));
    REQUIRE(t == PHT_RESULT);
    return r;
}

std::string result_xml(const std::vector<std::string>& params) {
    capi::EventXml x;
    x.type = PET_VM_INF_UNINITIALIZED_EVENT_CODE;
    for (const auto& p : params) x.params.push_back(capi::param_xml("ws_response_cmd_standard_param", 1, p));
    return x.str();
}

}  // namespace

TEST_CASE("PrlHandle_ToString of an event is its XML, as PrlEvent_GetDataPtr gives", "[serialize]") {
    capi::Api api;
    capi::EventXml x;
    x.code = PRL_ERR_VM_START_FAILED;
    x.params = {capi::param_xml("a", 1, "x")};
    Handle e = capi::event_from(x.str());
    const std::string text = to_string(e);
    CHECK(text == capi::event_xml_of(e));
    // PrlHandle_FromString loads events like PrlEvent_FromString.
    Handle other = capi::error_event();
    REQUIRE_PRL_OK(PrlHandle_FromString(other, text.c_str()));
    CHECK(to_string(other) == text);
}

TEST_CASE("results round-trip through PrlHandle_ToString and PrlResult_FromString", "[serialize]") {
    capi::Api api;
    Handle r = empty_result();
    const std::string empty = to_string(r);
    CHECK(empty.find("<ParallelsEvent") != std::string::npos);
    CHECK(empty.find("ws_response_cmd_standard_param") == std::string::npos);

    const std::string loaded = result_xml({"first", "<BackupTree/>", ""});
    REQUIRE_PRL_OK(PrlResult_FromString(r, loaded.c_str()));
    const std::string text = to_string(r);
    CHECK(text.find("<Value>first</Value>") != std::string::npos);
    CHECK(text.find("<Value>&lt;BackupTree/&gt;</Value>") != std::string::npos);
    Handle r2 = empty_result();
    REQUIRE_PRL_OK(PrlHandle_FromString(r2, text.c_str()));
    CHECK(to_string(r2) == text);

    // Refused input leaves the result as it was.
    for (const char* bad : {"", "<nope/>", "<ParallelsEvent><EventType>x</EventType></ParallelsEvent>",
                            "<!DOCTYPE x [<!ENTITY e \"e\">]><ParallelsEvent/>"}) {
        REQUIRE_PRL(PrlResult_FromString(r, bad), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlHandle_FromString(r, bad), PRL_ERR_INVALID_ARG);
        CHECK(to_string(r) == text);
    }
    REQUIRE_PRL(PrlResult_FromString(r, nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("a result holding an event keeps it through XML", "[serialize]") {
    capi::Api api;
    capi::EventXml inner;
    inner.code = PRL_ERR_FAILURE;
    capi::EventXml outer;
    outer.params = {capi::param_xml("ws_response_cmd_standard_param", 7, inner.str(), {},
                                    " handleType=\"" + std::to_string(PHT_EVENT) + "\""),
                    capi::param_xml("ws_response_cmd_standard_param", 1, "s")};
    Handle r = empty_result();
    REQUIRE_PRL_OK(PrlResult_FromString(r, outer.str().c_str()));
    const std::string text = to_string(r);
    CHECK(text.find("handleType=\"" + std::to_string(PHT_EVENT) + "\"") != std::string::npos);
    CHECK(text.find("&lt;EventCode&gt;" + std::to_string(PRL_ERR_FAILURE)) != std::string::npos);
}

TEST_CASE("types without an XML form answer PRL_ERR_UNIMPLEMENTED, as the original", "[serialize]") {
    capi::Api api;
    Handle job(PrlVm_MigrateCancel(PRL_INVALID_HANDLE));
    capi::EventXml x;
    x.params = {capi::param_xml("p", 1, "v")};
    Handle param = capi::param_at(capi::event_from(x.str()), 0);
    for (PRL_HANDLE h : {job.get(), param.get()}) {
        void* p = reinterpret_cast<void*>(1);
        REQUIRE_PRL(PrlHandle_ToString(h, &p), PRL_ERR_UNIMPLEMENTED);
        REQUIRE_PRL(PrlHandle_FromString(h, "<ParallelsEvent/>"), PRL_ERR_UNIMPLEMENTED);
    }
}

TEST_CASE("PrlHandle_ToString/FromString and PrlResult_FromString reject bad arguments", "[serialize]") {
    capi::Api api;
    Handle e = capi::error_event();
    Handle r = empty_result();
    PRL_HANDLE freed;
    {
        Handle f = capi::error_event();
        freed = f.get();
    }
    for (PRL_HANDLE bad : {PRL_HANDLE(PRL_INVALID_HANDLE), freed, capi::forged_handle()}) {
        void* p = nullptr;
        REQUIRE_PRL(PrlHandle_ToString(bad, &p), PRL_ERR_INVALID_ARG);
        CHECK(p == nullptr);
        REQUIRE_PRL(PrlHandle_FromString(bad, "<ParallelsEvent/>"), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlResult_FromString(bad, "<ParallelsEvent/>"), PRL_ERR_INVALID_ARG);
    }
    REQUIRE_PRL(PrlResult_FromString(e, "<ParallelsEvent/>"), PRL_ERR_INVALID_ARG);  // wrong type
    REQUIRE_PRL(PrlEvent_FromString(r, "<ParallelsEvent/>"), PRL_ERR_INVALID_ARG);   // wrong type
    REQUIRE_PRL(PrlHandle_ToString(e, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlHandle_FromString(e, nullptr), PRL_ERR_INVALID_ARG);
    void* p = nullptr;
    REQUIRE_PRL(PrlHandle_ToString(PRL_INVALID_HANDLE, &p), PRL_ERR_INVALID_ARG);
}
