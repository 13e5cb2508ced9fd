// Shared by the entry points that move objects to and from XML
// (serialize.cpp, event.cpp).
#pragma once

#include "core/event.h"
#include "core/result.h"

#include <PrlTypes.h>

#include <string>

namespace prl::abi {

// A NUL-terminated malloc'ed copy, what the library hands out as void*
// (PrlEvent_GetDataPtr, PrlHandle_ToString): the client releases it with
// PrlBuffer_Free, as the original's strdup'ed buffers. Throws std::bad_alloc.
void* malloc_copy(const std::string& text);

// Replace the contents from XML; on any failure (PRL_ERR_INVALID_ARG) the
// object is left as it was.
void load_event(Event& event, PRL_CONST_STR xml);
void load_result(Result& result, PRL_CONST_STR xml);

}  // namespace prl::abi
