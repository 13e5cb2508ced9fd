#include "progress.h"

#include "output.h"

#include <cstdio>

namespace prlshim {

Progress::Progress(Session& session, std::string label, PRL_EVENT_TYPE event, std::string vm_uuid)
    : session_(session), label_(std::move(label)), event_(event), vm_uuid_(std::move(vm_uuid)), tty_(stdout_is_tty()) {
    registered_ = PRL_SUCCEEDED(PrlSrv_RegEventHandler(session_.server(), &Progress::on_event, this));
}

Progress::~Progress() {
    // Waits for a callback in flight, so `this` stays valid until then.
    if (registered_) PrlSrv_UnregEventHandler(session_.server(), &Progress::on_event, this);
    finish();
}

PRL_RESULT Progress::on_event(PRL_HANDLE h, PRL_VOID_PTR self_ptr) {
    Handle item(h);  // the callback owns this reference
    auto* self = static_cast<Progress*>(self_ptr);
    PRL_HANDLE_TYPE type;
    PRL_EVENT_TYPE event_type;
    if (PRL_FAILED(PrlHandle_GetType(item, &type)) || type != PHT_EVENT) return PRL_ERR_SUCCESS;
    if (PRL_FAILED(PrlEvent_GetType(item, &event_type)) || event_type != self->event_) return PRL_ERR_SUCCESS;
    if (!self->vm_uuid_.empty()) {
        char issuer[128] = "";
        PRL_UINT32 len = sizeof issuer;
        if (PRL_SUCCEEDED(PrlEvent_GetIssuerId(item, issuer, &len)) && issuer[0] && self->vm_uuid_ != issuer)
            return PRL_ERR_SUCCESS;
    }
    Handle param;
    PRL_UINT32 percent = 0;
    if (PRL_SUCCEEDED(PrlEvent_GetParamByName(item, "progress_changed", param.out())) &&
        PRL_SUCCEEDED(PrlEvtPrm_ToUint32(param, &percent)))
        self->update(percent);
    return PRL_ERR_SUCCESS;
}

void Progress::update(unsigned percent) {
    if (percent > 100) percent = 100;
    std::lock_guard<std::mutex> lock(mutex_);
    if (finished_ || static_cast<int>(percent) <= shown_) return;
    draw(percent);
}

void Progress::draw(unsigned percent) {
    if (tty_) {
        constexpr unsigned kWidth = 40;
        const unsigned filled = percent * kWidth / 100;
        std::string bar(filled, '#');
        bar.append(kWidth - filled, '-');
        std::printf("\r%s [%s] %3u%%", label_.c_str(), bar.c_str(), percent);
        shown_ = static_cast<int>(percent);
    } else {
        // Plain lines: one per ten percent reached.
        const int step = static_cast<int>(percent / 10 * 10);
        if (step <= shown_ && percent != 100) return;
        std::printf("%s progress: %d%%\n", label_.c_str(), percent == 100 ? 100 : step);
        shown_ = percent == 100 ? 100 : step;
    }
    std::fflush(stdout);
}

void Progress::finish() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (finished_) return;
    finished_ = true;
    if (tty_ && shown_ >= 0) {
        std::printf("\n");
        std::fflush(stdout);
    }
}

}  // namespace prlshim
