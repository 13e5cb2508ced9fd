// bench_core: the core object model against the targets of docs/performance.md.
//   handle lookup (PrlHandle_GetType), strings list create+free, job round
//   trip and throughput, event delivery throughput and latency.
// Each figure is the median of 5 runs. `--quick` runs tiny sizes (for ctest).
#include "core/event.h"
#include "core/event_bus.h"
#include "core/executor.h"
#include "core/handle_table.h"

#include <Virtuozzo.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>

using namespace prl;
using Clock = std::chrono::steady_clock;

namespace {

bool quick = false;

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Runs `body(n)` 5 times and returns the median of seconds / n (per operation).
double per_op(std::size_t n, const std::function<void(std::size_t)>& body) {
    std::vector<double> runs;
    for (int r = 0; r < 5; ++r) {
        const auto t0 = Clock::now();
        body(n);
        runs.push_back(std::chrono::duration<double>(Clock::now() - t0).count() / static_cast<double>(n));
    }
    return median(runs);
}

void report(const char* what, double value, const char* unit, const char* target) {
    std::printf("%-52s %12.3f %-8s target %s\n", what, value, unit, target);
}

void bench_get_type() {
    PRL_HANDLE list;
    PrlApi_CreateStringsList(&list);
    const std::size_t n = quick ? 1000 : 20000000;
    PRL_HANDLE_TYPE type;
    const double s = per_op(n, [&](std::size_t k) {
        for (std::size_t i = 0; i < k; ++i) PrlHandle_GetType(list, &type);
    });
    PrlHandle_Free(list);
    report("PrlHandle_GetType", s * 1e9, "ns", "<= 15 ns");
}

void bench_list_create_free() {
    const std::size_t n = quick ? 1000 : 2000000;
    const double s = per_op(n, [](std::size_t k) {
        PRL_HANDLE list;
        for (std::size_t i = 0; i < k; ++i) {
            PrlApi_CreateStringsList(&list);
            PrlHandle_Free(list);
        }
    });
    report("PrlApi_CreateStringsList + PrlHandle_Free", s * 1e9, "ns", "<= 150 ns");
}

// A no-op job through the executor, as a client sees it: a job handle is
// given out, the client waits on it and frees it.
void noop_job_round_trip() {
    auto job = std::make_shared<Job>(PJOC_UNKNOWN);
    const PRL_HANDLE h = to_handle(HandleTable::instance().issue(job));
    Executor::instance().submit(job, [](Job&) -> ResultPtr { return nullptr; });
    PrlJob_Wait(h, UINT32_MAX);
    PrlHandle_Free(h);
}

void bench_jobs() {
    const std::size_t n = quick ? 200 : 200000;
    const double s = per_op(n, [](std::size_t k) {
        for (std::size_t i = 0; i < k; ++i) noop_job_round_trip();
    });
    report("no-op job submit+finish+wait+free, 1 client", s * 1e6, "us", "<= 20 us");

    const double s2 = per_op(n, [](std::size_t k) {
        std::thread a([&] { for (std::size_t i = 0; i < k / 2; ++i) noop_job_round_trip(); });
        std::thread b([&] { for (std::size_t i = 0; i < k / 2; ++i) noop_job_round_trip(); });
        a.join();
        b.join();
    });
    report("no-op jobs/s, 2 client threads", 1.0 / s2, "jobs/s", ">= 100,000");

    const double s3 = per_op(n, [](std::size_t k) {
        for (std::size_t i = 0; i < k; ++i) {
            PRL_HANDLE job = PrlVm_Start(PRL_INVALID_HANDLE);  // argument error: finished without a hand-off
            PrlJob_Wait(job, UINT32_MAX);
            PrlHandle_Free(job);
        }
    });
    report("job finished in the caller (no hand-off) round trip", s3 * 1e6, "us", "(reference)");
}

struct Sink {
    std::atomic<std::size_t> count{0};
    std::vector<double>* latencies = nullptr;
    Clock::time_point* sent_at = nullptr;
    static PRL_RESULT handler(PRL_HANDLE h, void* self) {
        auto* sink = static_cast<Sink*>(self);
        if (sink->latencies)
            sink->latencies->push_back(std::chrono::duration<double>(Clock::now() - *sink->sent_at).count());
        PrlHandle_Free(h);
        sink->count.fetch_add(1, std::memory_order_release);
        return PRL_ERR_SUCCESS;
    }
};

void bench_events() {
    auto source = std::make_shared<HandlerRegistry>();
    Sink sink;
    source->add(&Sink::handler, &sink);
    auto event = std::make_shared<Event>(EventData{});
    const std::size_t n = quick ? 1000 : 1000000;
    const double s = per_op(n, [&](std::size_t k) {
        const std::size_t start = sink.count.load();
        for (std::size_t i = 0; i < k; ++i) EventBus::instance().post(source, event);
        while (sink.count.load(std::memory_order_acquire) < start + k) std::this_thread::yield();
    });
    report("event delivery to one callback", 1.0 / s, "events/s", ">= 1,000,000");

    // Latency: one event at a time, emission to callback.
    std::vector<double> latencies;
    Clock::time_point sent_at;
    sink.latencies = &latencies;
    sink.sent_at = &sent_at;
    const std::size_t m = quick ? 100 : 20000;
    for (std::size_t i = 0; i < m; ++i) {
        const std::size_t before = sink.count.load();
        sent_at = Clock::now();
        EventBus::instance().post(source, event);
        while (sink.count.load(std::memory_order_acquire) == before) std::this_thread::yield();
        if (i % 64 == 63) std::this_thread::sleep_for(std::chrono::microseconds(300));  // let the dispatcher park sometimes
    }
    sink.latencies = nullptr;
    source->remove(&Sink::handler, &sink);
    report("event emission -> callback latency, median", median(latencies) * 1e6, "us", "<= 50 us");
    std::sort(latencies.begin(), latencies.end());
    report("event emission -> callback latency, p99", latencies[latencies.size() * 99 / 100] * 1e6, "us",
           "(reference)");
}

}  // namespace

int main(int argc, char** argv) {
    quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    if (PRL_FAILED(PrlApi_InitEx(PARALLELS_API_VER, PAM_SERVER, 0, 0))) return 1;
    std::printf("%-52s %12s %-8s\n", "benchmark (median of 5)", "value", "unit");
    bench_get_type();
    bench_list_create_free();
    bench_jobs();
    bench_events();
    PrlApi_Deinit();
    return 0;
}
