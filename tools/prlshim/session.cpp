#include "session.h"

#include "interrupt.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace prlshim {

std::string describe(PRL_RESULT rc) {
    PRL_UINT32 len = 0;
    if (PRL_FAILED(PrlApi_GetResultDescription(rc, PRL_FALSE, PRL_FALSE, nullptr, &len)) || len == 0)
        return "error " + std::to_string(rc);
    std::string text(len, '\0');
    if (PRL_FAILED(PrlApi_GetResultDescription(rc, PRL_FALSE, PRL_FALSE, text.data(), &len)))
        return "error " + std::to_string(rc);
    text.resize(std::strlen(text.c_str()));
    return text;
}

void check(PRL_RESULT rc, const std::string& what) {
    if (PRL_FAILED(rc)) throw Failure(rc, what + ": " + describe(rc));
}

std::string get_string(const std::function<PRL_RESULT(PRL_STR, PRL_UINT32_PTR)>& getter, const std::string& what) {
    // The value may grow between the two calls; retry on an overrun.
    for (int attempt = 0; attempt < 4; ++attempt) {
        PRL_UINT32 len = 0;
        check(getter(nullptr, &len), what);
        std::string s(len + 1, '\0');
        len = static_cast<PRL_UINT32>(s.size());
        const PRL_RESULT rc = getter(s.data(), &len);
        if (rc == PRL_ERR_BUFFER_OVERRUN) continue;
        check(rc, what);
        s.resize(std::strlen(s.c_str()));
        return s;
    }
    throw Failure(PRL_ERR_BUFFER_OVERRUN, what + ": " + describe(PRL_ERR_BUFFER_OVERRUN));
}

Api::Api(const std::string& log_path) {
    check(PrlApi_InitEx(PARALLELS_API_VER, PAM_SERVER, 0, 0), "Failed to initialise the SDK");
    if (!log_path.empty()) {
        const PRL_RESULT rc = PrlApi_SetLogPath(log_path.c_str());
        if (PRL_FAILED(rc)) {
            PrlApi_Deinit();
            check(rc, "Failed to open the log file " + log_path);
        }
    }
}
Api::~Api() { PrlApi_Deinit(); }

// ---- jobs ----

Handle JobOutcome::result() const {
    Handle r;
    check(PrlJob_GetResult(job, r.out()), "Failed to read the result");
    return r;
}

std::string JobOutcome::error_text() const {
    std::string text = describe(rc);
    Handle error;
    if (PRL_SUCCEEDED(PrlJob_GetError(job, error.out()))) {
        // The error event's own text, when it says more than the generic one.
        PRL_UINT32 len = 0;
        if (PRL_SUCCEEDED(PrlEvent_GetErrString(error, PRL_FALSE, PRL_FALSE, nullptr, &len)) && len > 1) {
            std::string detail(len, '\0');
            if (PRL_SUCCEEDED(PrlEvent_GetErrString(error, PRL_FALSE, PRL_FALSE, detail.data(), &len))) {
                detail.resize(std::strlen(detail.c_str()));
                if (!detail.empty() && detail != text && text.find(detail) == std::string::npos)
                    text += " (" + detail + ")";
            }
        }
    }
    return text;
}

JobOutcome wait_job(PRL_HANDLE job, const std::function<void(unsigned)>& tick, bool cancellable) {
    JobOutcome out;
    out.job.reset(job);
    if (job == PRL_INVALID_HANDLE) {
        out.rc = PRL_ERR_OUT_OF_MEMORY;
        return out;
    }
    for (;;) {
        // PrlJob_Wait says only whether the job finished (PRL_ERR_TIMEOUT if
        // not, PRL_ERR_INVALID_ARG for a bad handle); the job's own code is
        // PrlJob_GetRetCode's.
        const PRL_RESULT waited = PrlJob_Wait(job, 100);
        if (waited != PRL_ERR_TIMEOUT) {
            if (PRL_FAILED(waited)) {
                out.rc = waited;
                break;
            }
            PRL_RESULT rc = PRL_ERR_UNINITIALIZED;
            const PRL_RESULT got = PrlJob_GetRetCode(job, &rc);
            out.rc = PRL_FAILED(got) ? got : rc;
            break;
        }
        if (tick) {
            PRL_UINT32 pct = 0;
            if (PRL_SUCCEEDED(PrlJob_GetProgress(job, &pct))) tick(pct);
        }
        if (cancellable && interrupt::requested() && !out.interrupted) {
            out.interrupted = true;
            Handle cancel(PrlJob_Cancel(job));
            PrlJob_Wait(cancel, 10000);
        }
    }
    if (tick && PRL_SUCCEEDED(out.rc)) tick(100);
    return out;
}

void fail_job(const JobOutcome& outcome, const std::string& what) {
    const bool cancelled = outcome.rc == PRL_ERR_OPERATION_WAS_CANCELED;
    throw Failure(outcome.rc, what + ": " + outcome.error_text(),
                  cancelled && outcome.interrupted ? kInterrupted : kFailed);
}

Handle run_job(PRL_HANDLE job, const std::string& what) {
    JobOutcome outcome = wait_job(job);
    if (PRL_FAILED(outcome.rc)) fail_job(outcome, what);
    return outcome.result();
}

// ---- session ----

LoginTarget parse_host(const std::string& text) {
    LoginTarget t;
    std::string port;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string::npos) throw Failure(PRL_ERR_INVALID_ARG, "--host: no ']' after an IPv6 address", kUsage);
        t.host = text.substr(1, close - 1);
        if (close + 1 < text.size()) {
            if (text[close + 1] != ':') throw Failure(PRL_ERR_INVALID_ARG, "--host: expected ':PORT' after ']'", kUsage);
            port = text.substr(close + 2);
        }
    } else if (const auto colon = text.find(':'); colon != std::string::npos) {
        t.host = text.substr(0, colon);
        port = text.substr(colon + 1);
    } else {
        t.host = text;
    }
    if (t.host.empty()) throw Failure(PRL_ERR_INVALID_ARG, "--host: no host name", kUsage);
    if (!port.empty()) {
        char* end = nullptr;
        const unsigned long p = std::strtoul(port.c_str(), &end, 10);
        if (*end != '\0' || p == 0 || p > 65535) throw Failure(PRL_ERR_INVALID_ARG, "--host: bad port '" + port + "'", kUsage);
        t.port = static_cast<unsigned>(p);
    }
    return t;
}

Session::Session(const LoginTarget& target) {
    check(PrlSrv_Create(server_.out()), "Failed to create the server handle");
    Handle result =
        target.host.empty()
            ? run_job(PrlSrv_LoginLocalEx(server_, nullptr, 0, PSL_HIGH_SECURITY, PACF_NON_INTERACTIVE_MODE),
                      "Failed to log in to the local service")
            : run_job(PrlSrv_LoginEx(server_, target.host.c_str(), target.user.c_str(), target.password.c_str(),
                                     nullptr, target.port ? target.port : 64000, 30000, PSL_HIGH_SECURITY,
                                     PACF_NON_INTERACTIVE_MODE),
                      "Failed to log in to " + target.host);
    check(PrlResult_GetParam(result, login_.out()), "Failed to read the login response");
    server_uuid_ = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlLoginResponse_GetServerUuid(login_, b, l); },
                              "Failed to read the server UUID");
    Handle info;
    if (PRL_SUCCEEDED(PrlSrv_GetServerInfo(server_, info.out())))
        host_name_ = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlSrvInfo_GetHostName(info, b, l); },
                                "Failed to read the host name");
}

Session::~Session() {
    if (server_) {
        Handle logoff(PrlSrv_Logoff(server_));
        PrlJob_Wait(logoff, 10000);
    }
}

Handle Session::login_response() const {
    PrlHandle_AddRef(login_);
    return Handle(login_.get());
}

Handle Session::server_config() {
    Handle result = run_job(PrlSrv_GetSrvConfig(server_), "Failed to read the server configuration");
    Handle cfg;
    check(PrlResult_GetParam(result, cfg.out()), "Failed to read the server configuration");
    return cfg;
}

bool looks_like_uuid(const std::string& s) {
    std::string t = s;
    if (t.size() == 38 && t.front() == '{' && t.back() == '}') t = t.substr(1, 36);
    if (t.size() != 36) return false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? t[i] != '-' : !std::isxdigit(static_cast<unsigned char>(t[i]))) return false;
    }
    return true;
}

VmRef describe_vm(Handle vm) {
    VmRef ref;
    ref.uuid = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetUuid(vm, b, l); },
                          "Failed to read the UUID");
    ref.name = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetName(vm, b, l); },
                          "Failed to read the name");
    check(PrlVmCfg_GetVmType(vm, &ref.type), "Failed to read the type");
    ref.vm = std::move(vm);
    return ref;
}

VmRef Session::find(const std::string& key) {
    if (key.empty()) throw Failure(PRL_ERR_INVALID_ARG, "No VM name or UUID given", kUsage);
    JobOutcome outcome;
    if (looks_like_uuid(key)) {
        std::string uuid = key.front() == '{' ? key : "{" + key + "}";
        std::transform(uuid.begin(), uuid.end(), uuid.begin(), [](unsigned char c) { return std::tolower(c); });
        outcome = wait_job(PrlSrv_GetVmConfig(server_, uuid.c_str(), PGVC_SEARCH_BY_UUID));
    }
    if (!looks_like_uuid(key) || outcome.rc == PRL_ERR_VM_UUID_NOT_FOUND)
        outcome = wait_job(PrlSrv_GetVmConfig(server_, key.c_str(), PGVC_SEARCH_BY_NAME));
    if (PRL_FAILED(outcome.rc)) fail_job(outcome, "Failed to find " + key);
    Handle result = outcome.result(), vm;
    check(PrlResult_GetParam(result, vm.out()), "Failed to read the configuration of " + key);
    return describe_vm(std::move(vm));
}

std::vector<VmRef> Session::list() {
    Handle result = run_job(PrlSrv_GetVmListEx(server_, PVTF_VM | PVTF_CT), "Failed to get the VM list");
    PRL_UINT32 count = 0;
    check(PrlResult_GetParamsCount(result, &count), "Failed to get the VM list");
    std::vector<VmRef> vms;
    for (PRL_UINT32 i = 0; i < count; ++i) {
        Handle vm;
        check(PrlResult_GetParamByIndex(result, i, vm.out()), "Failed to get the VM list");
        vms.push_back(describe_vm(std::move(vm)));
    }
    return vms;
}

}  // namespace prlshim
