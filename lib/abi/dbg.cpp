// PrlDbg_*: debugging helpers — live handle counts and the names of result
// codes, handle types and event types (the constants' own names, as the SDK's
// generated tables give them; "Unknown" for a value that has none).
#include "boundary.h"
#include "error_text.h"

#include "core/handle_table.h"

#include <cstring>

using namespace prl;
using namespace prl::abi;

namespace {

struct EnumName {
    const char* group;
    long long value;
    const char* name;
};

const EnumName kEnumNames[] = {
#include "enum_names.inc"
};

const char* enum_name(const char* group, long long value) {
    for (const EnumName& e : kEnumNames)
        if (e.value == value && std::strcmp(e.group, group) == 0) return e.name;
    return "Unknown";
}

}  // namespace

extern "C" {

PRL_RESULT PrlDbg_GetHandlesNum(PRL_UINT32_PTR handles_num, PRL_HANDLE_TYPE type) {
    return sync([&] {
        out_ptr(handles_num);
        const long long t = enum_in(type);
        const std::size_t n = t == PHT_ERROR ? HandleTable::instance().live_count()
                                             : HandleTable::instance().live_count_of(static_cast<PRL_HANDLE_TYPE>(t));
        *handles_num = n > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<PRL_UINT32>(n);
        return PRL_ERR_SUCCESS;
    });
}

// The three ...ToString calls work without PrlApi_Init, as in the SDK.
PRL_RESULT PrlDbg_PrlResultToString(PRL_RESULT value, const char** result) {
    return sync_anytime([&] {
        const char* name = result_name(value);
        *out_ptr(result) = *name ? name : "Unknown";
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlDbg_HandleTypeToString(PRL_HANDLE_TYPE value, const char** result) {
    return sync_anytime([&] {
        *out_ptr(result) = enum_name("PRL_HANDLE_TYPE", enum_in(value));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlDbg_EventTypeToString(PRL_EVENT_TYPE value, const char** result) {
    return sync_anytime([&] {
        *out_ptr(result) = enum_name("PRL_EVENT_TYPE", enum_in(value));
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
