// A failure crossing prlshimd's wire: the daemon answers a call that threw
// with an "error" record naming the exception's domain and code, and the
// client throws the same exception again, so the SDK layer maps it to the
// PRL_RESULT the embedded service would have given.
#pragma once
#include "record.h"

namespace prl::remote {

// The error record for the exception being handled (call in a catch block).
Record current_error_record();
// Throws the exception an "error" record stands for.
[[noreturn]] void throw_error_record(const Record& error);

}  // namespace prl::remote
