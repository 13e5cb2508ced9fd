// Helpers for black-box tests of the C API (public headers only).
#pragma once

#include <Virtuozzo.h>

#include <catch2/catch.hpp>

#include <string>
#include <utility>

namespace capi {

inline std::string describe(PRL_RESULT rc) {
    char text[512];
    PRL_UINT32 len = sizeof text;
    if (PRL_FAILED(PrlApi_GetResultDescription(rc, PRL_FALSE, PRL_FALSE, text, &len))) return "?";
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08X", static_cast<unsigned>(rc));
    return std::string(hex) + " " + text;
}

// Owns one reference to a handle; frees it when it goes out of scope.
class Handle {
public:
    Handle() = default;
    explicit Handle(PRL_HANDLE h) : h_(h) {}
    Handle(Handle&& o) noexcept : h_(std::exchange(o.h_, PRL_HANDLE(PRL_INVALID_HANDLE))) {}
    Handle& operator=(Handle&& o) noexcept {
        reset(std::exchange(o.h_, PRL_HANDLE(PRL_INVALID_HANDLE)));
        return *this;
    }
    ~Handle() { reset(); }
    void reset(PRL_HANDLE h = PRL_INVALID_HANDLE) {
        if (h_ != PRL_INVALID_HANDLE) PrlHandle_Free(h_);
        h_ = h;
    }
    PRL_HANDLE get() const { return h_; }
    PRL_HANDLE* out() {
        reset();
        return &h_;
    }
    PRL_HANDLE release() { return std::exchange(h_, PRL_HANDLE(PRL_INVALID_HANDLE)); }
    operator PRL_HANDLE() const { return h_; }

private:
    PRL_HANDLE h_ = PRL_INVALID_HANDLE;
};

// PrlApi_InitEx for the duration of a test.
struct Api {
    Api() { REQUIRE(PrlApi_InitEx(PARALLELS_API_VER, PAM_SERVER, 0, 0) == PRL_ERR_SUCCESS); }
    ~Api() { PrlApi_Deinit(); }
};


// Reads a string out-parameter with the SDK's two-call pattern.
template <class F>
std::string get_string(F&& getter) {
    PRL_UINT32 len = 0;
    PRL_RESULT rc = getter(nullptr, &len);
    if (PRL_FAILED(rc)) throw std::runtime_error("size query failed: " + describe(rc));
    std::string s(len, '\0');
    rc = getter(s.data(), &len);
    if (PRL_FAILED(rc)) throw std::runtime_error("read failed: " + describe(rc));
    s.resize(len ? len - 1 : 0);
    return s;
}

// A job's own code the SDK's way: PrlJob_Wait says only whether the job
// finished (PRL_ERR_TIMEOUT if not); PrlJob_GetRetCode gives its code.
inline PRL_RESULT wait_code(PRL_HANDLE job, PRL_UINT32 msecs) {
    PRL_RESULT rc = PrlJob_Wait(job, msecs);
    if (PRL_FAILED(rc)) return rc;
    PRL_RESULT code = PRL_ERR_UNINITIALIZED;
    rc = PrlJob_GetRetCode(job, &code);
    return PRL_FAILED(rc) ? rc : code;
}

// A value no handle table ever issued, a handle after PrlHandle_Free, etc.
inline PRL_HANDLE forged_handle() { return reinterpret_cast<PRL_HANDLE>(static_cast<uintptr_t>(0x7fff00001234ull)); }

}  // namespace capi

#define REQUIRE_PRL_OK(expr)                                                            \
    do {                                                                                \
        const PRL_RESULT prl_rc_ = (expr);                                              \
        INFO(#expr << " -> " << capi::describe(prl_rc_));                               \
        REQUIRE(prl_rc_ == PRL_ERR_SUCCESS);                                            \
    } while (0)

#define REQUIRE_PRL(expr, want)                                                         \
    do {                                                                                \
        const PRL_RESULT prl_rc_ = (expr);                                              \
        INFO(#expr << " -> " << capi::describe(prl_rc_) << ", wanted " << capi::describe(want)); \
        REQUIRE(prl_rc_ == (want));                                                     \
    } while (0)

namespace capi {

// Runs a job to its end, requires its code to be `want` and, on success,
// returns its result.
inline Handle run(PRL_HANDLE job, PRL_RESULT want = PRL_ERR_SUCCESS) {
    Handle j(job);
    REQUIRE_PRL(wait_code(j, 120000), want);
    Handle result;
    if (want == PRL_ERR_SUCCESS) REQUIRE_PRL_OK(PrlJob_GetResult(j, result.out()));
    return result;
}

// A VM made offline (no login) for configuration and device tests.
struct NewVm {
    Api api;
    Handle server, vm;
    NewVm() {
        REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
        REQUIRE_PRL_OK(PrlSrv_CreateVm(server, vm.out()));
    }
    Handle create(PRL_DEVICE_TYPE type) {
        Handle dev;
        REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm, type, dev.out()));
        return dev;
    }
};

}  // namespace capi
