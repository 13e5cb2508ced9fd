// Helpers for the event tests: events are made by the library only, so a
// test takes the error event of a failed job and loads any XML into it
// with PrlEvent_FromString (as the original lets one do on an existing event).
#pragma once

#include "capi.h"

#include <cstdlib>
#include <string>
#include <vector>

namespace capi {

// The error event of a job that failed with PRL_ERR_UNIMPLEMENTED.
inline Handle error_event() {
    Handle job(PrlVm_MigrateCancel(PRL_INVALID_HANDLE));
    REQUIRE(job.get() != PRL_INVALID_HANDLE);
    REQUIRE_PRL(PrlJob_Wait(job, 10000), PRL_ERR_UNIMPLEMENTED);
    Handle e;
    REQUIRE_PRL_OK(PrlJob_GetError(job, e.out()));
    return e;
}

inline std::string escape(const std::string& s) {
    std::string o;
    for (char c : s) {
        switch (c) {
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '&': o += "&amp;"; break;
            default: o += c;
        }
    }
    return o;
}

// One <EventParameter>; `type` is the service's wire type number.
inline std::string param_xml(const std::string& name, int type, const std::string& value,
                             const std::string& extra = {}, const std::string& attrs = {}) {
    return "<EventParameter" + attrs + "><Name>" + escape(name) + "</Name><Type>" + std::to_string(type) +
           "</Type><Value>" + escape(value) + "</Value>" + extra + "</EventParameter>";
}

struct EventXml {
    long long type = PET_DSP_EVT_VM_MESSAGE;
    long long code = PRL_ERR_SUCCESS;
    int need_response = 0;
    int issuer_type = PIE_VIRTUAL_MACHINE;
    std::string issuer_id = "{11111111-2222-3333-4444-555555555555}";
    std::string request_id;
    std::string extra;  // more header elements
    std::vector<std::string> params;

    std::string str() const {
        std::string s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ParallelsEvent schemaVersion=\"1.0\">";
        s += "<EventType>" + std::to_string(type) + "</EventType><EventLevel>0</EventLevel>";
        s += "<EventCode>" + std::to_string(code) + "</EventCode>";
        s += "<EventNeedResponse>" + std::to_string(need_response) + "</EventNeedResponse>";
        s += "<EventIssuerType>" + std::to_string(issuer_type) + "</EventIssuerType>";
        s += "<EventIssuerId>" + escape(issuer_id) + "</EventIssuerId><EventSource></EventSource>";
        s += "<EventInitialRequestId>" + escape(request_id) + "</EventInitialRequestId><EventParameters>";
        for (const auto& p : params) s += p;
        s += "</EventParameters><EventId>0</EventId>" + extra + "</ParallelsEvent>\n";
        return s;
    }
};

inline Handle event_from(const std::string& xml) {
    Handle e = error_event();
    REQUIRE_PRL_OK(PrlEvent_FromString(e, xml.c_str()));
    return e;
}

// Takes a buffer the library malloc'ed, frees it with PrlBuffer_Free.
inline std::string take_buffer(void* p) {
    REQUIRE(p != nullptr);
    std::string s(static_cast<const char*>(p));
    REQUIRE_PRL_OK(PrlBuffer_Free(p));
    return s;
}

inline std::string event_xml_of(PRL_HANDLE event) {
    void* p = nullptr;
    REQUIRE_PRL_OK(PrlEvent_GetDataPtr(event, &p));
    return take_buffer(p);
}

inline Handle param_at(PRL_HANDLE event, PRL_UINT32 i) {
    Handle p;
    REQUIRE_PRL_OK(PrlEvent_GetParam(event, i, p.out()));
    return p;
}

inline Handle param_named(PRL_HANDLE event, const char* name) {
    Handle p;
    REQUIRE_PRL_OK(PrlEvent_GetParamByName(event, name, p.out()));
    return p;
}

inline std::string param_string(PRL_HANDLE p) {
    return get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlEvtPrm_ToString(p, b, l); });
}

}  // namespace capi
