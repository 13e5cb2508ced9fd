// XML form of events and results (docs/event-xml.md), with libxml2.
//
// Events are written as the original service writes its CVmEvent
// (<ParallelsEvent> with EventType, EventCode, ..., EventParameters), so XML
// from a real product can be read; results as the service's response package
// (the same document, one ws_response_cmd_standard_param per parameter).
//
// Parsing never loads a DTD, an external entity or anything from the network;
// a document with any DTD, more than kMaxInputSize bytes, elements nested
// deeper than kMaxDepth or objects nested deeper than kMaxNesting is refused.
// Every refusal throws prl::Error(PRL_ERR_INVALID_ARG).
#pragma once

#include "event.h"
#include "result.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace prl::xml {

constexpr std::size_t kMaxInputSize = 16u << 20;  // 16 MiB
constexpr int kMaxDepth = 32;                      // element nesting in one document
constexpr int kMaxNesting = 8;                     // event/result inside a parameter inside ...

// Whether object_to_xml can write this object (events and results).
bool serialisable(const Object& object) noexcept;

std::string to_xml(const Event& event);
std::string to_xml(const Result& result);
// Events and results; anything else throws prl::Error(PRL_ERR_UNIMPLEMENTED).
std::string object_to_xml(const Object& object);

// The event's own fields (server, VM and job are left empty).
EventData event_from_xml(std::string_view xml);
std::vector<Result::Param> result_from_xml(std::string_view xml);

}  // namespace prl::xml
