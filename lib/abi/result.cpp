// PrlResult_*: reading what a finished job produced. (PrlResult_FromString
// lives with the other XML entry points in serialize.cpp.)
#include "boundary.h"
#include "copy_out.h"
#include "xml_io.h"

#include "core/event_xml.h"


using namespace prl;
using namespace prl::abi;

namespace {

const Result::Param& param_at(const Result& r, PRL_UINT32 index) {
    require(index < r.params().size(), PRL_ERR_INVALID_ARG, "result parameter index out of range");
    return r.params()[index];
}

// A string parameter, or PRL_ERR_INVALID_ARG for one that is an object (as the
// original does for results carrying binary content).
const std::string& text_at(const Result& r, PRL_UINT32 index) {
    const auto* text = std::get_if<std::string>(&param_at(r, index));
    require(text != nullptr, PRL_ERR_INVALID_ARG, "the parameter is an object, not a string");
    return *text;
}

PRL_RESULT object_at(const Result& r, PRL_UINT32 index, PRL_HANDLE_PTR out) {
    const auto* object = std::get_if<ObjectPtr>(&param_at(r, index));
    if (!object || !*object) return PRL_ERR_NO_DATA;
    give(*object, out);
    return PRL_ERR_SUCCESS;
}

}  // namespace

extern "C" {

PRL_RESULT PrlResult_GetParamsCount(PRL_HANDLE hResult, PRL_UINT32_PTR pCount) {
    return sync([&] {
        auto result = handle_cast<Result>(hResult);
        *out_ptr(pCount) = static_cast<PRL_UINT32>(result->params().size());
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlResult_GetParamByIndex(PRL_HANDLE hResult, PRL_UINT32 nIndex, PRL_HANDLE_PTR phParam) {
    return sync([&] {
        auto result = handle_cast<Result>(hResult);
        return object_at(*result, nIndex, out_ptr(phParam));
    });
}

PRL_RESULT PrlResult_GetParam(PRL_HANDLE hResult, PRL_HANDLE_PTR pHandle) {
    return sync([&] {
        auto result = handle_cast<Result>(hResult);
        return object_at(*result, 0, out_ptr(pHandle));
    });
}

PRL_RESULT PrlResult_GetParamByIndexAsString(PRL_HANDLE hResult, PRL_UINT32 nIndex, PRL_STR sParamBuf,
                                             PRL_UINT32_PTR pnParamBufSize) {
    return sync([&] {
        auto result = handle_cast<Result>(hResult);
        out_ptr(pnParamBufSize);
        return copy_out(text_at(*result, nIndex), sParamBuf, pnParamBufSize);
    });
}

PRL_RESULT PrlResult_GetParamAsString(PRL_HANDLE hResult, PRL_STR sParamBuf, PRL_UINT32_PTR pnParamBufSize) {
    return sync([&] {
        auto result = handle_cast<Result>(hResult);
        out_ptr(pnParamBufSize);
        return copy_out(text_at(*result, 0), sParamBuf, pnParamBufSize);
    });
}

PRL_RESULT PrlResult_GetParamToken(PRL_HANDLE hResult, PRL_UINT32 index, PRL_VOID_PTR_PTR data_ptr) {
    return sync([&] {
        auto result = handle_cast<Result>(hResult);
        out_ptr(data_ptr);
        *data_ptr = malloc_copy(text_at(*result, index));  // freed with PrlBuffer_Free
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlResult_GetError(PRL_HANDLE hResult, PRL_VOID_PTR_PTR data_ptr) {
    return sync([&] {
        auto result = handle_cast<Result>(hResult);
        out_ptr(data_ptr);
        *data_ptr = nullptr;
        if (!result->error()) return PRL_ERR_NO_DATA;
        *data_ptr = malloc_copy(xml::to_xml(*result->error()));  // the error event's XML
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
