// PrlEvent_FromString on an event handle, then every reader of the event.
// Invariants: no crash/leak/UB; a refused input leaves the event unchanged;
// an accepted one is written back (PrlEvent_GetDataPtr) as XML that loads
// again and gives the same XML (a fixed point).
#include "fuzz_api.h"

static PRL_HANDLE g_event = PRL_INVALID_HANDLE;

static std::string event_xml(PRL_HANDLE e) {
    void* p = nullptr;
    fuzz::ok(PrlEvent_GetDataPtr(e, &p), "PrlEvent_GetDataPtr");
    std::string s(static_cast<const char*>(p));
    fuzz::ok(PrlBuffer_Free(p), "PrlBuffer_Free");
    return s;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::init_api();
    g_event = fuzz::error_event();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string input = fuzz::c_string(data, size);
    const std::string before = event_xml(g_event);
    const PRL_RESULT rc = PrlEvent_FromString(g_event, input.c_str());
    if (PRL_FAILED(rc)) {
        if (rc != PRL_ERR_INVALID_ARG) fuzz::die("refusal must be PRL_ERR_INVALID_ARG", rc);
        if (event_xml(g_event) != before) fuzz::die("refused input changed the event", rc);
        return 0;
    }
    PRL_EVENT_TYPE type; PRL_RESULT code; PRL_BOOL b; PRL_EVENT_ISSUER_TYPE issuer;
    fuzz::ok(PrlEvent_GetType(g_event, &type), "PrlEvent_GetType");
    fuzz::ok(PrlEvent_GetErrCode(g_event, &code), "PrlEvent_GetErrCode");
    fuzz::ok(PrlEvent_CanBeIgnored(g_event, &b), "PrlEvent_CanBeIgnored");
    fuzz::ok(PrlEvent_IsAnswerRequired(g_event, &b), "PrlEvent_IsAnswerRequired");
    fuzz::ok(PrlEvent_GetIssuerType(g_event, &issuer), "PrlEvent_GetIssuerType");
    fuzz::get_string([&](PRL_STR s, PRL_UINT32_PTR l) { return PrlEvent_GetIssuerId(g_event, s, l); }, "GetIssuerId");
    fuzz::get_string([&](PRL_STR s, PRL_UINT32_PTR l) { return PrlEvent_GetErrString(g_event, PRL_FALSE, PRL_FALSE, s, l); },
                     "GetErrString");
    fuzz::walk_event_params(g_event);
    PRL_HANDLE answer = PRL_INVALID_HANDLE;
    if (PRL_SUCCEEDED(PrlEvent_CreateAnswerEvent(g_event, &answer, PRL_ERR_SUCCESS))) PrlHandle_Free(answer);

    const std::string written = event_xml(g_event);
    const PRL_RESULT again = PrlEvent_FromString(g_event, written.c_str());
    if (PRL_FAILED(again)) {
        std::fprintf(stderr, "written XML:\n%s\n", written.c_str());
        fuzz::die("the event's own XML does not load back", again);
    }
    if (event_xml(g_event) != written) fuzz::die("event XML is not a fixed point", 0);
    return 0;
}
