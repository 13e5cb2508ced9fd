// The C boundary. Every exported function runs its body through one of:
//
//   sync(body)          PRL_RESULT functions; PRL_ERR_API_WASNT_INITIALIZED
//                       outside PrlApi_Init..Deinit
//   sync_anytime(body)  the few that work without initialisation
//   async(op, body)     PRL_HANDLE (job) functions; a failure becomes a job
//                       already finished with that code
//
// Inside a body, preconditions are one-line checks that throw prl::Error;
// every exception is turned into a PRL_RESULT here, so none crosses the C ABI.
#pragma once

#include "core/api_state.h"
#include "core/error.h"
#include "core/handle_table.h"
#include "core/job.h"

#include <Virtuozzo.h>

#include <cstring>
#include <initializer_list>
#include <type_traits>
#include <memory>
#include <string>

namespace prl::abi {

// The PRL_RESULT for the exception being handled (call only inside catch).
PRL_RESULT current_exception_code() noexcept;
std::string current_exception_text() noexcept;

template <class Body>
PRL_RESULT sync_anytime(Body&& body) noexcept {
    try {
        return body();
    } catch (...) {
        return current_exception_code();
    }
}

template <class Body>
PRL_RESULT sync(Body&& body) noexcept {
    if (!ApiState::instance().initialized()) return PRL_ERR_API_WASNT_INITIALIZED;
    return sync_anytime(static_cast<Body&&>(body));
}

// Gives a job to the client (one reference).
PRL_HANDLE give_job(const JobPtr& job);
// A job already finished with `code`, given to the client; PRL_INVALID_HANDLE
// only when even that cannot be allocated.
PRL_HANDLE failed_job(PRL_JOB_OPERATION_CODE op, PRL_RESULT code, const std::string& text = {}) noexcept;

template <class Body>
PRL_HANDLE async(PRL_JOB_OPERATION_CODE op, Body&& body) noexcept {
    if (!ApiState::instance().initialized()) return PRL_INVALID_HANDLE;
    try {
        return body();
    } catch (...) {
        return failed_job(op, current_exception_code(), current_exception_text());
    }
}

PRL_RESULT unimplemented_sync() noexcept;
PRL_HANDLE unimplemented_async() noexcept;

// A live object of type T behind a handle, pinned for the current call.
template <class T>
class Handle {
public:
    Handle(HandleTable::Pin pin, T* object) noexcept : pin_(std::move(pin)), object_(object) {}
    T* operator->() const noexcept { return object_; }
    T& operator*() const noexcept { return *object_; }
    std::shared_ptr<T> share() const { return std::static_pointer_cast<T>(pin_.share()); }

private:
    HandleTable::Pin pin_;
    T* object_;
};

// The one way from a PRL_HANDLE to an object: checks slot, generation and
// type (T::accepts) and gives PRL_ERR_INVALID_ARG otherwise.
template <class T>
Handle<T> handle_cast(PRL_HANDLE h) {
    HandleTable::Pin pin = HandleTable::instance().pin(from_handle(h));
    if (!pin || !T::accepts(pin.get()->type())) fail(PRL_ERR_INVALID_ARG, "invalid handle");
    T* object = static_cast<T*>(pin.get());
    return Handle<T>(std::move(pin), object);
}

// Stores a new client reference to `object` in *out.
void give(const ObjectPtr& object, PRL_HANDLE_PTR out);

// Enumeration arguments come from C and may hold any value: they are read and
// written as their underlying integer, so no out-of-range enum value is formed.
template <class E>
long long enum_in(const E& e) {
    std::underlying_type_t<E> v;
    std::memcpy(&v, &e, sizeof v);
    return static_cast<long long>(v);
}
template <class E>
void enum_out(E* out, long long value) {
    const auto v = static_cast<std::underlying_type_t<E>>(value);
    std::memcpy(out, &v, sizeof v);
}

// The embedded service answers only for this host: an empty host,
// localhost, 127.0.0.1 or ::1. Another host needs the prlshimd daemon.
bool is_local_host(const char* host) noexcept;

// A string argument the SDK requires: null is PRL_ERR_INVALID_ARG (an empty
// string is a value, often "the default").
inline std::string string_arg(PRL_CONST_STR s) {
    require(s != nullptr, PRL_ERR_INVALID_ARG, "null string");
    return s;
}

template <class T>
T* out_ptr(T* p) {
    require(p != nullptr, PRL_ERR_INVALID_ARG, "null output pointer");
    return p;
}

}  // namespace prl::abi
