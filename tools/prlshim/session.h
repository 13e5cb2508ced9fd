// RAII over the SDK: API start-up, owned handles, the logged-in session, jobs
// (waited for with Ctrl-C mapped to PrlJob_Cancel) and the failure type every
// command throws.
#pragma once

#include <prlsdk/PrlApi.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace prlshim {

// Exit statuses (docs/cli.md).
enum Exit : int { kOk = 0, kFailed = 1, kUsage = 2, kInterrupted = 130 };

// A failed operation: what was being done, the SDK's code and its text.
class Failure : public std::runtime_error {
public:
    Failure(PRL_RESULT code, const std::string& message, int exit_status = kFailed)
        : std::runtime_error(message), code_(code), exit_(exit_status) {}
    PRL_RESULT code() const { return code_; }
    int exit_status() const { return exit_; }

private:
    PRL_RESULT code_;
    int exit_;
};

// The SDK's text for a code (PrlApi_GetResultDescription).
std::string describe(PRL_RESULT rc);
// Throws Failure("<what>: <SDK text>") when rc is a failure code.
void check(PRL_RESULT rc, const std::string& what);

// Owns one reference to a handle.
class Handle {
public:
    Handle() = default;
    explicit Handle(PRL_HANDLE h) : h_(h) {}
    Handle(Handle&& o) noexcept : h_(std::exchange(o.h_, PRL_HANDLE(PRL_INVALID_HANDLE))) {}
    Handle& operator=(Handle&& o) noexcept {
        reset(std::exchange(o.h_, PRL_HANDLE(PRL_INVALID_HANDLE)));
        return *this;
    }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    ~Handle() { reset(); }
    void reset(PRL_HANDLE h = PRL_INVALID_HANDLE) {
        if (h_ != PRL_INVALID_HANDLE) PrlHandle_Free(h_);
        h_ = h;
    }
    PRL_HANDLE* out() {
        reset();
        return &h_;
    }
    PRL_HANDLE get() const { return h_; }
    operator PRL_HANDLE() const { return h_; }
    explicit operator bool() const { return h_ != PRL_INVALID_HANDLE; }

private:
    PRL_HANDLE h_ = PRL_INVALID_HANDLE;
};

// Reads a (buf, len) string out-parameter with the SDK's two-call pattern.
std::string get_string(const std::function<PRL_RESULT(PRL_STR, PRL_UINT32_PTR)>& getter, const std::string& what);

// PrlApi_InitEx for the life of the object; PrlApi_Deinit after. With a
// log path, the SDK's log (PrlApi_SetLogPath) goes to that file.
class Api {
public:
    explicit Api(const std::string& log_path = {});
    ~Api();
    Api(const Api&) = delete;
    Api& operator=(const Api&) = delete;
};

// How a job ended.
struct JobOutcome {
    PRL_RESULT rc = PRL_ERR_SUCCESS;
    Handle job;
    bool interrupted = false;  // Ctrl-C arrived and PrlJob_Cancel was sent
    Handle result() const;     // PrlJob_GetResult (success only)
    std::string error_text() const;  // the SDK's text, plus the job's error detail when it adds to it
};

// Waits for `job` to finish. While waiting, `tick` (when set) is called about
// ten times a second with the job's progress; a Ctrl-C sends PrlJob_Cancel
// once (when `cancellable`) and keeps waiting for the job to stop.
JobOutcome wait_job(PRL_HANDLE job, const std::function<void(unsigned)>& tick = {}, bool cancellable = true);
// wait_job, then the result; a failure throws Failure("<what>: <text>").
Handle run_job(PRL_HANDLE job, const std::string& what);
// Throws the Failure for a finished, failed outcome (exit status 130 after Ctrl-C).
[[noreturn]] void fail_job(const JobOutcome& outcome, const std::string& what);

// A VM or container found in the inventory.
struct VmRef {
    Handle vm;
    std::string uuid, name;
    PRL_VM_TYPE type = PVT_VM;
    const char* kind() const { return type == PVT_CT ? "CT" : "VM"; }
};

// The logged-in local session.
// Where a session logs in: the local service (the daemon of the state
// root, else the embedded one), or a prlshimd at host:port over TLS.
struct LoginTarget {
    std::string host;      // empty: local
    unsigned port = 0;     // 0: the product's port, 64000
    std::string user, password;
};

// "HOST", "HOST:PORT", "[V6]" or "[V6]:PORT"; throws Failure (usage) when malformed.
LoginTarget parse_host(const std::string& text);

class Session {
public:
    explicit Session(const LoginTarget& target = {});
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    PRL_HANDLE server() const { return server_; }
    const std::string& server_uuid() const { return server_uuid_; }
    const std::string& host_name() const { return host_name_; }
    Handle login_response() const;  // a new reference
    Handle server_config();         // PrlSrv_GetSrvConfig

    // By UUID (with or without braces) or by name; throws Failure when absent.
    VmRef find(const std::string& key);
    // Every VM and container (PVTF_VM | PVTF_CT).
    std::vector<VmRef> list();

private:
    Handle server_;
    Handle login_;
    std::string server_uuid_, host_name_;
};

// Fills a VmRef's uuid, name and type from its handle.
VmRef describe_vm(Handle vm);
// True when s looks like a UUID, with or without braces.
bool looks_like_uuid(const std::string& s);

}  // namespace prlshim
