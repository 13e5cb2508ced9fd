// Event (PHT_EVENT) and its typed parameters (PHT_EVENT_PARAMETER).
//
// An event is immutable once emitted, so handlers on several threads may read
// it without locks. Parameter names are those the original service sends
// (lib/abi/defs/event_params.tsv), e.g. "progress_changed", "vminfo_vm_state".
#pragma once

#include "object.h"

#include <PrlErrors.h>
#include <PrlEventsValues.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace prl {

class EventParam : public Object {
public:
    EventParam(std::string name, PRL_PARAM_FIELD_DATA_TYPE type, std::string text)
        : Object(PHT_EVENT_PARAMETER), name_(std::move(name)), type_(type), text_(std::move(text)) {}
    EventParam(std::string name, ObjectPtr entity)
        : Object(PHT_EVENT_PARAMETER), name_(std::move(name)), type_(PFD_ENTITY), entity_(std::move(entity)) {}

    static std::shared_ptr<EventParam> string(std::string name, std::string value);
    static std::shared_ptr<EventParam> int32(std::string name, std::int32_t value);
    static std::shared_ptr<EventParam> uint32(std::string name, std::uint32_t value);
    static std::shared_ptr<EventParam> int64(std::string name, std::int64_t value);
    static std::shared_ptr<EventParam> uint64(std::string name, std::uint64_t value);
    static std::shared_ptr<EventParam> boolean(std::string name, bool value);
    static std::shared_ptr<EventParam> binary(std::string name, std::string bytes);

    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_EVENT_PARAMETER; }
    const std::string& name() const noexcept { return name_; }
    PRL_PARAM_FIELD_DATA_TYPE data_type() const noexcept { return type_; }
    // Numbers are kept in their decimal text, booleans as "1"/"0", binary as raw bytes.
    const std::string& text() const noexcept { return text_; }
    const ObjectPtr& entity() const noexcept { return entity_; }

private:
    std::string name_;
    PRL_PARAM_FIELD_DATA_TYPE type_;
    std::string text_;
    ObjectPtr entity_;
};

using EventParamPtr = std::shared_ptr<EventParam>;

struct EventData {
    PRL_EVENT_TYPE type = PET_DSP_EVT_ERROR_MESSAGE;
    PRL_EVENT_ISSUER_TYPE issuer_type = PIE_DISPATCHER;
    std::string issuer_id;
    PRL_RESULT error_code = PRL_ERR_SUCCESS;
    std::string error_text;  // empty: the code's own description
    bool can_be_ignored = false;
    bool answer_required = false;
    std::vector<EventParamPtr> params;
    ObjectPtr server;  // the server the event came through, if any
    ObjectPtr vm;      // the VM it concerns, if any
    ObjectPtr job;     // the job it belongs to, if any
};

class Event : public Object {
public:
    explicit Event(EventData data) : Object(PHT_EVENT), data_(std::move(data)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_EVENT; }
    const EventData& data() const noexcept { return data_; }
    // The parameter with that name, or null.
    EventParamPtr param(const std::string& name) const;

    // An error event for a failed job (what PrlJob_GetError gives).
    static std::shared_ptr<Event> error(PRL_RESULT code, std::string text);

private:
    EventData data_;
};

using EventPtr = std::shared_ptr<Event>;

}  // namespace prl
