// PrlResult_FromString on a result handle, then every reader of the result.
// Invariants: refusal is PRL_ERR_INVALID_ARG and leaves the result as it
// was; an accepted result's XML (PrlHandle_ToString) loads back to itself.
#include "fuzz_api.h"

static PRL_HANDLE g_result = PRL_INVALID_HANDLE;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::init_api();
    g_result = fuzz::empty_result();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string input = fuzz::c_string(data, size);
    const std::string before = fuzz::to_xml(g_result);
    const PRL_RESULT rc = PrlResult_FromString(g_result, input.c_str());
    if (PRL_FAILED(rc)) {
        if (rc != PRL_ERR_INVALID_ARG) fuzz::die("refusal must be PRL_ERR_INVALID_ARG", rc);
        if (fuzz::to_xml(g_result) != before) fuzz::die("refused input changed the result", rc);
        return 0;
    }
    PRL_UINT32 n = 0;
    fuzz::ok(PrlResult_GetParamsCount(g_result, &n), "PrlResult_GetParamsCount");
    for (PRL_UINT32 i = 0; i < n && i < 64; ++i) {
        fuzz::get_string([&](PRL_STR s, PRL_UINT32_PTR l) { return PrlResult_GetParamByIndexAsString(g_result, i, s, l); },
                         "GetParamByIndexAsString");
        PRL_HANDLE p = PRL_INVALID_HANDLE;
        if (PRL_SUCCEEDED(PrlResult_GetParamByIndex(g_result, i, &p))) {
            fuzz::to_xml(p);
            PrlHandle_Free(p);
        }
    }
    fuzz::get_string([&](PRL_STR s, PRL_UINT32_PTR l) { return PrlResult_GetParamAsString(g_result, s, l); },
                     "GetParamAsString");
    PRL_HANDLE p = PRL_INVALID_HANDLE;
    if (PRL_SUCCEEDED(PrlResult_GetParam(g_result, &p))) PrlHandle_Free(p);

    const std::string written = fuzz::to_xml(g_result);
    const PRL_RESULT again = PrlResult_FromString(g_result, written.c_str());
    if (PRL_FAILED(again)) {
        std::fprintf(stderr, "written XML:\n%s\n", written.c_str());
        fuzz::die("the result's own XML does not load back", again);
    }
    if (fuzz::to_xml(g_result) != written) fuzz::die("result XML is not a fixed point", 0);
    return 0;
}
