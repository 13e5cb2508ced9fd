// events (follow events live until interrupted) and tasks (running tasks).
#include "commands.h"
#include "interrupt.h"
#include "output.h"
#include "task_history_view.h"

#include <atomic>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>
#include <mutex>

namespace prlshim {
namespace {

// ---- events ----

struct EventsOptions {
    bool json = false;
    unsigned count = 0;  // 0: until interrupted
};

struct EventPrinter {
    bool json = false;
    std::mutex mutex;
    std::atomic<unsigned> printed{0};

    static std::string now() {
        const time_t t = time(nullptr);
        struct tm tm {};
        gmtime_r(&t, &tm);
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
        return buf;
    }

    static std::string issuer_type_name(PRL_EVENT_ISSUER_TYPE t) {
        switch (t) {
            case PIE_VIRTUAL_MACHINE: return "vm";
            case PIE_DISPATCHER: return "dispatcher";
            case PIE_IO_SERVICE: return "io_service";
            case PIE_WEB_SERVICE: return "web_service";
            default: return "unknown";
        }
    }

    static PRL_RESULT on_event(PRL_HANDLE h, PRL_VOID_PTR self) {
        Handle item(h);  // the callback owns this reference
        PRL_HANDLE_TYPE type;
        if (PRL_FAILED(PrlHandle_GetType(item, &type)) || type != PHT_EVENT) return PRL_ERR_SUCCESS;
        static_cast<EventPrinter*>(self)->print(item);
        return PRL_ERR_SUCCESS;
    }

    void print(PRL_HANDLE event) {
        PRL_EVENT_TYPE et = PET_VM_INF_UNINITIALIZED_EVENT_CODE;
        PrlEvent_GetType(event, &et);
        PRL_EVENT_ISSUER_TYPE it = PIE_UNKNOWN;
        PrlEvent_GetIssuerType(event, &it);
        std::string issuer;
        try {
            issuer = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlEvent_GetIssuerId(event, b, l); }, "issuer");
        } catch (const Failure&) {
        }
        Json params = Json::object();
        std::string text;
        PRL_UINT32 n = 0;
        PrlEvent_GetParamsCount(event, &n);
        for (PRL_UINT32 i = 0; i < n; ++i) {
            Handle p;
            if (PRL_FAILED(PrlEvent_GetParam(event, i, p.out()))) continue;
            std::string name, value;
            try {
                name = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlEvtPrm_GetName(p, b, l); }, "name");
                value = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlEvtPrm_ToString(p, b, l); }, "value");
            } catch (const Failure&) {
                continue;
            }
            params[name] = value;
            text += " " + name + "=" + value;
        }
        std::lock_guard<std::mutex> lock(mutex);
        if (json) {
            const Json line{{"time", now()},
                             {"type", static_cast<unsigned>(et)},
                             {"type_name", event_type_name(et)},
                             {"issuer_type", issuer_type_name(it)},
                             {"issuer_id", issuer},
                             {"params", params}};
            std::printf("%s\n", line.dump().c_str());
        } else {
            std::printf("%s %s issuer=%s:%s%s\n", now().c_str(), event_type_name(et).c_str(),
                        issuer_type_name(it).c_str(), issuer.c_str(), text.c_str());
        }
        std::fflush(stdout);
        ++printed;
    }
};

int events(Session& s, const EventsOptions& o) {
    auto printer = std::make_unique<EventPrinter>();
    printer->json = o.json;
    check(PrlSrv_RegEventHandler(s.server(), &EventPrinter::on_event, printer.get()),
          "Failed to register the event handler");
    if (!o.json) {
        std::fprintf(stderr, "Following events; press Ctrl-C to stop.\n");
    }
    while (!interrupt::requested() && (o.count == 0 || printer->printed < o.count)) interrupt::sleep_ms(100);
    // Returns once a callback in flight has finished, so the printer may go.
    PrlSrv_UnregEventHandler(s.server(), &EventPrinter::on_event, printer.get());
    return kOk;
}

// ---- tasks ----

std::string task_type_name(PRL_RUNNING_TASK_TYPE_ENUM t) {
    switch (t) {
        case RTT_RUNNING_TASK_CREATE_VM: return "create_vm";
        case RTT_RUNNING_TASK_REGISTER_VM: return "register_vm";
        case RTT_RUNNING_TASK_CLONE_VM: return "clone_vm";
        case RTT_RUNNING_TASK_DELETE_VM: return "delete_vm";
        case RTT_RUNNING_TASK_UNREG_VM: return "unregister_vm";
        case RTT_RUNNING_TASK_CREATE_IMAGE: return "create_image";
        case RTT_RUNNING_TASK_RESTORE_VM: return "restore_vm";
        case RTT_RUNNING_TASK_MIGRATE_VM: return "migrate_vm";
        case RTT_RUNNING_TASK_COPY_IMAGE: return "copy_image";
        default: return "unknown";
    }
}

int tasks(Session& s, bool json) {
    Handle login = s.login_response();
    PRL_UINT32 n = 0;
    check(PrlLoginResponse_GetRunningTaskCount(login, &n), "Failed to get the running tasks");
    Json a = Json::array();
    std::vector<std::vector<std::string>> rows;
    for (PRL_UINT32 i = 0; i < n; ++i) {
        Handle task;
        check(PrlLoginResponse_GetRunningTaskByIndex(login, i, task.out()), "Failed to get the running tasks");
        const std::string uuid = get_string(
            [&](PRL_STR b, PRL_UINT32_PTR l) { return PrlRunningTask_GetTaskUuid(task, b, l); }, "Failed to read a task");
        PRL_RUNNING_TASK_TYPE_ENUM type = RTT_RUNNING_TASK_UNKNOWN;
        check(PrlRunningTask_GetTaskType(task, &type), "Failed to read a task");
        const std::string params = get_string(
            [&](PRL_STR b, PRL_UINT32_PTR l) { return PrlRunningTask_GetTaskParametersAsString(task, b, l); },
            "Failed to read a task");
        a.push_back({{"uuid", uuid}, {"type", task_type_name(type)}, {"parameters", params}});
        rows.push_back({uuid, task_type_name(type), params});
    }
    if (json) {
        print_json(a);
    } else {
        print_table({{"UUID", -38}, {"TYPE", -14}, {"PARAMETERS", -20}}, rows);
    }
    return kOk;
}

}  // namespace

void add_misc_commands(CLI::App& app, Registry& r) {
    {
        auto o = std::make_shared<EventsOptions>();
        auto* sub = app.add_subcommand("events", "Follow events live until interrupted (Ctrl-C)");
        sub->add_flag("-j,--json", o->json, "One JSON object per line (docs/cli-json.md)");
        sub->add_option("--count", o->count, "Stop after this many events");
        r.emplace_back(sub, [o](Session& s) { return events(s, *o); });
    }
    {
        auto o = std::make_shared<HistoryOptions>();
        auto history = std::make_shared<bool>(false);
        auto* sub = app.add_subcommand("tasks", "List the running tasks of this session's user, or prlshimd's task history");
        sub->add_flag("-j,--json", o->json, "JSON output (docs/cli-json.md)");
        sub->add_flag("--history", *history, "prlshimd's history of this state root: every task, newest first");
        sub->add_option("--limit", o->limit, "With --history: at most this many tasks (default 50)")->check(CLI::Range(1u, 1000000u));
        sub->add_option("--steps", o->steps_of, "The progress steps a task logged (log=\"on\", PRLSHIM_LOG_PROGRESS=1)");
        r.emplace_back(sub, [o, history](Session& s) {
            return *history || !o->steps_of.empty() ? show_task_history(*o) : tasks(s, o->json);
        });
    }
}

}  // namespace prlshim
