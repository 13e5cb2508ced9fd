#include "event.h"

namespace prl {

namespace wire {

PRL_PARAM_FIELD_DATA_TYPE sdk_type(int t) noexcept {
    // The original SDK's mapping (PrlEvtPrm_GetType).
    switch (t) {
        case UnsignedInt: return PFD_UINT32;
        case Int64: return PFD_INT64;
        case UInt64: return PFD_UINT64;
        case VmReturnCode:
        case UserResponseOnQuestion:
        case Integer: return PFD_INT32;
        case CData: return PFD_CDATA;
        case MessageShowNextTime:
        case Boolean: return PFD_BOOLEAN;
        case Text:
        case String:
        case Uuid: return PFD_STRING;
        case VmConfiguration:
        case VmLicense: return PFD_ENTITY;
        case VmRuntimeState:
        case VmSmartKernelState:
        case VmGuestToolActiveState:
        case VmDeviceStateData: return PFD_ENUMERATION;
        default: return PFD_UNKNOWN;
    }
}

int from_sdk_type(PRL_PARAM_FIELD_DATA_TYPE type) noexcept {
    switch (type) {
        case PFD_UINT32: return UnsignedInt;
        case PFD_STRING: return String;
        case PFD_INT32: return Integer;
        case PFD_CDATA: return CData;
        case PFD_BOOLEAN: return Boolean;
        case PFD_ENTITY: return VmConfiguration;
        case PFD_ENUMERATION: return VmRuntimeState;
        case PFD_INT64: return Int64;
        case PFD_UINT64: return UInt64;
        case PFD_BINARY: return UnsignedInt;  // what the original's binary parameter says
        default: return DateTime;             // a wire type the original reports as PFD_UNKNOWN
    }
}

}  // namespace wire

namespace {

PRL_PARAM_FIELD_DATA_TYPE type_of(const EventParam::Fields& f) noexcept {
    return f.binary ? PFD_BINARY : wire::sdk_type(f.wire_type);
}

EventParam::Fields make(std::string name, PRL_PARAM_FIELD_DATA_TYPE type, std::string text) {
    EventParam::Fields f;
    f.name = std::move(name);
    f.wire_type = wire::from_sdk_type(type);
    if (type == PFD_BINARY) {
        f.binary = true;
        f.data = std::move(text);
    } else if (type == PFD_CDATA) {
        f.data = text;
        f.text = std::move(text);
    } else {
        f.text = std::move(text);
    }
    return f;
}

}  // namespace

EventParam::EventParam(Fields f) : Object(PHT_EVENT_PARAMETER), f_(std::move(f)), type_(type_of(f_)) {}

EventParam::EventParam(std::string name, PRL_PARAM_FIELD_DATA_TYPE type, std::string text)
    : EventParam(make(std::move(name), type, std::move(text))) {}

EventParam::EventParam(std::string name, ObjectPtr entity) : Object(PHT_EVENT_PARAMETER) {
    f_.name = std::move(name);
    f_.wire_type = wire::VmConfiguration;
    f_.entity = std::move(entity);
    type_ = PFD_ENTITY;
}

std::shared_ptr<EventParam> EventParam::string(std::string name, std::string value) {
    return std::make_shared<EventParam>(std::move(name), PFD_STRING, std::move(value));
}
std::shared_ptr<EventParam> EventParam::int32(std::string name, std::int32_t value) {
    return std::make_shared<EventParam>(std::move(name), PFD_INT32, std::to_string(value));
}
std::shared_ptr<EventParam> EventParam::uint32(std::string name, std::uint32_t value) {
    return std::make_shared<EventParam>(std::move(name), PFD_UINT32, std::to_string(value));
}
std::shared_ptr<EventParam> EventParam::int64(std::string name, std::int64_t value) {
    return std::make_shared<EventParam>(std::move(name), PFD_INT64, std::to_string(value));
}
std::shared_ptr<EventParam> EventParam::uint64(std::string name, std::uint64_t value) {
    return std::make_shared<EventParam>(std::move(name), PFD_UINT64, std::to_string(value));
}
std::shared_ptr<EventParam> EventParam::boolean(std::string name, bool value) {
    return std::make_shared<EventParam>(std::move(name), PFD_BOOLEAN, value ? "1" : "0");
}
std::shared_ptr<EventParam> EventParam::binary(std::string name, std::string bytes) {
    return std::make_shared<EventParam>(std::move(name), PFD_BINARY, std::move(bytes));
}
std::shared_ptr<EventParam> EventParam::cdata(std::string name, std::string value) {
    return std::make_shared<EventParam>(std::move(name), PFD_CDATA, std::move(value));
}
std::shared_ptr<EventParam> EventParam::uuid(std::string name, std::string value) {
    Fields f;
    f.name = std::move(name);
    f.wire_type = wire::Uuid;
    f.text = std::move(value);
    return std::make_shared<EventParam>(std::move(f));
}
std::shared_ptr<EventParam> EventParam::enumeration(std::string name, std::int64_t value) {
    return std::make_shared<EventParam>(std::move(name), PFD_ENUMERATION, std::to_string(value));
}
std::shared_ptr<EventParam> EventParam::entity(std::string name, ObjectPtr object) {
    return std::make_shared<EventParam>(std::move(name), std::move(object));
}

Event::Event(EventData data) : Object(PHT_EVENT) {
    versions_.push_back(std::make_unique<const EventData>(std::move(data)));
    current_.store(versions_.back().get(), std::memory_order_release);
}

void Event::replace(EventData data) {
    auto next = std::make_unique<const EventData>(std::move(data));
    std::lock_guard<std::mutex> lock(mutex_);
    versions_.push_back(std::move(next));
    current_.store(versions_.back().get(), std::memory_order_release);
}

EventParamPtr Event::param(const std::string& name) const {
    for (const auto& p : data().params)
        if (p->name() == name) return p;
    return nullptr;
}

std::shared_ptr<Event> Event::error(PRL_RESULT code, std::string text) {
    EventData d;
    d.type = PET_DSP_EVT_ERROR_MESSAGE;
    d.issuer_type = PIE_DISPATCHER;
    d.error_code = code;
    d.error_text = std::move(text);
    return std::make_shared<Event>(std::move(d));
}

}  // namespace prl
