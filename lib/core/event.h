// Event (PHT_EVENT) and its typed parameters (PHT_EVENT_PARAMETER).
//
// The model follows the original service's CVmEvent: a type, a level, a code,
// whether an answer is needed, the issuer (type and id), a source, the id of
// the request it belongs to and an ordered list of named parameters. Each
// parameter has the service's own wire type (PVE::ParamFieldDataType, kept so
// that XML round-trips without loss), from which the SDK type
// (PRL_PARAM_FIELD_DATA_TYPE) follows by the original's mapping.
//
// Parameter names are those the original service sends
// (lib/abi/defs/event_params.tsv), e.g. "progress_changed", "vminfo_vm_state".
//
// An event is read by handlers on several threads without locks. The one
// mutation, PrlEvent_FromString (replace()), publishes a new version
// atomically and keeps the earlier ones alive until the event dies, so a
// reference from data() never dangles.
#pragma once

#include "object.h"

#include <PrlErrors.h>
#include <PrlEventsValues.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace prl {

// The service's parameter wire types (PVE::ParamFieldDataType), as numbers in
// the XML's <Type> element.
namespace wire {
enum Type : int {
    UnsignedInt = 0,
    String = 1,
    Integer = 2,
    CData = 3,
    Text = 4,
    MessageShowNextTime = 5,
    Boolean = 6,
    VmConfiguration = 7,
    VmLicense = 8,
    Uuid = 9,
    VmReturnCode = 10,
    VmRuntimeState = 11,
    VmSmartKernelState = 12,
    VmGuestToolActiveState = 13,
    UserResponseOnQuestion = 14,
    VmDeviceStateData = 15,
    Int64 = 16,
    UInt64 = 17,
    DateTime = 18,
    Date = 19,
    Time = 20,
};
// The SDK type the original reports for a wire type (PFD_UNKNOWN for others).
PRL_PARAM_FIELD_DATA_TYPE sdk_type(int wire_type) noexcept;
// The wire type prlshim writes for a parameter created with an SDK type.
int from_sdk_type(PRL_PARAM_FIELD_DATA_TYPE type) noexcept;
}  // namespace wire

class EventParam : public Object {
public:
    // Everything a parameter can carry. `data` is the <Data> payload (CDATA
    // parameters) or, for a binary parameter, its bytes.
    struct Fields {
        std::string name;
        int wire_type = wire::String;
        bool binary = false;
        std::string text;  // <Value>
        std::string data;
        bool is_list = false;
        std::vector<std::string> items;  // <Value><ListItem>... when is_list
        ObjectPtr entity;                 // the object of an entity parameter, if any
    };

    explicit EventParam(Fields f);
    EventParam(std::string name, PRL_PARAM_FIELD_DATA_TYPE type, std::string text);
    EventParam(std::string name, ObjectPtr entity);

    static std::shared_ptr<EventParam> string(std::string name, std::string value);
    static std::shared_ptr<EventParam> int32(std::string name, std::int32_t value);
    static std::shared_ptr<EventParam> uint32(std::string name, std::uint32_t value);
    static std::shared_ptr<EventParam> int64(std::string name, std::int64_t value);
    static std::shared_ptr<EventParam> uint64(std::string name, std::uint64_t value);
    static std::shared_ptr<EventParam> boolean(std::string name, bool value);
    static std::shared_ptr<EventParam> binary(std::string name, std::string bytes);
    static std::shared_ptr<EventParam> cdata(std::string name, std::string value);
    static std::shared_ptr<EventParam> uuid(std::string name, std::string value);
    static std::shared_ptr<EventParam> enumeration(std::string name, std::int64_t value);
    static std::shared_ptr<EventParam> entity(std::string name, ObjectPtr object);

    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_EVENT_PARAMETER; }
    const std::string& name() const noexcept { return f_.name; }
    PRL_PARAM_FIELD_DATA_TYPE data_type() const noexcept { return type_; }
    int wire_type() const noexcept { return f_.wire_type; }
    bool is_binary() const noexcept { return f_.binary; }
    // The <Value> text: numbers in decimal, booleans "1"/"0"; empty for binary.
    const std::string& text() const noexcept { return f_.text; }
    // The <Data> payload (CDATA), or the bytes of a binary parameter.
    const std::string& data() const noexcept { return f_.data; }
    bool is_list() const noexcept { return f_.is_list; }
    const std::vector<std::string>& items() const noexcept { return f_.items; }
    const ObjectPtr& entity() const noexcept { return f_.entity; }
    const Fields& fields() const noexcept { return f_; }

private:
    Fields f_;
    PRL_PARAM_FIELD_DATA_TYPE type_;
};

using EventParamPtr = std::shared_ptr<EventParam>;

struct EventData {
    // Kept as integers: events read from XML may carry values that are no
    // enumerator of PRL_EVENT_TYPE / PRL_EVENT_ISSUER_TYPE, and an enum may not hold those.
    std::uint32_t type = PET_DSP_EVT_ERROR_MESSAGE;
    int level = 0;  // PVE::VmEventLevel
    std::uint32_t issuer_type = PIE_DISPATCHER;
    std::string issuer_id;
    std::string source;
    std::string request_id;  // the request (job) it belongs to
    std::uint64_t event_id = 0;
    PRL_RESULT error_code = PRL_ERR_SUCCESS;
    std::string error_text;  // empty: the code's own description
    bool can_be_ignored = false;  // besides what the code itself says
    bool answer_required = false;
    std::vector<EventParamPtr> params;
    ObjectPtr server;  // the server the event came through, if any
    ObjectPtr vm;      // the VM it concerns, if any
    ObjectPtr job;     // the job it belongs to, if any
};

class Event : public Object {
public:
    explicit Event(EventData data);
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_EVENT; }
    const EventData& data() const noexcept { return *current_.load(std::memory_order_acquire); }
    // The parameter with that name (the first one), or null.
    EventParamPtr param(const std::string& name) const;

    // Publishes new contents (PrlEvent_FromString). Earlier versions stay
    // alive, so references taken from data() stay valid.
    void replace(EventData data);

    // An error event for a failed job (what PrlJob_GetError gives).
    static std::shared_ptr<Event> error(PRL_RESULT code, std::string text);

private:
    std::mutex mutex_;  // guards versions_ (writers only)
    std::vector<std::unique_ptr<const EventData>> versions_;
    std::atomic<const EventData*> current_{nullptr};
};

using EventPtr = std::shared_ptr<Event>;

}  // namespace prl
