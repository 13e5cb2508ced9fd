#include "task_history_view.h"
#include "output.h"
#include "session.h"

#include "daemon/task_history.h"
#include "platform/state_root_path.h"

#include <ctime>
#include <stdexcept>

namespace prlshimd_history = prl::daemon;

namespace prlshim {
namespace {

// "2026-12-03 06:01:02" in local time; empty for 0.
std::string local_ms(std::int64_t ms) {
    if (ms <= 0) return {};
    const time_t t = static_cast<time_t>(ms / 1000);
    struct tm tm {};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

// "2026-12-03T06:01:02.345Z"; null for 0.
Json utc_ms(std::int64_t ms) {
    if (ms <= 0) return nullptr;
    const time_t t = static_cast<time_t>(ms / 1000);
    struct tm tm {};
    gmtime_r(&t, &tm);
    char buf[40];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms % 1000));
    return buf;
}

std::unique_ptr<prlshimd_history::TaskHistory> open_history() {
    std::string why;
    const auto root = prl::platform::state_root_path(why);
    if (!root) throw std::runtime_error(why);
    return prlshimd_history::TaskHistory::open(prlshimd_history::task_history_file(*root), false);
}

int show_steps(const prlshimd_history::TaskHistory& history, const HistoryOptions& o) {
    if (!history.find(o.steps_of)) throw std::runtime_error("no task " + o.steps_of + " in the history");
    const auto steps = history.steps(o.steps_of);
    if (o.json) {
        Json a = Json::array();
        for (const auto& s : steps) a.push_back({{"at", utc_ms(s.at)}, {"percent", s.percent}, {"message", s.message}});
        print_json(a);
        return kOk;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : steps) rows.push_back({local_ms(s.at), std::to_string(s.percent) + "%", s.message});
    print_table({{"AT", -19}, {"PERCENT", 7}, {"MESSAGE", 0}}, rows);
    return kOk;
}

}  // namespace

int show_task_history(const HistoryOptions& o) {
    const auto history = open_history();
    if (!o.steps_of.empty()) return show_steps(*history, o);
    const std::int64_t now = prlshimd_history::now_ms();
    const auto tasks = history->list("", o.limit);
    if (o.json) {
        Json a = Json::array();
        for (const auto& t : tasks) {
            a.push_back({{"uuid", t.uuid},
                         {"name", t.name},
                         {"description", t.description},
                         {"owner", t.owner},
                         {"status", prlshimd_history::status_name(t.status)},
                         {"progress", t.progress},
                         {"created", utc_ms(t.created)},
                         {"finished", utc_ms(t.finished)},
                         {"eta", utc_ms(t.eta(now))},
                         {"result_type", t.result_type},
                         {"error_code", t.error_code},
                         {"error_text", t.error_text}});
        }
        print_json(a);
        return kOk;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& t : tasks) {
        // A running task's end is an estimate, marked with '~'.
        std::string end = local_ms(t.eta(now));
        if (!end.empty() && prlshimd_history::is_running(t.status)) end = "~" + end;
        rows.push_back({t.uuid, t.name, prlshimd_history::status_name(t.status), std::to_string(t.progress) + "%",
                        t.owner, local_ms(t.created), end, t.error_text});
    }
    print_table({{"UUID", -38}, {"NAME", -16}, {"STATUS", -10}, {"PROGRESS", 8}, {"OWNER", -10}, {"CREATED", -19},
                 {"ENDED", -20}, {"ERROR", 0}},
                rows);
    return kOk;
}

}  // namespace prlshim
