// PrlEvent_*: reading events (what callbacks and PrlJob_GetError give),
// answering questions, loading an event from XML.
#include "boundary.h"
#include "copy_out.h"
#include "error_text.h"
#include "xml_io.h"

#include "backup/ids.h"
#include "core/event_xml.h"

#include <cstdlib>
#include <cstring>
#include <new>

using namespace prl;
using namespace prl::abi;

namespace {

// Gives `object` to the client, or (like the original) stores
// PRL_INVALID_HANDLE and answers PRL_ERR_INVALID_HANDLE when there is none.
PRL_RESULT give_or_invalid(const ObjectPtr& object, PRL_HANDLE_PTR out) {
    out_ptr(out);
    if (!object) {
        *out = PRL_INVALID_HANDLE;
        return PRL_ERR_INVALID_HANDLE;
    }
    give(object, out);
    return PRL_ERR_SUCCESS;
}

// The code's description with %1..%9 replaced by the event's
// vm_message_param_0..8 values, as the original fills its message templates.
std::string describe(const EventData& d, bool brief) {
    std::string text = result_description(d.error_code, brief);
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 1 < text.size() && text[i + 1] >= '1' && text[i + 1] <= '9') {
            const std::string name = "vm_message_param_" + std::to_string(text[i + 1] - '1');
            for (const auto& p : d.params) {
                if (p->name() == name) {
                    out += p->text();
                    ++i;
                    goto next;
                }
            }
        }
        out += text[i];
    next:;
    }
    return out;
}

}  // namespace

extern "C" {

PRL_RESULT PrlEvent_GetType(PRL_HANDLE hEvent, PRL_EVENT_TYPE_PTR type) {
    return sync([&] {
        auto event = handle_cast<Event>(hEvent);
        enum_out(out_ptr(type), event->data().type);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlEvent_GetDataPtr(PRL_HANDLE hEvent, PRL_VOID_PTR_PTR data_ptr) {
    return sync([&] {
        auto event = handle_cast<Event>(hEvent);
        out_ptr(data_ptr);
        // The original hands out the event's XML, malloc'ed (PrlBuffer_Free).
        *data_ptr = malloc_copy(xml::to_xml(*event));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlEvent_GetServer(PRL_HANDLE hEvent, PRL_HANDLE_PTR server) {
    return sync([&] {
        auto event = handle_cast<Event>(hEvent);
        return give_or_invalid(event->data().server, server);
    });
}

PRL_RESULT PrlEvent_GetVm(PRL_HANDLE hEvent, PRL_HANDLE_PTR pVm) {
    return sync([&] {
        auto event = handle_cast<Event>(hEvent);
        return give_or_invalid(event->data().vm, pVm);
    });
}

PRL_RESULT PrlEvent_GetJob(PRL_HANDLE hEvent, PRL_HANDLE_PTR pJob) {
    return sync([&] {
        auto event = handle_cast<Event>(hEvent);
        out_ptr(pJob);
        if (!event->data().job) {
            *pJob = PRL_INVALID_HANDLE;
            return PRL_ERR_UNINITIALIZED;  // the original's answer when no job is bound
        }
        give(event->data().job, pJob);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlEvent_GetParamsCount(PRL_HANDLE hEvent, PRL_UINT32_PTR pnParamsCount) {
    return sync([&] {
        auto event = handle_cast<Event>(hEvent);
        *out_ptr(pnParamsCount) = static_cast<PRL_UINT32>(event->data().params.size());
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlEvent_GetParam(PRL_HANDLE hEvent, PRL_UINT32 nIndex, PRL_HANDLE_PTR phEventParam) {
    return sync([&] {
        auto event = handle_cast<Event>(hEvent);
        out_ptr(phEventParam);
        const auto& params = event->data().params;
        require(nIndex < params.size(), PRL_ERR_INVALID_ARG, "parameter index out of range");
        give(params[nIndex], phEventParam);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlEvent_GetParamByName(PRL_HANDLE hEvent, PRL_CONST_STR sParamName, PRL_HANDLE_PTR phEventParam) {
    return sync([&] {
        auto event = handle_cast<Event>(hEvent);
        out_ptr(sParamName);
        out_ptr(phEventParam);
        EventParamPtr p = event->param(sParamName);
        if (!p) return PRL_ERR_NO_DATA;
        give(p, phEventParam);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlEvent_GetErrCode(PRL_HANDLE hEvent, PRL_RESULT_PTR pnErrCode) {
    return sync([&] {
        auto event = handle_cast<Event>(hEvent);
        *out_ptr(pnErrCode) = event->data().error_code;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlEvent_GetErrString(PRL_HANDLE hEvent, PRL_BOOL bIsBriefMessage, PRL_BOOL bFormated,
                                 PRL_STR sErrString, PRL_UINT32_PTR pnErrStringBufLength) {
    return sync([&] {
        auto event = handle_cast<Event>(hEvent);
        out_ptr(pnErrStringBufLength);
        (void)bFormated;  // prlshim's texts have no separate formatted (HTML) form
        const EventData& d = event->data();
        const std::string text = d.error_text.empty() ? describe(d, bIsBriefMessage != PRL_FALSE) : d.error_text;
        return copy_out(text, sErrString, pnErrStringBufLength);
    });
}

PRL_RESULT PrlEvent_CanBeIgnored(PRL_HANDLE hEvent, PRL_BOOL_PTR pbCanBeIgnored) {
    return sync([&] {
        auto event = handle_cast<Event>(hEvent);
        const EventData& d = event->data();
        *out_ptr(pbCanBeIgnored) = (d.can_be_ignored || message_can_be_ignored(d.error_code)) ? PRL_TRUE : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlEvent_IsAnswerRequired(PRL_HANDLE hEvent, PRL_BOOL_PTR pbIsAnswerRequired) {
    return sync([&] {
        auto event = handle_cast<Event>(hEvent);
        *out_ptr(pbIsAnswerRequired) = event->data().answer_required ? PRL_TRUE : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlEvent_GetIssuerType(PRL_HANDLE hEvent, PRL_EVENT_ISSUER_TYPE_PTR pnIssuerType) {
    return sync([&] {
        auto event = handle_cast<Event>(hEvent);
        enum_out(out_ptr(pnIssuerType), event->data().issuer_type);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlEvent_GetIssuerId(PRL_HANDLE hEvent, PRL_STR sIssuerId, PRL_UINT32_PTR pnIssuerIdBufLength) {
    return sync([&] {
        auto event = handle_cast<Event>(hEvent);
        out_ptr(pnIssuerIdBufLength);
        return copy_out(event->data().issuer_id, sIssuerId, pnIssuerIdBufLength);
    });
}

PRL_RESULT PrlEvent_CreateAnswerEvent(PRL_HANDLE hEvent, PRL_HANDLE_PTR phEvent, PRL_RESULT nAnswer) {
    return sync([&] {
        auto question = handle_cast<Event>(hEvent);
        out_ptr(phEvent);
        EventData q = question->data();
        if (q.request_id.empty()) {
            // A question bound to no request gets one, so every answer to it
            // (and the question itself) names the same request.
            q.request_id = backup::new_uuid();
            question->replace(q);
        }
        // The answer as the original builds it: the question's issuer and
        // request, code PET_DSP_EVT_VM_QUESTION, type left at the model's
        // default, and two parameters: vm_uuid and the choice.
        EventData a;
        a.type = PET_VM_INF_UNINITIALIZED_EVENT_CODE;
        a.error_code = PET_DSP_EVT_VM_QUESTION;
        a.issuer_type = q.issuer_type;
        a.issuer_id = q.issuer_id;
        a.request_id = q.request_id;
        a.params.push_back(EventParam::string("vm_uuid", q.issuer_id));
        a.params.push_back(EventParam::uint32("vm_message_choice_0", static_cast<std::uint32_t>(nAnswer)));
        give(std::make_shared<Event>(std::move(a)), phEvent);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlEvent_FromString(PRL_HANDLE hEvent, PRL_CONST_STR sEvent) {
    return sync([&] {
        auto event = handle_cast<Event>(hEvent);
        out_ptr(sEvent);
        load_event(*event, sEvent);
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
