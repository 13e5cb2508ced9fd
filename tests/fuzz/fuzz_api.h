// Shared by the fuzz targets that go through the public C API: handles are
// obtained as tests/capi/capi_events.h does (the error event of a failed
// job, the result of a finished job), once, in LLVMFuzzerInitialize.
#pragma once

#include <Virtuozzo.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace fuzz {

[[noreturn]] inline void die(const char* what, PRL_RESULT rc) {
    std::fprintf(stderr, "fuzz invariant broken: %s (rc 0x%08x)\n", what, static_cast<unsigned>(rc));
    std::abort();
}

inline void ok(PRL_RESULT rc, const char* what) {
    if (PRL_FAILED(rc)) die(what, rc);
}

inline void init_api() {
    ok(PrlApi_InitEx(PARALLELS_API_VER, PAM_SERVER, 0, 0), "PrlApi_InitEx");
}

// The error event of a job that failed with PRL_ERR_UNIMPLEMENTED.
inline PRL_HANDLE error_event() {
    PRL_HANDLE job = PrlVm_MigrateCancel(PRL_INVALID_HANDLE);
    if (PrlJob_Wait(job, 10000) != PRL_ERR_UNIMPLEMENTED) die("stub job", 0);
    PRL_HANDLE e = PRL_INVALID_HANDLE;
    ok(PrlJob_GetError(job, &e), "PrlJob_GetError");
    PrlHandle_Free(job);
    return e;
}

// The (empty) result of a finished job.
inline PRL_HANDLE empty_result() {
    PRL_HANDLE job = PrlJob_Cancel(PRL_INVALID_HANDLE);
    PrlJob_Wait(job, 10000);
    PRL_HANDLE r = PRL_INVALID_HANDLE;
    ok(PrlJob_GetResult(job, &r), "PrlJob_GetResult");
    PrlHandle_Free(job);
    return r;
}

// A NUL-terminated copy of the input (embedded NULs truncate, as in C).
inline std::string c_string(const uint8_t* data, size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

// The object's XML (PrlHandle_ToString), or "" when it has none.
inline std::string to_xml(PRL_HANDLE h) {
    void* p = nullptr;
    const PRL_RESULT rc = PrlHandle_ToString(h, &p);
    if (rc == PRL_ERR_UNIMPLEMENTED) return {};
    ok(rc, "PrlHandle_ToString");
    std::string s(static_cast<const char*>(p));
    ok(PrlBuffer_Free(p), "PrlBuffer_Free");
    return s;
}

// Reads a string out-parameter with the two-call pattern; checks the protocol.
template <class F> std::string get_string(F&& getter, const char* what) {
    PRL_UINT32 len = 0;
    PRL_RESULT rc = getter(nullptr, &len);
    if (PRL_FAILED(rc)) return {};
    if (len == 0) die(what, rc);
    std::string s(len, '\0');
    PRL_UINT32 small = len - 1;
    if (len > 1 && getter(&s[0], &small) != PRL_ERR_BUFFER_OVERRUN) die("short buffer must overrun", 0);
    rc = getter(&s[0], &len);
    ok(rc, what);
    if (s[len - 1] != '\0') die("string not terminated", 0);
    s.resize(len - 1);
    return s;
}

// Walks every parameter of an event or result with the typed getters.
inline void walk_event_params(PRL_HANDLE e) {
    PRL_UINT32 n = 0;
    ok(PrlEvent_GetParamsCount(e, &n), "PrlEvent_GetParamsCount");
    for (PRL_UINT32 i = 0; i < n && i < 64; ++i) {
        PRL_HANDLE p = PRL_INVALID_HANDLE;
        ok(PrlEvent_GetParam(e, i, &p), "PrlEvent_GetParam");
        PRL_PARAM_FIELD_DATA_TYPE t;
        ok(PrlEvtPrm_GetType(p, &t), "PrlEvtPrm_GetType");
        const std::string name = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlEvtPrm_GetName(p, b, l); },
                                            "PrlEvtPrm_GetName");
        get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlEvtPrm_ToString(p, b, l); }, "PrlEvtPrm_ToString");
        get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlEvtPrm_ToCData(p, b, l); }, "PrlEvtPrm_ToCData");
        PRL_UINT32 u32; PRL_INT32 i32; PRL_UINT64 u64; PRL_INT64 i64; PRL_BOOL b;
        PrlEvtPrm_ToUint32(p, &u32);
        PrlEvtPrm_ToInt32(p, &i32);
        PrlEvtPrm_ToUint64(p, &u64);
        PrlEvtPrm_ToInt64(p, &i64);
        PrlEvtPrm_ToBoolean(p, &b);
        PRL_HANDLE h = PRL_INVALID_HANDLE;
        if (PRL_SUCCEEDED(PrlEvtPrm_ToHandle(p, &h))) PrlHandle_Free(h);
        if (!name.empty() && name.find('\0') == std::string::npos) {
            PRL_HANDLE q = PRL_INVALID_HANDLE;
            if (PRL_SUCCEEDED(PrlEvent_GetParamByName(e, name.c_str(), &q))) PrlHandle_Free(q);
        }
        PrlHandle_Free(p);
    }
}

}  // namespace fuzz
