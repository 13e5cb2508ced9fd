// Progress of a backup or restore: a bar when stdout is a terminal, a line per
// ten percent otherwise. Fed by the job's progress events
// (PET_DSP_EVT_BACKUP_PROGRESS_CHANGED / PET_DSP_EVT_RESTORE_PROGRESS_CHANGED,
// parameter progress_changed) and by PrlJob_GetProgress polls.
#pragma once

#include "session.h"

#include <mutex>
#include <string>

namespace prlshim {

class Progress {
public:
    // Listens on the session's server for `event` about `vm_uuid` (any VM when empty).
    Progress(Session& session, std::string label, PRL_EVENT_TYPE event, std::string vm_uuid);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    // A new percentage; thread-safe, never goes back.
    void update(unsigned percent);
    // Ends the bar's line.
    void finish();

private:
    static PRL_RESULT on_event(PRL_HANDLE h, PRL_VOID_PTR self);
    void draw(unsigned percent);

    Session& session_;
    const std::string label_;
    const PRL_EVENT_TYPE event_;
    const std::string vm_uuid_;
    const bool tty_;
    bool registered_ = false;
    std::mutex mutex_;
    int shown_ = -1;
    bool finished_ = false;
};

}  // namespace prlshim
