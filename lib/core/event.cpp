#include "event.h"

namespace prl {

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

EventParamPtr Event::param(const std::string& name) const {
    for (const auto& p : data_.params)
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
