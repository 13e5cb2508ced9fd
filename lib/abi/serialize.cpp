// PrlHandle_ToString / PrlHandle_FromString / PrlResult_FromString: objects
// to and from XML (format: docs/event-xml.md).
//
// The original gives XML for the handle types whose objects have an XML model
// (configurations, VM info, ...) and PRL_ERR_UNIMPLEMENTED for the rest; for
// events and results it had none. prlshim writes and reads events and results
// (the same XML PrlEvent_GetDataPtr gives) and answers PRL_ERR_UNIMPLEMENTED
// for other types until they have an XML form.
#include "boundary.h"
#include "object_text.h"
#include "xml_io.h"

#include "core/event_xml.h"

#include <cstdlib>
#include <cstring>
#include <new>

using namespace prl;
using namespace prl::abi;

namespace prl::abi {

void* malloc_copy(const std::string& text) {
    void* p = std::malloc(text.size() + 1);
    if (!p) throw std::bad_alloc();
    std::memcpy(p, text.data(), text.size());
    static_cast<char*>(p)[text.size()] = '\0';
    return p;
}

namespace {

// The C string, refused (not read further) beyond the size limit.
std::string_view bounded(PRL_CONST_STR xml) {
    return std::string_view(xml, strnlen(xml, xml::kMaxInputSize + 1));
}

}  // namespace

void load_event(Event& event, PRL_CONST_STR text) {
    EventData d = xml::event_from_xml(bounded(text));
    // The live links stay: the event still came through the same server,
    // concerns the same VM and belongs to the same job.
    const EventData& old = event.data();
    d.server = old.server;
    d.vm = old.vm;
    d.job = old.job;
    event.replace(std::move(d));
}

void load_result(Result& result, PRL_CONST_STR text) { result.replace(xml::result_from_xml(bounded(text))); }

}  // namespace prl::abi

extern "C" {

PRL_RESULT PrlHandle_ToString(PRL_HANDLE hHandle, PRL_VOID_PTR_PTR ppXml) {
    return sync([&] {
        auto object = handle_cast<Object>(hHandle);
        out_ptr(ppXml);
        if (xml::serialisable(*object)) {
            *ppXml = malloc_copy(xml::object_to_xml(*object));
        } else if (auto text = object_text(*object)) {  // licence, login response
            *ppXml = malloc_copy(*text);
        } else {
            return PRL_ERR_UNIMPLEMENTED;
        }
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlHandle_FromString(PRL_HANDLE hHandle, PRL_CONST_STR sXml) {
    return sync([&] {
        auto object = handle_cast<Object>(hHandle);
        out_ptr(sXml);
        switch (object->type()) {
            case PHT_EVENT: load_event(static_cast<Event&>(*object), sXml); break;
            case PHT_RESULT: load_result(static_cast<Result&>(*object), sXml); break;
            default: return PRL_ERR_UNIMPLEMENTED;
        }
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlResult_FromString(PRL_HANDLE hResult, PRL_CONST_STR sResult) {
    return sync([&] {
        auto result = handle_cast<Result>(hResult);
        out_ptr(sResult);
        load_result(*result, sResult);
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
