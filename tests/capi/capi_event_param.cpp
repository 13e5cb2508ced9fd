// PrlEvtPrm_* through the public API.
#include "capi_events.h"

#include <cstring>
#include <limits>

using capi::Handle;

namespace {

// Wire type numbers the service writes (PVE::ParamFieldDataType).
enum { W_UINT = 0, W_STRING = 1, W_INT = 2, W_CDATA = 3, W_TEXT = 4, W_BOOL = 6, W_VMCONFIG = 7, W_UUID = 9,
       W_STATE = 11, W_INT64 = 16, W_UINT64 = 17, W_DATETIME = 18 };

Handle one_param(const std::string& param) {
    capi::EventXml x;
    x.params = {param};
    Handle e = capi::event_from(x.str());
    return capi::param_at(e, 0);  // the parameter keeps what it needs
}

Handle value(int type, const std::string& text) { return one_param(capi::param_xml("p", type, text)); }

PRL_PARAM_FIELD_DATA_TYPE type_of(PRL_HANDLE p) {
    PRL_PARAM_FIELD_DATA_TYPE t;
    REQUIRE_PRL_OK(PrlEvtPrm_GetType(p, &t));
    return t;
}

std::string cdata_of(PRL_HANDLE p) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlEvtPrm_ToCData(p, b, l); });
}

std::string buffer_of(PRL_HANDLE p) {
    PRL_UINT32 len = 0;
    REQUIRE_PRL_OK(PrlEvtPrm_GetBuffer(p, nullptr, &len));
    std::string s(len, '\0');
    REQUIRE_PRL_OK(PrlEvtPrm_GetBuffer(p, s.data(), &len));
    s.resize(len);
    return s;
}

// Test-side base64, independent of the library's.
std::string base64(const std::string& in) {
    static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < in.size(); i += 3) {
        unsigned v = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size()) v |= static_cast<unsigned>(static_cast<unsigned char>(in[i + 1])) << 8;
        if (i + 2 < in.size()) v |= static_cast<unsigned char>(in[i + 2]);
        out += t[(v >> 18) & 63];
        out += t[(v >> 12) & 63];
        out += i + 1 < in.size() ? t[(v >> 6) & 63] : '=';
        out += i + 2 < in.size() ? t[v & 63] : '=';
    }
    return out;
}

std::string all_bytes() {
    std::string s;
    for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
    return s;
}

}  // namespace

TEST_CASE("PrlEvtPrm_GetName, GetType and ToString for every type", "[event_param]") {
    capi::Api api;
    struct Case {
        int wire;
        const char* text;
        PRL_PARAM_FIELD_DATA_TYPE sdk;
    } cases[] = {
        {W_UINT, "4294967295", PFD_UINT32}, {W_STRING, "hello", PFD_STRING}, {W_INT, "-5", PFD_INT32},
        {W_TEXT, "text", PFD_STRING},       {5, "1", PFD_BOOLEAN},           {W_BOOL, "1", PFD_BOOLEAN},
        {W_UUID, "{0-1}", PFD_STRING},      {10, "-1", PFD_INT32},           {W_STATE, "805306372", PFD_ENUMERATION},
        {12, "1", PFD_ENUMERATION},         {13, "2", PFD_ENUMERATION},      {14, "16002", PFD_INT32},
        {15, "3", PFD_ENUMERATION},         {W_INT64, "-9223372036854775808", PFD_INT64},
        {W_UINT64, "18446744073709551615", PFD_UINT64},                      {W_DATETIME, "2024-01-01 00:00:00", PFD_UNKNOWN},
        {42, "x", PFD_UNKNOWN},
    };
    for (const auto& c : cases) {
        INFO("wire type " << c.wire);
        Handle p = value(c.wire, c.text);
        CHECK(type_of(p) == c.sdk);
        CHECK(capi::param_string(p) == c.text);
        CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlEvtPrm_GetName(p, b, l); }) == "p");
    }
    // A boolean reads "1"/"0", as the service writes it.
    CHECK(capi::param_string(value(W_BOOL, "0")) == "0");
}

TEST_CASE("numeric conversions convert what fits and refuse the rest", "[event_param]") {
    capi::Api api;
    PRL_UINT32 u32 = 7;
    PRL_INT32 i32 = 7;
    PRL_UINT64 u64 = 7;
    PRL_INT64 i64 = 7;

    Handle max32 = value(W_UINT, "4294967295");
    REQUIRE_PRL_OK(PrlEvtPrm_ToUint32(max32, &u32));
    CHECK(u32 == 4294967295u);
    REQUIRE_PRL(PrlEvtPrm_ToInt32(max32, &i32), PRL_ERR_INVALID_ARG);
    CHECK(i32 == 0);  // what the original leaves
    REQUIRE_PRL_OK(PrlEvtPrm_ToUint64(max32, &u64));
    CHECK(u64 == 4294967295u);
    REQUIRE_PRL_OK(PrlEvtPrm_ToInt64(max32, &i64));
    CHECK(i64 == 4294967295ll);

    Handle neg = value(W_INT, "-2147483648");
    REQUIRE_PRL_OK(PrlEvtPrm_ToInt32(neg, &i32));
    CHECK(i32 == std::numeric_limits<PRL_INT32>::min());
    REQUIRE_PRL(PrlEvtPrm_ToUint32(neg, &u32), PRL_ERR_INVALID_ARG);
    CHECK(u32 == 0);
    REQUIRE_PRL(PrlEvtPrm_ToUint64(neg, &u64), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlEvtPrm_ToInt64(neg, &i64));
    CHECK(i64 == -2147483648ll);

    Handle big = value(W_UINT64, "18446744073709551615");
    REQUIRE_PRL_OK(PrlEvtPrm_ToUint64(big, &u64));
    CHECK(u64 == std::numeric_limits<PRL_UINT64>::max());
    REQUIRE_PRL(PrlEvtPrm_ToInt64(big, &i64), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvtPrm_ToUint32(big, &u32), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvtPrm_ToUint64(value(W_UINT64, "18446744073709551616"), &u64), PRL_ERR_INVALID_ARG);

    Handle minus64 = value(W_INT64, "-9223372036854775808");
    REQUIRE_PRL_OK(PrlEvtPrm_ToInt64(minus64, &i64));
    CHECK(i64 == std::numeric_limits<PRL_INT64>::min());
    REQUIRE_PRL(PrlEvtPrm_ToInt64(value(W_INT64, "-9223372036854775809"), &i64), PRL_ERR_INVALID_ARG);

    // Text is read as a number whatever the type says; white space around is fine.
    REQUIRE_PRL_OK(PrlEvtPrm_ToUint32(value(W_STRING, " 42 "), &u32));
    CHECK(u32 == 42);
    for (const char* bad : {"", "abc", "12abc", "1.5", "0x10", "- 1", "++1"}) {
        INFO("text '" << bad << "'");
        Handle p = value(W_STRING, bad);
        REQUIRE_PRL(PrlEvtPrm_ToUint32(p, &u32), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvtPrm_ToInt32(p, &i32), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvtPrm_ToUint64(p, &u64), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvtPrm_ToInt64(p, &i64), PRL_ERR_INVALID_ARG);
    }
}

TEST_CASE("PrlEvtPrm_ToBoolean reads the service's 1/0", "[event_param]") {
    capi::Api api;
    PRL_BOOL b = PRL_FALSE;
    REQUIRE_PRL_OK(PrlEvtPrm_ToBoolean(value(W_BOOL, "1"), &b));
    CHECK(b == PRL_TRUE);
    REQUIRE_PRL_OK(PrlEvtPrm_ToBoolean(value(W_BOOL, "0"), &b));
    CHECK(b == PRL_FALSE);
    REQUIRE_PRL_OK(PrlEvtPrm_ToBoolean(value(W_UINT, "7"), &b));
    CHECK(b == PRL_TRUE);
    REQUIRE_PRL_OK(PrlEvtPrm_ToBoolean(value(W_STRING, "true"), &b));
    CHECK(b == PRL_TRUE);
    b = PRL_TRUE;
    REQUIRE_PRL(PrlEvtPrm_ToBoolean(value(W_STRING, "maybe"), &b), PRL_ERR_INVALID_ARG);
    CHECK(b == PRL_FALSE);
}

TEST_CASE("PrlEvtPrm_ToHandle gives entities, a new reference", "[event_param]") {
    capi::Api api;
    // An entity parameter holding an event (as prlshim writes one).
    capi::EventXml inner;
    inner.code = PRL_ERR_VM_START_FAILED;
    inner.params = {capi::param_xml("n", W_UINT, "7")};
    Handle p = one_param(capi::param_xml("internal_event", W_VMCONFIG, inner.str(), {},
                                         " handleType=\"" + std::to_string(PHT_EVENT) + "\""));
    CHECK(type_of(p) == PFD_ENTITY);
    Handle h;
    REQUIRE_PRL_OK(PrlEvtPrm_ToHandle(p, h.out()));
    PRL_HANDLE_TYPE t;
    REQUIRE_PRL_OK(PrlHandle_GetType(h, &t));
    CHECK(t == PHT_EVENT);
    PRL_RESULT code;
    REQUIRE_PRL_OK(PrlEvent_GetErrCode(h, &code));
    CHECK(code == PRL_ERR_VM_START_FAILED);
    Handle again;
    REQUIRE_PRL_OK(PrlEvtPrm_ToHandle(p, again.out()));
    h.reset();  // each reference is the caller's own
    REQUIRE_PRL_OK(PrlEvent_GetErrCode(again, &code));
    // ToString of such a parameter is the object's XML.
    CHECK(capi::param_string(p).find("<ParallelsEvent") != std::string::npos);

    // Not an entity: refused as in the original.
    PRL_HANDLE raw = capi::forged_handle();
    REQUIRE_PRL(PrlEvtPrm_ToHandle(value(W_BOOL, "1"), &raw), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvtPrm_ToHandle(value(W_STRING, "x"), &raw), PRL_ERR_INVALID_ARG);
    // An entity prlshim cannot build yet (a VM configuration from the product).
    Handle vm = one_param(capi::param_xml("vm_config", W_VMCONFIG, "<ParallelsVirtualMachine/>"));
    CHECK(type_of(vm) == PFD_ENTITY);
    REQUIRE_PRL(PrlEvtPrm_ToHandle(vm, &raw), PRL_ERR_UNIMPLEMENTED);
    CHECK(capi::param_string(vm) == "<ParallelsVirtualMachine/>");
    REQUIRE_PRL(PrlEvtPrm_ToHandle(vm, nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("PrlEvtPrm_GetBuffer: a binary parameter's bytes, by the buffer rule", "[event_param]") {
    capi::Api api;
    // A binary parameter as prlshim writes it: bytes in base64 in <Data>.
    const std::string bytes = all_bytes();
    const std::string b64 = base64(bytes);
    Handle p = one_param(capi::param_xml("bin", W_UINT, "", "<Data>" + b64 + "</Data>", " binary=\"1\""));
    CHECK(type_of(p) == PFD_BINARY);
    PRL_UINT32 len = 0;
    REQUIRE_PRL_OK(PrlEvtPrm_GetBuffer(p, nullptr, &len));
    CHECK(len == 256);
    char small[10];
    len = sizeof small;
    REQUIRE_PRL(PrlEvtPrm_GetBuffer(p, small, &len), PRL_ERR_BUFFER_OVERRUN);
    CHECK(len == 256);
    CHECK(buffer_of(p) == bytes);
    REQUIRE_PRL(PrlEvtPrm_GetBuffer(p, small, nullptr), PRL_ERR_INVALID_ARG);
    // As in the original, its text value is empty and so is its CDATA.
    CHECK(capi::param_string(p).empty());
    CHECK(cdata_of(p).empty());
    // Other parameters give the UTF-8 bytes of their value, without a NUL.
    CHECK(buffer_of(value(W_STRING, "h\xc3\xa9")) == "h\xc3\xa9");
    CHECK(buffer_of(value(W_STRING, "")).empty());
}

TEST_CASE("PrlEvtPrm_ToCData gives the CDATA payload", "[event_param]") {
    capi::Api api;
    Handle p = one_param(capi::param_xml("c", W_CDATA, "", "<Data>PHg+XV0+PC94Pg==</Data>"));  // "<x>]]></x>"
    CHECK(type_of(p) == PFD_CDATA);
    CHECK(cdata_of(p) == "<x>]]></x>");
    CHECK(capi::param_string(p) == "<x>]]></x>");  // no <Value>: the payload
    Handle old = one_param(capi::param_xml("c", W_CDATA, "v", "<CData><![CDATA[raw <data>]]></CData>"));
    CHECK(cdata_of(old) == "raw <data>");
    CHECK(capi::param_string(old) == "v");
    CHECK(cdata_of(value(W_STRING, "x")).empty());
}

TEST_CASE("hostile values: 1 MiB, control characters, non-ASCII", "[event_param]") {
    capi::Api api;
    const std::string big(1u << 20, 'z');
    CHECK(capi::param_string(value(W_STRING, big)) == big);
    CHECK(capi::param_string(value(W_STRING, "\xe2\x82\xac \xf0\x9f\x98\x80")) == "\xe2\x82\xac \xf0\x9f\x98\x80");
    // Text XML cannot carry directly comes in base64 (encoding="base64").
    Handle ctl = one_param("<EventParameter><Name>c</Name><Type>1</Type><Value encoding=\"base64\">YQFi</Value></EventParameter>");
    PRL_UINT32 len = 0;
    REQUIRE_PRL_OK(PrlEvtPrm_ToString(ctl, nullptr, &len));
    CHECK(len == 4);
    char buf[4];
    REQUIRE_PRL_OK(PrlEvtPrm_ToString(ctl, buf, &len));
    CHECK(std::memcmp(buf, "a\x01" "b", 4) == 0);
}

TEST_CASE("PrlEvtPrm_* reject invalid, freed, forged and wrong-type handles and null pointers", "[event_param]") {
    capi::Api api;
    Handle job(PrlVm_MigrateCancel(PRL_INVALID_HANDLE));
    Handle ev = capi::error_event();
    Handle p = value(W_STRING, "1");
    PRL_HANDLE freed;
    {
        Handle f = value(W_STRING, "1");
        freed = f.get();
    }
    for (PRL_HANDLE bad : {PRL_HANDLE(PRL_INVALID_HANDLE), freed, capi::forged_handle(), job.get(), ev.get()}) {
        char buf[32];
        PRL_UINT32 len = sizeof buf;
        PRL_PARAM_FIELD_DATA_TYPE t;
        PRL_UINT32 u32;
        PRL_INT32 i32;
        PRL_UINT64 u64;
        PRL_INT64 i64;
        PRL_BOOL b;
        PRL_HANDLE h;
        REQUIRE_PRL(PrlEvtPrm_GetName(bad, buf, &len), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvtPrm_GetType(bad, &t), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvtPrm_ToString(bad, buf, &len), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvtPrm_ToCData(bad, buf, &len), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvtPrm_ToUint32(bad, &u32), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvtPrm_ToInt32(bad, &i32), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvtPrm_ToUint64(bad, &u64), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvtPrm_ToInt64(bad, &i64), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvtPrm_ToBoolean(bad, &b), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvtPrm_ToHandle(bad, &h), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlEvtPrm_GetBuffer(bad, buf, &len), PRL_ERR_INVALID_ARG);
    }
    REQUIRE_PRL(PrlEvtPrm_GetName(p, nullptr, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvtPrm_GetType(p, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvtPrm_ToString(p, nullptr, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvtPrm_ToCData(p, nullptr, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvtPrm_ToUint32(p, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvtPrm_ToInt32(p, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvtPrm_ToUint64(p, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvtPrm_ToInt64(p, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvtPrm_ToBoolean(p, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvtPrm_ToHandle(p, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlEvtPrm_GetBuffer(p, nullptr, nullptr), PRL_ERR_INVALID_ARG);
    // The buffer rule for names and values.
    PRL_UINT32 len = 1;
    char one[1];
    REQUIRE_PRL(PrlEvtPrm_GetName(p, one, &len), PRL_ERR_BUFFER_OVERRUN);
    CHECK(len == 2);
    len = 1;
    REQUIRE_PRL(PrlEvtPrm_ToString(p, one, &len), PRL_ERR_BUFFER_OVERRUN);
    CHECK(len == 2);
}
