// PrlHandle_FromString on handles of several types (the first input byte
// picks one): events and results load XML, other types answer
// PRL_ERR_UNIMPLEMENTED; a freed handle gives PRL_ERR_INVALID_ARG.
#include "fuzz_api.h"

static PRL_HANDLE g_handles[5];

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::init_api();
    g_handles[0] = fuzz::error_event();
    g_handles[1] = fuzz::empty_result();
    g_handles[2] = PrlVm_MigrateCancel(PRL_INVALID_HANDLE);  // a job
    fuzz::ok(PrlSrv_Create(&g_handles[3]), "PrlSrv_Create");
    PRL_HANDLE freed = fuzz::error_event();
    PrlHandle_Free(freed);
    g_handles[4] = freed;  // stale
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const unsigned pick = data[0] % 5;
    const std::string input = fuzz::c_string(data + 1, size - 1);
    PRL_HANDLE h = g_handles[pick];
    const std::string before = pick < 2 ? fuzz::to_xml(h) : std::string();
    const PRL_RESULT rc = PrlHandle_FromString(h, input.c_str());
    switch (pick) {
    case 2:
    case 3:
        if (rc != PRL_ERR_UNIMPLEMENTED) fuzz::die("types without XML must answer PRL_ERR_UNIMPLEMENTED", rc);
        return 0;
    case 4:
        if (rc != PRL_ERR_INVALID_ARG) fuzz::die("a freed handle must give PRL_ERR_INVALID_ARG", rc);
        return 0;
    default:
        break;
    }
    if (PRL_FAILED(rc)) {
        if (rc != PRL_ERR_INVALID_ARG) fuzz::die("refusal must be PRL_ERR_INVALID_ARG", rc);
        if (fuzz::to_xml(h) != before) fuzz::die("refused input changed the object", rc);
        return 0;
    }
    const std::string written = fuzz::to_xml(h);
    if (PRL_FAILED(PrlHandle_FromString(h, written.c_str()))) fuzz::die("own XML does not load back", 0);
    if (fuzz::to_xml(h) != written) fuzz::die("XML is not a fixed point", 0);
    return 0;
}
