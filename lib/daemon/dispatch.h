// The daemon's side of RemoteService (lib/remote/remote_service.cpp): a call
// record in, the Service method it names run, the answer record out.
#pragma once
#include "remote/record.h"

#include "service/service.h"

namespace prl::daemon {

// Runs the call on `service` and returns its "result" record. Throws what
// the method throws, and service::Error(unimplemented) for an unknown op,
// service::Error(corrupt) for missing or malformed fields.
// Whether an operation may take long (copies or reads whole disks, walks a
// repository): the daemon runs those on a thread of their own.
bool runs_long(const std::string& op);

// What a long call acts on, for its task's description: "vm {uuid}" when it
// names a VM, else empty. Never throws on a malformed call.
std::string task_subject(const remote::Record& call) noexcept;
// The VM of such a description ("vm {uuid}"), else empty: what a task
// record tells clients as its own field.
std::string task_vm(const std::string& description);

remote::Record dispatch(service::Service& service, const remote::Record& call, const backup::Progress& progress);

}  // namespace prl::daemon
