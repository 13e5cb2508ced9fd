// PrlEvtPrm_*: one typed parameter of an event.
//
// As in the original, every conversion works on the parameter's value text,
// whatever its type: a uint32 parameter reads fine through ToInt64, "1" from a
// boolean through ToUint32. Where the original silently gave 0 for text that
// is not a number of the asked kind (its Qt conversion failed), prlshim also
// stores 0 but answers PRL_ERR_INVALID_ARG, the code the original uses for a
// parameter that cannot become what was asked (PrlEvtPrm_ToHandle).
#include "boundary.h"
#include "copy_out.h"

#include "core/event_xml.h"

#include <cerrno>
#include <cstdlib>
#include <limits>
#include <string>

using namespace prl;
using namespace prl::abi;

namespace {

std::string_view trim(std::string_view s) noexcept {
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

bool digits_only(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

// Decimal text (optionally signed, surrounding white space allowed) in [lo, hi].
bool parse_signed(std::string_view text, long long lo, long long hi, long long& out) {
    std::string_view s = trim(text);
    std::string_view body = s;
    if (!body.empty() && (body.front() == '-' || body.front() == '+')) body.remove_prefix(1);
    if (!digits_only(body)) return false;
    const std::string copy(s);
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(copy.c_str(), &end, 10);
    if (errno == ERANGE || end != copy.c_str() + copy.size() || v < lo || v > hi) return false;
    out = v;
    return true;
}

bool parse_unsigned(std::string_view text, unsigned long long hi, unsigned long long& out) {
    std::string_view s = trim(text);
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    if (!digits_only(s)) return false;
    const std::string copy(s);
    errno = 0;
    char* end = nullptr;
    const unsigned long long v = std::strtoull(copy.c_str(), &end, 10);
    if (errno == ERANGE || end != copy.c_str() + copy.size() || v > hi) return false;
    out = v;
    return true;
}

// What PrlEvtPrm_ToString gives: the value text; for an entity parameter
// holding an event or a result, that object's XML.
std::string value_text(const EventParam& p) {
    if (p.entity() && xml::serialisable(*p.entity())) return xml::object_to_xml(*p.entity());
    if (p.data_type() == PFD_CDATA && p.text().empty()) return p.data();
    return p.text();
}

template <class T, class Parse>
PRL_RESULT convert(PRL_HANDLE hEventParam, T* out, Parse parse) {
    return sync([&] {
        auto param = handle_cast<EventParam>(hEventParam);
        out_ptr(out);
        T value{};
        const bool ok = parse(param->text(), value);
        *out = ok ? value : T{};
        return ok ? PRL_ERR_SUCCESS : PRL_ERR_INVALID_ARG;
    });
}

}  // namespace

extern "C" {

PRL_RESULT PrlEvtPrm_GetName(PRL_HANDLE hEventParam, PRL_STR sParamName, PRL_UINT32_PTR pnParamNameBufLength) {
    return sync([&] {
        auto param = handle_cast<EventParam>(hEventParam);
        out_ptr(pnParamNameBufLength);
        return copy_out(param->name(), sParamName, pnParamNameBufLength);
    });
}

PRL_RESULT PrlEvtPrm_GetType(PRL_HANDLE hEventParam, PRL_PARAM_FIELD_DATA_TYPE_PTR pnParamType) {
    return sync([&] {
        auto param = handle_cast<EventParam>(hEventParam);
        *out_ptr(pnParamType) = param->data_type();
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlEvtPrm_ToString(PRL_HANDLE hEventParam, PRL_STR sParamValue, PRL_UINT32_PTR pnParamValueBufLength) {
    return sync([&] {
        auto param = handle_cast<EventParam>(hEventParam);
        out_ptr(pnParamValueBufLength);
        return copy_out(value_text(*param), sParamValue, pnParamValueBufLength);
    });
}

PRL_RESULT PrlEvtPrm_ToCData(PRL_HANDLE hEventParam, PRL_STR sParamValue, PRL_UINT32_PTR pnParamValueBufLength) {
    return sync([&] {
        auto param = handle_cast<EventParam>(hEventParam);
        out_ptr(pnParamValueBufLength);
        // The <Data> payload as text; a binary parameter has none (its bytes
        // come through PrlEvtPrm_GetBuffer).
        const std::string& data = param->is_binary() ? std::string() : param->data();
        return copy_out(data, sParamValue, pnParamValueBufLength);
    });
}

PRL_RESULT PrlEvtPrm_ToUint32(PRL_HANDLE hEventParam, PRL_UINT32_PTR pnParamValue) {
    return convert(hEventParam, pnParamValue, [](const std::string& t, PRL_UINT32& v) {
        unsigned long long u = 0;
        if (!parse_unsigned(t, std::numeric_limits<PRL_UINT32>::max(), u)) return false;
        v = static_cast<PRL_UINT32>(u);
        return true;
    });
}

PRL_RESULT PrlEvtPrm_ToInt32(PRL_HANDLE hEventParam, PRL_INT32_PTR pnParamValue) {
    return convert(hEventParam, pnParamValue, [](const std::string& t, PRL_INT32& v) {
        long long s = 0;
        if (!parse_signed(t, std::numeric_limits<PRL_INT32>::min(), std::numeric_limits<PRL_INT32>::max(), s))
            return false;
        v = static_cast<PRL_INT32>(s);
        return true;
    });
}

PRL_RESULT PrlEvtPrm_ToUint64(PRL_HANDLE hEventParam, PRL_UINT64_PTR pnParamValue) {
    return convert(hEventParam, pnParamValue, [](const std::string& t, PRL_UINT64& v) {
        unsigned long long u = 0;
        if (!parse_unsigned(t, std::numeric_limits<PRL_UINT64>::max(), u)) return false;
        v = u;
        return true;
    });
}

PRL_RESULT PrlEvtPrm_ToInt64(PRL_HANDLE hEventParam, PRL_INT64_PTR pnParamValue) {
    return convert(hEventParam, pnParamValue, [](const std::string& t, PRL_INT64& v) {
        long long s = 0;
        if (!parse_signed(t, std::numeric_limits<PRL_INT64>::min(), std::numeric_limits<PRL_INT64>::max(), s))
            return false;
        v = s;
        return true;
    });
}

PRL_RESULT PrlEvtPrm_ToBoolean(PRL_HANDLE hEventParam, PRL_BOOL_PTR pbParamValue) {
    return convert(hEventParam, pbParamValue, [](const std::string& t, PRL_BOOL& v) {
        // The original reads a boolean as an unsigned number ("1"/"0");
        // "true"/"false" are accepted too.
        const std::string_view s = trim(t);
        if (s == "true") return v = PRL_TRUE, true;
        if (s == "false") return v = PRL_FALSE, true;
        unsigned long long u = 0;
        if (!parse_unsigned(s, std::numeric_limits<PRL_UINT32>::max(), u)) return false;
        v = u ? PRL_TRUE : PRL_FALSE;
        return true;
    });
}

PRL_RESULT PrlEvtPrm_ToHandle(PRL_HANDLE hEventParam, PRL_HANDLE_PTR phParamValue) {
    return sync([&] {
        auto param = handle_cast<EventParam>(hEventParam);
        out_ptr(phParamValue);
        // The original builds the object from the parameter's name, whatever
        // its type: a string parameter such as vm_search_info (a found VM's
        // description) gives its object too.
        if (param->entity()) {
            give(param->entity(), phParamValue);
            return PRL_ERR_SUCCESS;
        }
        if (param->data_type() != PFD_ENTITY) return PRL_ERR_INVALID_ARG;
        // An entity read from XML that names an object prlshim cannot build
        // (a VM configuration, a licence, ...) has no object yet.
        return PRL_ERR_UNIMPLEMENTED;
    });
}

PRL_RESULT PrlEvtPrm_GetBuffer(PRL_HANDLE hEventParam, PRL_VOID_PTR pParamValue,
                               PRL_UINT32_PTR pnParamValueBufLength) {
    return sync([&] {
        auto param = handle_cast<EventParam>(hEventParam);
        out_ptr(pnParamValueBufLength);
        // Binary parameters give their bytes; others, as in the original, the
        // UTF-8 bytes of their value (no terminating NUL).
        if (param->is_binary()) return copy_out_bytes(param->data(), pParamValue, pnParamValueBufLength);
        return copy_out_bytes(value_text(*param), pParamValue, pnParamValueBufLength);
    });
}

}  // extern "C"
